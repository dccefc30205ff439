"""Marketing calendar: statutory, lunar and commerce nodes for any year, and when holiday data runs out."""

from __future__ import annotations

from datetime import date

import pytest
from nmo.calendar import fitting_nodes, marketing_nodes, solar_terms


def _names(start: date, end: date) -> dict[str, tuple[date, date, str]]:
    nodes, _ = marketing_nodes(start, end)
    return {n.name: (n.start, n.end, n.kind) for n in nodes}


def test_december_window_has_double_twelve_and_solar_term() -> None:
    names = _names(date(2026, 12, 1), date(2026, 12, 14))
    assert names["双12"] == (date(2026, 12, 8), date(2026, 12, 12), "commerce")
    assert names["大雪"][0] == date(2026, 12, 7)
    assert "圣诞节" not in names


def test_official_holidays_carry_their_real_length_and_makeup_days() -> None:
    nodes, warnings = marketing_nodes(date(2026, 9, 20), date(2026, 10, 10))
    national = next(n for n in nodes if n.name == "国庆节")
    assert (national.start, national.end, national.kind) == (
        date(2026, 10, 1),
        date(2026, 10, 7),
        "statutory",
    )
    assert "调休上班" in national.note
    mid_autumn = [n for n in nodes if n.name == "中秋节"]
    assert len(mid_autumn) == 1 and mid_autumn[0].start == date(2026, 9, 25)
    assert warnings == []


def test_lunar_festivals_are_computed_for_years_without_holiday_data() -> None:
    names = _names(date(2027, 1, 1), date(2027, 9, 30))
    assert names["春节"][0] <= date(2027, 2, 6) <= names["春节"][1]
    assert names["中秋节"][0] == date(2027, 9, 15)
    assert names["年货节"][1] < date(2027, 2, 6)
    assert names["七夕"][0] == date(2027, 8, 8)


def test_says_when_holiday_data_runs_out() -> None:
    _, warnings = marketing_nodes(date(2027, 4, 1), date(2027, 5, 10))
    assert warnings and "2027" in warnings[0] and "2026" in warnings[0]


def test_qixi_2026_and_commerce_rules() -> None:
    names = _names(date(2026, 5, 1), date(2026, 11, 30))
    assert names["七夕"][0] == date(2026, 8, 19)
    assert names["618"][1] == date(2026, 6, 18)
    assert names["母亲节"][1] == date(2026, 5, 10)
    assert names["黑五"][1] == date(2026, 11, 27)


def test_brand_fit_drops_nodes_whose_words_the_brand_never_uses_and_risk_days() -> None:
    nodes, _ = marketing_nodes(date(2026, 3, 1), date(2026, 3, 20))
    assert any(n.name == "3·15消费者权益日" and n.risk for n in nodes)
    kept = {n.name for n in fitting_nodes(nodes, "我们卖冷泡茶")}
    assert "妇女节" in kept and "3·15消费者权益日" not in kept
    nodes, _ = marketing_nodes(date(2026, 11, 20), date(2026, 11, 30))
    assert "黑五" not in {n.name for n in fitting_nodes(nodes, "我们卖冷泡茶")}
    assert "黑五" in {n.name for n in fitting_nodes(nodes, "跨境进口零食")}


@pytest.mark.parametrize("year", [2026, 2027, 2031, 2040])
def test_all_twenty_four_solar_terms_fall_in_their_year(year: int) -> None:
    terms = solar_terms(year)
    assert len(terms) == 24 and all(d.year == year for d in terms.values())
    assert terms["冬至"].month == 12 and terms["小寒"].month == 1


def test_winter_solstice_at_the_end_of_the_year_is_a_node() -> None:
    names = _names(date(2026, 12, 15), date(2026, 12, 31))
    assert names["冬至"] == (date(2026, 12, 22), date(2026, 12, 22), "season")
    assert "考研初试" in names


def test_far_future_years_work() -> None:
    names = _names(date(2035, 2, 1), date(2035, 3, 1))
    assert "春节" in names and "元宵节" in names
