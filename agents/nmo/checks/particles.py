"""的/地/得 misuse by part of speech: a dictionary screen over the text, jieba's POS cut on a small window.

The screen uses jieba's dictionary tags (nmo.checks.dictionary) around each 的/地/得 that stands
alone; a candidate's window (8 characters either side, cut at clause punctuation) is then cut and
tagged as jieba.posseg does without HMM (`pos_cut`, same output, without jieba's ~1 s start-up) and
must agree. A long text is never tagged whole.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from nmo.checks.dictionary import (
    cached_build,
    is_word,
    pos_cut,
    word_ending_at,
    word_starting_at,
    word_tags,
)
from nmo.schemas import Finding

_PARTICLE = re.compile("[的地得]")
_WINDOW = 8
_CLAUSE_END = re.compile(r"[，。！？；：、,.!?;:\s]")
# adverbial words (副形词 ad, 状态词 z) and four-character reduplications (清清楚楚) modify verbs with 地
_ADVERBIAL_TAGS = ("ad", "z")
# verbs that rarely take an adverbial-地 in these patterns and often follow 的 in 的是/的有 …
_NOT_MODIFIED_VERBS = frozenset("是有说在为成让使被把给对像要会能")
_BEFORE_NOUN_TAGS = {"地": ("a", "an", "r", "z"), "得": ("r", "a", "n", "t", "ns", "an")}


class ParticleRule(NamedTuple):
    """A suspected misuse: where, what to write, and why."""

    pos: int
    right: str
    why: str


def _bare(tag: str) -> str:
    return tag.removeprefix("rare:")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _is_reduplicated(word: str) -> bool:
    return len(word) == 4 and word[0] == word[1] and word[2] == word[3]


def _inside_word(text: str, pos: int, before: int, after: int) -> bool:
    """True when the particle belongs to a word that fits the words around it (目的地, 的确, 底得)."""
    for lo in (pos, pos - before):
        for hi in (pos + 1, pos + 1 + after):
            if (lo, hi) != (pos, pos + 1) and is_word(text[lo:hi]):
                return True
    return False


def _screen(text: str, pos: int) -> ParticleRule | None:
    """The rule the dictionary tags around text[pos] suggest, if any."""
    char = text[pos]
    if pos == 0 or pos + 1 >= len(text) or not (_is_cjk(text[pos - 1]) and _is_cjk(text[pos + 1])):
        return None
    before, before_tag = word_ending_at(text, pos)
    after, after_tag = word_starting_at(text, pos + 1)
    before_tag, after_tag = _bare(before_tag), _bare(after_tag)
    if len(before) < 2 or _inside_word(text, pos, len(before), len(after)):
        return None
    adverbial = before_tag in _ADVERBIAL_TAGS or (
        _is_reduplicated(before) and before_tag in ("a", "d", "z")
    )
    if char in "的得" and adverbial and after_tag == "v" and after not in _NOT_MODIFIED_VERBS:
        # after a state word, a verb followed by a noun usually modifies it (最佳的解暑饮品): 的 is right;
        # an adverbial adjective (积极, 仔细) before verb + noun is a verb phrase (积极地参与活动)
        _, next_tag = word_starting_at(text, pos + 1 + len(after))
        if before_tag == "ad" or not _bare(next_tag).startswith("n"):
            return ParticleRule(pos, "地", f"“{before}”修饰动词“{after}”，应用“地”")
        return None
    noun_modifier = char in _BEFORE_NOUN_TAGS and before_tag in _BEFORE_NOUN_TAGS[char]
    if noun_modifier and after_tag == "n" and len(after) >= 2:
        return ParticleRule(pos, "的", f"“{before}”修饰名词“{after}”，应用“的”")
    return None


def _window(text: str, pos: int) -> tuple[int, str]:
    """A few words either side of pos, cut at clause punctuation."""
    lo = max(0, pos - _WINDOW)
    hi = min(len(text), pos + 1 + _WINDOW)
    for match in _CLAUSE_END.finditer(text, lo, pos):
        lo = match.end()
    stop = _CLAUSE_END.search(text, pos + 1, hi)
    return lo, text[lo : stop.start() if stop else hi]


def _confirmed(text: str, rule: ParticleRule) -> bool:
    """True when jieba's POS cut of a window around the particle tags it the same way."""
    lo, window = _window(text, rule.pos)
    tokens = pos_cut(window)
    offset = lo
    for index, (word, _) in enumerate(tokens):
        if offset == rule.pos:
            if word != text[rule.pos] or index == 0 or index + 1 >= len(tokens):
                return False
            before_word, before_flag = tokens[index - 1]
            after_word, after_flag = tokens[index + 1]
            if rule.right == "地":
                adverbial = before_flag in _ADVERBIAL_TAGS or _is_reduplicated(before_word)
                next_flag = tokens[index + 2][1] if index + 2 < len(tokens) else ""
                verb = after_flag == "v" and after_word not in _NOT_MODIFIED_VERBS
                return adverbial and verb and (before_flag == "ad" or not next_flag.startswith("n"))
            return before_flag in _BEFORE_NOUN_TAGS[text[rule.pos]] and after_flag == "n"
        offset += len(word)
        if offset > rule.pos:
            return False
    return False


@cache
def _adverbial_words() -> frozenset[str]:
    """Dictionary words tagged ad or z: the only words before a 的 that can make it a 地."""

    def build() -> frozenset[str]:
        return frozenset(w for w, tag in word_tags().items() if _bare(tag) in _ADVERBIAL_TAGS)

    return cached_build("jieba-adverbials", build)


def _may_follow_adverbial(text: str, pos: int) -> bool:
    """Cheap necessary condition for the 的→地 rule (most of a text's 的 fail it)."""
    adverbials = _adverbial_words()
    if any(text[pos - size : pos] in adverbials for size in (2, 3, 4)):
        return True
    return pos >= 4 and text[pos - 4] == text[pos - 3] and text[pos - 2] == text[pos - 1]


def particle_findings(text: str) -> list[Finding]:
    """的/得 before a verb after an adverbial word (→ 地), 地/得 between a modifier and a noun (→ 的)."""
    out: list[Finding] = []
    for match in _PARTICLE.finditer(text):
        if match.group() == "的" and not _may_follow_adverbial(text, match.start()):
            continue
        rule = _screen(text, match.start())
        if rule is None or not _confirmed(text, rule):
            continue
        out.append(
            Finding(
                rule_id="typo.de_di_de",
                category="typo",
                severity="warning",
                start=rule.pos,
                end=rule.pos + 1,
                text=text[rule.pos],
                message=f"“的/地/得”误用：{rule.why}",
                suggestion=rule.right,
            )
        )
    return out
