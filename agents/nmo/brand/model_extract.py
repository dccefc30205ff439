"""Brand-profile extraction through a model with a schema: every entry cites a passage and a quote, and
entries whose quote is not in that passage are dropped and counted, never shown.

The passages are the brand's own documents cut at their headings, numbered P1, P2 … and sent fenced as data
(`nmo.llm.knowledge_message`). The prompt is `prompts/brand/extract.md`; `prompt_fingerprint` hashes exactly
what is sent (prompt, passages and output schema), so a recorded answer knows when it is out of date.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from nmo.brand.profile import (
    BannedExpression,
    BrandProfile,
    Competitor,
    Pillar,
    Product,
    SourceRef,
    Term,
    ToneRules,
)
from nmo.brand.sections import split_sections
from nmo.errors import LLMError, LLMMalformedAnswer, LLMRefused
from nmo.ports import Message, StructuredLLM
from nmo.prompts import PromptTemplate
from nmo.schemas import Passage, SourceDocument

if TYPE_CHECKING:
    from nmo.config import LLMTarget

PROMPT_ROLE, PROMPT_NAME = "brand", "extract"
LLM_ROLE = "brand"
# what a model needs to be sent a brand's whole folder and answer with every entry (the recordings assume it)
RECORDED_CONTEXT_TOKENS = 64000
RECORDED_COMPLETION_TOKENS = 8000
Outcome = Literal["ok", "refused", "malformed", "unavailable"]


class Cited(BaseModel):
    """Where the model read an entry: a passage ID from the prompt and words copied from that passage."""

    model_config = ConfigDict(extra="forbid")

    passage_id: str = Field(description="The id of the passage the entry was read from, e.g. P3.")
    quote: str = Field(description="Words copied exactly from that passage that state the entry.")


class PillarAnswer(Cited):
    """A content pillar (栏目 / content direction) with the example topics the passage gives."""

    name: str
    examples: list[str] = Field(default_factory=list)


class ProductAnswer(Cited):
    """A product the brand sells, with the facts the passages state."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    spec: str = ""
    price: float | None = Field(default=None, ge=0, description="Price in yuan, only when a passage states it.")
    ingredients: list[str] = Field(default_factory=list)


class CompetitorAnswer(Cited):
    """A competing brand the passages name."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    what_they_do: str = ""
    our_opening: str = ""


class BannedAnswer(Cited):
    """An expression the brand must not use, with what to write instead when the passage says."""

    term: str
    replacement: str | None = None


class TermAnswer(Cited):
    """Preferred terminology: write `preferred`, not the `avoid` forms."""

    preferred: str
    avoid: list[str] = Field(default_factory=list)


class AddressAnswer(Cited):
    """How the brand addresses its users, and the forms of address it avoids."""

    term: str
    avoid: list[str] = Field(default_factory=list)


class ProfileAnswer(BaseModel):
    """The model's reading of a brand: only what the passages state, each entry with its passage and quote."""

    model_config = ConfigDict(extra="forbid")

    brand: str = ""
    pillars: list[PillarAnswer] = Field(default_factory=list)
    products: list[ProductAnswer] = Field(default_factory=list)
    competitors: list[CompetitorAnswer] = Field(default_factory=list)
    banned: list[BannedAnswer] = Field(default_factory=list)
    terminology: list[TermAnswer] = Field(default_factory=list)
    address: AddressAnswer | None = None


class DroppedEntry(BaseModel):
    """An entry the model returned that did not verify: never shown, only counted and explained."""

    field: str
    name: str
    reason: str


