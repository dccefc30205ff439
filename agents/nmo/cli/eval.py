"""`nmo eval`: run the eval suites on a backend, print a table per suite, write reports, fail on thresholds;
`nmo eval add-from-review ID` turns an approved draft into a golden case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nmo.cli.output import console, err_console, print_json

EVAL_HELP = """Measure quality: run the cases in evals/ through the real graph
and compare every metric with its threshold.

Examples:
  nmo eval                             offline suites, no key or network
  nmo eval --backend scripted          gate invariants, faults, cost
  nmo eval --backend live --repeats 3  your endpoint, plus LLM judges
  nmo eval --suite gate --suite csc    only these suites
  nmo eval --baseline old/report.json  changes since that run
  nmo eval add-from-review D1a2b3c-1   approved draft → golden case

Writes report.json, report.md and junit.xml to --report
(default reports/eval/BACKEND). Exit 0 when every threshold in
evals/thresholds.yaml holds, 1 when one fails or a suite crashes,
2 on a usage error. See evals/README.md."""

Backend = Annotated[str, typer.Option("--backend", "-b", help="offline, scripted or live.")]


def register(app: typer.Typer) -> None:
    """Add the eval command group."""
    eval_app = typer.Typer(help=EVAL_HELP, invoke_without_command=True)
    app.add_typer(eval_app, name="eval")

    @eval_app.callback()
    def run_evals(
        ctx: typer.Context,
        suite: Annotated[list[str] | None, typer.Option("--suite", "-s", help="A suite to run (repeatable).")] = None,
        backend: Backend = "offline",
        report: Annotated[
            Path | None, typer.Option("--report", help="Folder for report.json, report.md, junit.xml.")
        ] = None,
        baseline: Annotated[
            Path | None, typer.Option("--baseline", help="An earlier report.json to compare against.")
        ] = None,
        thresholds: Annotated[
            Path | None, typer.Option("--thresholds", help="Thresholds file (default EVALS/thresholds.yaml).")
        ] = None,
        evals: Annotated[
            Path | None, typer.Option("--evals", help="The eval folder (default ./evals, else the repository's).")
        ] = None,
        repeats: Annotated[int, typer.Option("--repeats", help="Live: runs of each judge, averaged.")] = 3,
        list_suites: Annotated[bool, typer.Option("--list", help="List the suites and exit.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        if ctx.invoked_subcommand is not None:
            return
        from nmo.config import Settings
        from nmo.errors import UserInputError
        from nmo.evals.environment import project_root, resolve_folder
        from nmo.evals.report import print_report, write_reports
        from nmo.evals.runner import load_baseline, run_eval
        from nmo.evals.suites import SUITES
        from nmo.evals.thresholds import load_thresholds

        if list_suites:
            from rich.table import Table

            table = Table("suite", "backends", "measures", show_edge=False)
            for item in SUITES.values():
                table.add_row(item.name, ", ".join(item.backends), item.description)
            console.print(table)
            return
        if backend not in ("offline", "scripted", "live"):
            raise UserInputError(f"Unknown backend '{backend}'.", "Use --backend offline, scripted or live.")
        if not 1 <= repeats <= 20:
            raise UserInputError(f"--repeats {repeats} is outside 1–20.", "Use e.g. --repeats 3.")
        settings = Settings()
        evals_dir = resolve_folder(evals or Path("evals"), project_root())
        if not evals_dir.is_dir():
            raise UserInputError(f"Eval folder {evals_dir} does not exist.", "Pass --evals DIR (see evals/README.md).")
        limits = load_thresholds(thresholds or evals_dir / "thresholds.yaml")

        def progress(result: object) -> None:
            from nmo.evals.metrics import SuiteResult

            if isinstance(result, SuiteResult) and not as_json:
                err_console.print(f"[dim]· {result.suite}: {result.status} ({result.duration_s:.1f}s)[/]")

        outcome = run_eval(
            backend,  # type: ignore[arg-type]
            settings, limits, suites=suite or [], baseline=baseline, evals_dir=evals_dir, repeats=repeats,
            on_suite=progress,
        )
        paths = write_reports(outcome, report or Path("reports") / "eval" / backend)
        if as_json:
            print_json({**outcome.model_dump(mode="json"), "passed": outcome.passed})
        else:
            print_report(outcome, console, load_baseline(baseline) if baseline else None)
            console.print(f"[dim]Reports: {', '.join(str(p) for p in paths)}[/]")
        if not outcome.passed:
            raise typer.Exit(1)

    @eval_app.command("add-from-review")
    def add_from_review(
        draft_id: Annotated[str, typer.Argument(help="An approved draft's ID, e.g. D1a2b3c-1.")],
        force: Annotated[bool, typer.Option("--force", help="Replace an existing case with this ID.")] = False,
        to: Annotated[
            Path | None, typer.Option("--to", help="Cases folder (default evals/cases/golden).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the new case as JSON.")] = False,
    ) -> None:
        """Export an approved draft as a golden case in evals/cases/golden/, so reviewers' decisions grow
        the suite: the gate must keep accepting it (blocking findings the reviewer overrode stay allowed)."""
        from nmo.composition import open_service
        from nmo.config import Settings
        from nmo.errors import NotFoundError
        from nmo.evals.environment import project_root, resolve_folder
        from nmo.evals.golden import golden_from_record, write_golden

        with open_service(Settings(), graph_on_demand=True) as service:
            try:
                record = service.get_draft(draft_id)
            except NotFoundError as missing:
                raise NotFoundError(missing.problem, "Run `nmo review list --status approved`.") from None
        case = golden_from_record(record)
        folder = to or resolve_folder(Path("evals"), project_root()) / "cases" / "golden"
        path = write_golden(case, folder, overwrite=force)
        if as_json:
            print_json({"path": str(path), "case": case})
        else:
            console.print(f"Golden case written to {path}. Commit it so CI checks it from now on.")
