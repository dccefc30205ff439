"""The analyst: platform exports → KPIs, A/B verdicts, charts, a report, and insights for the planner.

Light to import: heavy work (pandas, matplotlib) happens inside the functions that need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nmo.analyst.insights import latest_insights
from nmo.analyst.models import Insights

if TYPE_CHECKING:
    from nmo.analyst.evaluation import AnalystEvalMetrics


def evaluate_analyst(cases_dir: Path | str) -> AnalystEvalMetrics:
    """Max abs error of KPIs and p-values against the known answers of the eval cases in cases_dir."""
    from nmo.analyst.evaluation import evaluate_analyst as run

    return run(cases_dir)


__all__ = ["Insights", "evaluate_analyst", "latest_insights"]
