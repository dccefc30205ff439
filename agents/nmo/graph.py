"""The LangGraph workflow: route → planner → draft ×N (Send) where each draft runs
writer → gate → (revise, bounded) → review (interrupt) → finalize; edits and rejections loop back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, RetryPolicy, Send, interrupt

from nmo.errors import LLMError
from nmo.ports import Gate, KnowledgeBase, Planner, Writer
from nmo.schemas import (
    DraftBrief,
    DraftRecord,
    DraftStatus,
    ReviewDecision,
    Revision,
    RevisionRequest,
)
from nmo.state import DraftInput, DraftState, WorkflowInput, WorkflowState

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.graph.state import CompiledStateGraph

    from nmo.checks.proofreader import Proofreading


@dataclass(frozen=True)
class WorkflowContext:
    """Run dependencies handed to every node (built by the composition root, never by nodes)."""

    planner: Planner
    writer: Writer
    gate: Gate
    max_revisions: int = 2
    proofreader: Callable[[str], Proofreading] | None = None
    knowledge: KnowledgeBase | None = None  # checked for content before a request is accepted


# What progress shows for each node's update (CLI and web page alike); "__interrupt__" is a draft pausing.
NODE_LABELS: dict[str, str] = {
    "route": "已接收请求",
    "planner": "选题计划",
    "draft": "稿件完成",  # a draft branch ended (its subgraph's own nodes report the steps)
    "writer": "写作",
    "gate": "校对与合规检查",
    "review": "审核",
    "apply_edit": "应用人工修改",
    "finalize": "定稿",
    "__interrupt__": "等待审核",
}


def _retryable(error: Exception) -> bool:
    return isinstance(error, LLMError) and error.retryable


LLM_RETRY = RetryPolicy(max_attempts=2, retry_on=_retryable)


def draft_id_for(request_id: str, index: int) -> str:
    """Draft IDs are the request ID plus a 1-based position: stable and short to type."""
    return f"D{request_id}-{index + 1}"


# ---- request level -------------------------------------------------------------------------------


def route(state: WorkflowState) -> dict[str, Any]:
    """Take the briefs of a draft/adapt request as they are; plans get theirs from the planner."""
    request = state["request"]
    return {"briefs": list(request.briefs)} if request.kind != "plan" else {}


def after_route(state: WorkflowState) -> list[Send] | str:
    """Plans go to the planner; drafts and adaptations go straight to the writers."""
    return "planner" if state["request"].kind == "plan" else dispatch(state)


def planner(state: WorkflowState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """Make the plan, and turn its first `draft_first` items into briefs."""
    request = state["request"]
    if request.plan is None:
        raise ValueError("a plan request without plan parameters")
    plan = runtime.context.planner.plan(request.plan, plan_id=f"P{request.id}")
    briefs = [DraftBrief.for_plan_item(item) for item in plan.items[: request.draft_first]]
    return {"plan": plan, "briefs": briefs, "usage": plan.llm_calls}


def dispatch(state: WorkflowState) -> list[Send] | str:
    """Fan out one draft branch per brief (per platform or plan item)."""
    request = state["request"]
    briefs = state.get("briefs", [])
    if not briefs:
        return END
    return [
        Send(
            "draft",
            DraftInput(
                draft_id=draft_id_for(request.id, index),
                request_id=request.id,
                requested_by=request.requested_by,
                # Plan items are drafted in parallel; each gets the earlier ones so it reuses none of their sentences.
                brief=brief.model_copy(update={"earlier": [b for b in briefs[:index] if b.plan_item_id]})
                if brief.plan_item_id else brief,
            ),
        )
        for index, brief in enumerate(briefs)
    ]


# ---- one draft -----------------------------------------------------------------------------------


def current_text(state: DraftState) -> str:
    """The text under review: the latest revision's (a human edit or the writer's)."""
    revisions = state.get("revisions", [])
    return revisions[-1].text if revisions else ""


def draft_record(state: DraftState, status: DraftStatus) -> DraftRecord:
    """The reviewer's view of a draft, built from its state."""
    brief = state["brief"]
    written = state.get("written")
    revisions = state.get("revisions", [])
    return DraftRecord(
        draft_id=state["draft_id"],
        request_id=state["request_id"],
        platform=brief.platform,
        topic=brief.topic,
        plan_item_id=brief.plan_item_id,
        requested_by=state["requested_by"],
        status=status,
        content=written.content if written else None,
        text=current_text(state),
        check=state.get("check"),
        passages=written.passages if written else [],
        revisions=revisions,
        decisions=state.get("decisions", []),
        backend=revisions[-1].backend if revisions else "offline",
        created_at=revisions[0].at if revisions else datetime.now(),
    )


