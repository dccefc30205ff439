"""Turn mapped export tables into one clean frame of pieces; every row left out is counted with its reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from nmo.analyst.headers import COUNT_FIELDS, MONEY_FIELDS, RATE_FIELDS, TEXT_FIELDS
from nmo.analyst.loading import RawTable
from nmo.analyst.models import LoadSummary, RowAction, RowIssue
from nmo.analyst.values import blank_mask, parse_datetimes, parse_numbers, parse_rates, stripped_text
from nmo.errors import UserInputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_LISTED_ISSUES = 500
SUMMARY_LABELS = ("合计", "总计", "汇总", "总和", "小计", "total", "Total", "TOTAL", "sum", "Sum")
UNKNOWN_PLATFORM = "unknown"
UNKNOWN_GROUP = "未标注"


def resolve_platform(name: str) -> str | None:
    """The canonical key of a platform name or alias, or None when nmo does not know it."""
    from nmo.platforms import get_platform

    try:
        return get_platform(name).key
    except UserInputError:
        return None


def platform_from_filename(path: str) -> str | None:
    """Guess a platform from an export's file or sheet name (小红书_10月.csv → xiaohongshu)."""
    from nmo.platforms import platform_table

    stem = Path(path).stem.lower()
    for key, spec in platform_table().platforms.items():
        for alias in (key, *spec.aliases):
            if len(alias) >= 2 and alias.lower() in stem:
                return key
    return None


def cell_reason(template: str, values: np.ndarray | None) -> Callable[[int], str]:
    """A reason builder for RowGate.mark: '{value}' in the template becomes the row's cell as written."""

    def reason(position: int) -> str:
        value = "" if values is None else values[position]
        return template.format(value=f"{value:g}" if isinstance(value, float) else value)

    return reason


@dataclass
class IssueLog:
    """Collects row issues: all counted, the first MAX_LISTED_ISSUES listed."""

    issues: list[RowIssue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, issue: RowIssue) -> None:
        """Count one issue under its kind and keep it while the list is short."""
        self.counts[kind] += 1
        if len(self.issues) < MAX_LISTED_ISSUES:
            self.issues.append(issue)


@dataclass
class RowGate:
    """Marks rows of one table as skipped/rejected/excluded, first reason wins, each row counted once."""

    table: RawTable
    log: IssueLog
    out: np.ndarray

    def mark(self, mask: np.ndarray, kind: str, action: RowAction, reason_of: Callable[[int], str]) -> int:
        """Mark the rows in `mask` not yet marked; reason_of(position) → text. Returns how many."""
        import numpy as np

        new = mask & ~self.out
        positions = np.flatnonzero(new)
        for position in positions:
            if len(self.log.issues) >= MAX_LISTED_ISSUES:
                self.log.counts[kind] += len(positions) - int(np.searchsorted(positions, position))
                break
            issue = RowIssue(
                file=self.table.file,
                sheet=self.table.sheet,
                row=self.table.rows[position],
                reason=reason_of(int(position)),
                action=action,
            )
            self.log.add(kind, issue)
        self.out |= new
        return len(positions)


def read_counts(gate: RowGate, column: str, cells: pd.Series) -> np.ndarray:
    """Parse a count or money column, rejecting unreadable cells, percentages and negative numbers."""
    import numpy as np

    values, bad, percent = parse_numbers(cells)
    arr: np.ndarray = values.to_numpy()
    raw = cells.to_numpy()
    gate.mark(
        bad.to_numpy(),
        f"unreadable {column}",
        "rejected",
        cell_reason(f"{column}: cannot read '{{value}}' as a number", raw),
    )
    gate.mark(
        percent.to_numpy(),
        f"percentage in {column}",
        "rejected",
        cell_reason(f"{column}: '{{value}}' is a percentage, expected a count", raw),
    )
    gate.mark(
        np.nan_to_num(arr, nan=0.0) < 0,
        f"negative {column}",
        "rejected",
        cell_reason(f"{column} is negative ({{value}})", raw),
    )
    return arr


@dataclass
class CleanData:
    """The clean pieces plus the account of every input row."""

    frame: pd.DataFrame
    summary: LoadSummary
    sources: list[str]


