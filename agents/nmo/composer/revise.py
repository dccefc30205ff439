"""Offline revision: apply gate findings to the parts of a draft they point at, act on a reviewer's note."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nmo.composer.citations import renumber_citations
from nmo.composer.facts import rank_facts
from nmo.composer.limits import enforce_limits, text_units
from nmo.composer.sentences import clean_markdown, first_clause
from nmo.platforms import get_platform
from nmo.ports import KnowledgeBase
from nmo.render import CITATION_MARKER, FieldPath, render_with_spans
from nmo.schemas import DraftContent, Finding, Passage, RevisionRequest, Shot

# Suggestions that tell the writer what to do rather than give replacement wording.
DELETE_SENTENCE = re.compile(r"^(删除|删去|去掉)(这|该|整)句")
DELETE_WORDS = {"删除", "删去", "去掉", "删掉", "删除该词", "删除此词", "delete", "remove"}
INSTRUCTION = re.compile(r"^(写|改写|写明|写清|写具体|补充|说明|注明|请|建议|直接写)")
QUOTED = r"[「“\"']?(.+?)[」”\"']?"
NOTE_TITLE = re.compile(r"标题(?:改成|改为|换成|用)" + QUOTED + r"(?:[。；;，,]|$)")
NOTE_REPLACE = re.compile(r"把" + QUOTED + r"(?:改成|改为|换成)" + QUOTED + r"(?:[。；;，,]|$)")
NOTE_DELETE = re.compile(r"(?:删掉|删除|去掉|不要提)" + QUOTED + r"(?:[。；;，,]|$)")
NOTE_ADD = re.compile(r"(?:补充|加上|增加|加入|多写|写一下|提一下|提到)" + QUOTED + r"(?:[。；;，,]|$)")
NOTE_SHORTER = re.compile(r"短一点|精简|太长|缩短|删减")


@dataclass
class Edits:
    """A draft being revised and the list of what changed."""

    content: DraftContent
    platform: str
    log: list[str] = field(default_factory=list)


def _get(content: DraftContent, path: FieldPath) -> str:
    value: object = content
    for step in path:
        value = value[step] if isinstance(step, int) else getattr(value, step)  # type: ignore[index]
    return str(value)


def _set(content: DraftContent, path: FieldPath, new: str) -> DraftContent:
    data = content.model_dump()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return DraftContent.model_validate(data)


def _text_paths(content: DraftContent) -> list[FieldPath]:
    paths: list[FieldPath] = [("title",), ("digest",), ("hook",), ("body",), ("cta",)]
    for index in range(len(content.shots)):
        paths += [("shots", index, "visual"), ("shots", index, "voiceover"), ("shots", index, "onscreen")]
    for index in range(len(content.variants)):
        paths += [("variants", index, "title"), ("variants", index, "hook")]
    paths += [("hashtags", index) for index in range(len(content.hashtags))]
    return paths


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    position = 0
    for unit in text_units(text):
        unit_end = position + len(unit)
        if position <= start < unit_end or (start == end == unit_end):
            return position, max(unit_end, end)
        position = unit_end
    return start, end


def _replace_in(edits: Edits, path: FieldPath, start: int, end: int, new: str, whole_sentence: bool) -> None:
    value = _get(edits.content, path)
    if whole_sentence:
        start, end = _sentence_around(value, start, end)
    edits.content = _set(edits.content, path, value[:start] + new + value[end:])


def _locate(edits: Edits, finding: Finding, previous_text: str) -> tuple[FieldPath, int, int] | None:
    """The part and local offsets a finding points at: by its offsets if the text matches, else by search."""
    rendered = render_with_spans(edits.content, edits.platform)
    if rendered.text == previous_text:
        span = rendered.span_at(finding.start, finding.end)
        if span is not None and previous_text[finding.start : finding.end] == finding.text:
            local = finding.start - span.start
            value = _get(edits.content, span.path)
            if value[local : local + len(finding.text)] == finding.text:
                return span.path, local, local + len(finding.text)
            found = value.find(finding.text)
            if found >= 0:
                return span.path, found, found + len(finding.text)
    for path in _text_paths(edits.content):
        value = _get(edits.content, path)
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
        if not finding.blocking and _quoted_from_knowledge(_get(edits.content, path), start, end, sources or []):
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
    for path in _text_paths(edits.content):
        value = _get(edits.content, path)
        if tidy(value) != value:
            edits.content = _set(edits.content, path, tidy(value))
    edits.content = edits.content.model_copy(update={"hashtags": [t for t in edits.content.hashtags if t.strip()]})
    return edits


def _add_fact(edits: Edits, kb: KnowledgeBase, query: str, k: int) -> list[Passage]:
    passages = kb.search(query, k=k)
    present = edits.content.body
    facts = [f for f in rank_facts(query, passages) if f.text not in present]
    if not facts:
        edits.log.append(f"审核意见要求补充「{query}」，但知识库里没有可引用的资料，未补充")
        return []
    fact = facts[0]
    number = len(edits.content.citations) + 1
    line = f"{fact.text}[^{number}]"
    citations = [*edits.content.citations, fact.passage.id]
    shots = list(edits.content.shots)
    if shots and get_platform(edits.platform).shape_rules.add_fact_to == "shots":
        # In a video the addition is said on camera: a new shot before the closing one.
        seconds = max(4, min(10, len(fact.text) // 5))
        shots.insert(
            max(0, len(shots) - 1),
            Shot(time=f"+{seconds}s", visual="补充镜头：近景", voiceover=line, onscreen=first_clause(fact.text, 14)),
        )
        edits.content = edits.content.model_copy(update={"shots": _retimed(shots), "citations": citations})
    else:
        body = edits.content.body.rstrip() + f"\n\n{line}"
        edits.content = edits.content.model_copy(update={"body": body, "citations": citations})
    edits.log.append(f"按审核意见补充了关于「{query}」的一句（引用 {fact.passage.id}）")
    return [fact.passage]


def _retimed(shots: list[Shot]) -> list[Shot]:
    """Shot times recounted in order (a-bs), keeping each shot's length."""
    out: list[Shot] = []
    cursor = 0
    for shot in shots:
        numbers = [int(n) for n in re.findall(r"\d+", shot.time)]
        length = numbers[1] - numbers[0] if len(numbers) == 2 else (numbers[0] if numbers else 3)
        out.append(shot.model_copy(update={"time": f"{cursor}-{cursor + length}s"}))
        cursor += length
    return out


