"""KPIs of the clean pieces: per platform, pillar and format; weekly trends; slots; rankings; outliers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nmo.analyst.headers import COUNT_FIELDS, ENGAGEMENT_FIELDS
from nmo.analyst.models import GroupKPIs, Outlier, PieceRef, PlatformAnalysis, SlotStat, WeekPoint
from nmo.analyst.statistics import modified_z_scores

if TYPE_CHECKING:
    import pandas as pd

MIN_SLOT_PIECES = 3
MIN_PILLAR_PIECES = 3
MIN_RANKED_VIEWS = 100
TOP_N = 5
OUTLIER_SCORE = 3.5
MAX_OUTLIERS = 10
SUM_FIELDS = (*COUNT_FIELDS, "spend", "engagements")

# KPI → (numerator column, denominator column, scale); each is Σ numerator / Σ denominator over the rows
# where both are known, so a missing cell never counts as zero.
RATIOS: dict[str, tuple[str, str, float]] = {
    "engagement_rate": ("engagements", "views", 1.0),
    "completion_rate": ("completion_views", "views", 1.0),
    "ctr": ("clicks", "impressions", 1.0),
    "conversion_rate": ("conversions", "clicks", 1.0),
    "follows_per_1k_views": ("follows", "views", 1000.0),
    "cpm": ("spend", "reach", 1000.0),
    "cpe": ("spend", "engagements", 1.0),
    "cpa": ("spend", "conversions", 1.0),
}


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns: engagements, view-weighted completion, reach, per-piece ER, week, slots."""
    import numpy as np
    import pandas as pd

    data = frame.copy()
    present = [c for c in ENGAGEMENT_FIELDS if c in data]
    data["engagements"] = data[present].sum(axis=1, min_count=1) if present else np.nan
    for column in (*COUNT_FIELDS, "spend", "completion_rate"):
        if column not in data:
            data[column] = np.nan
    data["completion_views"] = data["completion_rate"] * data["views"]
    data["reach"] = data["impressions"].where(data["impressions"].notna(), data["views"])
    with np.errstate(divide="ignore", invalid="ignore"):
        data["piece_er"] = (data["engagements"] / data["views"]).where(data["views"] > 0)
    stamps = pd.to_datetime(data["published_at"])
    data["week_start"] = stamps.dt.normalize() - pd.to_timedelta(stamps.dt.weekday, unit="D")
    data["weekday"] = stamps.dt.weekday
    data["hour"] = stamps.dt.hour.where(data["has_time"].astype(bool))
    for name, (num, den, _scale) in RATIOS.items():
        both = data[num].notna() & data[den].notna()
        data[f"{name}__n"] = data[num].where(both)
        data[f"{name}__d"] = data[den].where(both)
    return data


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _kpis_from_sums(group: str, pieces: int, sums: dict[str, Any]) -> GroupKPIs:
    values: dict[str, Any] = {field: _number(sums[field]) for field in SUM_FIELDS}
    for name, (_num, _den, scale) in RATIOS.items():
        numerator, denominator = _number(sums[f"{name}__n"]), _number(sums[f"{name}__d"])
        values[name] = numerator / denominator * scale if numerator is not None and denominator else None
    return GroupKPIs(group=group, pieces=pieces, **values)


def _sum_columns() -> list[str]:
    return [*SUM_FIELDS, *(f"{n}__{s}" for n in RATIOS for s in ("n", "d"))]


def group_kpis(data: pd.DataFrame, by: str) -> list[GroupKPIs]:
    """KPIs of each value of column `by`, biggest groups (by views, then pieces) first."""
    columns = _sum_columns()
    grouped = data.groupby(by, sort=True, dropna=True)
    sums = grouped[columns].sum(min_count=1)
    sizes = grouped.size()
    out = [_kpis_from_sums(str(key), int(sizes[key]), sums.loc[key].to_dict()) for key in sums.index]
    return sorted(out, key=lambda k: (-(k.views or 0.0), -k.pieces, k.group))


def total_kpis(data: pd.DataFrame, group: str) -> GroupKPIs:
    """KPIs of all rows of `data` as one group."""
    sums = data[_sum_columns()].sum(min_count=1).to_dict()
    return _kpis_from_sums(group, len(data), sums)


def weekly_trend(data: pd.DataFrame, platform: str) -> list[WeekPoint]:
    """Weeks (Monday start) with pieces, views, ER and the change against the calendar week before."""
    import pandas as pd

    dated = data[data["week_start"].notna()]
    if not len(dated):
        return []
    grouped = dated.groupby("week_start", sort=True)
    sums = grouped[["views", "engagements", "engagement_rate__n", "engagement_rate__d"]].sum(min_count=1)
    sizes = grouped.size()
    points: list[WeekPoint] = []
    previous: WeekPoint | None = None
    for week, row in sums.iterrows():
        start = pd.Timestamp(week).date()
        numerator, denominator = _number(row["engagement_rate__n"]), _number(row["engagement_rate__d"])
        rate = numerator / denominator if numerator is not None and denominator else None
        point = WeekPoint(
            platform=platform,
            week_start=start,
            pieces=int(sizes[week]),
            views=_number(row["views"]) or 0.0,
            engagements=_number(row["engagements"]),
            engagement_rate=rate,
        )
        if previous is not None and (start - previous.week_start).days == 7:
            if previous.views:
                point.views_change = point.views / previous.views - 1.0
            if rate is not None and previous.engagement_rate is not None:
                point.engagement_rate_change = rate - previous.engagement_rate
        points.append(point)
        previous = point
    return points


