"""The marketing calendar: statutory holidays, lunar festivals, solar terms, commerce nodes, any year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from nmo.schemas import MarketingNode

NodeKind = Literal["statutory", "lunar", "commerce", "social", "season", "solar_term", "hot_topic"]

STATUTORY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
# Lunar festivals as (name, lunar month, lunar day); 除夕 is the day before 春节 and handled apart.
LUNAR_FESTIVALS: tuple[tuple[str, int, int], ...] = (
    ("春节", 1, 1),
    ("元宵节", 1, 15),
    ("端午节", 5, 5),
    ("七夕", 7, 7),
    ("中秋节", 8, 15),
    ("重阳节", 9, 9),
    ("腊八节", 12, 8),
)
PINYIN_TERMS: dict[str, str] = {
    "DA_XUE": "大雪", "DONG_ZHI": "冬至", "XIAO_HAN": "小寒", "DA_HAN": "大寒", "LI_CHUN": "立春",
    "YU_SHUI": "雨水", "JING_ZHE": "惊蛰",
}
# Statutory holidays whose date is fixed in the solar calendar, for years chinesecalendar does not cover.
FIXED_STATUTORY: tuple[tuple[str, int, int, int], ...] = (
    ("元旦", 1, 1, 1),
    ("劳动节", 5, 1, 5),
    ("国庆节", 10, 1, 7),
)
# Lunar-dated statutory holidays (estimated length when the official schedule is unknown).
LUNAR_STATUTORY_DAYS: dict[str, int] = {"春节": 8, "端午节": 3, "中秋节": 1}


class CommerceRule(BaseModel):
    """One row of agents/nmo/data/commerce_nodes.yaml."""

    name: str
    kind: NodeKind
    rule: Literal["fixed", "nth_weekday", "lunar_offset"]
    month: int = 1
    day: int = 1
    start_month: int | None = None
    start_day: int | None = None
    lead: int = 0
    weekday: int = 0
    nth: int = 1
    offset: int = 0
    festival: str = ""
    offset_start: int = 0
    offset_end: int = 0
    fit: str | list[str] = "always"
    risk: bool = False
    note: str = ""


class CommerceTable(BaseModel):
    """The commerce node table with the fit rules for lunar festivals and solar terms."""

    checked_at: str
    nodes: list[CommerceRule]
    lunar_fit: dict[str, list[str]] = Field(default_factory=dict)
    solar_term_fit: dict[str, list[str]] = Field(default_factory=dict)


@cache
def commerce_table() -> CommerceTable:
    """Load and validate the commerce node table once."""
    raw: Any = yaml.safe_load(
        resources.files("nmo.data").joinpath("commerce_nodes.yaml").read_text("utf-8")
    )
    raw["checked_at"] = str(raw["checked_at"])
    return CommerceTable.model_validate(raw)


def statutory_data_years() -> tuple[int, int]:
    """First and last year the installed chinesecalendar has official holiday schedules for."""
    import chinese_calendar

    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def _statutory_official(year: int) -> list[MarketingNode]:
    import chinese_calendar

    days = sorted(d for d in chinese_calendar.holidays if d.year == year)
    nodes: list[MarketingNode] = []
    for day in days:
        name = STATUTORY_NAMES.get(chinese_calendar.holidays[day], chinese_calendar.holidays[day])
        last = nodes[-1] if nodes else None
        if last is not None and last.name == name and (day - last.end).days <= 2:
            last.end = day
        else:
            nodes.append(MarketingNode(name=name, start=day, end=day, kind="statutory", note="法定节假日"))
    # Make-up workdays (调休上班) are part of the official schedule: tell the operator.
    workdays = sorted(d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5)
    for node in nodes:
        shifted = [d for d in workdays if abs((d - node.start).days) <= 10]
        if shifted:
            node.note += "；调休上班：" + "、".join(f"{d.month}月{d.day}日" for d in shifted)
    return nodes


def _statutory_estimated(year: int) -> list[MarketingNode]:
    nodes = [
        MarketingNode(
            name=name,
            start=date(year, month, day),
            end=date(year, month, day) + timedelta(days=length - 1),
            kind="statutory",
            note="法定节假日（放假安排未公布，天数为估计）",
        )
        for name, month, day, length in FIXED_STATUTORY
    ]
    for name, length in LUNAR_STATUTORY_DAYS.items():
        start = _lunar_festival_date(year, name)
        if name == "春节":
            start -= timedelta(days=1)
        nodes.append(
            MarketingNode(
                name=name,
                start=start,
                end=start + timedelta(days=length - 1),
                kind="statutory",
                note="法定节假日（放假安排未公布，天数为估计）",
            )
        )
    qingming = solar_terms(year).get("清明")
    if qingming:
        nodes.append(
            MarketingNode(
                name="清明节",
                start=qingming,
                end=qingming,
                kind="statutory",
                note="法定节假日（放假安排未公布）",
            )
        )
    return nodes


def _lunar_festival_date(year: int, name: str) -> date:
    """The solar date of a lunar festival in the lunar year that starts in `year`."""
    from lunar_python import Lunar

    for festival, month, day in LUNAR_FESTIVALS:
        if festival == name:
            solar = Lunar.fromYmd(year, month, day).getSolar()
            return date(solar.getYear(), solar.getMonth(), solar.getDay())
    raise KeyError(name)


def lunar_festivals(year: int) -> list[MarketingNode]:
    """Lunar festivals of the lunar year starting in `year` (腊八 and 除夕 fall in the next solar year)."""
    nodes = [
        MarketingNode(
            name=name,
            start=_lunar_festival_date(year, name),
            end=_lunar_festival_date(year, name),
            kind="lunar",
            note="农历节日",
        )
        for name, _month, _day in LUNAR_FESTIVALS
    ]
    eve = _lunar_festival_date(year + 1, "春节") - timedelta(days=1)
    nodes.append(MarketingNode(name="除夕", start=eve, end=eve, kind="lunar", note="农历节日"))
    return nodes


@cache
def solar_terms(year: int) -> dict[str, date]:
    """The 24 solar terms (节气) of a solar year, name → date."""
    from lunar_python import Lunar

    # The table of a lunar year runs from the previous 大雪 to the next 惊蛰; terms outside the lunar year
    # carry pinyin keys (DONG_ZHI = the 冬至 at the end of this solar year).
    table = Lunar.fromYmd(year, 6, 1).getJieQiTable()
    out: dict[str, date] = {}
    for key, solar in table.items():
        when = date(solar.getYear(), solar.getMonth(), solar.getDay())
        name = PINYIN_TERMS.get(key, key)
        if when.year == year and not name.isascii():
            out[name] = when
    return out


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _commerce_nodes(year: int) -> list[MarketingNode]:
    table = commerce_table()
    nodes: list[MarketingNode] = []
    for rule in table.nodes:
        fit = [] if rule.fit == "always" else list(rule.fit)
        if rule.rule == "fixed":
            end = date(year, rule.month, rule.day)
            if rule.start_month is not None and rule.start_day is not None:
                start = date(year, rule.start_month, rule.start_day)
            else:
                start = end - timedelta(days=rule.lead)
        elif rule.rule == "nth_weekday":
            end = _nth_weekday(year, rule.month, rule.weekday, rule.nth) + timedelta(days=rule.offset)
            start = end - timedelta(days=rule.lead)
        else:
            anchor = _lunar_festival_date(year + 1, rule.festival)
            start, end = anchor + timedelta(days=rule.offset_start), anchor + timedelta(days=rule.offset_end)
        nodes.append(
            MarketingNode(
                name=rule.name, start=start, end=end, kind=rule.kind, note=rule.note, risk=rule.risk, fit=fit
            )
        )
    return nodes


def _season_nodes(year: int) -> list[MarketingNode]:
    fit_rules = commerce_table().solar_term_fit
    seasons = set(fit_rules.get("seasons", []))
    words = fit_rules.get("words", [])
    return [
        MarketingNode(
            name=name,
            start=when,
            end=when,
            kind="season" if name in seasons else "solar_term",
            note="节气" + ("，换季节点" if name in seasons else ""),
            fit=[] if name in seasons else list(words),
        )
        for name, when in solar_terms(year).items()
    ]


def marketing_nodes(start: date, end: date) -> tuple[list[MarketingNode], list[str]]:
    """Nodes overlapping [start, end], sorted by date, and warnings (e.g. holiday data running out)."""
    first_year, last_year = statutory_data_years()
    warnings: list[str] = []
    candidates: list[MarketingNode] = []
    lunar_fit = commerce_table().lunar_fit
    for year in range(start.year - 1, end.year + 1):
        if first_year <= year <= last_year:
            candidates += _statutory_official(year)
        elif start.year <= year <= end.year:
            candidates += _statutory_estimated(year)
            warnings.append(
                f"chinesecalendar 只有 {first_year}–{last_year} 年的官方放假安排；"
                f"{year} 年的法定节假日按固定日期和农历推算，"
                "放假天数与调休以国务院办公厅通知为准。"
            )
        for node in lunar_festivals(year):
            node.fit = list(lunar_fit.get(node.name, []))
            candidates.append(node)
        candidates += _commerce_nodes(year) + _season_nodes(year)
    seen: set[tuple[str, str, date]] = set()
    nodes: list[MarketingNode] = []
    for node in sorted(candidates, key=lambda n: (n.start, n.end, n.name)):
        if node.end < start or node.start > end or (node.kind, node.name, node.start) in seen:
            continue
        seen.add((node.kind, node.name, node.start))
        nodes.append(node)
    return _merge_statutory_with_lunar(nodes), warnings


def _merge_statutory_with_lunar(nodes: list[MarketingNode]) -> list[MarketingNode]:
    """A lunar festival that is also a statutory holiday appears once, as the statutory holiday period."""
    statutory = {n.name: n for n in nodes if n.kind == "statutory"}
    merged: list[MarketingNode] = []
    for node in nodes:
        holiday = statutory.get(node.name)
        if node.kind == "lunar" and holiday is not None and holiday.start <= node.start <= holiday.end:
            holiday.note += f"；农历节日当天 {node.start.isoformat()}"
            continue
        merged.append(node)
    return merged


def node_fits_brand(node: MarketingNode, brand_text: str) -> bool:
    """True when a node is worth planning for a brand whose knowledge reads `brand_text`."""
    if node.kind == "hot_topic":
        return True
    return not node.fit or any(word in brand_text for word in node.fit)


def fitting_nodes(nodes: Iterable[MarketingNode], brand_text: str) -> list[MarketingNode]:
    """The nodes a plan for this brand must cover (risk days are reported, not planned as promotions)."""
    return [n for n in nodes if node_fits_brand(n, brand_text) and not n.risk]