def writer(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """Write the first draft, or revise it for open gate findings or a reviewer's note."""
    revisions = list(state.get("revisions", []))
    note = state.get("pending_note", "")
    revision: RevisionRequest | None = None
    reason = "first draft"
    auto = state.get("auto_revisions", 0)
    if revisions:
        check = state.get("check")
        open_findings = list(check.findings) if check else []
        previous = state["written"].content
        if revisions[-1].backend == "human":  # revise the reviewer's edit, not the writer's older version
            from nmo.render import parse_draft

            previous = parse_draft(revisions[-1].text, previous)
        revision = RevisionRequest(
            previous=previous,
            previous_text=revisions[-1].text,
            findings=open_findings,
            note=note,
            round=len(revisions),
        )
        if note:
            reason = f"reviewer note: {note}"
            auto = 0
        else:
            blocking = sum(1 for f in open_findings if f.blocking)
            reason = f"gate: {blocking} blocking finding(s)"
            auto += 1
    written = runtime.context.writer.write(state["brief"], revision)
    revisions.append(
        Revision(
            number=len(revisions) + 1, text=written.text, check=None, reason=reason, backend=written.backend
        )
    )
    return {
        "written": written,
        "revisions": revisions,
        "auto_revisions": auto,
        "pending_note": "",
        "usage": written.llm_calls,
    }


def gate(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """Run the deterministic checks on the current text and store the result with its revision."""
    revisions = list(state["revisions"])
    latest = revisions[-1]
    content = state["written"].content if latest.backend != "human" else None
    check = runtime.context.gate.check(latest.text, platform=state["brief"].platform, content=content)
    usage = []
    if runtime.context.proofreader is not None:
        try:
            proofread = runtime.context.proofreader(latest.text)
        except LLMError:
            proofread = None  # the LLM pass is optional: the deterministic result stands on its own
        if proofread is not None:
            check = check.model_copy(update={"findings": [*check.findings, *proofread.findings]})
            usage = proofread.llm_calls
    revisions[-1] = latest.model_copy(update={"check": check})
    return {"check": check, "revisions": revisions, "usage": usage}


def after_gate(
    state: DraftState, runtime: Runtime[WorkflowContext]
) -> Literal["writer", "review", "finalize"]:
    """Revise while blocking findings remain and rounds are left; a clean human edit is approved unless
    the reviewer asked to see it again (then_approve=False, e.g. one applied suggestion)."""
    check = state["check"]
    if state["revisions"][-1].backend == "human":
        decision = state.get("decision")
        then_approve = decision.then_approve if decision is not None else True
        return "finalize" if check.passed and then_approve else "review"
    if not check.passed and state.get("auto_revisions", 0) < runtime.context.max_revisions:
        return "writer"
    return "review"


def review(state: DraftState) -> Command[Literal["writer", "apply_edit", "finalize"]]:
    """Wait for a reviewer. No side effects here: this node re-runs from the top on resume."""
    revisions = state.get("revisions", [])
    if not revisions or revisions[-1].check is None or state.get("check") is None:
        raise RuntimeError(f"draft {state['draft_id']} reached review without a stored check result")
    answer = interrupt(draft_record(state, "pending_review").model_dump(mode="json"))
    decision = ReviewDecision.model_validate(answer)
    decisions = [*state.get("decisions", []), decision]
    if decision.action == "approve":
        return Command(goto="finalize", update={"decision": decision, "decisions": decisions})
    if decision.action == "edit":
        return Command(goto="apply_edit", update={"decision": decision, "decisions": decisions})
    return Command(
        goto="writer", update={"decision": decision, "decisions": decisions, "pending_note": decision.note}
    )


def apply_edit(state: DraftState) -> dict[str, Any]:
    """A reviewer's edited text becomes a new revision; the gate checks it before approval."""
    decision = state["decision"]
    revisions = list(state["revisions"])
    revisions.append(
        Revision(
            number=len(revisions) + 1,
            text=decision.text or "",
            check=None,
            reason=f"edited by {decision.by}" + (f": {decision.note}" if decision.note else ""),
            backend="human",
        )
    )
    return {"revisions": revisions}


def finalize(state: DraftState) -> dict[str, Any]:
    """Record the approved draft in the request's results."""
    return {"drafts": {state["draft_id"]: draft_record(state, "approved")}}


def build_draft_graph() -> StateGraph[DraftState, WorkflowContext, DraftInput, DraftState]:
    """The per-draft subgraph."""
    graph = StateGraph(DraftState, context_schema=WorkflowContext, input_schema=DraftInput)
    graph.add_node("writer", writer, retry_policy=LLM_RETRY)
    graph.add_node("gate", gate)
    graph.add_node("review", review, destinations=("writer", "apply_edit", "finalize"))
    graph.add_node("apply_edit", apply_edit)
    graph.add_node("finalize", finalize)
    graph.add_edge(START, "writer")
    graph.add_edge("writer", "gate")
    graph.add_conditional_edges("gate", after_gate, ["writer", "review", "finalize"])
    graph.add_edge("apply_edit", "gate")
    graph.add_edge("finalize", END)
    return graph


def build_graph() -> StateGraph[WorkflowState, WorkflowContext, WorkflowInput, WorkflowState]:
    """The request-level graph with the draft subgraph as its `draft` node."""
    graph = StateGraph(WorkflowState, context_schema=WorkflowContext, input_schema=WorkflowInput)
    graph.add_node("route", route)
    graph.add_node("planner", planner, retry_policy=LLM_RETRY)
    graph.add_node("draft", build_draft_graph().compile())
    graph.add_edge(START, "route")
    graph.add_conditional_edges("route", after_route, ["planner", "draft", END])
    graph.add_conditional_edges("planner", dispatch, ["draft", END])
    graph.add_edge("draft", END)
    return graph


def compile_graph(checkpointer: BaseCheckpointSaver[Any] | None) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the workflow with a checkpointer (SQLite or PostgreSQL, see nmo.checkpoints)."""
    return build_graph().compile(checkpointer=checkpointer)
