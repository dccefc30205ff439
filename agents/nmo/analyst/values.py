"""Read the values exports write as text: 1,234 / 12.5% / 1.2万 / 3.4w / dates in several formats."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

BLANKS = frozenset({"", "-", "--", "—", "——", "/", "n/a", "na", "nan", "none", "null", "暂无", "无", "nat"})
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(万|亿|千|w|k|%)?$", re.IGNORECASE)
_MULTIPLIER = {"万": 1e4, "w": 1e4, "千": 1e3, "k": 1e3, "亿": 1e8}
_DATE_FORMATS: tuple[tuple[str, bool], ...] = (
    ("%Y-%m-%d %H:%M", True),
    ("%Y-%m-%d %H:%M:%S", True),
    ("%Y-%m-%d", False),
    ("%Y%m%d", False),
    ("%Y%m%d%H%M", True),
)
_TZ_SUFFIX = re.compile(r"\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_TZ_OFFSET = re.compile(r"(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(z|utc|gmt|([+-])(\d{2}):?(\d{2}))$", re.IGNORECASE)
# Chinese platforms' back-ends run on Beijing time: zoned stamps are converted to it, naive ones already are.
LOCAL_ZONE = "Asia/Shanghai"


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


def blank_mask(values: pd.Series) -> np.ndarray:
    """True where a cell is empty, NaN or a placeholder such as '-' or '暂无' (checked per distinct value)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)
    blank_unique = np.fromiter(
        (str(u).strip().lower() in BLANKS for u in distinct), dtype=bool, count=len(distinct)
    )
    return np.where(codes < 0, True, blank_unique[np.maximum(codes, 0)] if len(uniques) else True)


def stripped_text(values: pd.Series) -> np.ndarray:
    """A text column as stripped Python strings ('' for blanks), computed once per distinct value."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)
    cleaned = np.array(
        ["" if str(u).strip().lower() in BLANKS else str(u).strip() for u in distinct] + [""], dtype=object
    )
    return cleaned[np.where(codes < 0, len(uniques), codes)]


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of counts or money: (floats with NaN for blanks, unreadable mask, percent mask)."""
    import numpy as np
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = np.zeros(len(values), dtype=bool)
    percent = np.zeros(len(values), dtype=bool)
    positions = np.flatnonzero(numbers.isna().to_numpy())
    if len(positions):
        # Text cells ('1,234', '45.2%', '1.2万') repeat a lot: parse each distinct spelling once.
        codes, uniques = pd.factorize(values.iloc[positions], use_na_sentinel=True)
        parsed = np.full(len(uniques) + 1, np.nan)
        unique_bad = np.zeros(len(uniques) + 1, dtype=bool)
        unique_percent = np.zeros(len(uniques) + 1, dtype=bool)
        for index, text in enumerate(np.asarray(uniques, dtype=object)):
            try:
                value, had_percent = parse_number_text(str(text))
            except ValueError:
                unique_bad[index] = True
                continue
            parsed[index] = np.nan if value is None else value
            unique_percent[index] = had_percent
        codes = np.where(codes < 0, len(uniques), codes)
        out = numbers.to_numpy(copy=True)
        out[positions] = parsed[codes]
        bad[positions] = unique_bad[codes]
        percent[positions] = unique_percent[codes]
        numbers = pd.Series(out, index=values.index)
    return numbers, pd.Series(bad, index=values.index), pd.Series(percent, index=values.index)