class ModelExtraction(BaseModel):
    """What model extraction produced for a brand: the verified profile, what was dropped, and how it went."""

    outcome: Outcome = "ok"
    message: str = ""
    prompt_version: int = 0
    fingerprint: str = ""
    profile: BrandProfile = Field(default_factory=BrandProfile)
    kept: int = 0
    dropped: list[DroppedEntry] = Field(default_factory=list)

    def summary(self) -> str:
        """One line for the ingest report: what the model added, what was dropped, or why nothing was."""
        if self.outcome != "ok":
            return (f"Model extraction of the brand profile failed ({self.outcome}: {self.message}); the profile "
                    "uses what the offline rules read. Run the ingest again later, or check the model settings.")
        line = f"Model extraction: {self.kept} entries verified against their passages"
        if self.dropped:
            reasons = "; ".join(f"{d.field} {d.name}: {d.reason}" for d in self.dropped[:3])
            line += f", {len(self.dropped)} dropped because their quote did not check out ({reasons})"
        return line + ". Disagreements with the documents: `nmo brand check`."


def brand_passages(documents: Sequence[SourceDocument]) -> list[Passage]:
    """The documents cut at their headings, in order, numbered P1, P2 …; empty sections left out. Each passage
    starts with its document's title (a competitor note may name the competitor only there)."""
    passages: list[Passage] = []
    for document in documents:
        for section in split_sections(document):
            body = section.text().strip()
            if not body:
                continue
            title = document.title.strip()
            text = f"{section.heading.strip()}\n{body}" if section.level else body
            text = text if text.startswith(title) else f"{title}\n{text}"
            passages.append(Passage(id=f"P{len(passages) + 1}", text=text, source_path=document.path,
                                    heading=section.name, kind=document.kind))
    return passages


def prompt_messages(template: PromptTemplate, passages: Sequence[Passage]) -> list[Message]:
    """Exactly what is sent: the system part, the passages fenced as data, then the request."""
    from nmo.llm import knowledge_message

    system, user = template.render()
    return [system, knowledge_message(passages), user] if passages else [system, user]


