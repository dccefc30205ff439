"""`nmo analyze` (KPIs, trends, report, 复盘) and `nmo abtest` (A/B verdicts) on platform exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nmo.errors import UserInputError

if TYPE_CHECKING:
    from nmo.analyst.models import ABTestReport, LoadSummary
    from nmo.analyst.workflow import AnalysisRun

ISSUES_SHOWN = 10

ANALYZE_HELP = (
    "Analyse metric exports (CSV/XLSX, Chinese or English headers) from 公众号, 小红书, 抖音 ….\n\n"
    "Maps the headers to one schema and says which it mapped, ignored or misses; computes KPIs per "
    "platform, pillar (栏目) and format (engagement, completion, CTR, conversion, follower growth, "
    "CPM/CPE/CPA), weekly trends, top and bottom pieces, best weekday and hour, outliers. Every row left "
    "out is counted with its row number and reason. With --report DIR writes report.md, report.html "
    "(charts) and report.json. The best slots and pillars are saved for the planner.\n\n"
    "Examples:\n\n"
    "nmo analyze 小红书_10月.csv 公众号_10月.xlsx --report out/\n\n"
    "nmo analyze export.csv --platform 小红书 --from 2026-10-01 --to 2026-10-31 --json\n\n"
    "nmo analyze --post-mortem campaigns/双12.yaml --report out/双12"
)

ABTEST_HELP = (
    "Judge A/B experiments in an export with experiment, variant, impressions (曝光) and clicks (点击).\n\n"
    "For each experiment: per-variant rates, the difference to the control with a 95% confidence "
    "interval, a p-value (two-proportion z-test; chi-square for more than two variants), the winner only "
    "when the difference is significant, and otherwise the sample size per variant needed to detect the "
    "observed lift.\n\n"
    "Example: nmo abtest 标题测试.csv"
)


def _parse_date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        raise UserInputError(
            f"{flag} '{value}' is not a date.", f"Use YYYY-MM-DD, e.g. {flag} 2026-10-01."
        ) from None


def analyze_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Exported CSV/TSV/XLSX files.", show_default=False)
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option("--platform", "-p", help="Platform of the files (or keep only it): 小红书, wechat …"),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="First publish date to include, YYYY-MM-DD.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last publish date to include, YYYY-MM-DD.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write report.md/.html/.json into this folder.")
    ] = None,
    post_mortem: Annotated[
        Path | None, typer.Option("--post-mortem", help="复盘: a campaign YAML with goals and exports.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any row was rejected.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
) -> None:
    """Analyse platform exports: KPIs, trends, best slots, outliers, report with charts, 复盘."""
    from nmo.analyst.workflow import run_analysis
    from nmo.config import Settings
    from nmo.platforms import get_platform

    if not files and post_mortem is None:
        raise UserInputError(
            "No export file given.", "Pass CSV/XLSX files: nmo analyze FILE... (see --help)."
        )
    if report is not None and report.exists() and not report.is_dir():
        raise UserInputError(f"--report {report}: that is a file; --report takes a folder.",
                             f"Pass a folder, e.g. --report {report.with_suffix('')}_report/ (created if needed).")
    from nmo.composition import build_llm

    settings = Settings()
    run = run_analysis(
        settings,
        list(files or []),
        platform=get_platform(platform).key if platform else None,
        date_from=_parse_date(date_from, "--from"),
        date_to=_parse_date(date_to, "--to"),
        report_dir=report,
        campaign=post_mortem,
        llm=build_llm(settings, "analyst"),
    )
    if json_out:
        from nmo.cli.output import print_json

        document = run.postmortem if run.postmortem is not None else run.result
        print_json({"result": document, "written": {k: str(v) for k, v in run.written.items()}})
    else:
        show_analysis(run)
    if strict and run.result.summary.rejected:
        raise typer.Exit(1)


def abtest_command(
    file: Annotated[Path, typer.Argument(help="A/B export (CSV/XLSX).", show_default=False)],
    metric: Annotated[
        str, typer.Option("--metric", help="auto, ctr (clicks/impressions) or cvr (conversions/clicks).")
    ] = "auto",
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.", min=0.0001, max=0.2)] = 0.05,
    json_out: Annotated[bool, typer.Option("--json", help="Print the verdicts as JSON.")] = False,
) -> None:
    """Judge A/B experiments: rates, difference with 95% CI, p-value, winner or sample size needed."""
    from nmo.analyst.abtest import run_abtest

    if metric not in ("auto", "ctr", "cvr"):
        raise UserInputError(f"Unknown --metric '{metric}'.", "Use auto, ctr or cvr.")
    result = run_abtest(file, metric=metric, alpha=alpha)  # type: ignore[arg-type]
    if json_out:
        from nmo.cli.output import print_json

        print_json(result)
        return
    show_abtest(result)


def show_summary(summary: LoadSummary) -> None:
    """Print how each file's headers were mapped and what happened to every row."""
    from nmo.cli.output import console

    for m in summary.mappings:
        label = f"{m.file}[{m.sheet}]" if m.sheet else m.file
        console.print(f"[bold]{label}[/] (header row {m.header_row}, {m.encoding or 'xlsx'}, {m.rows} rows)")
        console.print("  mapped:  " + ", ".join(f"{k}→{v}" for k, v in m.mapped.items()))
        if m.ignored:
            console.print("  ignored: " + ", ".join(m.ignored))
        for metric, needs in m.missing.items():
            console.print(f"  [yellow]missing for {metric}:[/] {', '.join(needs)}")
    console.print(
        f"Rows: {summary.rows_read} read, {summary.rows_used} used, {summary.empty_rows} empty, "
        f"{summary.skipped} summary rows, {summary.rejected} rejected ({summary.duplicates} duplicates), "
        f"{summary.excluded} excluded."
    )
    for note in summary.notes:
        console.print(f"  [yellow]note:[/] {note}")
    for issue in summary.issues[:ISSUES_SHOWN]:
        where = f"{issue.file}[{issue.sheet}]" if issue.sheet else issue.file
        console.print(f"  {issue.action} {where} row {issue.row}: {issue.reason}")
    total = summary.rejected + summary.excluded + summary.empty_rows + summary.skipped
    hidden = total - min(len(summary.issues), ISSUES_SHOWN)
    if hidden > 0:
        console.print(f"  … and {hidden} more (all listed in report.json / --json)")


