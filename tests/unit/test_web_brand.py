"""The brand profile on the review desk: GET /api/brand, PUT /api/brand/corrections and the admin page's section."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nmo.brand import BrandProfile, BrandStore
from nmo.brand.profile import Competitor, Product, SourceRef
from nmo.brand.store import CORRECTIONS
from nmo.config import Settings

EXTRACTED = BrandProfile(
    brand="青禾",
    products=[Product(name="燕麦拿铁", price=15, spec="350ml",
                      source=SourceRef(source_path="qinghe/guide.md", heading="价目", quote="燕麦拿铁 350ml 15 元"))],
    competitors=[Competitor(name="麦田日记", source=SourceRef(source_path="qinghe/competitors/maitian.md"))],
)
CORRECTED = "products:\n  - {name: 燕麦拿铁, price: 16, spec: 350ml}\n"
YAML = {"Content-Type": "application/yaml"}
SAME_SITE = {"Origin": "http://testserver"}  # what a browser adds to a request from the page itself


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "home", backend="offline", collection="qinghe")
    BrandStore.for_settings(settings).save_extracted(EXTRACTED)
    return settings


def auth(tokens: dict[str, str], name: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[name]}", **headers}


def test_the_profile_is_served_with_its_sources_to_every_signed_in_role(
    client: TestClient, tokens: dict[str, str]
) -> None:
    for who in ("ops", "lee", "root"):
        profile = client.get("/api/brand", headers=auth(tokens, who)).json()
        assert profile["brand"] == "青禾" and profile["products"][0]["price"] == 15.0
        assert profile["products"][0]["source"]["source_path"] == "qinghe/guide.md"
        assert "pillars" in profile["missing"] and profile["corrected"] == []


def test_an_admin_correction_is_used_at_once_and_lands_in_the_audit_log(
    client: TestClient, tokens: dict[str, str], settings: Settings
) -> None:
    service = client.app.state.desk.service  # type: ignore[attr-defined]
    gate_before = service.context.gate
    saved = client.put("/api/brand/corrections", content=CORRECTED.encode(), headers=auth(tokens, "root", **YAML))
    assert saved.status_code == 200, saved.text
    assert service.context.gate is not gate_before  # the next run's gate is built from the corrected profile
    assert saved.json()["changes"] == {"corrected": ["products"], "changed": ["products"], "back_to_extraction": []}
    profile = client.get("/api/brand", headers=auth(tokens, "lee")).json()
    assert profile["products"][0]["price"] == 16.0 and profile["corrected"] == ["products"]
    assert [c["name"] for c in profile["competitors"]] == ["麦田日记"]  # not corrected: extraction still fills it
    (entry, *_) = client.get("/api/audit", headers=auth(tokens, "root")).json()
    assert entry["actor"] == "root" and entry["action"] == "brand_correct"
    assert "products (changed)" in entry["note"] and entry["hash_after"]
    assert BrandStore.for_settings(settings).corrections() is not None  # what `nmo brand show` will read too


@pytest.mark.parametrize("who", ["ops", "lee"])
def test_only_admins_correct_the_profile(client: TestClient, tokens: dict[str, str], who: str) -> None:
    denied = client.put("/api/brand/corrections", content=CORRECTED.encode(), headers=auth(tokens, who, **YAML))
    assert denied.status_code == 403
    assert client.get("/api/brand", headers=auth(tokens, who)).json()["products"][0]["price"] == 15.0
    assert all(e["action"] != "brand_correct" for e in client.get("/api/audit", headers=auth(tokens, "root")).json())


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"products: [\n", "not valid UTF-8 YAML"),
        (b"launches: []\n", "launches"),
        ("products:\n  - {name: 燕麦拿铁, price: 十五元}\n".encode(), "products.0.price"),
        ("products: []\n".encode("utf-16"), "不是 UTF-8"),
    ],
)
def test_a_bad_correction_is_explained_in_chinese_and_changes_nothing(
    client: TestClient, tokens: dict[str, str], body: bytes, needle: str
) -> None:
    refused = client.put("/api/brand/corrections", content=body, headers=auth(tokens, "root", **YAML))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert needle in error["zh_problem"] and error["zh_fix"]
    assert client.get("/api/brand", headers=auth(tokens, "root")).json()["products"][0]["price"] == 15.0
    assert all(e["action"] != "brand_correct" for e in client.get("/api/audit", headers=auth(tokens, "root")).json())


def test_the_admin_page_shows_the_profile_and_the_yaml_to_correct(client: TestClient, tokens: dict[str, str]) -> None:
    client.post("/api/session", json={"token": tokens["root"]})
    page = client.get("/admin").text
    assert "品牌档案" in page and "燕麦拿铁 · 350ml · 15 元" in page and "qinghe/guide.md › 价目" in page
    assert "自动提取" in page and "未找到：内容支柱 — 在品牌资料里补充，或用 nmo brand import 更正" in page
    assert 'id="brand-yaml"' in page and "price: 15.0" in page and "source_path: qinghe/guide.md" in page
    assert client.get("/static/admin.js").status_code == 200

    # the page's session cookie, sent from the page itself (a browser adds the Origin header)
    client.put("/api/brand/corrections", content=CORRECTED.encode(), headers={**YAML, **SAME_SITE})
    page = client.get("/admin?brand_saved=1").text
    assert "16 元" in page and "团队更正" in page and "更正已保存" in page and "更正品牌档案" in page

    client.post("/api/session", json={"token": tokens["lee"]})
    assert client.get("/admin", headers={"Accept": "text/html"}).status_code == 403


def test_corrections_that_no_longer_read_are_shown_to_fix_on_the_admin_page(
    client: TestClient, tokens: dict[str, str], settings: Settings
) -> None:
    kept = BrandStore.for_settings(settings).folder / CORRECTIONS
    kept.write_text("products:\n  - {name: 燕麦拿铁, colour: red}\n", "utf-8")  # edited by hand behind nmo's back
    client.post("/api/session", json={"token": tokens["root"]})
    page = client.get("/admin")
    assert page.status_code == 200
    assert "团队更正文件读不出来" in page.text and "products.0.colour" in page.text
    assert "colour: red" in page.text and "燕麦拿铁 · 350ml · 15 元" in page.text  # the broken text, to fix it

    fixed = client.put("/api/brand/corrections", content=CORRECTED.encode(), headers={**YAML, **SAME_SITE})
    assert fixed.status_code == 200 and fixed.json()["profile"]["products"][0]["price"] == 16.0
    assert "团队更正文件读不出来" not in client.get("/admin").text
