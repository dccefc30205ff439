"""Prices, dates, date ranges, specs and small limits as brand guides write them (59元, ¥59, 五十九元, 12 月 1 日)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from nmo.checks.facts import chinese_number

_CN_NUMBER = "零〇一二两三四五六七八九十百千万"
_PRICE = re.compile(
    rf"[¥￥]\s*(?P<a>\d+(?:\.\d+)?)|(?P<b>\d+(?:\.\d+)?)\s*(?:元|块钱|rmb|RMB)|(?P<c>[{_CN_NUMBER}]+)\s*元"
)
# A date with a year (2026-12-01, 2026 年 12 月 1 日, 2026/12/1, 2026.12.1), or a month and day only
# (12 月 1 日, 12-01 after a range word) that takes its year from the context.
_FULL_DATE = re.compile(r"(?P<y>20\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?<![\d.-])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_SHORT_AFTER_RANGE = re.compile(r"(?:至|到|~|～|→|—|–|-{1,2}|to)\s*(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d.])")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_SPEC = re.compile(
    r"\d+(?:\.\d+)?\s*(?:g|kg|克|千克|ml|mL|L|l|毫升|升|寸|cm|mm)\s*(?:[×xX*]\s*\d+\s*[袋罐包盒瓶支片个条枚])?"
    r"(?:\s*/\s*[袋罐包盒瓶支片个条枚])?"
    r"|\d+\s*种口味\s*[×xX*]\s*\d+\s*[袋罐包盒]|\d+\s*[个枚片条]装"
)
_LIMIT = re.compile(
    rf"(?:不超过|不多于|最多|至多|上限|at most|no more than|max(?:imum)?|≤|<=)\s*(?P<n>\d+|[{_CN_NUMBER}])"
)


def normalized(text: str) -> str:
    """Full-width digits and letters folded, spaces trimmed: the form every parser below reads."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_price(text: str, skip_promotions: bool = True) -> float | None:
    """The first price in a passage (59元, ¥59, 五十九元); a promotion's price is not the product's price."""
    text = normalized(text)
    for match in _PRICE.finditer(text):
        before = text[max(0, match.start() - 6) : match.start()]
        if skip_promotions and re.search(r"满|减|到手|券|直播间|秒杀|活动价|约", before):
            continue
        if match.group("c"):
            value = chinese_number(match.group("c"))
            if value is not None:
                return value
            continue
        return float(match.group("a") or match.group("b"))
    return None


def parse_dates(text: str, year: int | None = None) -> list[date]:
    """Every date in a passage, in order; month-and-day dates take the year before them or `year`."""
    text = normalized(text)
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    current = year
    for match in _FULL_DATE.finditer(text):
        day = _safe_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        if day is not None:
            found.append((match.start(), day))
            taken.append(match.span())
    for pattern in (_MONTH_DAY, _SHORT_AFTER_RANGE):
        for match in pattern.finditer(text):
            start = match.start("m")
            if any(s <= start < e for s, e in taken):
                continue
            earlier = [d for pos, d in found if pos < start]
            context_year = earlier[-1].year if earlier else current
            if context_year is None:
                continue
            month, day_of_month = int(match.group("m")), int(match.group("d"))
            day = _safe_date(context_year, month, day_of_month)
            if day is not None and earlier and day < earlier[-1]:
                day = _safe_date(context_year + 1, month, day_of_month)  # 12-25 至 01-01 crosses the year
            if day is not None:
                found.append((start, day))
                taken.append(match.span())
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def year_in(text: str) -> int | None:
    """The first four-digit year a heading or title mentions (the year for dates written without one)."""
    match = _YEAR.search(normalized(text))
    return int(match.group(1)) if match else None


def find_spec(text: str) -> str:
    """The first pack size or measure in a passage (3g×15袋, 500ml, 6寸, 2个装), as written."""
    match = _SPEC.search(normalized(text))
    return match.group().strip() if match else ""


def stated_limit(text: str) -> int | None:
    """The largest 'at most N' stated in a passage (不超过 8 个, at most 2, 最多 1 个), or None."""
    text = normalized(text)
    values = [_small_number(m.group("n")) for m in _LIMIT.finditer(text)]
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _small_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = chinese_number(text)
    return int(value) if value is not None else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
