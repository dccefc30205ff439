"""Plans follow the brief's constraints, never fill a slot with a placeholder, and tell the operator what
they read from the brief (offline and on the LLM path)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nmo.clock import Clock
from nmo.composer.brief import check_plan, is_placeholder, read_brief
from nmo.composer.plan import plan_context
from nmo.planner import KnowledgePlanner, LLMPlan, export_plan
from nmo.prompts import PromptLibrary
from nmo.schemas import Plan, PlanItem, PlanRequest

from tests.fakes import ScriptedLLM as StrictScript
from tests.unit.planwrite_fakes import folder_knowledge_base

KB = folder_knowledge_base()
TODAY = date(2026, 11, 26)


def _plan(brief: str, **changes: object) -> Plan:
    request = PlanRequest.model_validate(
        {"brief": brief, "platforms": ["xiaohongshu", "wechat"], "start": date(2026, 12, 4), "days": 14, **changes}
    )
    return KnowledgePlanner(KB, None, PromptLibrary({}), Clock(fixed=TODAY)).plan(request, plan_id="B")


def _context(plan: Plan):  # type: ignore[no-untyped-def]
    request = PlanRequest(brief=plan.brief, platforms=plan.platforms, start=plan.start, days=plan.days)
    planner = KnowledgePlanner(KB, None, PromptLibrary({}), Clock(fixed=TODAY))
    return plan_context(request, KB, planner.profile())


def test_no_price_war_means_no_price_led_topic_and_no_sale_node(tmp_path: Path) -> None:
    plan = _plan("冬季内容，不打价格战")
    context = _context(plan)
    assert context.constraints.avoids("price")
    assert check_plan(plan.items, context.constraints) == []
    assert not any(i.node == "双12" for i in plan.items)
    assert any("不谈价格和促销" in w and "双12" in w for w in plan.warnings)
    export_plan(plan, tmp_path / "plan.md")
    header = (tmp_path / "plan.md").read_text("utf-8").split("## ")[0]
    assert "- 已按简报：不打价格战" in header


def test_the_same_request_without_the_constraint_does_plan_the_sale() -> None:
    """The constraint, not chance, keeps 双12 out above: without it the sale gets its item."""
    assert any(i.node == "双12" for i in _plan("冬季内容").items)


def test_a_focus_product_leads_a_third_of_topics_and_the_audience_is_in_every_angle() -> None:
    plan = _plan("主推桂花红茶，面向上班族")
    assert sum("桂花红茶" in i.topic for i in plan.items) * 3 >= len(plan.items)
    assert all(i.angle.startswith("面向上班族") for i in plan.items)
    assert check_plan(plan.items, _context(plan).constraints) == []


def test_a_word_the_brief_rules_out_appears_in_no_topic_or_angle() -> None:
    plan = _plan("不要提四季礼盒")
    assert plan.items and not any("四季礼盒" in i.topic + i.angle for i in plan.items)


def test_topics_are_distinct_across_platforms_and_never_placeholders() -> None:
    plan = _plan("冬天的内容安排")
    topics = [i.topic for i in plan.items]
    assert len(set(topics)) == len(topics)
    names = [*_context(plan).names, *(n.name for n in plan.nodes)]
    assert not [t for t in topics if is_placeholder(t, names)]


def test_a_node_changes_the_angle_and_brings_a_passage_about_it() -> None:
    plan = _plan("冬天的内容安排")
    node_items = [i for i in plan.items if i.node]
    assert node_items
    for item in node_items:
        assert f"借「{item.node}」" in item.angle
        assert item.citations and all(KB.get(c) is not None for c in item.citations)
    assert any("品牌资料里和这个节点相关的内容" in i.reason for i in node_items)


def test_an_unknown_product_in_the_brief_is_reported() -> None:
    plan = _plan("主推火龙果气泡水")
    assert any(w.startswith("简报里没读懂：") and "火龙果气泡水" in w for w in plan.warnings)


def test_the_llm_path_drops_a_topic_that_breaks_the_brief() -> None:
    def item(topic: str) -> PlanItem:
        return PlanItem(id="x", date=date(2026, 12, 5), slot="12:00", platform="xiaohongshu", pillar="冷泡小课堂",
                        topic=topic, angle="讲步骤", format="图文", reason="r")

    script = StrictScript([LLMPlan(items=[item("双12白桃乌龙到手价 49 元"), item("冷泡茶放冰箱能放几天")])])
    request = PlanRequest(brief="不打价格战", platforms=["xiaohongshu"], start=date(2026, 12, 4), days=14)
    plan = KnowledgePlanner(KB, script, PromptLibrary.load(), Clock(fixed=TODAY)).plan(request, plan_id="L")
    topics = [i.topic for i in plan.items]
    assert "冷泡茶放冰箱能放几天" in topics and "双12白桃乌龙到手价 49 元" not in topics
    assert any("不符合简报" in w for w in plan.warnings)
    assert "已按简报：不打价格战" in script.calls[0][0][1].content  # the model is told what was read


def test_the_reader_knows_the_brands_products_from_its_profile() -> None:
    context = _context(_plan("冬天的内容安排"))
    assert [p.name for p in read_brief("主推白桃乌龙", context.vocabulary).focus]


def test_nmo_plan_prints_what_it_read_from_the_brief(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nmo.cli.main import app
    from typer.testing import CliRunner

    folder = tmp_path / "gear"
    folder.mkdir()
    (folder / "guide.md").write_text(
        "# 内容支柱\n\n## 周末出山\n\n描述：周边线路，写清难度和交通。\n\n"
        "- 两天一夜的山谷线路怎么走\n- 第一次露营要带什么\n\n"
        "## 装备实验室\n\n描述：我们自己做的实测。\n\n- 暴雨夜帐篷实测\n- 零下五度睡袋睡一晚\n\n"
        "## 新手上山\n\n描述：给入坑一年以内的人。\n\n- 登山杖怎么调长度\n- 爬升前怎么练体能\n", "utf-8")
    (folder / "price-list.md").write_text(
        "# 价目表\n\n| 品名 | 规格 | 售价 |\n|---|---|---|\n"
        "| 轻量帐篷 | 1.2kg | 899元 |\n| 羽绒睡袋 | 800g | 699元 |\n",
        "utf-8")
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_BACKEND", "offline")
    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    runner = CliRunner()
    assert runner.invoke(app, ["kb", "ingest", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["plan", "--brief", "不打价格战，主推轻量帐篷，量子纠缠", "--platforms", "xiaohongshu",
                                 "--from", "2026-12-04", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "已按简报：不打价格战；主推 轻量帐篷" in result.output
    assert "简报里没读懂：「量子纠缠」" in result.output


def test_pieces_published_in_the_last_90_days_are_not_planned_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brand's posts sit in posts/ with English file names: their dates and headings still count."""
    from nmo.config import Settings
    from nmo.knowledge import open_knowledge_base

    monkeypatch.setenv("NMO_EMBEDDING_WORKERS", "1")
    settings = Settings(home=tmp_path / "home", collection="purrlab", backend="offline")
    kb = open_knowledge_base(settings)
    kb.ingest([Path(__file__).resolve().parents[2] / "evals" / "brands" / "purrlab"])
    request = PlanRequest(brief="冬天的内容安排", platforms=["xiaohongshu", "wechat"], start=date(2026, 12, 4),
                          days=14)
    plan = KnowledgePlanner(kb, None, PromptLibrary.load(), Clock(fixed=TODAY)).plan(request, plan_id="R")
    topics = [i.topic for i in plan.items]
    # Both are example topics of the brand's pillars, and both were published in September and November.
    assert "一袋鲜鸡粮的 48 小时" not in topics and "冻干和烘焙粮有什么区别" not in topics
    assert len(topics) >= 10
