"""Checks a revised draft can be held to: a change is logged only when its claim holds on the final text."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from nmo.composer.draft_parts import get_part, reader_text
from nmo.composer.limits import text_units
from nmo.render import CITATION_MARKER, FieldPath
from nmo.schemas import DraftContent

Check = Literal[
    "title_equals", "title_max", "no_price", "contains", "not_contains", "ends_with_question",
    "exclamations_max", "emoji_max", "main_max", "main_min", "starts_with", "ends_with",
]

# A price: a currency sign or unit next to a number, a discount, or a word that names a price.
PRICE = re.compile(
    r"[¥￥$]\s*\d|\d+(?:\.\d+)?\s*(?:元|块钱|RMB|rmb|CNY)|(?<![\d.])\d(?:\.\d)?\s*折(?!叠|腾|扣)"
    r"|价格|售价|定价|原价|到手价|优惠价|促销价|特价|折后价|券后价?|团购价|会员价|零售价|单价|价位|多少钱"
)
EXCLAMATION = re.compile(r"[！!]")
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0001f900-\U0001f9ff]"
    "[\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff]*"
)
QUESTION = re.compile(r"[？?]")


class Claim(BaseModel):
    """One checkable statement about a draft: e.g. `title_equals` 「…」, `no_price`, `main_max` 300."""

    check: Check
    text: str = ""
    number: int = 0


def closing_path(content: DraftContent) -> FieldPath | None:
    """Where a piece ends for its reader: the last shot's voiceover, else the body; None for a poster."""
    if content.shots:
        return ("shots", len(content.shots) - 1, "voiceover")
    return ("body",) if content.body.strip() else None


def main_text(content: DraftContent) -> str:
    """The running text whose length a reviewer means: body and voiceovers (the hook for a poster)."""
    parts = [content.body, *(s.voiceover for s in content.shots)]
    text = "\n".join(p for p in parts if p.strip()) or content.hook
    return CITATION_MARKER.sub("", text).strip()


def sentences(text: str) -> list[str]:
    """The non-empty sentences and lines of a text, markers removed."""
    return [s for u in text_units(text) if (s := CITATION_MARKER.sub("", u).strip())]


def holds(claim: Claim, content: DraftContent) -> bool:
    """True when the claim is true of the draft."""
    seen = reader_text(content)
    main = main_text(content)
    match claim.check:
        case "title_equals":
            return content.title == claim.text
        case "title_max":
            return 0 < len(content.title.strip()) <= claim.number
        case "no_price":
            return PRICE.search(seen) is None
        case "contains":
            return claim.text in seen
        case "not_contains":
            return claim.text not in seen
        case "ends_with_question":
            path = closing_path(content)
            closing = CITATION_MARKER.sub("", get_part(content, path)).strip() if path else ""
            # The last line asks the reader something (「…？留言告诉我们。」 counts).
            return bool(closing) and bool(QUESTION.search(closing.splitlines()[-1]))
        case "exclamations_max":
            return len(EXCLAMATION.findall(seen)) <= claim.number
        case "emoji_max":
            return len(EMOJI.findall(seen)) <= claim.number
        case "main_max":
            return 0 < len(main) <= claim.number
        case "main_min":
            return len(main) >= claim.number
        case "starts_with":
            return bool(sentences(main)) and claim.text in sentences(main)[0]
        case "ends_with":
            return bool(sentences(main)) and claim.text in sentences(main)[-1]
    raise AssertionError(claim.check)


def failing(claims: list[Claim], content: DraftContent) -> list[Claim]:
    """The claims that do not hold."""
    return [c for c in claims if not holds(c, content)]
