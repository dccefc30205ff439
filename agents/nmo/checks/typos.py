"""Typos: curated and CSC-mined confusion pairs, 的/地/得 by part of speech, 4-character idiom near-misses.

Word boundaries and parts of speech come from jieba's dictionary (nmo.checks.dictionary), not its
model, and pypinyin is loaded only when an idiom candidate appears, so `nmo check` starts fast.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel, Field

from nmo.checks.dictionary import cached_build, crosses_word, is_word, word_ending_at, word_tags
from nmo.checks.particles import particle_findings
from nmo.schemas import Finding

_SENTENCE = re.compile(r"[^。！？!?；;\n]*")
_WINDOW = 40


class ConfusionPair(BaseModel):
    """A wrong form and the right one."""

    wrong: str = Field(min_length=1)
    right: str = Field(min_length=1)


class ConfusionData(BaseModel):
    """The curated confusion file (agents/nmo/data/confusions.yaml) or the mined one."""

    words: list[ConfusionPair] = Field(default_factory=list)
    de_degree_words: list[str] = Field(default_factory=list)


def _confusion_text(name: str) -> str:
    data = resources.files("nmo.data").joinpath(name)
    return data.read_text("utf-8") if data.is_file() else ""


def _parse_confusions(text: str) -> ConfusionData:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return ConfusionData.model_validate(yaml.load(text, Loader=loader) or {}) if text else ConfusionData()


class ConfusionTable(NamedTuple):
    """Wrong → right forms, the 的→得 degree words and an automaton over the wrong forms."""

    pairs: dict[str, str]
    degree_words: tuple[str, ...]
    wrong_forms: list[str]
    automaton: Any


def _confusion_table(use_mined: bool) -> ConfusionTable:
    """The curated (and mined) pairs; the parsed YAML is cached by content, YAML parsing being slow."""
    import hashlib

    texts = [_confusion_text("confusions.yaml")]
    if use_mined:
        texts.append(_confusion_text("confusions_mined.yaml"))
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]

    def build() -> ConfusionTable:
        import daachorse

        parsed = [_parse_confusions(text) for text in texts]
        pairs = {p.wrong: p.right for data in parsed for p in data.words if p.wrong != p.right}
        wrong_forms = list(pairs)
        automaton = (
            daachorse.CharwiseDoubleArrayAhoCorasick(wrong_forms, match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST)
            if wrong_forms
            else None
        )
        return ConfusionTable(pairs, tuple(parsed[0].de_degree_words), wrong_forms, automaton)

    return cached_build(f"confusions-{digest}", build)


class IdiomData(NamedTuple):
    """Idioms, a character → sound-code table and an automaton of idioms spelled in sound codes."""

    sound_codes: dict[int, str]
    automaton: Any
    spelled: list[str]  # per automaton pattern: the idioms it spells, joined by "|" (fast to unpickle)


_SOUND_BASE = 0xE000  # private-use code points stand for toneless syllables
_READING_COMBINATIONS = 16


def _toneless_readings() -> dict[str, tuple[str, ...]]:
    import unicodedata

    from pypinyin.pinyin_dict import pinyin_dict

    readings: dict[str, tuple[str, ...]] = {}
    for code, value in pinyin_dict.items():
        plain = unicodedata.normalize("NFKD", value)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        readings[chr(code)] = tuple(dict.fromkeys(plain.split(",")))
    return readings


def _build_idiom_data() -> IdiomData:
    import itertools

    import daachorse

    idioms = frozenset(w for w, tag in word_tags().items() if tag == "i" and len(w) == 4)
    readings = _toneless_readings()
    syllables: dict[str, str] = {}
    for options in readings.values():
        for reading in options:
            syllables.setdefault(reading, chr(_SOUND_BASE + len(syllables)))
    # text characters are coded by their main reading; idioms by every reading of each character
    sound_codes = {ord(ch): syllables[options[0]] for ch, options in readings.items()}
    patterns: dict[str, list[str]] = {}
    for idiom in sorted(idioms):
        options_per_char = [[syllables[r] for r in readings.get(ch, ())] or [ch] for ch in idiom]
        for combo in itertools.islice(itertools.product(*options_per_char), _READING_COMBINATIONS):
            patterns.setdefault("".join(combo), []).append(idiom)
    automaton = daachorse.CharwiseDoubleArrayAhoCorasick(list(patterns)) if patterns else None
    return IdiomData(sound_codes, automaton, ["|".join(v) for v in patterns.values()])


@cache
def idiom_data() -> IdiomData:
    """Idiom resources, built once from jieba's dictionary and pypinyin, then kept in the cache folder."""
    return cached_build("idiom-sounds-v2", _build_idiom_data)


class TypoChecker:
    """Flags likely typos with a suggestion; never rewrites the text."""

    def __init__(self, *, use_mined: bool = True, use_idioms: bool = True, use_de: bool = True) -> None:
        table = _confusion_table(use_mined)
        self.pairs = table.pairs
        self.degree_words = table.degree_words
        self.use_idioms = use_idioms
        self.use_de = use_de
        self._wrong_forms = table.wrong_forms
        self._automaton: Any = table.automaton
        self._de = (
            re.compile("的(?=" + "|".join(map(re.escape, self.degree_words)) + ")")
            if self.degree_words
            else None
        )

    def findings(self, text: str) -> list[Finding]:
        """Confusion pairs on word boundaries, 的/地/得 by part of speech, idiom near-misses."""
        out = self._pair_findings(text)
        if self.use_de and self._de is not None:
            out.extend(self._de_findings(text))
        if self.use_de:
            taken_de = {f.start for f in out}
            out.extend(f for f in particle_findings(text) if f.start not in taken_de)
        if self.use_idioms:
            taken = [(f.start, f.end) for f in out]
            out.extend(
                f for f in self._idiom_findings(text) if not any(s < f.end and f.start < e for s, e in taken)
            )
        return out

    def _pair_findings(self, text: str) -> list[Finding]:
        if self._automaton is None:
            return []
        out: list[Finding] = []
        for start, end, pattern in self._automaton.find(text):
            if crosses_word(text, start, end):
                continue
            wrong = self._wrong_forms[pattern]
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
        """4-character windows that sound like an idiom and differ from it in exactly one character."""
        data = idiom_data()
        if data.automaton is None:
            return []
        out: list[Finding] = []
        next_free = 0
        for start, _, pattern in data.automaton.find_overlapping(text.translate(data.sound_codes)):
            window = text[start : start + 4]
            if start < next_free or not _is_cjk4(window) or is_word(window):
                continue
            match = _one_character_off(window, data.spelled[pattern].split("|"))
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


def _one_character_off(window: str, idioms: list[str]) -> str | None:
    """The idiom that `window` misspells in one (same-sounding) character, unless the window reads as
    two ordinary words (那就一定 is not a misspelt idiom)."""
    if window in idioms or (is_word(window[:2]) and is_word(window[2:])):
        return None
    for idiom in idioms:
        if sum(a != b for a, b in zip(window, idiom, strict=True)) == 1:
            return idiom
    return None


def _is_cjk4(window: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in window)
