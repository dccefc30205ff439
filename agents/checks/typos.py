"""Typos: curated and CSC-mined confusion pairs, 的/地/得 by part of speech, 4-character idiom near-misses.

Word boundaries and parts of speech come from jieba's dictionary (agents.checks.dictionary), not its
model, and pypinyin is loaded only when an idiom candidate appears, so `nmo check` starts fast.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel, Field

from agents.checks.dictionary import cached_build, crosses_word, is_word, word_ending_at, word_tags
from agents.schemas import Finding

_SENTENCE = re.compile(r"[^。！？!?；;\n]*")
_WINDOW = 40


class ConfusionPair(BaseModel):
    """A wrong form and the right one."""

    wrong: str = Field(min_length=1)
    right: str = Field(min_length=1)


class ConfusionData(BaseModel):
    """The curated confusion file (agents/data/confusions.yaml) or the mined one."""

    words: list[ConfusionPair] = Field(default_factory=list)
    de_degree_words: list[str] = Field(default_factory=list)


def _load_confusions(name: str) -> ConfusionData:
    data = resources.files("agents.data").joinpath(name)
    if not data.is_file():
        return ConfusionData()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return ConfusionData.model_validate(yaml.load(data.read_text("utf-8"), Loader=loader) or {})


class IdiomData(NamedTuple):
    """Idioms, their one-wildcard index, an automaton of their halves and toneless readings of characters."""

    idioms: frozenset[str]
    wildcards: dict[str, tuple[str, ...]]
    halves: Any
    readings: dict[str, frozenset[str]]


def _toneless_readings() -> dict[str, frozenset[str]]:
    import unicodedata

    from pypinyin.pinyin_dict import pinyin_dict

    readings: dict[str, frozenset[str]] = {}
    for code, value in pinyin_dict.items():
        plain = unicodedata.normalize("NFKD", value)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        readings[chr(code)] = frozenset(plain.split(","))
    return readings


def _build_idiom_data() -> IdiomData:
    import ahocorasick

    idioms = frozenset(w for w, tag in word_tags().items() if tag == "i" and len(w) == 4)
    index: dict[str, list[str]] = {}
    halves: dict[str, set[int]] = {}
    for idiom in idioms:
        for i in range(4):
            index.setdefault(idiom[:i] + "?" + idiom[i + 1 :], []).append(idiom)
        halves.setdefault(idiom[:2], set()).add(0)
        halves.setdefault(idiom[2:], set()).add(2)
    automaton: Any = ahocorasick.Automaton()
    for half, shifts in halves.items():
        automaton.add_word(half, tuple(sorted(shifts)))
    if halves:
        automaton.make_automaton()
    return IdiomData(
        idioms, {k: tuple(v) for k, v in index.items()}, automaton if halves else None, _toneless_readings()
    )


@cache
def idiom_data() -> IdiomData:
    """Idiom resources, built once from jieba's dictionary and pypinyin, then kept in the cache folder."""
    return cached_build("idioms", _build_idiom_data)


