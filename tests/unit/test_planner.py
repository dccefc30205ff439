"""Offline planner on the sample knowledge base: nodes, pillars, slots, reasons, validation, export."""

from __future__ import annotations

import csv
import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from nmo.calendar import fitting_nodes, marketing_nodes
from nmo.clock import Clock
from nmo.composer.plan import SIMILARITY_THRESHOLD
from nmo.composer.similarity import similarity
from nmo.errors import KnowledgeError, NotFoundError, UserInputError
from nmo.planner import (
    KnowledgePlanner,
    brief_from_plan_item,
    export_plan,
    load_hot_topics,
    validate_plan_request,
)
from nmo.prompts import PromptLibrary
from nmo.schemas import PlanRequest

from tests.unit.planwrite_fakes import MemoryKnowledgeBase, folder_knowledge_base

TODAY = date(2026, 11, 26)
KB = folder_knowledge_base()


def _planner(kb: MemoryKnowledgeBase = KB) -> KnowledgePlanner:
    return KnowledgePlanner(kb, None, PromptLibrary({}), Clock(fixed=TODAY))


def _request(**changes: object) -> PlanRequest:
    base: dict[str, object] = {
        "brief": "雪梨白茶上市和双12预热",
        "platforms": ["xiaohongshu", "wechat", "douyin"],
        "start": date(2026, 12, 1),
        "days": 14,
    }
    base.update(changes)
    return PlanRequest.model_validate(base)


def test_plan_has_dated_slotted_items_per_platform_with_reasons_and_citations() -> None:
    plan = _planner().plan(_request(), plan_id="P7")
    assert plan.backend == "offline"
    assert [i.id for i in plan.items] == [f"P7-{n:02d}" for n in range(1, len(plan.items) + 1)]
    for platform in ("xiaohongshu", "wechat", "douyin"):
        assert sum(i.platform == platform for i in plan.items) >= 6
    for item in plan.items:
        assert date(2026, 12, 1) <= item.date <= date(2026, 12, 14)
        assert item.slot and item.pillar and item.topic and item.angle and item.format and item.reason
        assert item.citations and all(KB.get(c) is not None for c in item.citations)
    assert {i.pillar for i in plan.items} >= {"冷泡小课堂", "一杯好茶的日常", "新品与活动"}


def test_every_fitting_node_in_the_window_is_planned_and_the_briefed_one_on_every_platform() -> None:
    plan = _planner().plan(_request(), plan_id="P")
    nodes, _ = marketing_nodes(date(2026, 12, 1), date(2026, 12, 14))
    for node in fitting_nodes(nodes, "\n".join(d.text for d in KB.docs)):
        assert any(i.node == node.name for i in plan.items), node.name
    assert {i.platform for i in plan.items if i.node == "双12"} == {"xiaohongshu", "wechat", "douyin"}
    assert any("双12" in i.topic for i in plan.items)


def test_no_topic_repeats_recent_past_content() -> None:
    plan = _planner().plan(_request(start=date(2026, 11, 27), days=30), plan_id="P")
    recent = [d.title for d in KB.docs if d.published_at and d.published_at >= "2026-08-29"]
    for item in plan.items:
        assert max(similarity(item.topic, old) for old in recent) < SIMILARITY_THRESHOLD, item.topic


def test_brief_changes_the_plan() -> None:
    a = _planner().plan(_request(brief="桂花红茶秋冬常温喝法"), plan_id="P")
    b = _planner().plan(_request(brief="四季礼盒年货送礼"), plan_id="P")
    assert [i.topic for i in a.items] != [i.topic for i in b.items]
    assert sum("桂花红茶" in i.topic for i in a.items) > sum("桂花红茶" in i.topic for i in b.items)


def test_hot_topics_become_items_and_years_without_holiday_data_warn() -> None:
    plan = _planner().plan(
        _request(start=date(2027, 1, 4), days=30, hot_topics=["冬日暖饮"], platforms=["xiaohongshu"]),
        plan_id="P",
    )
    assert any(i.node == "冬日暖饮" for i in plan.items)
    assert any(i.node == "年货节" for i in plan.items)
    assert any("2027" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": TODAY - timedelta(days=1)}, "in the past"),
        ({"brief": "plan two weeks of posts"}, "not in Chinese"),
        ({"platforms": ["friendster"]}, "Unknown platform"),
    ],
)
def test_bad_requests_are_user_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        _planner().plan(_request(**changes), plan_id="P")


def test_more_than_ninety_days_is_refused() -> None:
    request = _request().model_copy(update={"days": 120})
    with pytest.raises(UserInputError, match="90"):
        validate_plan_request(request, TODAY)


def test_empty_knowledge_base_is_a_knowledge_error() -> None:
    with pytest.raises(KnowledgeError):
        _planner(MemoryKnowledgeBase([])).plan(_request(), plan_id="P")


