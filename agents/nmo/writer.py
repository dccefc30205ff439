"""The writer: drafts and revises one piece for one platform, with an LLM or the offline composer."""

from __future__ import annotations

from datetime import date
from functools import cache

from pydantic import BaseModel, Field, create_model

from nmo.budget import fence_safe
from nmo.clock import Clock
from nmo.composer.adapt import compose_adaptation
from nmo.composer.brand import BrandProfile, load_brand_profile
from nmo.composer.draft import compose_draft, draft_sentences, retrieve, source_topic
from nmo.composer.formats import OUTPUT_MODELS
from nmo.composer.grounding import Grounder, to_content
from nmo.composer.language import ensure_chinese, is_chinese
from nmo.composer.limits import enforce_limits
from nmo.composer.notes_prompt import note_prompt_variables
from nmo.composer.revise import revise_draft
from nmo.composer.voice import voice_rules
from nmo.errors import KnowledgeError, LLMMalformedAnswer
from nmo.platforms import get_platform
from nmo.ports import KnowledgeBase, StructuredLLM
from nmo.prompts import PromptLibrary
from nmo.render import render_draft
from nmo.schemas import DraftBrief, DraftContent, Passage, RevisionRequest, WrittenDraft
from nmo.usage import LLMCall

EXAMPLE_COUNT = 4


@cache
def revision_model(model: type[BaseModel]) -> type[BaseModel]:
    """The revision answer: the platform's draft model plus what changed."""
    return create_model(
        f"Revised{model.__name__}",
        draft=(model, ...),
        changes=(str, Field(description="What changed and why, one clause per change.")),
    )


def require_knowledge(kb: KnowledgeBase) -> None:
    """Raise a KnowledgeError that says how to ingest when the knowledge base is empty."""
    if kb.count() == 0:
        raise KnowledgeError(
            "The knowledge base is empty, so there is nothing to ground plans and drafts in.",
            "Ingest the brand's files first: `nmo kb ingest knowledge/` (a folder with brand/, content/ "
            "and competitors/), then run the command again.",
            zh_problem="品牌资料库是空的，选题和稿件没有可依据的资料。",
            zh_fix="请管理员先导入品牌资料（nmo kb ingest 文件夹），再重新提交。",
        )