def clean_tables(
    tables: list[RawTable],
    *,
    platform: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    notes: list[str] | None = None,
    post_ids: set[str] | None = None,
) -> CleanData:
    """Validate and combine tables: parse values, reject bad rows, drop duplicates, apply filters."""
    import pandas as pd

    log = IssueLog()
    summary = LoadSummary(files=sorted({t.file for t in tables}), mappings=[], notes=list(notes or []))
    frames: list[pd.DataFrame] = []
    sources: list[str] = []
    for table in tables:
        frame, counters = _clean_table(table, len(sources), log, platform, summary.notes)
        sources.append(table.label)
        summary.rows_read += len(table.frame)
        summary.empty_rows += counters["empty"]
        summary.mappings.append(table.column_mapping())
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    data = _drop_duplicates(data, sources, log)
    data = _apply_filters(data, sources, log, platform, date_from, date_to, post_ids)
    summary.rows_used = len(data)
    summary.skipped = sum(v for k, v in log.counts.items() if k.startswith("summary"))
    summary.rejected = sum(
        v for k, v in log.counts.items() if not k.startswith(("empty", "excluded", "summary"))
    )
    summary.excluded = sum(v for k, v in log.counts.items() if k.startswith("excluded"))
    summary.duplicates = log.counts.get("duplicate post ID", 0)
    summary.no_publish_time = int(data["published_at"].isna().sum()) if len(data) else 0
    summary.issues = log.issues
    summary.issue_counts = dict(log.counts)
    if not len(data):
        raise UserInputError(
            f"No usable rows in {', '.join(summary.files)}: {summary.rows_read} read, "
            f"{summary.rejected} rejected, {summary.excluded} excluded, {summary.empty_rows} empty. "
            f"First problems: {'; '.join(f'row {i.row}: {i.reason}' for i in log.issues[:5]) or 'none'}.",
            "Fix the rows listed (or widen --from/--to and --platform) and run again.",
        )
    return CleanData(frame=data, summary=summary, sources=sources)


def _clean_table(
    table: RawTable, source: int, log: IssueLog, platform: str | None, notes: list[str]
) -> tuple[pd.DataFrame, Counter[str]]:
    import numpy as np
    import pandas as pd

    raw = table.frame
    n = len(raw)
    gate = RowGate(table, log, np.zeros(n, dtype=bool))
    counters: Counter[str] = Counter()
    text = {c: stripped_text(raw[c]) for c in raw.columns if c in TEXT_FIELDS}
    all_blank = np.ones(n, dtype=bool)
    for column in raw.columns:
        candidates = np.flatnonzero(all_blank)
        if not len(candidates):
            break
        all_blank[candidates] = blank_mask(raw[column].iloc[candidates])
    counters["empty"] = gate.mark(all_blank, "empty row", "skipped", lambda p: "empty row")
    label_cols = [c for c in ("post_id", "title", "platform") if c in text]
    summary_row = np.zeros(n, dtype=bool)
    for column in label_cols:
        summary_row |= np.isin(text[column], SUMMARY_LABELS)
    gate.mark(
        summary_row, "summary row (合计/总计)", "skipped", lambda p: "summary row (合计/总计), not a piece"
    )

    out = pd.DataFrame(index=raw.index)
    for column in COUNT_FIELDS + MONEY_FIELDS:
        if column not in raw:
            continue
        arr = read_counts(gate, column, raw[column])
        out[column] = arr
    for column in RATE_FIELDS:
        if column not in raw:
            continue
        values, bad = parse_rates(raw[column])
        arr = values.to_numpy()
        raw_col = raw[column].to_numpy()
        gate.mark(
            bad.to_numpy(),
            f"unreadable {column}",
            "rejected",
            cell_reason(f"{column}: cannot read '{{value}}' as a rate", raw_col),
        )
        gate.mark(
            np.nan_to_num(arr, nan=0.0) > 1.0,
            f"{column} above 100%",
            "rejected",
            cell_reason(f"{column} '{{value}}' is above 100%", raw_col),
        )
        gate.mark(
            np.nan_to_num(arr, nan=0.0) < 0,
            f"negative {column}",
            "rejected",
            cell_reason(f"{column} '{{value}}' is negative", raw_col),
        )
        out[column] = arr
    if "clicks" in out and "impressions" in out:
        over = (out["clicks"] > out["impressions"]).to_numpy()
        clicks, shown = out["clicks"].to_numpy(), out["impressions"].to_numpy()
        gate.mark(
            over,
            "clicks above impressions",
            "rejected",
            lambda p: f"clicks ({clicks[p]:g}) exceed impressions ({shown[p]:g}): CTR above 100%",
        )
    if "published_at" in raw:
        stamps, has_time, bad = parse_datetimes(raw["published_at"])
        raw_col = raw["published_at"].to_numpy()
        gate.mark(
            bad.to_numpy(),
            "unreadable publish time",
            "rejected",
            cell_reason("published_at: '{value}' is not a date (use YYYY-MM-DD HH:MM)", raw_col),
        )
        out["published_at"] = stamps.to_numpy()
        out["has_time"] = has_time.to_numpy()
    else:
        out["published_at"] = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        out["has_time"] = False
    for column in TEXT_FIELDS:
        if column in text and column != "platform":
            out[column] = text[column]
    out["platform"] = _platforms(table, text.get("platform"), platform, notes)
    for column, default in (("pillar", UNKNOWN_GROUP), ("format", UNKNOWN_GROUP), ("title", "")):
        if column not in out:
            out[column] = default
        else:
            out[column] = out[column].where(out[column] != "", default)
    out["has_post_id"] = "post_id" in out
    if "post_id" not in out:
        out["post_id"] = ""
    out["_source"] = source
    out["_row"] = np.asarray(table.rows, dtype=np.int64)
    return out[~gate.out].reset_index(drop=True), counters


