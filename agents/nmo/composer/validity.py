"""Whether a sentence may be stated as current on a publication date: sale windows, campaigns, time words.

A past post's 「本周」, a product that is off sale, a campaign that is over: each was true once, and a
draft published later must not restate it as news.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from nmo.schemas import Passage

if TYPE_CHECKING:
    from nmo.brand.profile import BrandProfile as StoredProfile

# Words that tie a statement to the moment it was written; true then, stale on any later date.
TIME_BOUND_WORDS = (
    "本周", "这周", "这个星期", "上周", "下周", "今年", "去年", "明年", "这期", "本期", "上期", "最近", "近期",
    "刚刚", "刚上", "今天", "今日", "昨天", "明天", "今晚", "上个月", "这个月", "本月", "下个月", "目前正在",
    "正在进行", "这两天", "前几天", "这几天", "当季", "眼下",
)
_TIME_BOUND = re.compile("|".join(TIME_BOUND_WORDS))
# A date written into a past post (3月12日, 2026-03-12) dates the sentence to that post.
_WRITTEN_DATE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}-\d{2}-\d{2}|\d{4}\s*年\s*\d{1,2}\s*月")


@dataclass(frozen=True)
class Window:
    """Names (of a product or campaign) and the dates between which they may be offered as current."""

    names: tuple[str, ...]
    start: date | None
    end: date | None

    def state(self, day: date) -> str:
        """"over", "upcoming" or "current" on a day."""
        if self.end is not None and day > self.end:
            return "over"
        if self.start is not None and day < self.start:
            return "upcoming"
        return "current"


@dataclass
class ValidityRules:
    """What is stale on one publication date, read from the brand profile's products and campaigns."""

    day: date
    windows: list[Window] = field(default_factory=list)

    @classmethod
    def from_profile(cls, stored: StoredProfile | None, day: date) -> ValidityRules:
        """The rules for a day: products by launch and sale window, campaigns by their dates."""
        windows: list[Window] = []
        if stored is not None:
            for product in stored.products:
                starts = [d for d in (product.launch, product.available_from) if d is not None]
                windows.append(Window(_names(product.names()), max(starts, default=None), product.available_until))
            for campaign in stored.campaigns:
                # A campaign with a start but no end is one day long (a launch day, a preview).
                end = campaign.end or (campaign.start if campaign.start else None)
                if campaign.start is not None or end is not None:
                    windows.append(Window(_names([campaign.name]), campaign.start, end))
        return cls(day=day, windows=windows)

    def stale_reason(self, sentence: str, passage: Passage | None, *, topic: str = "") -> str:
        """Why the sentence must not be stated as current on the day, or "" when it may be.

        Something upcoming may be announced only by a draft whose topic names it (a preview).
        """
        bound = _TIME_BOUND.search(sentence)
        if bound:
            return f"时间性措辞「{bound.group(0)}」"
        if passage is not None and passage.kind == "content" and _WRITTEN_DATE.search(sentence):
            return "往期内容里写明的日期"
        for window in self.windows:
            name = next((n for n in window.names if n in sentence), "")
            if not name:
                continue
            state = window.state(self.day)
            if state == "over":
                return f"「{name}」在 {self.day.isoformat()} 已下架或已结束"
            if state == "upcoming" and not any(n in topic for n in window.names):
                return f"「{name}」在 {self.day.isoformat()} 还没有开始"
        return ""

    def stale_names(self) -> list[str]:
        """Names of products and campaigns that are over on the day (not to be used as tags or subjects)."""
        return [n for w in self.windows if w.state(self.day) == "over" for n in w.names]


def _names(names: list[str]) -> tuple[str, ...]:
    """Names worth matching in text: the full names and short names of two characters or more."""
    from nmo.composer.facts import short_name

    found = {n for n in names if len(n) >= 2} | {short_name(n) for n in names if len(short_name(n)) >= 2}
    return tuple(sorted(found, key=lambda n: (-len(n), n)))
