"""The `nmo` entry point: builds the Typer app from the command modules and handles errors at the edge."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.markup import escape
from typer.core import TyperGroup
from typer.exceptions import TyperException

from nmo.telemetry import disable_telemetry

HELP = """nmo — plans, drafts and checks content for brand accounts
on 公众号, 微博, 小红书, 抖音, B站, 知乎, 快手 and 视频号.

Every draft passes a proofreading and compliance gate, then waits for a human reviewer.
Runs offline by default; set NMO_LLM_BASE_URL / NMO_LLM_API_KEY (or OPENAI_*) to use an LLM.
Exit codes: 0 success, 1 blocking findings, 2 usage or input error, 3 unexpected error (a bug)."""

COMMAND_MODULES = (
    "nmo.cli.kb",
    "nmo.cli.brand",
    "nmo.cli.check",
    "nmo.cli.lexicon",
    "nmo.cli.plan",
    "nmo.cli.draft",
    "nmo.cli.review",
    "nmo.cli.demo",
    "nmo.cli.analyze",
    "nmo.cli.serve",
    "nmo.cli.user",
    "nmo.cli.audit",
    "nmo.cli.eval",
)


def input_error(error: Any) -> Any:
    """A request model that refused a value (e.g. a negative count) as a user error naming the fields."""
    from nmo.errors import UserInputError

    fields = "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'value'}: {item['msg']}" for item in error.errors()[:5]
    )
    return UserInputError(f"Invalid input: {fields}.",
                          "Correct the named option(s); `--help` shows the allowed values.")


def report_crash(error: Exception) -> NoReturn:
    """An unexpected error: one clear paragraph, the traceback in a log file, exit 3 (not 1 = blocking findings)."""
    import traceback
    from datetime import datetime

    from nmo.cli.output import err_console
    from nmo.config import default_home

    home = Path(os.environ.get("NMO_HOME") or default_home())
    log = home / "logs" / f"crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(error)), "utf-8")
        where = f"The details are in {log}; send that file with a bug report."
    except OSError:
        where = "Run again with NMO_DEBUG=1 to see the details, and send them with a bug report."
    if os.environ.get("NMO_DEBUG"):
        traceback.print_exception(error)
    err_console.print(f"[bold red]Error:[/] nmo hit an unexpected problem ({escape(type(error).__name__)}: "
                      f"{escape(str(error)[:300])}). If a request was running, its drafts so far are "
                      f"kept and `nmo resume` continues it.\n[bold]Fix:[/] {escape(where)}")
    raise typer.Exit(3)


class NmoGroup(TyperGroup):
    """The root command group: an NmoError from any command becomes a one-paragraph message and its exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        from pydantic import ValidationError

        from nmo.cli.output import report_error
        from nmo.config import settings_error
        from nmo.errors import NmoError

        try:
            return super().invoke(ctx)
        except NmoError as error:
            report_error(error)
        except ValidationError as error:
            report_error(settings_error(error) if error.title == "Settings" else input_error(error))
        except (TyperException, typer.Exit, typer.Abort):  # usage errors and deliberate exits keep their codes
            raise
        except Exception as error:  # a bug: say so plainly, keep the traceback for the report
            report_crash(error)


app = typer.Typer(cls=NmoGroup, help=HELP, no_args_is_help=True, add_completion=False, rich_markup_mode="rich")


def _print_version(asked: bool) -> None:
    if asked:
        from nmo import __version__

        typer.echo(f"nmo {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """nmo: plans, drafts, checks and reviews for a brand's Chinese social-media accounts."""
for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def run() -> None:
    """Console-script entry: telemetry off, then the app."""
    disable_telemetry()
    app()
