"""Result models of the analyst: load summaries, KPIs, trends, A/B verdicts, post-mortems, insights."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

RowAction = Literal["rejected", "skipped", "excluded", "merged"]


class RowIssue(BaseModel):
    """One input row that was skipped or rejected, with where it is and why."""

    file: str
    sheet: str | None = None
    row: int = Field(description="Row number as the spreadsheet shows it (header row = 1).")
    reason: str
    action: RowAction = "rejected"


class ColumnMapping(BaseModel):
    """How one file's (or sheet's) headers were read: mapped, ignored, and missing per metric."""

    file: str
    sheet: str | None = None
    header_row: int
    encoding: str | None = None
    mapped: dict[str, str] = Field(default_factory=dict, description="original header → canonical field")
    ignored: list[str] = Field(default_factory=list)
    missing: dict[str, list[str]] = Field(
        default_factory=dict, description="metric that cannot be computed → canonical fields it needs"
    )
    rows: int = 0


class LoadSummary(BaseModel):
    """What happened to every input row; rows_read = used + empty + skipped + rejected + excluded."""

    files: list[str]
    mappings: list[ColumnMapping]
    rows_read: int = 0
    rows_used: int = 0
    empty_rows: int = 0
    skipped: int = Field(default=0, description="summary rows such as 合计/总计")
    rejected: int = 0
    excluded: int = 0
    duplicates: int = 0
    no_publish_time: int = 0
    issues: list[RowIssue] = Field(default_factory=list, description="At most a few hundred, see counts.")
    issue_counts: dict[str, int] = Field(default_factory=dict, description="reason kind → rows")
    notes: list[str] = Field(default_factory=list)


class GroupKPIs(BaseModel):
    """The KPIs of one group of pieces (a platform, a pillar, a format, or everything)."""

    group: str
    pieces: int
    views: float | None = None
    impressions: float | None = None
    engagements: float | None = None
    likes: float | None = None
    comments: float | None = None
    shares: float | None = None
    saves: float | None = None
    follows: float | None = None
    clicks: float | None = None
    conversions: float | None = None
    spend: float | None = None
    engagement_rate: float | None = Field(default=None, description="Σ engagements / Σ views")
    completion_rate: float | None = Field(default=None, description="view-weighted mean of completion rates")
    ctr: float | None = Field(default=None, description="Σ clicks / Σ impressions")
    conversion_rate: float | None = Field(default=None, description="Σ conversions / Σ clicks")
    follows_per_1k_views: float | None = None
    cpm: float | None = Field(default=None, description="spend per 1,000 impressions (views if none)")
    cpe: float | None = Field(default=None, description="spend per engagement")
    cpa: float | None = Field(default=None, description="spend per conversion")


class WeekPoint(BaseModel):
    """One week (starting Monday) of one platform with its change against the week before."""

    platform: str
    week_start: date
    pieces: int
    views: float
    engagements: float | None = None
    engagement_rate: float | None = None
    views_change: float | None = Field(default=None, description="relative change vs the previous week")
    engagement_rate_change: float | None = Field(default=None, description="difference in rate points")


class PieceRef(BaseModel):
    """One published piece as it appears in top/bottom lists and outliers."""

    platform: str
    post_id: str
    title: str
    pillar: str
    format: str
    published_at: datetime | None = None
    views: float
    engagement_rate: float | None = None
    row: str = Field(description="file:row where the piece was read")


class SlotStat(BaseModel):
    """Performance of posting on one weekday or at one hour, for one platform."""

    platform: str
    slot: str = Field(description="weekday 0=Mon … 6=Sun, or hour HH:00")
    pieces: int
    engagement_rate: float | None
    mean_views: float


class Outlier(BaseModel):
    """A piece whose engagement rate is far from its platform's usual (modified z-score > 3.5)."""

    piece: PieceRef
    score: float
    direction: Literal["high", "low"]


class PlatformAnalysis(BaseModel):
    """Everything computed for one platform."""

    platform: str
    name: str
    totals: GroupKPIs
    by_pillar: list[GroupKPIs]
    by_format: list[GroupKPIs]
    weeks: list[WeekPoint]
    top: list[PieceRef]
    bottom: list[PieceRef]
    weekdays: list[SlotStat]
    hours: list[SlotStat]
    best_weekdays: list[int]
    best_hours: list[str]
    best_pillars: list[str]
    outliers: list[Outlier] = Field(description="the most extreme, at most 10")
    outliers_total: int = 0


class AnalysisResult(BaseModel):
    """The whole analysis of a set of exports: numbers only, computed in code."""

    generated_at: datetime = Field(default_factory=datetime.now)
    date_from: date | None = Field(default=None, description="the --from filter; None when open")
    date_to: date | None = Field(default=None, description="the --to filter; None when open")
    first_published: date | None = Field(default=None, description="earliest publish date in the rows used")
    last_published: date | None = Field(default=None, description="latest publish date in the rows used")
    summary: LoadSummary
    overall: GroupKPIs
    platforms: list[PlatformAnalysis]
    narrative: list[str] = Field(default_factory=list)
    narrative_backend: str = "offline"
    warnings: list[str] = Field(default_factory=list)


class VariantStat(BaseModel):
    """One variant of an experiment: trials, successes and its rate."""

    variant: str
    trials: float
    successes: float
    rate: float | None


class Comparison(BaseModel):
    """A variant against the control: difference, its 95% CI and a two-proportion z-test."""

    variant: str
    control: str
    difference: float
    relative_lift: float | None
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    significant: bool
    required_per_variant: int | None = Field(
        default=None, description="sample per variant to detect this lift (α 0.05, power 0.8)"
    )


class ExperimentResult(BaseModel):
    """The verdict of one experiment."""

    experiment: str
    metric: str
    variants: list[VariantStat]
    control: str | None = None
    comparisons: list[Comparison]
    test: Literal["z-test", "chi-square", "none"]
    statistic: float | None = None
    dof: int | None = None
    p_value: float | None = None
    significant: bool = False
    winner: str | None = None
    verdict: str
    required_per_variant: int | None = None
    problems: list[str] = Field(default_factory=list)


class ABTestReport(BaseModel):
    """All experiments of one A/B export."""

    file: str
    alpha: float = 0.05
    metric: str
    experiments: list[ExperimentResult]
    summary: LoadSummary


class GoalResult(BaseModel):
    """One campaign goal against its result."""

    metric: str
    target: float
    actual: float | None
    attainment: float | None = Field(
        default=None, description="actual / target (target / actual if lower is better)"
    )
    met: bool
    lower_is_better: bool = False


class PostMortem(BaseModel):
    """复盘: a campaign's goals vs results, what worked, what to change."""

    campaign: str
    date_from: date | None
    date_to: date | None
    pieces: int
    goals: list[GoalResult]
    worked: list[str]
    change: list[str]
    analysis: AnalysisResult


class Insights(BaseModel):
    """What the planner reads from the latest analysis: best slots, weekdays and pillars per platform."""

    best_slots: dict[str, list[str]] = Field(default_factory=dict, description="platform → ['HH:MM', …]")
    best_weekdays: dict[str, list[int]] = Field(default_factory=dict, description="platform → [0=Mon …]")
    best_pillars: dict[str, list[str]] = Field(default_factory=dict)
    engagement_rate: dict[str, float] = Field(default_factory=dict, description="platform → overall rate")
    pieces: dict[str, int] = Field(default_factory=dict)
    generated_at: datetime
    source: str = Field(description="Path of the report this came from.")