def slot_stats(data: pd.DataFrame, platform: str, column: str) -> list[SlotStat]:
    """Pieces, ER and mean views per weekday (0=Mon) or per hour of posting."""
    known = data[data[column].notna()]
    if not len(known):
        return []
    grouped = known.groupby(known[column].astype(int), sort=True)
    sums = grouped[["engagement_rate__n", "engagement_rate__d"]].sum(min_count=1)
    views = grouped["views"].mean()
    sizes = grouped.size()
    stats: list[SlotStat] = []
    for key in sums.index:
        numerator = _number(sums.loc[key, "engagement_rate__n"])
        denominator = _number(sums.loc[key, "engagement_rate__d"])
        slot = str(int(key)) if column == "weekday" else f"{int(key):02d}:00"
        stats.append(
            SlotStat(
                platform=platform,
                slot=slot,
                pieces=int(sizes[key]),
                engagement_rate=numerator / denominator if numerator is not None and denominator else None,
                mean_views=_number(views[key]) or 0.0,
            )
        )
    return stats


def best_slots(stats: list[SlotStat], count: int) -> list[str]:
    """The best slots with at least MIN_SLOT_PIECES pieces: by ER, then mean views."""
    eligible = [s for s in stats if s.pieces >= MIN_SLOT_PIECES]
    ranked = sorted(
        eligible,
        key=lambda s: (
            -(s.engagement_rate if s.engagement_rate is not None else -1.0),
            -s.mean_views,
            s.slot,
        ),
    )
    return [s.slot for s in ranked[:count]]


def piece_ref(row: Any, sources: list[str]) -> PieceRef:
    """A row of the clean frame as a PieceRef."""
    stamp = row["published_at"]
    rate = row["piece_er"]
    return PieceRef(
        platform=str(row["platform"]),
        post_id=str(row["post_id"]),
        title=str(row["title"]),
        pillar=str(row["pillar"]),
        format=str(row["format"]),
        published_at=None if stamp is None or stamp != stamp else stamp.to_pydatetime(),
        views=float(row["views"]) if row["views"] == row["views"] else 0.0,
        engagement_rate=None if rate != rate else float(rate),
        row=f"{sources[int(row['_source'])]}:{int(row['_row'])}",
    )


def top_and_bottom(data: pd.DataFrame, sources: list[str]) -> tuple[list[PieceRef], list[PieceRef]]:
    """The TOP_N best and worst pieces by ER among pieces with at least MIN_RANKED_VIEWS views."""
    rated = data[data["piece_er"].notna()]
    if not len(rated):
        return [], []
    ranked = rated[rated["views"] >= MIN_RANKED_VIEWS]
    if not len(ranked):
        ranked = rated
    top = ranked.nlargest(TOP_N, ["piece_er", "views"])
    bottom = ranked.nsmallest(TOP_N, ["piece_er", "views"])
    return (
        [piece_ref(r, sources) for _, r in top.iterrows()],
        [piece_ref(r, sources) for _, r in bottom.iterrows()],
    )


def outliers(data: pd.DataFrame, sources: list[str]) -> tuple[list[Outlier], int]:
    """Pieces whose ER has a modified z-score beyond OUTLIER_SCORE within the platform, most extreme first.

    Returns the MAX_OUTLIERS most extreme and how many there are in all.
    """
    import numpy as np

    rated = data[data["piece_er"].notna() & (data["views"] >= MIN_RANKED_VIEWS)]
    if len(rated) < MIN_SLOT_PIECES:
        return [], 0
    scores = np.asarray(modified_z_scores(rated["piece_er"].to_numpy(dtype=float)))
    flagged = np.flatnonzero(np.abs(scores) > OUTLIER_SCORE)
    order = flagged[np.argsort(-np.abs(scores[flagged]), kind="stable")][:MAX_OUTLIERS]
    return [
        Outlier(
            piece=piece_ref(rated.iloc[i], sources),
            score=float(scores[i]),
            direction="high" if scores[i] > 0 else "low",
        )
        for i in order
    ], len(flagged)


def analyze_platform(data: pd.DataFrame, platform: str, name: str, sources: list[str]) -> PlatformAnalysis:
    """Every KPI, trend, slot and ranking of one platform's pieces."""
    by_pillar = group_kpis(data, "pillar")
    weekdays = slot_stats(data, platform, "weekday")
    hours = slot_stats(data, platform, "hour")
    top, bottom = top_and_bottom(data, sources)
    extreme, outlier_count = outliers(data, sources)
    eligible_pillars = [
        k
        for k in by_pillar
        if k.pieces >= MIN_PILLAR_PIECES and k.engagement_rate is not None and k.group not in ("未标注", "")
    ]
    pillars = sorted(eligible_pillars, key=lambda k: (-(k.engagement_rate or 0.0), k.group))
    return PlatformAnalysis(
        platform=platform,
        name=name,
        totals=total_kpis(data, platform),
        by_pillar=by_pillar,
        by_format=group_kpis(data, "format"),
        weeks=weekly_trend(data, platform),
        top=top,
        bottom=bottom,
        weekdays=weekdays,
        hours=hours,
        best_weekdays=[int(s) for s in best_slots(weekdays, 2)],
        best_hours=best_slots(hours, 3),
        best_pillars=[k.group for k in pillars[:3]],
        outliers=extreme,
        outliers_total=outlier_count,
    )
