"""The seams between the workflow and its parts, as Protocols: knowledge base, gate, structured LLM.

Nodes depend on these, never on concrete classes; the composition root (nmo.composition)
builds the real implementations from settings, tests pass fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from nmo.schemas import (
    CheckResult,
    DraftBrief,
    DraftContent,
    Kind,
    Passage,
    Plan,
    PlanRequest,
    RevisionRequest,
    SourceDocument,
    WrittenDraft,
)
from nmo.usage import LLMCall

ModelT = TypeVar("ModelT", bound=BaseModel)


class KnowledgeBase(Protocol):
    """Search and read the indexed brand knowledge."""

    def search(
        self,
        query: str,
        *,
        k: int = 6,
        kind: Kind | None = None,
        platform: str | None = None,
        since: date | None = None,
    ) -> list[Passage]:
        """Ranked passages for a question, best first."""
        ...

    def get(self, passage_id: str) -> Passage | None:
        """One passage by its stable ID (for resolving citations)."""
        ...

    def documents(self, kind: Kind | None = None) -> list[SourceDocument]:
        """Whole indexed files with their front matter (past pieces carry metrics)."""
        ...

    def count(self) -> int:
        """Number of indexed chunks; 0 means nothing was ingested."""
        ...


class Gate(Protocol):
    """The deterministic proofreading and compliance checks."""

    def check(
        self, text: str, *, platform: str | None = None, content: DraftContent | None = None
    ) -> CheckResult:
        """Check a text (and, when given, the draft's parts against the platform's rules)."""
        ...


class Message(BaseModel):
    """One chat message."""

    role: str
    content: str


@dataclass(frozen=True)
class LLMReply(Generic[ModelT]):
    """A model's validated answer with the usage of the call that produced it (returned, never pooled,
    so concurrent runs sharing one client each count only their own calls)."""

    value: ModelT
    call: LLMCall


class StructuredLLM(Protocol):
    """An LLM that answers with a validated pydantic model, for one agent role."""

    backend_name: str

    def generate(
        self, messages: Sequence[Message], output: type[ModelT], *, passages: Sequence[Passage] = ()
    ) -> LLMReply[ModelT]:
        """Answer `messages` as an instance of `output`, with the call's usage; passages fit the token budget."""
        ...


class Planner(Protocol):
    """Makes a content calendar (offline composer or LLM) grounded in the knowledge base."""

    def plan(self, request: PlanRequest, *, plan_id: str) -> Plan:
        """A plan whose item IDs start with plan_id."""
        ...


class Writer(Protocol):
    """Drafts (and revises) one piece for one platform."""

    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        """A draft in the platform's native shape; with `revision`, a revised one saying what changed."""
        ...
