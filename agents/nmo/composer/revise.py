"""Offline revision: apply gate findings to the parts of a draft they point at, act on a reviewer's note."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nmo.composer.citations import renumber_citations
from nmo.composer.draft_parts import get_part, set_part, text_paths
from nmo.composer.limits import enforce_limits, text_units
from nmo.composer.notes import parse_note
from nmo.composer.notes_log import format_change_log
from nmo.composer.notes_offline import NoteContext, NoteOutcome, apply_parsed_note
from nmo.composer.notes_verify import failing
from nmo.composer.sentences import clean_markdown
from nmo.platforms import get_platform
from nmo.ports import KnowledgeBase
from nmo.render import CITATION_MARKER, FieldPath, render_with_spans
from nmo.schemas import DraftContent, Finding, Passage, RevisionRequest

# Suggestions that tell the writer what to do rather than give replacement wording.
DELETE_SENTENCE = re.compile(r"^(删除|删去|去掉)(这|该|整)句")
DELETE_WORDS = {"删除", "删去", "去掉", "删掉", "删除该词", "删除此词", "delete", "remove"}
INSTRUCTION = re.compile(r"^(写|改写|写明|写清|写具体|补充|说明|注明|请|建议|直接写)")


@dataclass
class Edits:
    """A draft being revised and the list of what changed."""

    content: DraftContent
    platform: str
    log: list[str] = field(default_factory=list)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    position = 0
    for unit in text_units(text):
        unit_end = position + len(unit)
        if position <= start < unit_end or (start == end == unit_end):
            return position, max(unit_end, end)
        position = unit_end
    return start, end


def _replace_in(edits: Edits, path: FieldPath, start: int, end: int, new: str, whole_sentence: bool) -> None:
    value = get_part(edits.content, path)
    if whole_sentence:
        start, end = _sentence_around(value, start, end)
    edits.content = set_part(edits.content, path, value[:start] + new + value[end:])


def _locate(edits: Edits, finding: Finding, previous_text: str) -> tuple[FieldPath, int, int] | None:
    """The part and local offsets a finding points at: by its offsets if the text matches, else by search."""
    rendered = render_with_spans(edits.content, edits.platform)
    if rendered.text == previous_text:
        span = rendered.span_at(finding.start, finding.end)
        if span is not None and previous_text[finding.start : finding.end] == finding.text:
            local = finding.start - span.start
            value = get_part(edits.content, span.path)
            if value[local : local + len(finding.text)] == finding.text:
                return span.path, local, local + len(finding.text)
            found = value.find(finding.text)
            if found >= 0:
                return span.path, found, found + len(finding.text)
    for path in text_paths(edits.content):
        value = get_part(edits.content, path)
        found = value.find(finding.text) if finding.text else -1
        if found >= 0:
            return path, found, found + len(finding.text)
    return None


def _quoted_from_knowledge(value: str, start: int, end: int, sources: list[str]) -> bool:
    """True when the sentence around [start, end) is copied verbatim from a cited passage."""
    first, last = _sentence_around(value, start, end)
    sentence = CITATION_MARKER.sub("", value[first:last]).strip().rstrip("。！？；").lstrip("·🍑🌼☁️🍂🫖🧊✨📝🌿🍐 ")
    return len(sentence) >= 6 and any(sentence in source for source in sources)


def tidy(text: str) -> str:
    """Clean the punctuation a deletion leaves behind: doubled commas, a comma before a stop or at a start."""
    text = re.sub(r"([，、；：,])\s*[，、；：,]+", r"\1", text)
    text = re.sub(r"[，、；：,]+\s*([。！？!?])", r"\1", text)
    text = re.sub(r"(^|\n)([^\S\n]*)[，、；：,。]+", r"\1\2", text)
    return re.sub(r"(?<=[。！？])[。]+", "", text)


def apply_findings(
    content: DraftContent,
    previous_text: str,
    findings: list[Finding],
    platform: str,
    sources: list[str] | None = None,
) -> Edits:
    """Fix every finding that has a suggestion, delete blocking text without one; log each change.

    `sources` are the texts of the cited passages: a non-blocking finding (e.g. a suspected typo) inside a
    sentence quoted verbatim from them is left alone, since the knowledge base is the brand's own wording.
    """
    edits = Edits(content=content, platform=platform)
    # Right to left, so earlier offsets stay valid while the text matches the previous render.
    for finding in sorted(findings, key=lambda f: (-f.start, f.rule_id)):
        if not finding.suggestion and not finding.blocking:
            continue
        if finding.category == "platform_rule" and not finding.suggestion and len(finding.text) > 20:
            continue  # length and shape rules are fixed by enforcing the limits below
        where = _locate(edits, finding, previous_text)
        if where is None:
            edits.log.append(f"未找到「{finding.text}」（{finding.rule_id}），可能已在其他修改中删除")
            continue
        path, start, end = where
        suggestion = (finding.suggestion or "").strip()
        part = "/".join(str(p) for p in path)
        if not finding.blocking and _quoted_from_knowledge(get_part(edits.content, path), start, end, sources or []):
            edits.log.append(f"保留「{finding.text}」：所在句子出自知识库原文（{finding.rule_id}）")
            continue
        if finding.category == "fact" or (suggestion and DELETE_SENTENCE.match(suggestion)):
            _replace_in(edits, path, start, end, "", whole_sentence=True)
            edits.log.append(f"删除含「{finding.text}」的句子（{finding.message}）[{part}]")
        elif suggestion and not INSTRUCTION.match(suggestion) and suggestion not in DELETE_WORDS:
            _replace_in(edits, path, start, end, suggestion, whole_sentence=False)
            edits.log.append(f"「{finding.text}」→「{suggestion}」（{finding.message}）[{part}]")
        else:
            _replace_in(edits, path, start, end, "", whole_sentence=False)
            edits.log.append(f"删除「{finding.text}」（{finding.message}）[{part}]")
    for path in text_paths(edits.content):
        value = get_part(edits.content, path)
        if tidy(value) != value:
            edits.content = set_part(edits.content, path, tidy(value))
    edits.content = edits.content.model_copy(update={"hashtags": [t for t in edits.content.hashtags if t.strip()]})
    return edits


def apply_note(
    content: DraftContent, note: str, context: NoteContext
) -> tuple[DraftContent, list[NoteOutcome], list[Passage]]:
    """Act on a reviewer's note, instruction by instruction; each outcome says what changed or why not."""
    if not note.strip():
        return content, [], []
    parsed = parse_note(note, context.products)
    return apply_parsed_note(content, parsed, context)


