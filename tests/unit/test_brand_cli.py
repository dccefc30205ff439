"""`nmo brand …` and the profile built at ingest, through the CLI runner on a real ingest of a small brand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nmo.brand.profile import BrandProfile, Competitor, Product, SourceRef
from nmo.cli.main import app
from nmo.schemas import SourceDocument
from typer.testing import CliRunner


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NMO_COLLECTION", "qinghe")
    monkeypatch.delenv("NMO_CHROMA_URL", raising=False)
    return tmp_path / "home"


def scripted_extraction(documents: list[SourceDocument]) -> BrandProfile:
    """Stands in for the offline extractor (built elsewhere): one product read from the guide, one competitor
    per competitor note, each citing the document it came from."""
    guide = next(d for d in documents if d.kind == "brand")
    price = 15.0 if "15 元" in guide.text else 18.0
    return BrandProfile(
        brand="青禾",
        products=[Product(name="燕麦拿铁", price=price, spec="350ml",
                          source=SourceRef(source_path=guide.path, heading="价目", quote=guide.text[:40]))],
        competitors=[Competitor(name=d.title, source=SourceRef(source_path=d.path, heading=d.title))
                     for d in documents if d.kind == "competitor"],
    )


@pytest.fixture()
def extraction(monkeypatch: pytest.MonkeyPatch) -> list[list[SourceDocument]]:
    """The scripted extractor in place of the real one; records the documents each ingest handed it."""
    calls: list[list[SourceDocument]] = []

    def extract(documents: list[SourceDocument]) -> BrandProfile:
        calls.append(documents)
        return scripted_extraction(documents)

    monkeypatch.setattr("nmo.brand.extract.extract_profile", extract)
    return calls


def brand_folder(root: Path) -> Path:
    (root / "brand").mkdir(parents=True)
    (root / "competitors").mkdir()
    (root / "brand" / "guide.md").write_text("# 青禾手册\n\n## 价目\n\n燕麦拿铁 350ml，15 元。", encoding="utf-8")
    (root / "competitors" / "maitian.md").write_text("# 麦田日记\n\n主打全麦面包。", encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_ingest_builds_the_profile_and_show_says_where_each_entry_was_read(
    home: Path, tmp_path: Path, extraction: list[list[SourceDocument]]
) -> None:
    folder = brand_folder(tmp_path / "qinghe")
    code, out = run("kb", "ingest", str(folder), "--json")
    assert code == 0, out
    profile = json.loads(out)["profile"]
    assert (profile["products"], profile["competitors"], profile["pillars"]) == (1, 1, 0)
    assert "pillars" in profile["missing"] and "products" not in profile["missing"]
    assert sorted(d.path for d in extraction[-1]) == ["qinghe/brand/guide.md", "qinghe/competitors/maitian.md"]

    code, out = run("brand", "show")
    assert code == 0, out
    assert "燕麦拿铁 · 350ml · 15 元" in out and "qinghe/brand/guide.md › 价目" in out
    assert "麦田日记" in out and "自动提取" in out
    assert "未找到：内容支柱 — 在品牌资料里补充，或用 nmo brand import 更正" in out

    shown = json.loads(run("brand", "show", "--json")[1])
    assert shown["products"][0]["source"]["source_path"] == "qinghe/brand/guide.md"
    assert shown["corrected"] == [] and "pillars" in shown["missing"]

    code, out = run("kb", "ingest", str(folder))
    assert code == 0 and "brand profile: 1 products · 0 pillars · 1 competitors" in out
    assert "not found: " in out and "pillars" in out


def test_corrections_are_loaded_shown_as_the_teams_and_survive_the_next_ingest(
    home: Path, tmp_path: Path, extraction: list[list[SourceDocument]]
) -> None:
    folder = brand_folder(tmp_path / "qinghe")
    assert run("kb", "ingest", str(folder))[0] == 0
    exported = tmp_path / "profile.yaml"
    code, out = run("brand", "export", str(exported))
    assert code == 0 and "nmo brand import" in out
    text = exported.read_text("utf-8")
    assert "price: 15.0" in text
    exported.write_text(text.replace("price: 15.0", "price: 16.0"), "utf-8")

    code, out = run("brand", "import", str(exported))
    assert code == 0, out
    assert "products (changed)" in out and "competitors (unchanged)" in out

    (folder / "brand" / "guide.md").write_text("# 青禾手册\n\n## 价目\n\n燕麦拿铁 350ml，18 元。", encoding="utf-8")
    assert run("kb", "ingest", str(folder))[0] == 0
    assert len(extraction) == 2 and "18 元" in extraction[-1][0].text  # extraction ran on the new text…
    out = run("brand", "show")[1]
    assert "16 元" in out and "18 元" not in out and "团队更正" in out  # …and the team's price still wins
    assert "qinghe/brand/guide.md › 价目" in out  # the corrected entry kept the passage it was read from

    code, out = run("brand", "show", "--json")
    assert json.loads(out)["corrected"] == ["brand", "competitors", "products"]


def test_each_brand_keeps_its_own_profile(
    home: Path, tmp_path: Path, extraction: list[list[SourceDocument]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("kb", "ingest", str(brand_folder(tmp_path / "qinghe")))[0] == 0
    monkeypatch.setenv("NMO_COLLECTION", "another")
    shown = json.loads(run("brand", "show", "--json")[1])
    assert shown["products"] == [] and "products" in shown["missing"]
    assert "Nothing was ingested for this brand yet" in run("brand", "show")[1]


def test_an_extraction_error_is_a_warning_and_loses_neither_index_nor_profile(
    home: Path, tmp_path: Path, extraction: list[list[SourceDocument]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = brand_folder(tmp_path / "qinghe")
    assert run("kb", "ingest", str(folder))[0] == 0

    def broken(documents: list[SourceDocument]) -> BrandProfile:
        raise ValueError("table without a header row")

    monkeypatch.setattr("nmo.brand.extract.extract_profile", broken)
    (folder / "brand" / "more.md").write_text("# 门店\n\n## 营业时间\n\n每天 8 点开门。", encoding="utf-8")
    code, out = run("kb", "ingest", str(folder), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["files_added"] == 1 and report["profile"] is None
    (warning,) = report["warnings"]
    assert "brand profile could not be rebuilt" in warning and "table without a header row" in warning
    hits = json.loads(run("kb", "search", "几点开门", "-k", "1", "--json")[1])
    assert hits[0]["source_path"] == "qinghe/brand/more.md"
    assert "燕麦拿铁" in run("brand", "show")[1]  # the last good profile is still the one in use


def test_check_exits_1_on_an_error_and_lists_what_is_missing(
    home: Path, tmp_path: Path, extraction: list[list[SourceDocument]]
) -> None:
    assert run("kb", "ingest", str(brand_folder(tmp_path / "qinghe")))[0] == 0
    code, out = run("brand", "check", "--json")
    assert code == 0, out
    issues = json.loads(out)
    assert "pillars" in {i["field"] for i in issues if i["severity"] == "warning"}
    assert "tone" in {i["field"] for i in issues}
    assert not any(i["severity"] == "error" for i in issues)

    twice = tmp_path / "twice.yaml"
    twice.write_text("products:\n  - {name: 燕麦拿铁, price: 15}\n  - {name: 燕麦拿铁, price: 16}\n", "utf-8")
    assert run("brand", "import", str(twice))[0] == 0
    code, out = run("brand", "check")
    flat = " ".join(out.split())
    assert code == 1
    assert "燕麦拿铁 has two prices: 15元 and 16元 (the team's corrections and the team's corrections)" in flat


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (None, "does not exist"),
        ("products: [\n", "not valid UTF-8 YAML"),
        ("launches: []\n", "launches"),
        ("products:\n  - {name: 燕麦拿铁, price: 十五元}\n", "products.0.price"),
    ],
)
def test_a_bad_import_exits_2_with_the_reason_and_keeps_the_corrections(
    home: Path, tmp_path: Path, extraction: list[list[SourceDocument]], text: str | None, needle: str
) -> None:
    assert run("kb", "ingest", str(brand_folder(tmp_path / "qinghe")))[0] == 0
    good = tmp_path / "good.yaml"
    good.write_text("products:\n  - {name: 燕麦拿铁, price: 16}\n", "utf-8")
    assert run("brand", "import", str(good))[0] == 0
    bad = tmp_path / "bad.yaml"
    if text is not None:
        bad.write_text(text, "utf-8")
    code, out = run("brand", "import", str(bad))
    assert code == 2 and needle in out and "bad.yaml" in out
    assert json.loads(run("brand", "show", "--json")[1])["products"][0]["price"] == 16.0


def test_export_to_a_folder_exits_2(home: Path, tmp_path: Path) -> None:
    code, out = run("brand", "export", str(tmp_path))
    assert code == 2 and "is a folder" in out
