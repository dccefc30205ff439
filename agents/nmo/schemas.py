"""Shared data contracts: passages, findings, plans, drafts. Every boundary speaks these models."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from nmo.usage import LLMCall

Kind = Literal["brand", "content", "competitor"]
Severity = Literal["blocking", "warning", "info"]
Category = Literal[
    "typo", "punctuation", "ad_law", "health_claim", "sensitive", "brand_term",
    "competitor", "fact", "pii", "platform_rule", "link", "disclosure",
]
SEVERITY_ORDER: dict[str, int] = {"blocking": 0, "warning": 1, "info": 2}
Backend = Literal["offline", "llm", "human"]
Goal = Literal["awareness", "engagement", "conversion"]
GOALS: tuple[Goal, ...] = get_args(Goal)
GOAL_LABELS: dict[Goal, str] = {"awareness": "曝光", "engagement": "互动", "conversion": "转化"}
RetrievalMode = Literal["dense", "lexical", "hybrid"]  # the knowledge base's ways of ranking passages
RETRIEVAL_MODES: tuple[RetrievalMode, ...] = get_args(RetrievalMode)
DraftStatus = Literal["writing", "pending_review", "approved", "rejected", "failed"]


def text_hash(text: str) -> str:
    """Short, stable hash of a text, used in audit trails and chunk IDs."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Passage(BaseModel):
    """A retrieved knowledge chunk; `id` is stable across re-ingests of unchanged text."""

    id: str
    text: str
    source_path: str
    title: str = ""
    heading: str = ""
    kind: Kind = "brand"
    platform: str | None = None
    published_at: str | None = None
    score: float = 0.0
    metadata: dict[str, str | int | float | bool] = Field(default_factory=dict)

    def cite(self) -> str:
        """Human-readable pointer to the source: path › heading."""
        return f"{self.source_path} › {self.heading}" if self.heading else self.source_path


class Finding(BaseModel):
    """One problem found by the gate; offsets are character offsets into the original text."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    category: Category
    severity: Severity
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    message: str
    suggestion: str | None = None
    source: Literal["rules", "llm"] = "rules"
    scope: Literal["span", "draft"] = Field(
        default="span", description="draft: about the whole draft (a missing part, the overall length), no span."
    )

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def whole_draft(self) -> bool:
        """True for a finding with nothing to point at in the text, shown in the 整篇 list instead."""
        return self.scope == "draft" or self.end <= self.start

    @classmethod
    def on_draft(
        cls, *, rule_id: str, category: Category, severity: Severity, message: str, suggestion: str | None = None,
    ) -> Finding:
        """A finding about the whole draft rather than a piece of its text."""
        return cls(
            rule_id=rule_id, category=category, severity=severity, start=0, end=0, text="", message=message,
            suggestion=suggestion, scope="draft",
        )

    @classmethod
    def in_text(
        cls, text: str, start: int, end: int, *, rule_id: str, category: Category, severity: Severity,
        message: str, suggestion: str | None = None,
    ) -> Finding:
        """A finding on text[start:end], its quoted text taken from the original."""
        return cls(
            rule_id=rule_id, category=category, severity=severity, start=start, end=end, text=text[start:end],
            message=message, suggestion=suggestion,
        )


class CheckResult(BaseModel):
    """The gate's verdict on one text; stored with every draft before review."""

    findings: list[Finding] = Field(default_factory=list)
    text_hash: str
    platform: str | None = None
    checked_at: datetime = Field(default_factory=datetime.now)

    @property
    def passed(self) -> bool:
        return not any(f.blocking for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Number of findings per severity, all three keys present."""
        out = {"blocking": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            out[finding.severity] += 1
        return out


class MarketingNode(BaseModel):
    """A date that matters for content: a holiday, lunar festival, shopping festival or season."""

    name: str
    start: date
    end: date
    kind: Literal["statutory", "lunar", "commerce", "social", "season", "solar_term", "hot_topic"]
    note: str = ""
    risk: bool = False
    fit: list[str] = Field(
        default_factory=list, description="Words that make the node fit a brand; empty = fits any brand."
    )


class PlanItem(BaseModel):
    """One slot in a content calendar."""

    id: str
    date: date
    slot: str = Field(description="Posting time, HH:MM")
    platform: str
    pillar: str
    topic: str
    angle: str
    format: str
    reason: str
    node: str | None = None
    citations: list[str] = Field(default_factory=list)


class Plan(BaseModel):
    """A content calendar produced by the planner."""

    id: str
    brief: str
    platforms: list[str]
    start: date
    days: int
    goal: Goal = "awareness"
    items: list[PlanItem]
    nodes: list[MarketingNode] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    backend: Backend
    created_at: datetime = Field(default_factory=datetime.now)
    # The run's usage ledger takes these; the stored and exported plan leaves them out.
    llm_calls: list[LLMCall] = Field(default_factory=list, exclude=True)


class Shot(BaseModel):
    """One shot of a short-video script."""

    time: str = Field(description="e.g. 0-3s")
    visual: str
    voiceover: str
    onscreen: str = ""


class Variant(BaseModel):
    """A title/hook variant for an A/B test."""

    label: str
    title: str
    hook: str = ""


class DraftContent(BaseModel):
    """A draft in its platform's shape; unused parts stay empty."""

    title: str
    digest: str = ""
    hook: str = ""
    body: str
    shots: list[Shot] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)
    cta: str = ""
    variants: list[Variant] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    changes: str = Field(default="", description="What a revision changed and why.")
    outline: bool = Field(
        default=False, description="A 要点稿 (outline draft), not finished prose: an editor turns it into text."
    )


