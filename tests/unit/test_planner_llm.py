"""LLM planner path: items outside the window or platforms, repeats and unknown citations are dropped;
forgotten marketing nodes are put back from the offline plan."""

from __future__ import annotations

from datetime import date

import pytest
from nmo.clock import Clock
from nmo.composer.scripted_llm import UNKNOWN_CITATION, ScriptedLLM
from nmo.errors import LLMMalformedAnswer
from nmo.planner import KnowledgePlanner, LLMPlan
from nmo.prompts import PromptLibrary
from nmo.schemas import PlanRequest

from tests.fakes import ScriptedLLM as StrictScript
from tests.unit.planwrite_fakes import folder_knowledge_base

KB = folder_knowledge_base()
REQUEST = PlanRequest(brief="雪梨白茶冬季限定上市", platforms=["xiaohongshu", "wechat"], start=date(2026, 12, 1),
                      days=14)


def test_llm_plan_is_validated_and_completed() -> None:
    llm = ScriptedLLM()
    plan = KnowledgePlanner(KB, llm, PromptLibrary.load(), Clock(fixed=date(2026, 11, 26))).plan(REQUEST, plan_id="L")
    assert plan.backend == "llm" and llm.calls == 1
    assert [i.id for i in plan.items] == [f"L-{n:02d}" for n in range(1, len(plan.items) + 1)]
    assert all(date(2026, 12, 1) <= i.date <= date(2026, 12, 14) for i in plan.items)
    assert {i.platform for i in plan.items} <= {"xiaohongshu", "wechat"}
    assert all(UNKNOWN_CITATION not in i.citations for i in plan.items)
    assert any(i.node == "双12" for i in plan.items)
    assert any("漏掉了营销节点" in w for w in plan.warnings)
    assert any("窗口或平台之外" in w for w in plan.warnings)
    assert any("升级版" in i.topic for i in plan.items)


def test_llm_plan_prompt_carries_nodes_pillars_and_performance() -> None:
    script = StrictScript([LLMPlan(items=[])])
    with pytest.raises(LLMMalformedAnswer):
        KnowledgePlanner(KB, script, PromptLibrary.load(), Clock(fixed=date(2026, 11, 26))).plan(REQUEST, plan_id="L")
    messages, output, passages = script.calls[0]
    prompt = messages[1].content
    assert output is LLMPlan and passages
    assert "双12" in prompt and "冷泡小课堂" in prompt and "%" in prompt and "竞品" in messages[1].content + prompt