def _platforms(
    table: RawTable, column: np.ndarray | None, chosen: str | None, notes: list[str]
) -> np.ndarray:
    import numpy as np

    n = len(table.frame)
    if column is None:
        guess = chosen or platform_from_filename(table.sheet or "") or platform_from_filename(table.file)
        if guess is None:
            notes.append(
                f"{table.label}: no platform column and none in the file name; "
                f"pieces are grouped as '{UNKNOWN_PLATFORM}' (pass --platform)."
            )
        return np.full(n, guess or UNKNOWN_PLATFORM, dtype=object)
    values = column
    keys: dict[str, str] = {}
    for value in set(values):
        resolved = resolve_platform(value) if value else None
        if resolved is None and value:
            notes.append(f"{table.label}: platform '{value}' is not one nmo knows; kept as written.")
        keys[value] = resolved or (str(value).lower() if value else (chosen or UNKNOWN_PLATFORM))
    return np.array([keys[v] for v in values], dtype=object)


def _drop_duplicates(data: pd.DataFrame, sources: list[str], log: IssueLog) -> pd.DataFrame:
    """Keep the first row of each (platform, post ID), or of (platform, title, time) when IDs are absent."""
    import numpy as np
    import pandas as pd

    if not len(data):
        return data
    by_id = data["has_post_id"].to_numpy() & (data["post_id"] != "").to_numpy()
    key = (data["platform"] + "\x1f" + data["post_id"]).to_numpy(dtype=object)
    if not by_id.all():
        # astype(str) turns NaT into NaN under pandas 3: a missing time must not make every key equal.
        published = data["published_at"].astype(str).fillna("")
        fallback = (data["platform"] + "\x1f" + data["title"] + "\x1f" + published).fillna("")
        key = np.where(by_id, key, fallback.to_numpy(dtype=object))
    no_title = ~by_id & ((data["title"] == "").to_numpy() | pd.isna(key))
    keyed = data.assign(_key=key)
    duplicated = keyed["_key"].duplicated(keep="first").to_numpy() & ~no_title
    if not duplicated.any():
        return data
    first_seen = keyed.drop_duplicates("_key", keep="first").set_index("_key")
    for position in np.flatnonzero(duplicated):
        row = data.iloc[position]
        first = first_seen.loc[key[position]]
        what = (
            f"post ID '{row['post_id']}'" if by_id[position] else f"title '{row['title']}' at the same time"
        )
        log.add(
            "duplicate post ID",
            RowIssue(
                file=sources[int(row["_source"])],
                row=int(row["_row"]),
                reason=f"duplicate {what} "
                f"(first at {sources[int(first['_source'])]} row {int(first['_row'])})",
            ),
        )
    return data[~duplicated].reset_index(drop=True)


def _apply_filters(
    data: pd.DataFrame,
    sources: list[str],
    log: IssueLog,
    platform: str | None,
    date_from: date | None,
    date_to: date | None,
    post_ids: set[str] | None,
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    if not len(data):
        return data
    keep = np.ones(len(data), dtype=bool)
    reasons: list[tuple[np.ndarray, str, str]] = []
    if platform:
        other = (data["platform"] != platform).to_numpy()
        reasons.append((other, "excluded: other platform", f"platform is not {platform} (--platform)"))
    if post_ids is not None:
        outside_campaign = ~data["post_id"].isin(post_ids).to_numpy()
        reasons.append(
            (outside_campaign, "excluded: not a campaign piece", "post ID not in the campaign's pieces")
        )
    stamps = data["published_at"]
    if date_from or date_to:
        undated = stamps.isna().to_numpy()
        reasons.append((undated, "excluded: no publish time", "no publish time, cannot apply --from/--to"))
        start = pd.Timestamp(date_from) if date_from else None
        end = pd.Timestamp(date_to) + pd.Timedelta(days=1) if date_to else None
        outside = np.zeros(len(data), dtype=bool)
        if start is not None:
            outside |= (stamps < start).to_numpy()
        if end is not None:
            outside |= (stamps >= end).to_numpy()
        reasons.append((outside & ~undated, "excluded: outside date range", "published outside --from/--to"))
    for mask, kind, reason in reasons:
        new = mask & keep
        for position in np.flatnonzero(new):
            row = data.iloc[position] if len(log.issues) < MAX_LISTED_ISSUES else None
            if row is None:
                log.counts[kind] += 1
                continue
            log.add(
                kind,
                RowIssue(
                    file=sources[int(row["_source"])], row=int(row["_row"]), reason=reason, action="excluded"
                ),
            )
        keep &= ~new
    return data[keep].reset_index(drop=True)
