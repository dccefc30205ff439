"""Typos: curated and CSC-mined confusion pairs, 的/地/得 by part of speech, 4-character idiom near-misses.

jieba and pypinyin are loaded only when a candidate appears, so clean drafts stay fast.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from agents.schemas import Finding

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
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
    return ConfusionData.model_validate(yaml.safe_load(data.read_text("utf-8")) or {})


@cache
def _jieba() -> tuple[Any, Any]:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba, jieba.posseg


def jieba_posseg() -> Any:
    """jieba's part-of-speech tagger, imported on first use."""
    return _jieba()[1]


@cache
def idiom_index() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """4-character idioms from jieba's dictionary (POS i) and a wildcard index for near-matches."""
    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        return frozenset(), {}
    idioms: set[str] = set()
    with open(Path(spec.origin).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ")
            if len(parts) == 3 and parts[2].strip() == "i" and len(parts[0]) == 4 and int(parts[1]) >= 3:
                idioms.add(parts[0])
    index: dict[str, list[str]] = {}
    for idiom in idioms:
        for i in range(4):
            index.setdefault(idiom[:i] + "?" + idiom[i + 1 :], []).append(idiom)
    return frozenset(idioms), {k: tuple(v) for k, v in index.items()}


@cache
def dictionary_words() -> frozenset[str]:
    """Every word in jieba's dictionary."""
    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        return frozenset()
    with open(Path(spec.origin).parent / "dict.txt", encoding="utf-8") as handle:
        return frozenset(line.split(" ", 1)[0] for line in handle)


@cache
def _pinyin(char: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _homophones(a: str, b: str) -> bool:
    return bool(_pinyin(a) & _pinyin(b))


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
        self._de = re.compile("的(?=" + "|".join(map(re.escape, self.degree_words)) + ")") if self.degree_words \
            else None

    def findings(self, text: str) -> list[Finding]:
        """Confusion pairs on word boundaries, 的→得 after verbs, idiom near-misses."""
        out = self._pair_findings(text)
        if self.use_de and self._de is not None:
            out.extend(self._de_findings(text))
        if self.use_idioms:
            taken = [(f.start, f.end) for f in out]
            out.extend(f for f in self._idiom_findings(text)
                       if not any(s < f.end and f.start < e for s, e in taken))
        return out

    def _pair_findings(self, text: str) -> list[Finding]:
        if not self.pairs:
            return []
        out: list[Finding] = []
        last_end = -1
        for end_index, wrong in self._automaton.iter_long(text):
            start, end = end_index - len(wrong) + 1, end_index + 1
            if start < last_end or not _on_word_boundaries(text, start, end):
                continue
            last_end = end
            right = self.pairs[wrong]
            out.append(Finding(rule_id="typo.confusion", category="typo", severity="warning", start=start,
                               end=end, text=wrong, message=f"疑似错别字：“{wrong}”应为“{right}”",
                               suggestion=right))
        return out

    def _de_findings(self, text: str) -> list[Finding]:
        assert self._de is not None
        out: list[Finding] = []
        for match in self._de.finditer(text):
            pos = match.start()
            if pos == 0 or not "\u4e00" <= text[pos - 1] <= "\u9fff":
                continue
            window_start = max(0, pos - 8)
            _, posseg = _jieba()
            words = list(posseg.cut(text[window_start : pos + 1]))
            if len(words) < 2 or words[-1].word != "的":
                continue
            verb = words[-2]
            if verb.flag == "v" and len(verb.word) <= 2 and verb.word not in ("是", "有", "说是"):
                out.append(Finding(rule_id="typo.de_de", category="typo", severity="warning", start=pos,
                                   end=pos + 1, text="的",
                                   message=f"“{verb.word}的{match.group(0)[1:]}…”：动词后接程度补语应用“得”",
                                   suggestion="得"))
        return out

    def _idiom_findings(self, text: str) -> list[Finding]:
        idioms, index = idiom_index()
        if not index:
            return []
        words = dictionary_words()
        out: list[Finding] = []
        for run in _CJK_RUN.finditer(text):
            chunk, base = run.group(), run.start()
            i = 0
            while i + 4 <= len(chunk):
                window = chunk[i : i + 4]
                if window in idioms or window in words:
                    i += 1
                    continue
                match = self._idiom_near(window, index, words)
                if match is None:
                    i += 1
                    continue
                start = base + i
                if _on_word_boundaries(text, start, start + 4):
                    out.append(Finding(rule_id="typo.idiom", category="typo", severity="warning", start=start,
                                       end=start + 4, text=window, message=f"疑似成语错字：“{window}”应为“{match}”",
                                       suggestion=match))
                    i += 4
                else:
                    i += 1
        return out

    @staticmethod
    def _idiom_near(window: str, index: dict[str, tuple[str, ...]], words: frozenset[str]) -> str | None:
        for position in range(4):
            candidates = index.get(window[:position] + "?" + window[position + 1 :])
            if not candidates:
                continue
            for idiom in candidates:
                wrong, right = window[position], idiom[position]
                # the swapped-in character must sound like the right one, and the window must not
                # read as two ordinary words (那就一定 is not 那就一定的 idiom)
                if _homophones(wrong, right) and not (window[:2] in words and window[2:] in words):
                    return idiom
        return None


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when jieba's segmentation of the surrounding sentence does not cut across [start, end)."""
    jieba, _ = _jieba()
    window_start = max(0, start - _WINDOW)
    window_end = min(len(text), end + _WINDOW)
    offset = window_start
    for token in jieba.cut(text[window_start:window_end], HMM=False):
        token_start, token_end = offset, offset + len(token)
        offset = token_end
        if token_end <= start or token_start >= end:
            continue
        if len(token) >= 2 and (token_start < start or token_end > end):
            return False
    return True
