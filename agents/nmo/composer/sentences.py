"""Plain-text handling for the composer: clean Markdown, split sentences, find numbers, fit limits."""

from __future__ import annotations

import re

SENTENCE_END = "。！？!?；;"
_MARKDOWN_NOISE = re.compile(r"(\*\*|__|`|^#+\s*|^>\s*|^[-*+]\s+|^\d+\.\s+)", re.MULTILINE)
_LIST_MARKER = re.compile(r"^(?:\d\ufe0f?\u20e3\s*|[^\w「“（(]+|\d+[.、]\s+)")
_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n+")
_NUMBER = r"\d+(?:[.,]\d+)*"
_UNIT = r"\s*(?:元|块|ml|mL|毫升|g|克|kg|袋|盒|颗|瓶|%|折|天|小时|分钟|个月|月|日|号|年|℃|°C|岁|万|倍)?"
NUMBER = re.compile(_NUMBER)
# A number with the unit that makes it a price, size, duration or date.
NUMBER_WITH_UNIT = re.compile(_NUMBER + _UNIT)
# The same, or a whole range of them (4–6 小时, 59~79元): a range stands or goes as one piece.
NUMBER_RANGE_WITH_UNIT = re.compile(_NUMBER + _UNIT + r"(?:\s*[–—~～-]\s*" + _NUMBER + _UNIT + ")?")
# Where a clause ends; a half-width comma or colon between digits (1,000 or 12:30) is part of a number.
_CLAUSE_END = re.compile(r"[，、：。！？!?；;]|(?<!\d)[,:]|[,:](?!\d)")


def clean_markdown(text: str) -> str:
    """Drop Markdown syntax (headings, emphasis, list markers, table rules), keep the words."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or set(stripped) <= set("|-: "):
            continue
        if stripped.startswith(("|", "#")):
            continue
        lines.append(_MARKDOWN_NOISE.sub("", stripped))
    return "\n".join(lines)


def split_sentences(text: str) -> list[str]:
    """Sentences of a (Markdown) text, each with its closing punctuation."""
    # Chunkers sometimes join list items onto one line ("…也可以。- 泡好后…"): drop a marker left in front.
    parts = (_LIST_MARKER.sub("", s.strip()) for s in _SPLIT.split(clean_markdown(text)) if s)
    return [s for s in parts if s]


def numbers_in(text: str) -> set[str]:
    """The Arabic numbers in a text, normalised (thousands commas removed)."""
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def end_sentence(text: str) -> str:
    """Close a sentence with 。 unless it already ends with punctuation."""
    text = text.rstrip("，,、：:；; ")
    return text if not text or text[-1] in SENTENCE_END + "…」”)）" else text + "。"


def shorten(text: str, limit: int) -> str:
    """The longest run of whole clauses within `limit` characters; the whole text when no clause ends there.

    A cut anywhere else would split a word or a number range (「5–」), so a text with no clause boundary
    in reach stays whole and the gate reports its length instead.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    # A clause ending right at the limit still fits once its comma is dropped; a full stop stays.
    clauses = (text[: m.end()].rstrip("，,、：:；; ") for m in _CLAUSE_END.finditer(text[: limit + 1]))
    fitting = [c for c in clauses if c and len(c) <= limit]
    return fitting[-1] if fitting else text


def first_clause(text: str, limit: int) -> str:
    """The first clause of a sentence (up to the first comma or stop), at most `limit` characters."""
    text = re.sub(r"\[\^\d+\]|（[^）]*）|\([^)]*\)", "", text)
    match = _CLAUSE_END.search(text)
    clause = text[: match.start()] if match else text
    return shorten(clause, limit)


def join_within(parts: list[str], limit: int, separator: str = "\n\n") -> str:
    """Join parts in order while the result stays within `limit` characters; later parts are dropped."""
    out = ""
    for part in parts:
        candidate = part if not out else out + separator + part
        if len(candidate) > limit:
            continue
        out = candidate
    return out


_STRUCTURAL = re.compile(r"\[\^\d+\]|\b\d{1,2}:\d{2}\b|\b\d+\s*-\s*\d+\s*s\b")


def factual_numbers(text: str) -> set[str]:
    """Numbers that state something (prices, sizes, dates): citation markers and timestamps excluded."""
    return numbers_in(_STRUCTURAL.sub(" ", text))