def apply_note(edits: Edits, note: str, kb: KnowledgeBase, k: int) -> list[Passage]:
    """Act on a reviewer's note: retitle, replace, delete, add a cited fact, or shorten; log what was done."""
    note = note.strip()
    if not note:
        return []
    added: list[Passage] = []
    handled = False
    if match := NOTE_TITLE.search(note):
        edits.content = edits.content.model_copy(update={"title": match.group(1).strip()})
        edits.log.append(f"按审核意见把标题改为「{match.group(1).strip()}」")
        handled = True
    for old, new in NOTE_REPLACE.findall(note):
        for path in _text_paths(edits.content):
            value = _get(edits.content, path)
            if old in value:
                edits.content = _set(edits.content, path, value.replace(old, new))
        edits.log.append(f"按审核意见把「{old}」改为「{new}」")
        handled = True
    for target in NOTE_DELETE.findall(note):
        for path in _text_paths(edits.content):
            value = _get(edits.content, path)
            if target in value:
                start = value.find(target)
                _replace_in(edits, path, start, start + len(target), "", whole_sentence=path == ("body",))
        edits.log.append(f"按审核意见删除了「{target}」")
        handled = True
    for topic in NOTE_ADD.findall(note):
        added += _add_fact(edits, kb, topic, k)
        handled = True
    if NOTE_SHORTER.search(note):
        units = text_units(edits.content.body)
        keep = max(1, int(len(units) * 0.7))
        edits.content = edits.content.model_copy(update={"body": "".join(units[:keep]).rstrip()})
        edits.log.append("按审核意见精简正文，删去了末尾约三成内容")
        handled = True
    if not handled:
        added += _add_fact(edits, kb, note, k)
    return added


def revise_draft(
    revision: RevisionRequest, platform: str, kb: KnowledgeBase, *, k: int = 6
) -> tuple[DraftContent, list[Passage]]:
    """The revised draft (limits enforced, citations renumbered, `changes` filled) and passages it added."""
    sources = [clean_markdown(p.text) for c in revision.previous.citations if (p := kb.get(c)) is not None]
    edits = apply_findings(revision.previous, revision.previous_text, revision.findings, platform, sources)
    added = apply_note(edits, revision.note, kb, k)
    spec = get_platform(platform)
    before = edits.content
    content = enforce_limits(renumber_citations(edits.content), spec)
    if content.body != before.body or content.title != before.title:
        edits.log.append("按平台字数上限重新裁剪")
    if not edits.log:
        edits.log.append("没有可自动修改的问题，内容未变")
    content = content.model_copy(update={"changes": f"第{revision.round}轮修改：" + "；".join(edits.log)})
    return content, added