def prompt_fingerprint(template: PromptTemplate, passages: Sequence[Passage]) -> str:
    """A hash of the prompt, the passages and the output schema: a recorded answer to another prompt is stale."""
    payload = {
        "messages": [m.model_dump() for m in prompt_messages(template, passages)],
        "schema": ProfileAnswer.model_json_schema(),
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def fitted_passages(template: PromptTemplate, passages: Sequence[Passage], target: LLMTarget) -> list[Passage]:
    """The passages, in order, that fit the model's context with the prompt and the answer; the rest are not
    sent (a brand's whole folder needs a long-context model: NMO_LLM_CONTEXT_TOKENS)."""
    from nmo.budget import MESSAGE_OVERHEAD, count_tokens, fit_passages

    fixed = sum(count_tokens(m.content) + MESSAGE_OVERHEAD for m in template.render()) + 200
    return fit_passages(passages, fixed_tokens=fixed, context_tokens=target.context_tokens,
                        completion_tokens=target.completion_tokens)


def long_context(target: LLMTarget) -> LLMTarget:
    """The target with the context and answer sizes the recorded answers were made for (a whole brand folder)."""
    return target.model_copy(update={"context_tokens": max(target.context_tokens, RECORDED_CONTEXT_TOKENS),
                                     "completion_tokens": max(target.completion_tokens, RECORDED_COMPLETION_TOKENS)})


def extract_with_model(llm: StructuredLLM, template: PromptTemplate, passages: Sequence[Passage]) -> ModelExtraction:
    """Ask the model for the profile and keep only entries whose quote is in the passage they cite; a refusal,
    a malformed answer or an unreachable endpoint is an outcome with a message (the offline profile stays)."""
    base = ModelExtraction(prompt_version=template.meta.version, fingerprint=prompt_fingerprint(template, passages))
    system, user = template.render()
    try:
        reply = llm.generate([system, user], ProfileAnswer, passages=passages)
    except LLMRefused as error:
        return base.model_copy(update={"outcome": "refused", "message": error.problem})
    except LLMMalformedAnswer as error:
        return base.model_copy(update={"outcome": "malformed", "message": error.problem})
    except LLMError as error:
        return base.model_copy(update={"outcome": "unavailable", "message": error.problem})
    profile, kept, dropped = verify_answer(reply.value, passages)
    return base.model_copy(update={"profile": profile, "kept": kept, "dropped": dropped})


def verify_answer(answer: ProfileAnswer, passages: Sequence[Passage]) -> tuple[BrandProfile, int, list[DroppedEntry]]:
    """The profile of the entries that verify, how many did, and why each of the others was dropped."""
    by_id = {p.id: p for p in passages}
    dropped: list[DroppedEntry] = []

    def source(field: str, name: str, entry: Cited) -> SourceRef | None:
        problem = _unverified(name, entry, by_id)
        if problem:
            dropped.append(DroppedEntry(field=field, name=name, reason=problem))
            return None
        passage = by_id[entry.passage_id]
        return SourceRef(source_path=passage.source_path, heading=passage.heading, quote=entry.quote[:300],
                         origin="llm")

    pillars = [Pillar(name=a.name, examples=a.examples, source=s) for a in answer.pillars
               if (s := source("pillars", a.name, a))]
    products = [Product(name=a.name, aliases=a.aliases, spec=a.spec, price=a.price, ingredients=a.ingredients,
                        source=s) for a in answer.products if (s := source("products", a.name, a))]
    competitors = [Competitor(name=a.name, aliases=a.aliases, what_they_do=a.what_they_do,
                              our_opening=a.our_opening, source=s)
                   for a in answer.competitors if (s := source("competitors", a.name, a))]
    banned = [BannedExpression(term=a.term, replacement=a.replacement, source=s) for a in answer.banned
              if (s := source("banned", a.term, a))]
    terminology = [Term(preferred=a.preferred, avoid=a.avoid, source=s) for a in answer.terminology
                   if (s := source("terminology", a.preferred, a))]
    tone = ToneRules()
    if answer.address is not None and (s := source("tone", answer.address.term, answer.address)):
        tone = ToneRules(address_term=answer.address.term, avoid_address_terms=answer.address.avoid, source=s)
    profile = BrandProfile(brand=answer.brand, pillars=pillars, products=products, competitors=competitors,
                           banned=banned, terminology=terminology, tone=tone).with_missing()
    kept = len(pillars) + len(products) + len(competitors) + len(banned) + len(terminology) + bool(tone.address_term)
    return profile, kept, dropped


def _unverified(name: str, entry: Cited, passages: dict[str, Passage]) -> str:
    """Why an entry does not verify ("" when it does): its passage must exist, hold the quote, and name it."""
    passage = passages.get(entry.passage_id)
    if passage is None:
        return f"cites passage {entry.passage_id!r}, which was not in the prompt"
    text = _comparable(passage.text)
    if not _comparable(entry.quote) or _comparable(entry.quote) not in text:
        return f"its quote is not in passage {entry.passage_id}"
    if _comparable(name) not in text:
        return f"passage {entry.passage_id} does not name it"
    return ""


def _comparable(text: str) -> str:
    """Text as compared for verification: width-folded, without spaces or Markdown emphasis and table bars."""
    return re.sub(r"[\s*_`|]+", "", unicodedata.normalize("NFKC", text)).lower()


def main(argv: list[str] | None = None) -> int:
    """`python -m nmo.brand.model_extract FOLDER`: print exactly what is sent for a brand folder, and its
    fingerprint (to record an answer under evals/brands/recorded/)."""
    import sys
    from pathlib import Path

    from nmo.brand.evaluation import load_documents
    from nmo.prompts import PromptLibrary

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m nmo.brand.model_extract FOLDER", file=sys.stderr)
        return 2
    template = PromptLibrary.load().get(PROMPT_ROLE, PROMPT_NAME)
    passages = brand_passages(load_documents(Path(args[0])))
    for message in prompt_messages(template, passages):
        print(f"=== {message.role} ===\n{message.content}\n")
    fingerprint = prompt_fingerprint(template, passages)
    print(f"prompt {PROMPT_ROLE}/{PROMPT_NAME} v{template.meta.version} fingerprint {fingerprint}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
