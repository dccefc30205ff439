"""Text operations for review: apply a finding's suggestion, split a text into highlight segments, diff revisions."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from nmo.errors import ConflictError, NotFoundError, UserInputError
from nmo.render import CITATION_MARKER
from nmo.schemas import SEVERITY_ORDER, DraftRecord, Finding, Severity


class Segment(BaseModel):
    """A run of text covered by the same findings (none for plain text); `severity` is the most severe."""

    text: str
    start: int
    findings: list[int]
    severity: Severity | None = None
    citation: int | None = Field(default=None, description="For a `[^n]` marker: the citation number n.")


class DiffOp(BaseModel):
    """One piece of a diff: text kept, inserted or deleted."""

    op: Literal["equal", "insert", "delete"]
    text: str


DELETE_WORDS = ("删除", "删去", "去掉")
ADVICE_PREFIXES = ("删", "写", "补", "确认", "保留", "按", "直接", "注明", "请", "参考", "核实")
RENAME = re.compile(r"^(?:改为|换成|改成|统一写)[「“\"]?(.+?)[」”\"]?$")


def replacement_for(finding: Finding) -> str | None:
    """The literal text that replaces a finding's span ("" deletes it), or None when the suggestion is advice.

    Gate suggestions are either wording to use ("冷泡茶", "改为「冷泡茶」"), "删除", or advice for a human
    ("写具体、有来源的数据"); only the first two can be applied with one click.
    """
    suggestion = (finding.suggestion or "").strip()
    if finding.suggestion is None or finding.end <= finding.start:
        return None
    if suggestion in DELETE_WORDS:
        return ""
    renamed = RENAME.match(suggestion)
    if renamed:
        return renamed.group(1)
    if not suggestion or suggestion.startswith(ADVICE_PREFIXES):
        return None
    return suggestion


def apply_suggestion(record: DraftRecord, index: int) -> str:
    """The draft's text with finding `index`'s span replaced by its suggestion (or deleted)."""
    findings = record.check.findings if record.check else []
    if not 0 <= index < len(findings):
        raise NotFoundError(
            f"Draft {record.draft_id} has no finding #{index} (it has {len(findings)}).",
            "Reload the draft; findings are numbered from 0 in the order the API lists them.",
        )
    finding = findings[index]
    replacement = replacement_for(finding)
    if replacement is None:
        raise UserInputError(
            f"Finding #{index} ({finding.message}) has advice, not replacement text, to apply.",
            "Edit the text yourself following the advice, or reject the draft with a note.",
        )
    if record.text[finding.start : finding.end] != finding.text:
        raise ConflictError(
            f"Finding #{index} no longer matches the text of draft {record.draft_id}.",
            "Reload the draft and try again.",
        )
    return record.text[: finding.start] + replacement + record.text[finding.end :]


def highlight_segments(text: str, findings: Sequence[Finding]) -> list[Segment]:
    """Split a text at every finding boundary so each segment can be marked with the findings covering it."""
    spans = [
        (index, max(0, min(f.start, len(text))), max(0, min(f.end, len(text))), f.severity)
        for index, f in enumerate(findings)
    ]
    cuts = sorted({0, len(text), *(s for _, s, _, _ in spans), *(e for _, _, e, _ in spans)})
    segments: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = [(i, sev) for i, s, e, sev in spans if s <= start and end <= e and s < e]
        severity = min((sev for _, sev in covering), key=SEVERITY_ORDER.__getitem__, default=None)
        segments.append(
            Segment(text=text[start:end], start=start, findings=[i for i, _ in covering], severity=severity)
        )
    return segments


def mark_citations(segments: list[Segment]) -> list[Segment]:
    """Split out the `[^n]` citation markers so a page can link each one to its passage."""
    out: list[Segment] = []
    for segment in segments:
        cursor = 0
        for match in CITATION_MARKER.finditer(segment.text):
            if match.start() > cursor:
                out.append(segment.model_copy(update={"text": segment.text[cursor : match.start()],
                                                      "start": segment.start + cursor}))
            out.append(segment.model_copy(update={"text": match.group(0), "start": segment.start + match.start(),
                                                  "citation": int(match.group(1))}))
            cursor = match.end()
        if cursor < len(segment.text):
            out.append(segment.model_copy(update={"text": segment.text[cursor:], "start": segment.start + cursor}))
    return out


def diff_texts(old: str, new: str) -> list[DiffOp]:
    """A character-level diff (Chinese has no word spaces), computed line by line so long texts stay fast."""
    ops: list[DiffOp] = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in lines.get_opcodes():
        before, after = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if tag == "equal":
            _push(ops, "equal", before)
        elif tag == "replace":
            chars = difflib.SequenceMatcher(None, before, after, autojunk=False)
            for ctag, c1, c2, d1, d2 in chars.get_opcodes():
                if ctag == "equal":
                    _push(ops, "equal", before[c1:c2])
                    continue
                _push(ops, "delete", before[c1:c2])
                _push(ops, "insert", after[d1:d2])
        else:
            _push(ops, "delete", before)
            _push(ops, "insert", after)
    return ops


def _push(ops: list[DiffOp], op: Literal["equal", "insert", "delete"], text: str) -> None:
    if not text:
        return
    if ops and ops[-1].op == op:
        ops[-1] = DiffOp(op=op, text=ops[-1].text + text)
    else:
        ops.append(DiffOp(op=op, text=text))


def revision_diff(record: DraftRecord, old: int, new: int) -> list[DiffOp]:
    """The diff between two revisions of a draft, by revision number (1-based)."""
    by_number = {r.number: r for r in record.revisions}
    for number in (old, new):
        if number not in by_number:
            raise NotFoundError(
                f"Draft {record.draft_id} has no revision {number} (it has {len(record.revisions)}).",
                "Revision numbers start at 1; see the draft's revision list.",
            )
    return diff_texts(by_number[old].text, by_number[new].text)
