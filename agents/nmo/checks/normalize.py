"""Matching-form text: width, case and traditional folded, evasion separators dropped, offsets kept."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Protocol

# Characters people slip between the characters of a banned phrase (全 网 第 一, 最*好*喝, 最🔥好).
# Chinese sentence punctuation (，。！？；：、) is deliberately absent: it is a real boundary, and
# dropping it would join 全网，第一次 into a match. Newlines are boundaries too.
# Invisible and format characters render as nothing (or as a blank): soft hyphen, combining grapheme joiner,
# Arabic letter mark, Hangul fillers, Khmer vowel inherents, Mongolian separators, zero-width and direction
# marks, invisible operators, variation selectors, tag characters, musical formatting controls.
INVISIBLE = (
    "\u00ad\u034f\u20dd-\u20e4\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
SEPARATORS = re.compile(
    "[^\\S\\n]+|[*·•\\-_.~|/\\\\^+=`'\"#@<>()\\[\\]{}$&…—\u00b7\u30fb" + INVISIBLE +
    "\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u25a0-\u25ff\u2700-\u27bf\U0001f000-\U0001faff]+"
)


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


# Blocks whose characters have one-character compatibility forms: Kangxi and CJK radicals (⽹ → 网),
# compatibility ideographs, circled and parenthesised numbers, letter-like symbols, mathematical letters and
# digits (𝟏 → 1), enclosed alphanumerics, half-width forms.
_LOOKALIKE_BLOCKS = (
    (0x00A0, 0x024F), (0x2070, 0x218F), (0x2460, 0x24FF), (0x2E80, 0x2FDF), (0x3000, 0x303F),
    (0x3200, 0x33FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF),
    (0x1F100, 0x1F1FF), (0x2F800, 0x2FA1F),
)


@cache
def _width_case_table() -> dict[int, int]:
    """One character for one: NFKC where it gives a single character (full-width → half-width, Kangxi
    radicals → ideographs, ① → 1, 𝐀 → A), ideographic space → space, upper → lower."""
    table: dict[int, int] = {}
    for first, last in _LOOKALIKE_BLOCKS:
        for code in range(first, last + 1):
            compatible = unicodedata.normalize("NFKC", chr(code))
            if len(compatible) == 1 and compatible != chr(code):
                table[code] = ord(compatible)
    table[0x3000] = 0x20
    for code, target in list(table.items()):
        if 0x41 <= target <= 0x5A:
            table[code] = target + 32
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    return table


@cache
def _t2s() -> _Converter:
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def fold_width(text: str) -> str:
    """Width, look-alike and case folding, one character for one (no script conversion)."""
    return text.translate(_width_case_table())


def fold(text: str) -> str:
    """Width, case and traditional→simplified folding that keeps the text's length."""
    folded = fold_width(text)
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
