"""Reading export values: thousands separators, percentages, 万/w, blanks, and dates in several formats."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from nmo.analyst.values import parse_datetimes, parse_number_text, parse_numbers, parse_rates


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("1,234", 1234.0, False),
        ("12.5%", 0.125, True),
        ("1.2万", 12000.0, False),
        ("3.4w", 34000.0, False),
        ("3.4W", 34000.0, False),
        ("1.5k", 1500.0, False),
        ("2亿", 2e8, False),
        ("１２３", 123.0, False),
        (" 7 ", 7.0, False),
        ("-3", -3.0, False),
    ],
)
def test_number_text_is_read_as_the_operator_means_it(text: str, value: float, percent: bool) -> None:
    parsed, had_percent = parse_number_text(text)
    assert parsed == pytest.approx(value)
    assert had_percent is percent


@pytest.mark.parametrize("text", ["", "-", "--", "—", "暂无", "N/A"])
def test_placeholders_are_blank_not_zero(text: str) -> None:
    assert parse_number_text(text) == (None, False)


def test_unreadable_cells_are_flagged_not_guessed() -> None:
    values, bad, percent = parse_numbers(pd.Series(["12", "abc", "1.2.3", None, "5%"], dtype=object))
    assert list(bad) == [False, True, True, False, False]
    assert list(percent) == [False, False, False, False, True]
    assert values[0] == 12 and math.isnan(values[3]) and values[4] == pytest.approx(0.05)


def test_rates_without_percent_sign_are_points_when_any_exceeds_one() -> None:
    as_points, _ = parse_rates(pd.Series(["45.2", "30", "12.5%"], dtype=object))
    assert list(as_points) == pytest.approx([0.452, 0.30, 0.125])
    as_fractions, _ = parse_rates(pd.Series(["0.45", "0.3"], dtype=object))
    assert list(as_fractions) == pytest.approx([0.45, 0.3])


def test_dates_in_several_formats_and_excel_cells() -> None:
    cells = pd.Series(
        [
            "2026-10-01 12:30",
            "2026/10/2 9:05",
            "2026年10月3日 21:00",
            "2026.10.04",
            "20261005",
            "2026-10-06T08:15:00+08:00",
            pd.Timestamp("2026-10-07 19:00"),
            "45936.5",
            "昨天",
            None,
        ],
        dtype=object,
    )
    stamps, has_time, bad = parse_datetimes(cells)
    assert [s.strftime("%Y-%m-%d %H:%M") for s in stamps[:8]] == [
        "2026-10-01 12:30",
        "2026-10-02 09:05",
        "2026-10-03 21:00",
        "2026-10-04 00:00",
        "2026-10-05 00:00",
        "2026-10-06 08:15",
        "2026-10-07 19:00",
        "2025-10-06 12:00",
    ]
    assert list(has_time[:8]) == [True, True, True, False, False, True, True, True]
    assert list(bad) == [False] * 8 + [True, False]
    assert pd.isna(stamps[9])


def test_zoned_times_are_converted_to_beijing_time_and_naive_ones_kept() -> None:
    cells = pd.Series(
        [
            "2026-10-05T13:00Z",
            "2026-10-05T13:00+00:00",
            "2026-10-05T13:00+08:00",
            "2026-10-05 20:30:15.250 -05:00",
            "2026-10-05 13:00",
            pd.Timestamp("2026-10-05 13:00", tz="UTC"),
            pd.Timestamp("2026-10-05 13:00"),
        ],
        dtype=object,
    )
    stamps, has_time, bad = parse_datetimes(cells)
    assert [s.strftime("%Y-%m-%d %H:%M") for s in stamps] == [
        "2026-10-05 21:00",
        "2026-10-05 21:00",
        "2026-10-05 13:00",
        "2026-10-06 09:30",
        "2026-10-05 13:00",
        "2026-10-05 21:00",
        "2026-10-05 13:00",
    ]
    assert has_time.all() and not bad.any()
