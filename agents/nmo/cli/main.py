"""The `nmo` entry point: builds the Typer app from the command modules and handles errors at the edge."""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from nmo.telemetry import disable_telemetry

HELP = """nmo — plans, drafts and checks content for brand accounts
on 公众号, 微博, 小红书, 抖音, B站, 知乎, 快手 and 视频号.

Every draft passes a proofreading and compliance gate, then waits for a human reviewer.
Runs offline by default; set NMO_LLM_BASE_URL / NMO_LLM_API_KEY (or OPENAI_*) to use an LLM.
Exit codes: 0 success, 1 blocking findings, 2 usage or input error."""

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
            if error.title != "Settings":
                raise
            report_error(settings_error(error))


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
