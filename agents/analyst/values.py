"""Read the values exports write as text: 1,234 / 12.5% / 1.2万 / 3.4w / dates in several formats."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

BLANKS = frozenset({"", "-", "--", "—", "——", "/", "n/a", "na", "nan", "none", "null", "暂无", "无", "nat"})
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(万|亿|千|w|k|%)?$", re.IGNORECASE)
_MULTIPLIER = {"万": 1e4, "w": 1e4, "千": 1e3, "k": 1e3, "亿": 1e8}
_DATE_FORMATS: tuple[tuple[str, bool], ...] = (
    ("%Y-%m-%d %H:%M:%S", True),
    ("%Y-%m-%d %H:%M", True),
    ("%Y-%m-%d", False),
    ("%Y%m%d", False),
    ("%Y%m%d%H%M", True),
)
_TZ_SUFFIX = re.compile(r"(z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def parse_number_text(text: str) -> tuple[float | None, bool]:
    """One cell as (value, had_percent); (None, False) for a blank; ValueError when unreadable."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    if cleaned in BLANKS:
        return None, False
    cleaned = cleaned.replace(",", "").replace(" ", "").replace("'", "")
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(text)
    value = float(match.group(1))
    unit = match.group(2)
    if unit == "%":
        return value / 100.0, True
    if unit:
        value *= _MULTIPLIER[unit]
    return value, False


def _is_blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty, NaN or a placeholder such as '-' or '暂无'."""
    import pandas as pd

    text = values.astype("string").str.strip().str.lower()
    return pd.Series(values.isna().to_numpy() | text.isin(BLANKS).fillna(True).to_numpy(), index=values.index)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of counts or money: (floats with NaN for blanks, unreadable mask, percent mask)."""
    import numpy as np
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = np.zeros(len(values), dtype=bool)
    percent = np.zeros(len(values), dtype=bool)
    pending = numbers.isna().to_numpy() & ~_is_blank(values).to_numpy()
    if pending.any():
        out = numbers.to_numpy(copy=True)
        raw = values.to_numpy()
        for position in np.flatnonzero(pending):
            try:
                parsed, had_percent = parse_number_text(str(raw[position]))
            except ValueError:
                bad[position] = True
                continue
            out[position] = np.nan if parsed is None else parsed
            percent[position] = had_percent
        numbers = pd.Series(out, index=values.index)
    return numbers, pd.Series(bad, index=values.index), pd.Series(percent, index=values.index)


def parse_rates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a rate column to fractions: '45.2%' → 0.452; bare numbers are percent points when any exceeds 1."""
    import pandas as pd

    numbers, bad, percent = parse_numbers(values)
    bare = ~percent & numbers.notna()
    if bare.any() and (numbers[bare] > 1).any():
        numbers = numbers.where(~bare, numbers / 100.0)
    return pd.Series(numbers, index=values.index), bad


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse publish times in mixed formats: (timestamps, has-time mask, unreadable mask)."""
    import numpy as np
    import pandas as pd

    blank = _is_blank(values).to_numpy()
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    has_time = np.zeros(len(values), dtype=bool)
    native = values.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat"))
    if native.any():
        stamps = pd.to_datetime(values[native], errors="coerce")
        result[native] = stamps.to_numpy()
        has_time[native.to_numpy()] = (stamps.dt.hour + stamps.dt.minute > 0).to_numpy()
    text_mask = ~native.to_numpy() & ~blank
    if text_mask.any():
        raw_text = values[text_mask].astype("string")
        text = _normalize_date_text(raw_text)
        todo = pd.Series(True, index=text.index)
        for fmt, with_time in _DATE_FORMATS:
            if not todo.any():
                break
            parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            hit = parsed.notna()
            index = hit[hit].index
            result[index] = parsed[hit].to_numpy()
            has_time[values.index.get_indexer(index)] = with_time
            todo[index] = False
        if todo.any():
            serial = pd.to_numeric(raw_text[todo], errors="coerce")
            ok = serial.between(20000, 80000)
            if ok.any():
                stamps = pd.to_datetime(serial[ok], unit="D", origin="1899-12-30")
                result[stamps.index] = stamps.to_numpy()
                has_time[values.index.get_indexer(stamps.index)] = ((serial[ok] % 1) > 0).to_numpy()
                todo[stamps.index] = False
    bad = pd.Series(result.isna().to_numpy() & ~blank, index=values.index)
    return result, pd.Series(has_time, index=values.index), bad


def _normalize_date_text(text: pd.Series) -> pd.Series:
    """Bring 2026年10月1日 / 2026/10/01 / 2026.10.01 / ISO with T and time zone to 2026-10-01 hh:mm."""
    out = text.str.strip().str.replace("\u3000", " ", regex=False)
    out = out.str.replace(r"(\d{1,2}:\d{2}:\d{2})\.\d+", r"\1", regex=True)
    out = out.str.replace(r"\s*日\s*", " ", regex=True).str.replace(r"[年月/.]", "-", regex=True)
    out = out.str.replace("T", " ", regex=False).str.replace(_TZ_SUFFIX, "", regex=True)
    out = out.str.replace(r"(\d)时(\d)", r"\1:\2", regex=True).str.replace("分", "", regex=False)
    return out.str.replace(r"\s+", " ", regex=True).str.strip()
