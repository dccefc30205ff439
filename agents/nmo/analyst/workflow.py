"""One `nmo analyze` run end to end: compute, narrate, chart, write the report, save planner insights."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from nmo.analyst.insights import insights_from, insights_path, save_insights
from nmo.analyst.models import AnalysisResult, PostMortem
from nmo.analyst.narrative import write_narrative
from nmo.config import Settings

if TYPE_CHECKING:
    from nmo.ports import StructuredLLM


@dataclass
class AnalysisRun:
    """What a run produced: the result (and post-mortem), files written, warnings for the user."""

    result: AnalysisResult
    postmortem: PostMortem | None
    written: dict[str, Path] = field(default_factory=dict)


def run_analysis(
    settings: Settings,
    files: list[Path],
    *,
    platform: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    report_dir: Path | None = None,
    campaign: Path | None = None,
    llm: StructuredLLM | None = None,
) -> AnalysisRun:
    """Analyse exports (or a campaign), write the report when asked, and save insights for the planner."""
    from nmo.analyst.charts import render_charts
    from nmo.analyst.pipeline import analyze_files
    from nmo.analyst.postmortem import post_mortem
    from nmo.analyst.report import write_report

    postmortem: PostMortem | None = None
    if campaign is not None:
        postmortem = post_mortem(campaign, files)
        result = postmortem.analysis
    else:
        result = analyze_files(files, platform=platform, date_from=date_from, date_to=date_to)
    write_narrative(result, llm)
    run = AnalysisRun(result=result, postmortem=postmortem)
    if report_dir is not None:
        charts, chart_warnings = render_charts(result)
        result.warnings.extend(chart_warnings)
        run.written.update(write_report(result, charts, report_dir, postmortem))
    home_report = settings.home / "analysis" / "latest-report.json"
    home_report.parent.mkdir(parents=True, exist_ok=True)
    home_report.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    source = run.written.get("json", home_report)
    insights = insights_from(result, str(source.resolve()))
    run.written["insights"] = save_insights(insights, insights_path(settings))
    if report_dir is not None:
        run.written["report_insights"] = save_insights(insights, report_dir / "insights.json")
    return run
