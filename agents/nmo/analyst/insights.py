"""The insights the planner reads: saved after every analysis, loaded by latest_insights()."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import ValidationError

from nmo.analyst.models import AnalysisResult, Insights
from nmo.config import Settings

log = logging.getLogger(__name__)


def insights_path(settings: Settings) -> Path:
    """Where the latest insights live: <home>/analysis/latest.json."""
    return settings.home / "analysis" / "latest.json"


def insights_from(result: AnalysisResult, source: str) -> Insights:
    """Best slots, weekdays and pillars per platform of one analysis (platforms with evidence only)."""
    return Insights(
        best_slots={p.platform: list(p.best_hours) for p in result.platforms if p.best_hours},
        best_weekdays={p.platform: p.best_weekdays for p in result.platforms if p.best_weekdays},
        best_pillars={p.platform: p.best_pillars for p in result.platforms if p.best_pillars},
        engagement_rate={
            p.platform: p.totals.engagement_rate
            for p in result.platforms
            if p.totals.engagement_rate is not None
        },
        pieces={p.platform: p.totals.pieces for p in result.platforms},
        generated_at=result.generated_at,
        source=source,
    )


def save_insights(insights: Insights, path: Path) -> Path:
    """Write insights as JSON atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(insights.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def latest_insights(settings: Settings) -> Insights | None:
    """The insights of the latest `nmo analyze` run, or None when there is none (or it is unreadable)."""
    path = insights_path(settings)
    if not path.exists():
        return None
    try:
        return Insights.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as error:
        log.warning("ignoring unreadable analysis insights at %s: %s", path, error)
        return None
