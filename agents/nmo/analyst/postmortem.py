"""复盘 (post-mortem): a campaign's goals against its results, what worked and what to change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nmo.analyst.models import AnalysisResult, GoalResult, GroupKPIs, PostMortem
from nmo.analyst.narrative import count, pct, unsupported_numbers
from nmo.analyst.pipeline import analyze_files
from nmo.errors import NotFoundError, UserInputError

LOWER_IS_BETTER = frozenset({"cpm", "cpe", "cpa", "spend"})
RATE_GOALS = frozenset({"engagement_rate", "completion_rate", "ctr", "conversion_rate"})
GOAL_METRICS = frozenset(GroupKPIs.model_fields) - {"group"}


class Campaign(BaseModel):
    """A campaign file: its name, period, exports, optional post IDs and goals per KPI."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    platform: str | None = None
    exports: list[str] = Field(default_factory=list)
    pieces: list[str] = Field(default_factory=list, description="post IDs that belong to the campaign")
    goals: dict[str, float] = Field(default_factory=dict)

    @field_validator("goals", mode="before")
    @classmethod
    def _read_goals(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        goals: dict[str, float] = {}
        for metric, target in value.items():
            if metric not in GOAL_METRICS:
                raise ValueError(f"unknown goal '{metric}'; use one of {', '.join(sorted(GOAL_METRICS))}")
            text = str(target).strip()
            goals[metric] = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        return goals


def load_campaign(path: Path) -> Campaign:
    """Read and validate a campaign YAML file."""
    if not path.exists():
        raise NotFoundError(
            f"{path}: no such campaign file.", "Pass the campaign YAML: --post-mortem FILE.yaml"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Campaign.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as error:
        raise UserInputError(
            f"{path}: not a valid campaign file: {error}",
            "It needs name, optional from/to (YYYY-MM-DD), exports (CSV/XLSX paths) and goals "
            "(e.g. views: 200000, engagement_rate: 5%).",
        ) from None


def goal_results(goals: dict[str, float], totals: GroupKPIs) -> list[GoalResult]:
    """Each goal with its actual value, attainment and whether it was met."""
    out: list[GoalResult] = []
    for metric, target in goals.items():
        actual = getattr(totals, metric)
        actual = None if actual is None else float(actual)
        lower = metric in LOWER_IS_BETTER
        if actual is None or target == 0:
            attainment = None
        else:
            attainment = (target / actual if actual else None) if lower else actual / target
        met = actual is not None and (actual <= target if lower else actual >= target)
        out.append(
            GoalResult(
                metric=metric,
                target=target,
                actual=actual,
                attainment=attainment,
                met=met,
                lower_is_better=lower,
            )
        )
    return out


def show_goal_value(metric: str, value: float | None) -> str:
    """A goal's target or result as the report shows it: 20.1%, 23.74 (money), 221,743."""
    if metric in RATE_GOALS:
        return pct(value)
    if metric in LOWER_IS_BETTER:
        return "—" if value is None else f"{value:.2f}"
    return count(value)


def lessons(result: AnalysisResult, goals: list[GoalResult]) -> tuple[list[str], list[str]]:
    """What worked and what to change, each line citing computed figures only."""
    worked: list[str] = []
    change: list[str] = []
    for g in goals:
        actual, target = show_goal_value(g.metric, g.actual), show_goal_value(g.metric, g.target)
        line = f"{g.metric}：实际 {actual}，目标 {target}"
        (worked if g.met else change).append(line + ("，已达成。" if g.met else "，未达成。"))
    for p in result.platforms:
        rated = [k for k in p.by_pillar if k.engagement_rate is not None and k.pieces >= 2]
        if len(rated) >= 2:
            best = max(rated, key=lambda k: k.engagement_rate or 0.0)
            worst = min(rated, key=lambda k: k.engagement_rate or 0.0)
            worked.append(
                f"{p.name}「{best.group}」互动率 {pct(best.engagement_rate)}，高于平台整体 "
                f"{pct(p.totals.engagement_rate)}：继续加码。"
            )
            change.append(
                f"{p.name}「{worst.group}」互动率 {pct(worst.engagement_rate)}，低于平台整体 "
                f"{pct(p.totals.engagement_rate)}：调整选题或形式。"
            )
        if p.top:
            worked.append(
                f"{p.name}表现最好的一篇：「{p.top[0].title or p.top[0].post_id}」，"
                f"互动率 {pct(p.top[0].engagement_rate)}。"
            )
        if p.best_hours:
            change.append(
                f"{p.name}把发布时间集中到 {'、'.join(p.best_hours)}（本次数据中互动率最高的时段）。"
            )
    return worked, change


def post_mortem(campaign_path: Path, extra_files: list[Path] | None = None) -> PostMortem:
    """Analyse a campaign's exports (plus any files given) and compare the results with its goals."""
    campaign = load_campaign(campaign_path)
    files = [campaign_path.parent / f for f in campaign.exports] + list(extra_files or [])
    if not files:
        raise UserInputError(
            f"{campaign_path}: no exports listed and no files given.",
            "Add `exports: [file.csv]` to the campaign or pass the files: nmo analyze FILE ...",
        )
    platform = None
    if campaign.platform:
        from nmo.platforms import get_platform

        platform = get_platform(campaign.platform).key
    result = analyze_files(
        files,
        platform=platform,
        date_from=campaign.date_from,
        date_to=campaign.date_to,
        post_ids=set(campaign.pieces) or None,
    )
    goals = goal_results(campaign.goals, result.overall)
    worked, change = lessons(result, goals)
    problems = unsupported_numbers([*worked, *change], result, extra=[g.target for g in goals])
    if problems:
        raise AssertionError(f"post-mortem states numbers that were not computed: {problems[:3]}")
    return PostMortem(
        campaign=campaign.name,
        date_from=campaign.date_from,
        date_to=campaign.date_to,
        pieces=result.overall.pieces,
        goals=goals,
        worked=worked,
        change=change,
        analysis=result,
    )
