"""`nmo check`: run the gate on a file and show every finding highlighted in its line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from nmo.errors import UserInputError

SEVERITY_STYLE = {"blocking": "bold white on red", "warning": "black on yellow", "info": "black on cyan"}
SEVERITY_LABEL = {"blocking": "阻断 blocking", "warning": "警告 warning", "info": "提示 info"}
_CONTEXT = 30


def _line_view(text: str, breaks: list[int], start: int, end: int, style: str) -> tuple[int, int, Any]:
    """Line number, column and the line (trimmed around the span) with the span highlighted.

    `breaks` are the offsets of every newline in `text` (bisected, so a long report stays linear)."""
    from bisect import bisect_left

    from rich.text import Text

    line_index = bisect_left(breaks, start)  # newlines before start
    line_start = breaks[line_index - 1] + 1 if line_index else 0
    next_break = bisect_left(breaks, max(end - 1, start))
    line_end = breaks[next_break] if next_break < len(breaks) else len(text)
    lo = max(line_start, start - _CONTEXT)
    hi = min(line_end, max(end, start) + _CONTEXT)
    view = Text("…" if lo > line_start else "")
    view.append(text[lo:start])
    view.append(text[start:end] if end > start else "", style=style)
    view.append(text[end:hi] if end > start else text[start:hi])
    if hi < line_end:
        view.append("…")
    return line_index + 1, start - line_start + 1, view


def print_findings(text: str, findings: list[Any], name: str) -> None:
    """Findings grouped by severity, each with its line, the span highlighted, and the suggestion."""
    from rich.text import Text

    from nmo.cli.output import console

    if not findings:
        console.print(f"[green]✓[/] {name}: no findings.")
        return
    import re

    breaks = [match.start() for match in re.finditer("\n", text)]
    report = Text()  # one renderable, printed once: per-line console.print calls dominate a long report
    for severity in ("blocking", "warning", "info"):
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        report.append(f" {SEVERITY_LABEL[severity]} · {len(group)} ", style=SEVERITY_STYLE[severity])
        report.append("\n")
        for finding in group:
            if finding.end > finding.start:
                line, column, view = _line_view(
                    text, breaks, finding.start, finding.end, SEVERITY_STYLE[severity]
                )
                where = f"{name}:{line}:{column}"
            else:
                view, where = Text(""), f"{name}"
            report.append(f"  {where} ", style="dim")
            report.append(f"[{finding.category}] ", style="bold")
            report.append(finding.message)
            report.append("\n")
            if view.plain:
                report.append("    ").append(view).append("\n")
            if finding.suggestion:
                report.append("    → ", style="green").append(finding.suggestion, style="green").append("\n")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("blocking", "warning", "info")}
    report.append(f"{name}: {counts['blocking']} blocking, {counts['warning']} warning, {counts['info']} info")
    console.print(report)


def check_command(
    file: Annotated[
        Path, typer.Argument(help="Text or Markdown file to check, or - to read standard input.")
    ],
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            "-p",
            help="Also apply this platform's rules (wechat, weibo, xiaohongshu, douyin, 小红书 …).",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    lexicon: Annotated[
        list[Path] | None,
        typer.Option(
            "--lexicon",
            "-l",
            help="Extra lexicon YAML file (repeatable), on top of the brand's and your imports.",
        ),
    ] = None,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Write a copy with every unambiguous suggestion applied and print the diff."
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where --fix writes the fixed copy (default: NAME.fixed.EXT beside the file).",
        ),
    ] = None,
) -> None:
    """Proofread a draft; check 广告法 terms, health claims, brand terms, PII, facts, platform rules.

    Exits 1 when any finding is blocking, 0 otherwise (2 on bad input)."""
    from nmo.checks.fix import apply_fixes, unified_diff
    from nmo.checks.gate import build_gate
    from nmo.checks.source_text import read_text_file
    from nmo.cli.output import console, print_json
    from nmo.config import Settings

    text = read_text_file(file)
    name = "stdin" if str(file) == "-" else str(file)
    if not text.strip():
        raise UserInputError(f"{name} is empty.", "Give a file with the draft's text.")
    if fix and str(file) == "-" and output is None:
        raise UserInputError("--fix on standard input needs somewhere to write.", "Add --output FILE.")
    gate = build_gate(Settings(), extra_lexicons=lexicon or ())
    result = gate.check(text, platform=platform)
    if fix:
        fixed, applied = apply_fixes(text, result.findings)
        target = output or file.with_name(f"{file.stem}.fixed{file.suffix}")
        target.write_text(fixed, "utf-8")
        if json_out:
            print_json({"output": str(target), "applied": applied, "result": result})
        else:
            diff = unified_diff(text, fixed, name)
            console.print(diff or "No unambiguous fix to apply.", markup=False, highlight=False)
            console.print(f"Applied {len(applied)} fix(es); wrote {target}.")
    elif json_out:
        print_json(
            {
                "passed": result.passed,
                "platform": result.platform,
                "counts": result.counts(),
                "findings": result.findings,
            }
        )
    else:
        print_findings(text, result.findings, name)
    if not result.passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `nmo check` to the app."""
    app.command("check", no_args_is_help=True)(check_command)
