"""Matching-form text: width, case and traditional folded, evasion separators dropped, offsets kept."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Protocol

# Characters people slip between the characters of a banned phrase (全 网 第 一, 最*好*喝, 最🔥好).
# Chinese sentence punctuation (，。！？；：、) is deliberately absent: it is a real boundary, and
# dropping it would join 全网，第一次 into a match. Newlines are boundaries too.
SEPARATORS = re.compile(
    "[^\\S\\n]+|[*·•\\-_.~|/\\\\^+=`'\"#@<>()\\[\\]{}$&…—\u200b-\u200d\u2060\ufeff\u00b7\u30fb"
    "\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u25a0-\u25ff\u2700-\u27bf\U0001f000-\U0001faff\ufe0f]+"
)


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _width_case_table() -> dict[int, int]:
    """Full-width ASCII → half-width, ideographic space → space, upper → lower."""
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = 0x20
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in range(0xFF21, 0xFF3B):
        table[code] = code - 0xFEE0 + 32
    return table


@cache
def _t2s() -> _Converter:
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def fold(text: str) -> str:
    """Width, case and traditional→simplified folding that keeps the text's length."""
    folded = text.translate(_width_case_table())
    if folded.isascii():
        return folded
    simplified = _t2s().convert(folded)
    if len(simplified) == len(folded):
        return simplified
    converter = _t2s()
    return "".join(ch if len(out := converter.convert(ch)) != 1 else out for ch in folded)


@dataclass(frozen=True)
class NormalizedText:
    """Folded, separator-free text plus the map from its positions back to the original."""

    original: str
    text: str
    segment_starts: tuple[int, ...]
    segment_origins: tuple[int, ...]

    def origin(self, index: int) -> int:
        """Original offset of the character at `index` in the normalised text."""
        seg = bisect_right(self.segment_starts, index) - 1
        return self.segment_origins[seg] + (index - self.segment_starts[seg])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering normalised [start, end), separators inside included."""
        return self.origin(start), self.origin(end - 1) + 1


def normalize(text: str, *, drop_separators: bool = True) -> NormalizedText:
    """Fold `text` for matching; with drop_separators, evasion symbols and spaces are removed."""
    folded = fold(text)
    if not drop_separators:
        return NormalizedText(text, folded, (0,), (0,))
    pieces: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    length = 0
    cursor = 0
    for match in SEPARATORS.finditer(folded):
        if match.start() > cursor:
            starts.append(length)
            origins.append(cursor)
            pieces.append(folded[cursor : match.start()])
            length += match.start() - cursor
        cursor = match.end()
    if cursor < len(folded) or not starts:
        starts.append(length)
        origins.append(cursor)
        pieces.append(folded[cursor:])
    return NormalizedText(text, "".join(pieces), tuple(starts), tuple(origins))


def normalize_term(term: str) -> str:
    """The matching form of a lexicon term (same folding as the text it is matched against)."""
    return normalize(term).text