@dataclass
class Revised:
    """An offline revision: the draft, the passages it added, and what became of each part of the note."""

    content: DraftContent
    added: list[Passage]
    outcomes: list[NoteOutcome]


def revise(
    revision: RevisionRequest,
    platform: str,
    kb: KnowledgeBase,
    *,
    k: int = 6,
    topic: str = "",
    products: Sequence[str] = (),
) -> Revised:
    """The revised draft (limits enforced, citations renumbered, `changes` filled) with each note outcome.

    `changes` lists only changes that hold on the final text; the parts of the note that were not applied
    are listed after them, with what to do instead.
    """
    sources = [clean_markdown(p.text) for c in revision.previous.citations if (p := kb.get(c)) is not None]
    edits = apply_findings(revision.previous, revision.previous_text, revision.findings, platform, sources)
    spec = get_platform(platform)
    context = NoteContext(spec=spec, topic=topic or revision.previous.title, kb=kb, products=products, k=k)
    noted, outcomes, added = apply_note(edits.content, revision.note, context)
    noted = renumber_citations(noted)
    content = enforce_limits(noted, spec)
    if content.body != noted.body or content.title != noted.title:
        edits.log.append("按平台字数上限重新裁剪")
    done, not_applied = list(edits.log), list[str]()
    final: list[NoteOutcome] = []
    for outcome in outcomes:
        if outcome.applied and failing(outcome.claims, content):
            # The platform's limits undid it: say so rather than claim a change the reader cannot see.
            outcome = outcome.model_copy(update={
                "applied": False, "summary": "改动超出平台上限，裁剪后未能保留",
                "reason_en": "the platform's limits undid the change"})
        (done if outcome.applied else not_applied).append(outcome.log_line())
        final.append(outcome)
    content = content.model_copy(update={"changes": format_change_log(revision.round, done, not_applied)})
    return Revised(content=content, added=added, outcomes=final)


def revise_draft(
    revision: RevisionRequest,
    platform: str,
    kb: KnowledgeBase,
    *,
    k: int = 6,
    topic: str = "",
    products: Sequence[str] = (),
) -> tuple[DraftContent, list[Passage]]:
    """The revised draft and the passages it added (see `revise`)."""
    revised = revise(revision, platform, kb, k=k, topic=topic, products=products)
    return revised.content, revised.added