def show_analysis(run: AnalysisRun) -> None:
    """Print the mapping, the row account, the KPI table, the findings and the files written."""
    from rich.table import Table

    from nmo.analyst.narrative import count, pct
    from nmo.cli.output import console

    result = run.result
    show_summary(result.summary)
    table = Table(title="KPIs")
    for header in (
        "platform",
        "pieces",
        "views",
        "engagement",
        "ER",
        "completion",
        "CTR",
        "follows",
        "best hours",
        "best pillars",
    ):
        table.add_column(header)
    for p in result.platforms:
        t = p.totals
        table.add_row(
            p.name,
            count(t.pieces),
            count(t.views),
            count(t.engagements),
            pct(t.engagement_rate),
            pct(t.completion_rate),
            pct(t.ctr),
            count(t.follows),
            ", ".join(p.best_hours) or "—",
            ", ".join(p.best_pillars) or "—",
        )
    console.print(table)
    if run.postmortem is not None:
        from nmo.analyst.postmortem import show_goal_value

        console.print(f"[bold]复盘 {run.postmortem.campaign}[/]")
        for goal in run.postmortem.goals:
            shown = (
                f"{show_goal_value(goal.metric, goal.actual)} / {show_goal_value(goal.metric, goal.target)}"
            )
            console.print(f"  {'✅' if goal.met else '❌'} {goal.metric}: {shown}")
        for line in run.postmortem.worked:
            console.print(f"  + {line}")
        for line in run.postmortem.change:
            console.print(f"  → {line}")
    for line in result.narrative:
        console.print(f"• {line}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    for kind, path in run.written.items():
        console.print(f"wrote {kind}: {path}")


def show_abtest(report: ABTestReport) -> None:
    """Print each experiment's variants, comparisons and verdict."""
    from rich.table import Table

    from nmo.analyst.narrative import pct
    from nmo.cli.output import console

    show_summary(report.summary)
    for experiment in report.experiments:
        table = Table(title=f"{experiment.experiment} — {report.metric}")
        for header in ("variant", "trials", "successes", "rate", "vs control", "95% CI", "p-value"):
            table.add_column(header)
        compared = {c.variant: c for c in experiment.comparisons}
        for v in experiment.variants:
            c = compared.get(v.variant)
            table.add_row(
                v.variant,
                f"{v.trials:,.0f}",
                f"{v.successes:,.0f}",
                pct(v.rate, 2),
                f"{c.difference * 100:+.2f}pp"
                if c
                else ("control" if v.variant == experiment.control else "—"),
                f"[{c.ci_low * 100:+.2f}, {c.ci_high * 100:+.2f}]pp" if c else "",
                f"{c.p_value:.4g}" if c else "",
            )
        console.print(table)
        console.print(f"[bold]{experiment.verdict}[/]")


def register(app: typer.Typer) -> None:
    """Add `analyze` and `abtest` to the nmo app."""
    app.command("analyze", help=ANALYZE_HELP)(analyze_command)
    app.command("abtest", help=ABTEST_HELP)(abtest_command)