class KnowledgeWriter:
    """A Writer grounded in the knowledge base; llm=None uses the offline composer."""

    def __init__(
        self,
        kb: KnowledgeBase,
        llm: StructuredLLM | None,
        prompts: PromptLibrary,
        *,
        k: int = 8,
        clock: Clock | None = None,
    ) -> None:
        self.kb = kb
        self.llm = llm
        self.prompts = prompts
        self.k = k
        self.clock = clock  # None: no publication date known, so sale windows cannot be judged
        self._profile: BrandProfile | None = None
        self._profile_count = -1

    @property
    def profile(self) -> BrandProfile:
        """The brand profile, read from the knowledge base on first use."""
        # Re-read after an ingest changed the index, so a long-running server sees new past pieces.
        count = self.kb.count()
        if self._profile is None or count != self._profile_count:
            self._profile, self._profile_count = load_brand_profile(self.kb), count
        return self._profile

    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        """A draft in the platform's native shape; with `revision`, a revised one saying what changed."""
        spec = get_platform(brief.platform)
        brief = brief.model_copy(update={"platform": spec.key})
        if brief.source_text and not is_chinese(brief.topic):
            brief = brief.model_copy(update={"topic": source_topic(brief.source_text) or brief.topic})
        ensure_chinese(brief.topic, "topic")
        require_knowledge(self.kb)
        calls: list[LLMCall] = []
        if self.llm is not None:
            content, passages, call = self._llm_write(self.llm, brief, revision)
            calls.append(call)
        elif revision is None and brief.source_text.strip():
            content, passages = compose_adaptation(brief, self.kb, self.profile)
        elif revision is None:
            content, passages = compose_draft(
                brief, self.kb, self.profile, k=self.k, day=self.publication_day(brief),
                avoid=self.used_by_earlier(brief),
            )
        else:
            content, passages = self._offline_revision(brief, revision)
        return WrittenDraft(
            content=content,
            text=render_draft(content, spec.key),
            passages=passages,
            backend="offline" if self.llm is None else "llm",
            llm_calls=calls,
        )

    def publication_day(self, brief: DraftBrief) -> date | None:
        """The date the piece goes out: the plan item's, else today by the clock (None without one)."""
        return brief.publish_on or (self.clock.today() if self.clock is not None else None)

    def used_by_earlier(self, brief: DraftBrief) -> set[str]:
        """Sentences the earlier drafts of the same plan use (offline drafts are deterministic, so they are
        re-composed in order here rather than passed between the parallel draft branches)."""
        used: set[str] = set()
        for earlier in brief.earlier:
            content, _ = compose_draft(
                earlier, self.kb, self.profile, k=self.k, day=self.publication_day(earlier), avoid=set(used)
            )
            used |= draft_sentences(content)
        return used

    def _tone(self, platform_name: str) -> str:
        """The brand's voice for the prompt's fenced <brand_voice> block: the profile's tone rules, banned
        expressions and terminology when the profile has them, else the guide's passages on tone."""
        lines = voice_rules(self.profile.stored) if self.profile.stored is not None else []
        if not lines:
            passages = self.kb.search(f"{platform_name} 语气 表达规范 表情符号", k=2, kind="brand")
            lines = [p.text.strip()[:800] for p in passages]
        return fence_safe("\n".join(lines)) or "温和、真诚、不夸大。"

    def _examples(self, platform: str) -> str:
        pieces = self.profile.best_pieces(platform, limit=EXAMPLE_COUNT)
        return fence_safe("\n\n".join(f"《{d.title}》\n{d.text.strip()[:400]}" for d in pieces)) or "（暂无往期内容）"

    def _llm_write(
        self, llm: StructuredLLM, brief: DraftBrief, revision: RevisionRequest | None
    ) -> tuple[DraftContent, list[Passage], LLMCall]:
        spec = get_platform(brief.platform)
        passages = retrieve(self.kb, brief, self.k)
        model = OUTPUT_MODELS[spec.shape_rules.output_model]
        if revision is None:
            messages = self.prompts.get("writer", spec.prompt).render(
                topic=brief.topic,
                angle=brief.angle or "（无）",
                pillar=brief.pillar or "（无）",
                format=brief.format or "（平台常用形式）",
                limits=spec.limits_text(),
                tone=self._tone(spec.name),
                examples=self._examples(spec.key),
                variants=brief.variants,
                source_text=brief.source_text or "（无）",
            )
            reply = llm.generate(messages, model, passages=passages)
            answer, call, changes = reply.value, reply.call, ""
        else:
            passages = self.resolve(revision.previous.citations, []) + [
                p for p in passages if p.id not in revision.previous.citations
            ]
            findings = (
                "\n".join(
                    f"- {f.rule_id} [{f.severity}] {f.start}-{f.end}「{f.text}」{f.message}"
                    + (f" 建议：{f.suggestion}" if f.suggestion else "")
                    for f in revision.findings
                )
                or "（无）"
            )
            messages = self.prompts.get("writer", "revise").render(
                platform_name=spec.name,
                previous_text=fence_safe(revision.previous_text),
                findings=findings,
                note=revision.note or "（无）",
                tone=self._tone(spec.name),
                **note_prompt_variables(revision.note, brief.topic, spec, self._product_names()),
            )
            revised = llm.generate(messages, revision_model(model), passages=passages)
            fields = dict(revised.value)
            answer, call, changes = fields["draft"], revised.call, str(fields["changes"])
        grounder = Grounder(passages)
        content = to_content(answer, grounder, brief.variants)
        if not content.citations:
            raise LLMMalformedAnswer(
                f"The writer model's {spec.name} draft cites none of the {len(passages)} passages "
                "it was given.",
                "Retry, or pick a stronger model for the writer (NMO_WRITER__MODEL); NMO_BACKEND=offline "
                "uses the offline composer.",
            )
        content = enforce_limits(content, spec)
        log = [changes] if changes else []
        log += grounder.dropped
        if revision is not None or grounder.dropped:
            content = content.model_copy(update={"changes": "；".join(x for x in log if x)})
        return content, self.resolve(content.citations, passages), call

    def _offline_revision(
        self, brief: DraftBrief, revision: RevisionRequest
    ) -> tuple[DraftContent, list[Passage]]:
        content, added = revise_draft(revision, brief.platform, self.kb, k=self.k, topic=brief.topic,
                                      products=self._product_names())
        return content, self.resolve(content.citations, added)

    def _product_names(self) -> list[str]:
        """The brand's product names and short names, so a note can name a product either way."""
        return [*self.profile.products, *self.profile.product_short_names()]

    def resolve(self, ids: list[str], known: list[Passage]) -> list[Passage]:
        """Passages for citation IDs, from those at hand or the knowledge base."""
        by_id = {p.id: p for p in known}
        out: list[Passage] = []
        for passage_id in ids:
            passage = by_id.get(passage_id) or self.kb.get(passage_id)
            if passage is not None:
                out.append(passage)
        return out