class ReviewDecision(BaseModel):
    """What a reviewer sent to a draft waiting in review."""

    action: Literal["approve", "edit", "reject"]
    by: str = Field(min_length=1)
    note: str = ""
    text: str | None = None
    then_approve: bool = Field(
        default=True, description="For an edit: approve when the gate finds nothing blocking, else back to review."
    )
    at: datetime = Field(default_factory=datetime.now)


class Revision(BaseModel):
    """One version of a draft's text with its gate result and the reason it exists."""

    number: int
    text: str
    check: CheckResult | None
    reason: str
    backend: Backend
    at: datetime = Field(default_factory=datetime.now)


class SourceDocument(BaseModel):
    """One ingested file as a whole: past pieces carry their metrics for the planner and analyst."""

    path: str
    title: str
    kind: Kind
    platform: str | None = None
    published_at: str | None = None
    tags: list[str] = Field(default_factory=list)
    pillar: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    text: str = ""


class PlanRequest(BaseModel):
    """What the operator asked the planner for."""

    brief: str = Field(min_length=1)
    platforms: list[str] = Field(min_length=1)
    start: date
    days: int = Field(default=14, ge=1, le=90)
    posts_per_week: int = Field(default=3, ge=1, le=21, description="Per platform.")
    goal: Goal = "awareness"
    hot_topics: list[str] = Field(default_factory=list)


class DraftBrief(BaseModel):
    """What the writer is asked to draft: from a plan item, a free topic, or a piece to adapt."""

    platform: str
    topic: str = Field(min_length=1)
    angle: str = ""
    pillar: str = ""
    format: str = ""
    plan_item_id: str | None = None
    variants: int = Field(default=0, ge=0, le=5)
    source_text: str = Field(default="", description="For adapt: the original piece to rewrite natively.")
    publish_on: date | None = Field(default=None, description="Publication date; facts must be valid on it.")
    earlier: list[DraftBrief] = Field(
        default_factory=list,
        description="Briefs of the same plan drafted before this one: their sentences are not reused.",
    )

    @classmethod
    def for_plan_item(cls, item: PlanItem, *, variants: int = 0) -> DraftBrief:
        """The brief that drafts one plan item on its own platform."""
        return cls(
            platform=item.platform, topic=item.topic, angle=item.angle, pillar=item.pillar, format=item.format,
            plan_item_id=item.id, variants=variants, publish_on=item.date,
        )


class RevisionRequest(BaseModel):
    """Why the writer must revise: the previous version, open gate findings and/or a reviewer's note."""

    previous: DraftContent
    previous_text: str
    findings: list[Finding] = Field(default_factory=list)
    note: str = ""
    round: int = Field(ge=1)


class WrittenDraft(BaseModel):
    """The writer's output: the structured draft, its rendered Markdown and the passages it rests on."""

    content: DraftContent
    text: str
    passages: list[Passage] = Field(default_factory=list)
    backend: Backend
    llm_calls: list[LLMCall] = Field(default_factory=list, exclude=True)  # handed to the run's usage ledger


class DraftRecord(BaseModel):
    """Everything a reviewer sees about one draft: current text, gate result, history, decisions."""

    draft_id: str
    request_id: str
    platform: str
    topic: str
    plan_item_id: str | None = None
    requested_by: str
    status: DraftStatus
    content: DraftContent | None = None
    text: str = ""
    check: CheckResult | None = None
    passages: list[Passage] = Field(default_factory=list)
    revisions: list[Revision] = Field(default_factory=list)
    decisions: list[ReviewDecision] = Field(default_factory=list)
    backend: Backend = "offline"
    created_at: datetime = Field(default_factory=datetime.now)

    def resolve(self, passage_id: str) -> Passage | None:
        """The cited passage with this ID, when the draft rests on it."""
        return next((p for p in self.passages if p.id == passage_id), None)
