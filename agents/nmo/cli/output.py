"""Shared CLI output: JSON printing, the rich consoles, and turning errors into friendly messages."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from nmo.errors import NmoError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def to_jsonable(value: Any) -> Any:
    """Turn pydantic models (and lists/dicts of them) into plain JSON data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    """Print one JSON document on stdout, Chinese left readable."""
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2, default=str) + "\n")


def report_error(error: NmoError) -> NoReturn:
    """Print a one-paragraph problem + fix message on stderr and exit with the error's code."""
    message = f"[bold red]Error:[/] {escape(error.problem)}"
    if error.fix:
        message += f"\n[bold]Fix:[/] {escape(error.fix)}"
    err_console.print(message)
    raise typer.Exit(error.exit_code)