def parse_rates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a rate column to fractions: '45.2%' → 0.452; bare numbers are percent points if any exceeds 1."""
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

    n = len(values)
    raw = values.to_numpy(dtype=object)
    blank = blank_mask(values)
    result = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    has_time = np.zeros(n, dtype=bool)
    is_text = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=n)
    native = ~is_text & ~blank
    if native.any():
        stamps = pd.to_datetime(pd.Series(_local_natives(raw[native]), dtype=object), errors="coerce")
        result[native] = stamps.to_numpy(dtype="datetime64[ns]")
        has_time[native] = (stamps.dt.hour + stamps.dt.minute > 0).to_numpy()
    todo = is_text & ~blank
    offsets = np.full(n, np.nan)
    if todo.any():
        text = pd.Series(raw, dtype=object)
        for candidates in (text, None):
            if candidates is None and todo.any():
                # A zone suffix never matches the plain formats, so only the cells left need looking at.
                offsets[todo] = _zone_offset_minutes([str(cell) for cell in raw[todo]])
                candidates = _normalize_date_text(text.where(todo, "").astype(str))
            for fmt, with_time in _DATE_FORMATS:
                positions = np.flatnonzero(todo)
                if not len(positions) or candidates is None:
                    break
                parsed = pd.to_datetime(candidates.iloc[positions], format=fmt, errors="coerce")
                stamps = parsed.to_numpy(dtype="datetime64[ns]")
                hit = ~np.isnat(stamps)
                result[positions[hit]] = stamps[hit]
                has_time[positions[hit]] = with_time
                todo[positions[hit]] = False
        if todo.any():
            positions = np.flatnonzero(todo)
            serial = pd.to_numeric(text.iloc[positions], errors="coerce").to_numpy(dtype=float)
            ok = (serial >= 20000) & (serial <= 80000)
            if ok.any():
                stamps = pd.to_datetime(serial[ok], unit="D", origin="1899-12-30")
                result[positions[ok]] = stamps.to_numpy(dtype="datetime64[ns]")
                has_time[positions[ok]] = (serial[ok] % 1) > 0
    zoned = ~np.isnan(offsets) & has_time & ~np.isnat(result)
    if zoned.any():
        utc = pd.Series(result[zoned]) - pd.to_timedelta(offsets[zoned], unit="m")
        local = utc.dt.tz_localize("UTC").dt.tz_convert(LOCAL_ZONE).dt.tz_localize(None)
        result[zoned] = local.to_numpy(dtype="datetime64[ns]")
    index = values.index
    bad = np.isnat(result) & ~blank
    return (pd.Series(result, index=index), pd.Series(has_time, index=index), pd.Series(bad, index=index))


def _local_natives(cells: np.ndarray) -> list[object]:
    """Spreadsheet cells that are already dates; zoned ones (rare, from JSON or code) moved to local time."""
    import pandas as pd

    return [
        pd.Timestamp(cell).tz_convert(LOCAL_ZONE).tz_localize(None)
        if getattr(cell, "tzinfo", None) is not None
        else cell
        for cell in cells
    ]


def _zone_offset_minutes(cells: Sequence[str]) -> np.ndarray:
    """Minutes east of UTC named after a time of day ('13:00Z', '13:00+08:00', '1300 +0800'); NaN when none."""
    import numpy as np

    offsets = np.full(len(cells), np.nan)
    for index, cell in enumerate(cells):
        match = _TZ_OFFSET.search(cell.strip())
        if match is None:
            continue
        _zone, sign, hours, minutes = match.groups()
        offsets[index] = 0.0 if sign is None else (-1 if sign == "-" else 1) * (int(hours) * 60 + int(minutes))
    return offsets


def _normalize_date_text(text: pd.Series) -> pd.Series:
    """Bring 2026年10月1日 / 2026/10/01 / 2026.10.01 / ISO with T and time zone to 2026-10-01 hh:mm."""
    out = text.str.strip().str.replace("\u3000", " ", regex=False)
    out = out.str.replace(r"(\d{1,2}:\d{2}:\d{2})\.\d+", r"\1", regex=True)
    out = out.str.replace(r"\s*日\s*", " ", regex=True).str.replace(r"[年月/.]", "-", regex=True)
    out = out.str.replace("T", " ", regex=False).str.replace(_TZ_SUFFIX, "", regex=True)
    out = out.str.replace(r"(\d)时(\d)", r"\1:\2", regex=True).str.replace("分", "", regex=False)
    return out.str.replace(r"\s+", " ", regex=True).str.strip()
