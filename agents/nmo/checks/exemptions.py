"""Context exemptions for bare absolute words (SAMR 2023 guidance): ordinal 第一 and advice 最好."""

from __future__ import annotations

from nmo.checks.dictionary import word_starting_at
from nmo.checks.normalize import fold
from nmo.schemas import Finding

# 第一 + a measure word is an ordinal (第一场雪, 第一轮), except the ranking ones (第一名, 第一家, 第一款).
_ORDINAL_MEASURES = frozenset("个次步天口杯批篇章节期季届场轮站件位年月周句条页集遍回趟泡层排行段课道")
_ADVICE_POS = ("v", "p", "d", "c")


def is_exempt(text: str, finding: Finding) -> bool:
    """True for 第一 used as an ordinal and 最好 used as advice (最好先冷藏), not as a claim."""
    if finding.category != "ad_law":
        return False
    bare = fold(finding.text).replace(" ", "")
    following = text[finding.end : finding.end + 1]
    if bare == "第一":
        return following in _ORDINAL_MEASURES
    if bare == "最好":
        if not following or following in "的地得，。！？,.!?、":
            return False
        word, flag = word_starting_at(text, finding.end)
        return flag.startswith(_ADVICE_POS) and not word.startswith(("喝", "吃", "用的", "看的"))
    return False
