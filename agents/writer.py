"""The writer: drafts and revises one piece for one platform, with an LLM or the offline composer."""

from __future__ import annotations

from agents.composer.brand import BrandProfile, load_brand_profile
from agents.composer.draft import compose_draft
from agents.composer.language import ensure_chinese
from agents.composer.revise import revise_draft
from agents.errors import KnowledgeError
from agents.platforms import get_platform
from agents.ports import KnowledgeBase, StructuredLLM
from agents.prompts import PromptLibrary
from agents.render import render_draft
from agents.schemas import DraftBrief, DraftContent, Passage, RevisionRequest, WrittenDraft


def require_knowledge(kb: KnowledgeBase) -> None:
    """Raise a KnowledgeError that says how to ingest when the knowledge base is empty."""
    if kb.count() == 0:
        raise KnowledgeError(
            "The knowledge base is empty, so there is nothing to ground plans and drafts in.",
            "Ingest the brand's files first: `nmo kb ingest knowledge/` (a folder with brand/, content/ "
            "and competitors/), then run the command again.",
        )


class KnowledgeWriter:
    """A Writer grounded in the knowledge base; llm=None uses the offline composer."""

    def __init__(
        self, kb: KnowledgeBase, llm: StructuredLLM | None, prompts: PromptLibrary, *, k: int = 8
    ) -> None:
        self.kb = kb
        self.llm = llm
        self.prompts = prompts
        self.k = k
        self._profile: BrandProfile | None = None

    @property
    def profile(self) -> BrandProfile:
        """The brand profile, read from the knowledge base on first use."""
        if self._profile is None:
            self._profile = load_brand_profile(self.kb)
        return self._profile

    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        """A draft in the platform's native shape; with `revision`, a revised one saying what changed."""
        spec = get_platform(brief.platform)
        brief = brief.model_copy(update={"platform": spec.key})
        ensure_chinese(brief.topic, "topic")
        require_knowledge(self.kb)
        if revision is None:
            content, passages = compose_draft(brief, self.kb, self.profile, k=self.k)
        else:
            content, passages = self._offline_revision(brief, revision)
        return WrittenDraft(
            content=content, text=render_draft(content, spec.key), passages=passages, backend="offline"
        )

    def _offline_revision(
        self, brief: DraftBrief, revision: RevisionRequest
    ) -> tuple[DraftContent, list[Passage]]:
        content, added = revise_draft(revision, brief.platform, self.kb, k=self.k)
        return content, self.resolve(content.citations, added)

    def resolve(self, ids: list[str], known: list[Passage]) -> list[Passage]:
        """Passages for citation IDs, from those at hand or the knowledge base."""
        by_id = {p.id: p for p in known}
        out: list[Passage] = []
        for passage_id in ids:
            passage = by_id.get(passage_id) or self.kb.get(passage_id)
            if passage is not None:
                out.append(passage)
        return out
