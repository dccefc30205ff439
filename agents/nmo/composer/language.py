"""Input language checks: briefs and topics must be Chinese, since every output is Chinese copy."""

from __future__ import annotations

import re

from nmo.errors import UserInputError

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def is_chinese(text: str) -> bool:
    """True when Chinese characters make up at least a third of the letters of a text."""
    cjk = len(CJK.findall(text))
    latin = sum(len(w) for w in LATIN_WORD.findall(text))
    return cjk > 0 and cjk * 3 >= latin


def ensure_chinese(text: str, what: str) -> None:
    """Raise a UserInputError when a brief or topic is not written in Chinese."""
    name = {"brief": "需求", "topic": "选题"}.get(what, what)
    if not is_chinese(text):
        raise UserInputError(
            f"The {what} '{text[:60]}' is not in Chinese; nmo writes Chinese copy for Chinese platforms.",
            f"Write the {what} in Chinese, e.g. 「冬天怎么喝冷泡茶」 "
            "(brand or product names in Latin letters are fine inside a Chinese sentence).",
            zh_problem=f"{name}「{text[:60]}」不是中文；nmo 为中文平台写中文文案。",
            zh_fix=f"请用中文写{name}，例如「冬天怎么喝冷泡茶」（中文句子里可以有英文品牌名）。",
        )