def test_plan_item_links_to_a_draft_brief_and_unknown_ids_are_not_found() -> None:
    plan = _planner().plan(_request(), plan_id="P")
    brief = brief_from_plan_item(plan, "P-02", variants=2)
    assert brief.plan_item_id == "P-02" and brief.topic == plan.items[1].topic and brief.variants == 2
    with pytest.raises(NotFoundError, match="P-99"):
        brief_from_plan_item(plan, "P-99")


def test_hot_topic_files(tmp_path: Path) -> None:
    txt = tmp_path / "hot.txt"
    txt.write_text("冬日暖饮\n\n#围炉煮茶#\n", "utf-8")
    assert load_hot_topics(txt) == ["冬日暖饮", "围炉煮茶"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", "utf-8")
    with pytest.raises(UserInputError, match="no topics"):
        load_hot_topics(empty)
    table = tmp_path / "hot.csv"
    table.write_text("topic,heat\n冬日暖饮,90\n,80\n", "utf-8")
    with pytest.raises(UserInputError, match="line 3"):
        load_hot_topics(table)
    listing = tmp_path / "hot.yaml"
    listing.write_text("topics:\n  - 冬日暖饮\n  - {a: 1}\n", "utf-8")
    with pytest.raises(UserInputError, match="line 3"):
        load_hot_topics(listing)
    broken = tmp_path / "bad.yaml"
    broken.write_text("- a\n- [b\n", "utf-8")
    with pytest.raises(UserInputError, match="not valid YAML"):
        load_hot_topics(broken)
    with pytest.raises(UserInputError, match="unsupported"):
        load_hot_topics(_touch(tmp_path / "h.json"))


def _touch(path: Path) -> Path:
    path.write_text("[]", "utf-8")
    return path


def test_export_csv_and_markdown(tmp_path: Path) -> None:
    plan = _planner().plan(_request(), plan_id="P")
    export_plan(plan, tmp_path / "plan.csv")
    rows = list(csv.DictReader((tmp_path / "plan.csv").read_text("utf-8-sig").splitlines()))
    assert (
        len(rows) == len(plan.items)
        and rows[0]["id"] == "P-01"
        and rows[0]["platform"] in ("小红书", "公众号", "抖音")
    )
    export_plan(plan, tmp_path / "plan.md")
    text = (tmp_path / "plan.md").read_text("utf-8")
    assert "| 编号 |" in text and "双12" in text
    with pytest.raises(UserInputError):
        export_plan(plan, tmp_path / "plan.xlsx")
    assert not (tmp_path / "plan.xlsx").exists()


def test_analyst_insights_steer_slots_weekdays_and_pillars() -> None:
    from datetime import datetime

    from nmo.analyst import Insights

    insights = Insights(
        best_slots={"xiaohongshu": ["20:30"]}, best_weekdays={"xiaohongshu": [5, 6]},
        best_pillars={"xiaohongshu": ["茶友故事"]}, generated_at=datetime(2026, 11, 20), source="report.md",
    )
    planner = KnowledgePlanner(KB, None, PromptLibrary({}), Clock(fixed=TODAY), insights_loader=lambda: insights)
    plan = planner.plan(_request(platforms=["xiaohongshu"], days=28), plan_id="I")
    plain = _planner().plan(_request(platforms=["xiaohongshu"], days=28), plan_id="I")
    free = [i for i in plan.items if not i.node]
    assert all(i.slot == "20:30" for i in free)
    assert sum(i.date.weekday() >= 5 for i in free) > sum(i.date.weekday() >= 5 for i in plain.items if not i.node)
    assert sum(i.pillar == "茶友故事" for i in plan.items) >= sum(i.pillar == "茶友故事" for i in plain.items)
    assert any("数据分析" in i.reason for i in plan.items) and any("数据分析" in w for w in plan.warnings)


def test_a_long_busy_plan_stays_varied() -> None:
    """Seven platforms, 90 days, a post a day each: 630 items, no topic twice in a row on a platform."""
    plan = _planner().plan(
        _request(platforms=["wechat", "weibo", "xiaohongshu", "douyin", "kuaishou", "bilibili", "zhihu"],
                 days=90, posts_per_week=7),
        plan_id="B",
    )
    assert len(plan.items) >= 630
    for platform in plan.platforms:
        topics = [i.topic for i in plan.items if i.platform == platform]
        assert len(set(topics)) >= len(topics) * 2 // 3
        assert all(a != b for a, b in itertools.pairwise(topics))
    assert not any("2026 冬季限定" in i.topic and i.date.year == 2027 for i in plan.items)


def test_planning_does_not_load_the_analyst() -> None:
    """The planner reads insights through a loader, so `nmo plan` starts without importing the analyst."""
    import subprocess
    import sys

    probe = "import sys, nmo.planner, nmo.composition; print(any(m.startswith('nmo.analyst') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
