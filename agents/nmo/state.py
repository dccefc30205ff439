"""Graph state: the request-level workflow state and the per-draft state of the draft subgraph."""

from __future__ import annotations

import operator
from typing import Annotated, Literal, TypedDict

from pydantic import BaseModel, Field

from nmo.schemas import (
    CheckResult,
    DraftBrief,
    DraftRecord,
    Plan,
    PlanRequest,
    ReviewDecision,
    Revision,
    WrittenDraft,
)
from nmo.usage import LLMCall


def merge_records(left: dict[str, DraftRecord], right: dict[str, DraftRecord]) -> dict[str, DraftRecord]:
    """Reducer: drafts finished by parallel branches are merged by ID."""
    return {**left, **right}


class WorkflowRequest(BaseModel):
    """What an operator submitted: a plan (optionally drafting its first items), drafts, or an adaptation."""

    id: str
    kind: Literal["plan", "draft", "adapt"]
    requested_by: str = Field(min_length=1)
    plan: PlanRequest | None = None
    draft_first: int = Field(default=0, ge=0, le=20)
    briefs: list[DraftBrief] = Field(default_factory=list)


class WorkflowInput(TypedDict):
    """What a run starts with."""

    request: WorkflowRequest


class WorkflowState(TypedDict, total=False):
    """Request-level state; each node returns only the keys it owns."""

    request: WorkflowRequest
    plan: Plan
    briefs: list[DraftBrief]
    drafts: Annotated[dict[str, DraftRecord], merge_records]
    usage: Annotated[list[LLMCall], operator.add]


class DraftInput(TypedDict):
    """What the dispatcher sends to one draft branch."""

    draft_id: str
    request_id: str
    requested_by: str
    brief: DraftBrief


class DraftState(TypedDict, total=False):
    """One draft's way through writer → gate → (revise) → review → finalize."""

    draft_id: str
    request_id: str
    requested_by: str
    brief: DraftBrief
    written: WrittenDraft
    check: CheckResult
    revisions: list[Revision]
    auto_revisions: int
    pending_note: str
    decision: ReviewDecision
    decisions: list[ReviewDecision]
    drafts: Annotated[dict[str, DraftRecord], merge_records]
    usage: Annotated[list[LLMCall], operator.add]