class TypoChecker:
    """Flags likely typos with a suggestion; never rewrites the text."""

    def __init__(self, *, use_mined: bool = True, use_idioms: bool = True, use_de: bool = True) -> None:
        import ahocorasick

        curated = _load_confusions("confusions.yaml")
        pairs = list(curated.words)
        if use_mined:
            pairs.extend(_load_confusions("confusions_mined.yaml").words)
        self.pairs = {p.wrong: p.right for p in pairs if p.wrong != p.right}
        self.degree_words = tuple(curated.de_degree_words)
        self.use_idioms = use_idioms
        self.use_de = use_de
        self._automaton: Any = ahocorasick.Automaton()
        for wrong in self.pairs:
            self._automaton.add_word(wrong, wrong)
        if self.pairs:
            self._automaton.make_automaton()
        self._de = (
            re.compile("的(?=" + "|".join(map(re.escape, self.degree_words)) + ")")
            if self.degree_words
            else None
        )

    def findings(self, text: str) -> list[Finding]:
        """Confusion pairs on word boundaries, 的→得 after verbs, idiom near-misses."""
        out = self._pair_findings(text)
        if self.use_de and self._de is not None:
            out.extend(self._de_findings(text))
        if self.use_idioms:
            taken = [(f.start, f.end) for f in out]
            out.extend(
                f for f in self._idiom_findings(text) if not any(s < f.end and f.start < e for s, e in taken)
            )
        return out

    def _pair_findings(self, text: str) -> list[Finding]:
        if not self.pairs:
            return []
        out: list[Finding] = []
        last_end = -1
        for end_index, wrong in self._automaton.iter_long(text):
            start, end = end_index - len(wrong) + 1, end_index + 1
            if start < last_end or crosses_word(text, start, end):
                continue
            last_end = end
            right = self.pairs[wrong]
            out.append(
                Finding(
                    rule_id="typo.confusion",
                    category="typo",
                    severity="warning",
                    start=start,
                    end=end,
                    text=wrong,
                    message=f"疑似错别字：“{wrong}”应为“{right}”",
                    suggestion=right,
                )
            )
        return out

    def _de_findings(self, text: str) -> list[Finding]:
        assert self._de is not None
        out: list[Finding] = []
        for match in self._de.finditer(text):
            pos = match.start()
            if pos == 0 or not "\u4e00" <= text[pos - 1] <= "\u9fff":
                continue
            verb, tag = word_ending_at(text, pos)
            if tag == "v" and len(verb) <= 2 and verb not in ("是", "有", "说是"):
                out.append(
                    Finding(
                        rule_id="typo.de_de",
                        category="typo",
                        severity="warning",
                        start=pos,
                        end=pos + 1,
                        text="的",
                        message=f"“{verb}的{match.group(0)[1:]}…”：动词后接程度补语应用“得”",
                        suggestion="得",
                    )
                )
        return out

    def _idiom_findings(self, text: str) -> list[Finding]:
        data = idiom_data()
        idioms, index = data.idioms, data.wildcards
        if not index:
            return []
        out: list[Finding] = []
        next_free = 0
        for start in _idiom_window_starts(text, data.halves):
            window = text[start : start + 4]
            if (
                start < next_free
                or len(window) < 4
                or not _is_cjk4(window)
                or window in idioms
                or is_word(window)
            ):
                continue
            match = self._idiom_near(window, index, data.readings)
            if match is not None and not crosses_word(text, start, start + 4):
                out.append(
                    Finding(
                        rule_id="typo.idiom",
                        category="typo",
                        severity="warning",
                        start=start,
                        end=start + 4,
                        text=window,
                        message=f"疑似成语错字：“{window}”应为“{match}”",
                        suggestion=match,
                    )
                )
                next_free = start + 4
        return out

    @staticmethod
    def _idiom_near(
        window: str, index: dict[str, tuple[str, ...]], readings: dict[str, frozenset[str]]
    ) -> str | None:
        for position in range(4):
            candidates = index.get(window[:position] + "?" + window[position + 1 :])
            if not candidates:
                continue
            for idiom in candidates:
                wrong, right = window[position], idiom[position]
                # the swapped-in character must sound like the right one, and the window must not
                # read as two ordinary words (那就一定 is not 那就一定的 idiom)
                if readings.get(wrong, frozenset()) & readings.get(right, frozenset()) and not (
                    is_word(window[:2]) and is_word(window[2:])
                ):
                    return idiom
        return None


def _idiom_window_starts(text: str, halves: Any) -> list[int]:
    """Sorted start offsets of 4-character windows that share a half with some idiom."""
    if halves is None:
        return []
    starts: set[int] = set()
    for end_index, shifts in halves.iter(text):
        for shift in shifts:
            start = end_index - 1 - shift
            if start >= 0:
                starts.add(start)
    return sorted(starts)


def _is_cjk4(window: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in window)
