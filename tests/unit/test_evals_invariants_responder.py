"""The gate-invariant evaluators fail on bad drafts; the scripted endpoint fills any output model."""

from __future__ import annotations

import json
from datetime import date

from nmo.evals.cases import Planted, ScriptedCase, WriterAnswer
from nmo.evals.invariants import approved_without_override, drafts_without_check, unflagged_planted
from nmo.evals.responder import answer_for, case_responder, clean_values, request_schema
from nmo.llm import schema_instruction
from nmo.schemas import CheckResult, DraftContent, DraftRecord, Finding, Plan, ReviewDecision, Revision, text_hash
from pydantic import BaseModel, Field

TEXT = "全网最好喝的冷泡茶"
TODAY = date(2031, 3, 9)  # any pinned date: the filler only counts days from it


def finding(start: int, end: int, category: str = "ad_law", severity: str = "blocking") -> Finding:
    return Finding(rule_id="r", category=category, severity=severity, start=start, end=end,  # type: ignore[arg-type]
                   text=TEXT[start:end], message="m")


def record(status: str = "pending_review", findings: list[Finding] | None = None, checked: bool = True,
           decisions: list[ReviewDecision] | None = None) -> DraftRecord:
    check = CheckResult(findings=findings or [], text_hash=text_hash(TEXT)) if checked else None
    return DraftRecord(draft_id="D1-1", request_id="1", platform="weibo", topic="t", requested_by="ops",
                       status=status, text=TEXT, check=check,  # type: ignore[arg-type]
                       revisions=[Revision(number=1, text=TEXT, check=check, reason="first", backend="llm")],
                       decisions=decisions or [])


def test_a_draft_in_review_without_a_check_is_counted() -> None:
    assert drafts_without_check([record()]) == []
    assert drafts_without_check([record(checked=False)]) == ["D1-1"]
    stale = record().model_copy(update={"text": TEXT + "（改）"})
    assert drafts_without_check([stale]) == ["D1-1"], "a check of an older text does not count"
    assert drafts_without_check([record(status="writing", checked=False)]) == []


def test_planted_violation_needs_an_overlapping_finding_of_its_category() -> None:
    planted = [Planted(text="最好喝", category="ad_law")]
    assert unflagged_planted(record(findings=[finding(2, 5)]), planted) == []
    assert unflagged_planted(record(findings=[]), planted) == planted
    assert unflagged_planted(record(findings=[finding(6, 9)]), planted) == planted, "a finding elsewhere"
    assert unflagged_planted(record(findings=[finding(2, 5, "typo")]), planted) == planted, "wrong category"
    assert unflagged_planted(record(), [Planted(text="减肥", category="health_claim")]) == [], "revised away"


def test_approval_over_a_blocking_finding_needs_a_note() -> None:
    silent = [ReviewDecision(action="approve", by="lee")]
    noted = [ReviewDecision(action="approve", by="lee", note="品牌方确认")]
    assert approved_without_override([record("approved", [finding(2, 5)], decisions=silent)]) == ["D1-1"]
    assert approved_without_override([record("approved", [finding(2, 5)], decisions=noted)]) == []
    assert approved_without_override([record("approved", [finding(2, 5, severity="warning")], decisions=silent)]) == []


class Nested(BaseModel):
    draft: DraftContent
    score: int = Field(ge=3)
    when: date
    mood: str = Field(min_length=8)


def test_schema_filler_answers_any_model_in_json_schema_and_text_modes() -> None:
    values = WriterAnswer(title="标题", body="正文", hashtags=["冷泡茶"]).values()
    knowledge = '<knowledge>\n<passage id="brand-1" source="b">x</passage>\n<passage id="p2" source="c">y</passage>'
    body = {"response_format": {"type": "json_schema", "json_schema": {"schema": DraftContent.model_json_schema()}},
            "messages": [{"role": "user", "content": knowledge}]}
    content = DraftContent.model_validate_json(answer_for(body, values, TODAY))
    assert (content.title, content.body, content.hashtags) == ("标题", "正文", ["冷泡茶"])
    assert content.citations == ["brand-1", "p2"]
    text_mode = {"messages": [{"role": "system", "content": "写手\n\n" + schema_instruction(Nested)}]}
    assert request_schema(text_mode)["title"] == "Nested"
    nested = Nested.model_validate_json(answer_for(text_mode, values, TODAY))
    assert nested.draft.body == "正文" and nested.score == 3 and len(nested.mood) >= 8
    plan_like = json.loads(answer_for({"messages": []}, values, TODAY))
    assert plan_like == {}
    assert Plan.model_json_schema()  # the planner's models are schemas the filler reads the same way


def test_stubborn_answers_repeat_violations_and_compliant_ones_drop_them() -> None:
    case = ScriptedCase(id="c", platform="weibo", topic="t", answer=WriterAnswer(body="最好喝的茶"),
                        planted=[Planted(text="最好喝", category="ad_law")], stubborn=False)
    respond = case_responder(case, TODAY)
    schema = {"response_format": {"type": "json_schema", "json_schema": {"schema": DraftContent.model_json_schema()}}}
    assert "最好喝" in respond(schema).content
    assert "最好喝" not in respond(schema).content
    assert clean_values(case)["body"] == "的茶"
