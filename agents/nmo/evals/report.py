"""Eval reports: report.json, report.md, JUnit XML (one testcase per threshold) and the terminal table."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from rich.console import Console
from rich.table import Table

from nmo.evals.runner import EvalReport
from nmo.evals.thresholds import ThresholdCheck

STATUS_STYLE = {"pass": "green", "fail": "bold red", "skipped": "yellow", "ok": "green", "error": "bold red"}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _delta(delta: float | None) -> str:
    if delta is None:
        return ""
    return "±0" if delta == 0 else f"{delta:+g}"


def _rows(report: EvalReport, suite: str) -> list[tuple[str, float | None, ThresholdCheck | None]]:
    """Every metric of a suite with its threshold check (thresholded metrics that were not measured too)."""
    result = next(s for s in report.suites if s.suite == suite)
    checks = {c.metric: c for c in report.checks if c.suite == suite}
    rows: list[tuple[str, float | None, ThresholdCheck | None]] = [
        (m.name, m.value, checks.pop(m.name, None)) for m in result.metrics
    ]
    rows += [(name, None, check) for name, check in checks.items()]
    return rows


def print_report(report: EvalReport, console: Console, baseline: dict[tuple[str, str], float] | None = None) -> None:
    """One table per suite: metric, value, threshold, change against the baseline, verdict."""
    for result in report.suites:
        title = f"{result.suite} [{STATUS_STYLE[result.status]}]{result.status}[/] · {result.cases} cases · " \
                f"{result.duration_s:.1f}s"
        if result.status != "ok":
            console.print(f"[bold]{result.suite}[/] [{STATUS_STYLE[result.status]}]{result.status}[/]: {result.reason}")
            continue
        table = Table(title=title, title_justify="left", show_edge=False)
        for column in ("metric", "value", "threshold", "Δ baseline", "verdict"):
            table.add_column(column, justify="right" if column in ("value", "Δ baseline") else "left")
        for name, value, check in _rows(report, result.suite):
            previous = (baseline or {}).get((result.suite, name))
            delta = check.delta if check else (None if value is None or previous is None else value - previous)
            verdict = f"[{STATUS_STYLE[check.status]}]{check.status}[/]" if check else ""
            table.add_row(name, _fmt(value), check.bound.describe() if check else "", _delta(delta), verdict)
        console.print(table)
        for failure in result.failures[:10]:
            console.print(f"  [red]•[/] {failure}")
    failed = report.failed_checks
    verdict = "[bold green]PASS[/]" if report.passed else f"[bold red]FAIL[/] ({len(failed)} threshold(s))"
    console.print(f"{report.backend}: {verdict} in {report.duration_s:.1f}s")


def write_json(report: EvalReport, path: Path) -> None:
    """The machine-readable report (also the input of --baseline)."""
    data = report.model_dump(mode="json")
    data["passed"] = report.passed
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def markdown(report: EvalReport) -> str:
    """The report as Markdown, one table per suite."""
    verdict = "PASS" if report.passed else "FAIL"
    summary = f"{report.started_at:%Y-%m-%d %H:%M} · {report.duration_s:.1f}s · **{verdict}**"
    if report.baseline:
        summary += f" · baseline `{report.baseline}`"
    lines = [f"# nmo eval — {report.backend} backend", "", summary, ""]
    for result in report.suites:
        lines.append(f"## {result.suite} — {result.status} ({result.cases} cases, {result.duration_s:.1f}s)")
        lines.append("")
        if result.status != "ok":
            lines += [f"{result.reason}", ""]
            continue
        lines += ["| metric | value | threshold | Δ baseline | verdict |", "|---|---:|---|---:|---|"]
        for name, value, check in _rows(report, result.suite):
            lines.append(f"| {name} | {_fmt(value)} | {check.bound.describe() if check else ''} | "
                         f"{_delta(check.delta) if check else ''} | {check.status if check else ''} |")
        lines.append("")
        lines += [f"- {failure}" for failure in result.failures] + ([""] if result.failures else [])
    return "\n".join(lines)


def junit(report: EvalReport) -> str:
    """JUnit XML: a testsuite per suite, a testcase per metric threshold (skipped suites shown as skipped)."""
    root = ET.Element("testsuites", name=f"nmo eval {report.backend}")
    for result in report.suites:
        checks = [c for c in report.checks if c.suite == result.suite]
        element = ET.SubElement(
            root, "testsuite", name=f"{report.backend}.{result.suite}", tests=str(len(checks) or 1),
            failures=str(sum(c.status == "fail" for c in checks)),
            skipped=str(sum(c.status == "skipped" for c in checks)), time=f"{result.duration_s:.2f}",
        )
        if result.status == "error" and not checks:
            case = ET.SubElement(element, "testcase", classname=f"eval.{result.suite}", name="runs")
            ET.SubElement(case, "error", message=result.reason)
        for check in checks:
            case = ET.SubElement(element, "testcase", classname=f"eval.{result.suite}",
                                 name=f"{check.metric} {check.bound.describe()}")
            if check.status == "fail":
                ET.SubElement(case, "failure", message=check.reason or "threshold failed").text = (
                    f"value {_fmt(check.value)}, threshold {check.bound.describe()}"
                )
            elif check.status == "skipped":
                ET.SubElement(case, "skipped", message=check.reason)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_reports(report: EvalReport, folder: Path) -> list[Path]:
    """Write report.json, report.md and junit.xml into folder; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "report.json", folder / "report.md", folder / "junit.xml"]
    write_json(report, paths[0])
    paths[1].write_text(markdown(report) + "\n", "utf-8")
    paths[2].write_text(junit(report), "utf-8")
    for suite in report.suites:  # e.g. the drafts suite's reader's view, one file per brand
        for name, text in suite.attachments.items():
            paths.append(folder / name)
            paths[-1].write_text(text, "utf-8")
    return paths
