"""Plans for a brand laid out unlike the sample use that brand's own pillars and products from its profile."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nmo.brand import BrandStore
from nmo.clock import Clock
from nmo.config import Settings
from nmo.knowledge import open_knowledge_base
from nmo.planner import KnowledgePlanner
from nmo.prompts import PromptLibrary
from nmo.schemas import PlanRequest

BRAND = Path(__file__).resolve().parents[2] / "evals" / "brands" / "purrlab"  # English-named notes, cat food


def test_a_plan_uses_the_brands_own_pillars_and_products(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    settings = Settings(home=tmp_path / "home", collection="purrlab", backend="offline")
    kb = open_knowledge_base(settings)
    kb.ingest([BRAND])
    profile = BrandStore.for_settings(settings).profile()
    pillars = {p.name for p in profile.pillars}
    assert len(pillars) >= 3
    request = PlanRequest(brief="新手铲屎官的冬季换粮", platforms=["xiaohongshu", "weibo"], start=date(2026, 12, 4),
                          days=14)
    plan = KnowledgePlanner(kb, None, PromptLibrary.load(), Clock(fixed=date(2026, 12, 3))).plan(request, plan_id="P")
    assert plan.items and {item.pillar for item in plan.items} <= pillars
    products = [name for product in profile.products for name in product.names()]
    assert any(any(name in item.topic for name in products) for item in plan.items)
    assert not any(word in item.topic for item in plan.items for word in ("冷泡", "茶"))  # nothing of the sample


def test_the_offline_composer_addresses_readers_the_way_the_brands_tone_rules_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nmo.composer.brand import load_brand_profile

    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    settings = Settings(home=tmp_path / "home", collection="purrlab", backend="offline")
    kb = open_knowledge_base(settings)
    kb.ingest([BRAND])
    address = BrandStore.for_settings(settings).profile().tone.address_term
    assert address and load_brand_profile(kb).voice.community == address


def test_a_brand_without_pillars_gets_a_warning_not_an_invented_pillar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    folder = tmp_path / "gear"
    folder.mkdir()
    (folder / "price-list.md").write_text(
        "# 价目表\n\n| 品名 | 规格 | 售价 |\n|---|---|---|\n"
        "| 轻量帐篷 | 1.2kg | 899元 |\n| 羽绒睡袋 | 800g | 699元 |\n", "utf-8")
    (folder / "about.md").write_text("# 关于我们\n\n我们做给周末徒步新手的轻量装备。\n", "utf-8")
    settings = Settings(home=tmp_path / "home", collection="gear", backend="offline")
    kb = open_knowledge_base(settings)
    kb.ingest([folder])
    assert "pillars" in BrandStore.for_settings(settings).profile().missing
    request = PlanRequest(brief="冬季徒步装备清单", platforms=["xiaohongshu"], start=date(2026, 12, 4), days=14)
    plan = KnowledgePlanner(kb, None, PromptLibrary.load(), Clock(fixed=date(2026, 12, 3))).plan(request, plan_id="G")
    assert any("没有找到内容支柱" in warning for warning in plan.warnings)
    assert {item.pillar for item in plan.items} <= {"未定"}
    assert not any("品牌日常" in item.topic or "未定" in item.topic for item in plan.items)
