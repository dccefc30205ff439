"""The workflow from request to approval, rejection-and-revision and edit, on a real SQLite checkpointer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from nmo.checkpoints import open_checkpointer
from nmo.config import Settings
from nmo.errors import ConflictError, GateFailed, NotFoundError, UserInputError
from nmo.graph import WorkflowContext, compile_graph
from nmo.registry import Registry
from nmo.schemas import DraftBrief, DraftContent, PlanRequest, ReviewDecision
from nmo.service import RunOutcome, WorkflowService
from nmo.state import WorkflowRequest

from tests.fakes import EchoWriter, LLMEchoWriter, ScriptedLLM, StaticPlanner, TermGate


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", backend="offline")


@pytest.fixture
def service(settings: Settings):  # type: ignore[no-untyped-def]
    writer = EchoWriter()
    gate = TermGate()
    with open_checkpointer(settings) as saver:
        svc = WorkflowService(
            compile_graph(saver), Registry(settings.registry_path),
            lambda: WorkflowContext(planner=StaticPlanner(), writer=writer, gate=gate, max_revisions=0),
            settings.home / "locks", clock=settings.clock,
        )
        svc.test_writer = writer  # type: ignore[attr-defined]
        yield svc


def draft_request(*platforms: str) -> WorkflowRequest:
    return WorkflowRequest(
        id="abc123", kind="draft", requested_by="ops",
        briefs=[DraftBrief(platform=p, topic="冷泡茶怎么泡") for p in platforms],
    )


def test_draft_reaches_review_with_its_findings_stored(service: WorkflowService) -> None:
    outcome = service.submit(draft_request("weibo", "xiaohongshu"))
    assert outcome.status == "pending_review"
    assert [d.draft_id for d in outcome.drafts] == ["Dabc123-1", "Dabc123-2"]
    for record in outcome.drafts:
        assert record.status == "pending_review"
        assert record.check is not None and not record.check.passed
        assert record.check.findings[0].text == "最好"
    queue = service.list_drafts(status="pending_review")
    assert {q.platform for q in queue} == {"weibo", "xiaohongshu"}
    assert all(q.blocking == 1 for q in queue)


def test_approving_blocking_findings_needs_an_override_note(service: WorkflowService) -> None:
    service.submit(draft_request("weibo"))
    with pytest.raises(GateFailed):
        service.decide("Dabc123-1", ReviewDecision(action="approve", by="lee"))
    for unreadable in ("\u200b\u200b\u200b\u200b\u200b", "\ufeff \u2060\u00a0\u3000", "ok"):  # invisible, or too short
        with pytest.raises(GateFailed, match="visible characters"):
            service.decide("Dabc123-1", ReviewDecision(action="approve", by="lee", note=unreadable))
    record = service.decide("Dabc123-1", ReviewDecision(action="approve", by="lee", note="品牌方确认"))
    assert record.status == "approved"
    assert record.decisions[-1].note == "品牌方确认"
    with pytest.raises(ConflictError):
        service.decide("Dabc123-1", ReviewDecision(action="approve", by="lee", note="again"))


def test_rejection_sends_the_note_to_the_writer_then_gate_then_review(service: WorkflowService) -> None:
    service.submit(draft_request("weibo", "douyin"))
    record = service.decide("Dabc123-1", ReviewDecision(action="reject", by="lee", note="去掉绝对化用语"))
    assert record.status == "pending_review"
    assert len(record.revisions) == 2
    assert "最好" not in record.text and "去掉绝对化用语" in record.text
    assert record.check is not None and record.check.passed
    assert record.revisions[-1].reason.startswith("reviewer note")
    other = service.get_draft("Dabc123-2")
    assert other.status == "pending_review" and len(other.revisions) == 1
    approved = service.decide("Dabc123-1", ReviewDecision(action="approve", by="lee"))
    assert approved.status == "approved"
    assert service.get_draft("Dabc123-2").status == "pending_review"


def test_edit_is_checked_and_approved_when_clean(service: WorkflowService) -> None:
    service.submit(draft_request("weibo"))
    record = service.decide("Dabc123-1", ReviewDecision(action="edit", by="lee", text="# 冷泡茶\n\n清爽好喝。"))
    assert record.status == "approved"
    assert record.text == "# 冷泡茶\n\n清爽好喝。"
    assert record.revisions[-1].backend == "human" and record.revisions[-1].check is not None


def test_edit_with_blocking_term_goes_back_to_review(service: WorkflowService) -> None:
    service.submit(draft_request("weibo"))
    record = service.decide("Dabc123-1", ReviewDecision(action="edit", by="lee", text="这是最好的茶"))
    assert record.status == "pending_review"
    assert record.check is not None and not record.check.passed


def test_bad_decisions_leave_state_intact(service: WorkflowService) -> None:
    service.submit(draft_request("weibo"))
    with pytest.raises(NotFoundError):
        service.decide("nope", ReviewDecision(action="approve", by="lee"))
    with pytest.raises(UserInputError):
        service.decide("Dabc123-1", ReviewDecision(action="reject", by="lee", note=" "))
    with pytest.raises(UserInputError):
        service.decide("Dabc123-1", ReviewDecision(action="edit", by="lee", text=""))
    with pytest.raises(ConflictError):
        service.decide("Dabc123-1", ReviewDecision(action="approve", by="ops", note="self"))
    assert service.get_draft("Dabc123-1").status == "pending_review"
    assert len(service.get_draft("Dabc123-1").revisions) == 1


def test_plan_then_draft_first_items(service: WorkflowService) -> None:
    request = WorkflowRequest(
        id="pln001", kind="plan", requested_by="ops", draft_first=2,
        plan=PlanRequest(brief="双12冷泡茶", platforms=["xiaohongshu", "wechat"], start=date(2026, 12, 1)),
    )
    outcome = service.submit(request)
    assert outcome.plan is not None and outcome.plan.id == "Ppln001"
    assert [d.plan_item_id for d in outcome.drafts] == ["Ppln001-01", "Ppln001-02"]
    plan, item = service.find_plan_item("Ppln001-03")
    assert item.platform == "xiaohongshu" and plan.id == "Ppln001"


def test_parallel_decisions_on_one_draft_have_exactly_one_winner(service: WorkflowService) -> None:
    service.submit(draft_request("weibo"))
    decisions = [
        ReviewDecision(action="approve", by="lee", note="确认可以发"),
        ReviewDecision(action="reject", by="wang", note="再改改"),
        ReviewDecision(action="approve", by="zhao", note="确认可以发"),
        ReviewDecision(action="reject", by="qian", note="不行"),
    ]

    def act(decision: ReviewDecision) -> str:
        try:
            service.decide("Dabc123-1", decision, expected_version=1)
            return "won"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(act, decisions))
    assert results.count("won") == 1 and results.count("conflict") == 3
    record = service.get_draft("Dabc123-1")
    assert len(record.decisions) == 1


def _service_with(settings: Settings, saver: object, **context: object) -> WorkflowService:
    return WorkflowService(
        compile_graph(saver),  # type: ignore[arg-type]
        Registry(settings.registry_path),
        lambda: WorkflowContext(**{"planner": StaticPlanner(), "writer": EchoWriter(), "gate": TermGate(),
                                   "max_revisions": 0, **context}),  # type: ignore[arg-type]
        settings.home / "locks", clock=settings.clock,
    )


def test_llm_proofreader_adds_findings_but_never_removes_the_deterministic_ones(settings: Settings) -> None:
    from nmo.checks.proofreader import ProofreadAnswer, ProofreadIssue, llm_findings
    from nmo.prompts import PromptLibrary

    from tests.fakes import ScriptedLLM

    llm = ScriptedLLM([ProofreadAnswer(issues=[
        ProofreadIssue(quote="冷泡茶", category="typo", severity="blocking", message="test", suggestion="冷泡茶"),
        ProofreadIssue(quote="不在文中", category="ad_law", message="invented"),
    ])], role="proofreader")
    prompts = PromptLibrary.load()
    with open_checkpointer(settings) as saver:
        service = _service_with(settings, saver, proofreader=lambda text: llm_findings(text, llm, prompts))
        outcome = service.submit(draft_request("weibo"))
    record = outcome.drafts[0]
    assert [c.role for c in outcome.usage] == ["proofreader"]  # the proofreading call counts in the run's usage
    sources = sorted((f.source, f.severity) for f in record.check.findings)  # type: ignore[union-attr]
    assert sources == [("llm", "warning"), ("rules", "blocking")]
    llm.assert_done()


def test_a_failing_llm_proofreader_leaves_the_deterministic_result(settings: Settings) -> None:
    from nmo.errors import LLMUnavailable

    def down(text: str) -> list[object]:
        raise LLMUnavailable("endpoint down", "retry later")

    with open_checkpointer(settings) as saver:
        record = _service_with(settings, saver, proofreader=down).submit(draft_request("weibo")).drafts[0]
    assert record.status == "pending_review"
    assert [f.source for f in record.check.findings] == ["rules"]  # type: ignore[union-attr]


def _topic_answer(messages: object) -> DraftContent:
    return DraftContent(title="冷泡茶", body="一杯清爽的冷泡茶。")


def test_llm_usage_of_drafts_waiting_for_review_is_reported(settings: Settings) -> None:
    llm = ScriptedLLM([_topic_answer, _topic_answer])
    with open_checkpointer(settings) as saver:
        service = _service_with(settings, saver, writer=LLMEchoWriter(llm))
        outcome = service.submit(draft_request("weibo", "douyin"))
    assert outcome.status == "pending_review"
    assert [c.role for c in outcome.usage] == ["writer", "writer"]  # both writers' calls, nothing else
    llm.assert_done()


def test_parallel_runs_on_one_service_report_only_their_own_llm_calls(settings: Settings) -> None:
    llm = ScriptedLLM([_topic_answer, _topic_answer])  # one model client shared by both runs, like the web app
    both_called = threading.Barrier(2)  # neither run's writer returns before both have called the model
    writer = LLMEchoWriter(llm, after_call=lambda: both_called.wait(timeout=20))
    topics = {"short": "冷泡茶", "long": "办公室没有冰箱时怎么做一杯冷泡茶"}

    def run(name: str) -> RunOutcome:
        request = WorkflowRequest(id=name, kind="draft", requested_by="ops",
                                  briefs=[DraftBrief(platform="weibo", topic=topics[name])])
        return service.submit(request)

    with open_checkpointer(settings) as saver:
        service = _service_with(settings, saver, writer=writer)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = dict(zip(topics, pool.map(run, topics), strict=True))
    for name, topic in topics.items():
        usage = outcomes[name].usage
        assert [c.prompt_tokens for c in usage] == [len(f"选题：{topic}")], name
    llm.assert_done()


def test_a_rejection_after_an_edit_revises_the_edited_text(service: WorkflowService) -> None:
    service.submit(draft_request("weibo"))
    edited = service.decide(
        "Dabc123-1",
        ReviewDecision(action="edit", by="lee", text="# 冷泡茶\n\n审核改过的一句，最好喝。", then_approve=False),
    )
    assert edited.status == "pending_review"
    revised = service.decide("Dabc123-1", ReviewDecision(action="reject", by="lee", note="再加一句冲泡时间"))
    assert "审核改过的一句" in revised.text  # the writer started from the reviewer's edit
    assert "最好" not in revised.text and "再加一句冲泡时间" in revised.text


class _BrokenPlanner:
    """A planner that fails the way a bug or a broken store would: not an LLM error."""

    def plan(self, request: PlanRequest, *, plan_id: str) -> object:
        raise RuntimeError("the index file is corrupt")


def test_any_failure_inside_a_run_ends_the_request_failed_and_resumable(settings: Settings) -> None:
    with open_checkpointer(settings) as saver:
        service = _service_with(settings, saver)
        service._context_factory = lambda: WorkflowContext(  # type: ignore[method-assign]
            planner=_BrokenPlanner(), writer=EchoWriter(), gate=TermGate(), max_revisions=0  # type: ignore[arg-type]
        )
        request = WorkflowRequest(id="brk001", kind="plan", requested_by="ops",
                                  plan=PlanRequest(brief="冷泡茶", platforms=["weibo"], start=date(2026, 12, 1)))
        with pytest.raises(RuntimeError):
            service.submit(request)
        summary = service.registry.get_request("brk001")
        assert summary is not None and summary.status == "failed"
        assert "corrupt" in (summary.error or "")
        service._context = WorkflowContext(planner=StaticPlanner(), writer=EchoWriter(), gate=TermGate(),
                                           max_revisions=0)
        assert service.resume_request("brk001").plan is not None


def test_a_past_plan_window_is_refused_before_anything_is_stored(service: WorkflowService) -> None:
    today = service.clock.today()
    request = WorkflowRequest(id="old001", kind="plan", requested_by="ops",
                              plan=PlanRequest(brief="冷泡茶", platforms=["weibo"], start=today - timedelta(days=1)))
    with pytest.raises(UserInputError, match="in the past"):
        service.submit(request)
    assert service.registry.get_request("old001") is None


def test_every_node_has_a_progress_label() -> None:
    from nmo.graph import NODE_LABELS, build_draft_graph, build_graph

    nodes = set(build_graph().nodes) | set(build_draft_graph().nodes)
    assert {"planner", "writer", "gate", "review"} <= nodes
    assert nodes - set(NODE_LABELS) == set()
