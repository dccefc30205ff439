"""Plain-text handling for the composer: clean Markdown, split sentences, find numbers, fit limits."""

from __future__ import annotations

import re

SENTENCE_END = "。！？!?；;"
_MARKDOWN_NOISE = re.compile(r"(\*\*|__|`|^#+\s*|^>\s*|^[-*+]\s+|^\d+\.\s+)", re.MULTILINE)
_LIST_MARKER = re.compile(r"^(?:\d\ufe0f?\u20e3\s*|[^\w「“（(]+|\d+[.、]\s+)")
_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n+")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A number with the unit that makes it a price, size, duration or date.
NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:元|块|ml|mL|毫升|g|克|kg|袋|盒|颗|瓶|%|折|天|小时|分钟|个月|月|日|号|年|℃|°C|岁|万|倍)?"
)
_CLAUSE_END = re.compile(r"[，,、：:。！？!?；;]")


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
    """Cut a one-line text to at most `limit` characters, at a clause boundary when there is one."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.end() for m in _CLAUSE_END.finditer(cut) if m.end() >= limit // 2]
    if ends:
        return cut[: ends[-1]].rstrip("，,、：:")
    return cut


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
