"""`nmo brand …`: see what nmo understood about the brand, check it, and correct it with a YAML the team keeps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nmo.errors import UserInputError

if TYPE_CHECKING:
    from nmo.brand import BrandStore

brand_app = typer.Typer(
    help="The brand profile (NMO_COLLECTION): products, pillars, tone, banned words, competitors, with sources.",
    no_args_is_help=True,
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
NOT_INGESTED = "Nothing was ingested for this brand yet: run `nmo kb ingest FOLDER` first."


def _store() -> tuple[str, BrandStore]:
    from nmo.brand import BrandStore
    from nmo.config import Settings

    settings = Settings()
    return settings.collection, BrandStore.for_settings(settings)


def _ingested(store: BrandStore) -> bool:
    from nmo.brand.store import CORRECTIONS, EXTRACTED

    return any((store.folder / name).is_file() for name in (EXTRACTED, CORRECTIONS))


@brand_app.command("show")
def show(as_json: JsonOption = False) -> None:
    """What nmo understood, field by field: each entry with its source, and the fields where nothing was found."""
    from rich.markup import escape

    from nmo.brand.view import profile_view
    from nmo.cli.output import console, err_console, print_json

    collection, store = _store()
    profile = store.profile()
    if as_json:
        print_json(profile)
        return
    view = profile_view(profile)
    console.print(f"[bold]品牌档案[/] {escape(view.brand or '（未识别品牌名）')} · collection {escape(collection)}")
    for section in view.sections:
        console.print(f"\n[bold]{section.title}[/] ({section.field}) · [dim]{section.origin}[/]")
        for item in section.items:
            console.print(f"  • {escape(item.text)}  [dim]— {escape(item.source)}[/]")
    if view.missing:
        console.print()
    for message in view.missing:
        console.print(f"[yellow]{escape(message)}[/]")
    if not _ingested(store):
        err_console.print(NOT_INGESTED)


@brand_app.command("check")
def check(as_json: JsonOption = False) -> None:
    """What is missing, ambiguous or contradictory in the profile; exit code 1 when something is an error."""
    from rich.markup import escape

    from nmo.brand.check import check_profile
    from nmo.brand.view import cite
    from nmo.cli.output import console, print_json

    _, store = _store()
    issues = check_profile(store.profile(), store.disagreements())
    if as_json:
        print_json(issues)
    elif not issues:
        console.print("The brand profile has no problems nmo can see.")
    else:
        colours = {"error": "bold red", "warning": "yellow", "info": "dim"}
        for issue in issues:
            where = f"  [dim]— {escape(cite(issue.source))}[/]" if issue.source is not None else ""
            label = f"[{colours[issue.severity]}]{issue.severity}[/]"
            console.print(f"{label} {issue.field}: {escape(issue.message)}{where}")
    if any(issue.severity == "error" for issue in issues):
        raise typer.Exit(1)


@brand_app.command("export")
def export(
    path: Annotated[Path, typer.Argument(help="Where to write the YAML, e.g. brand-profile.yaml.")],
) -> None:
    """Write the profile in use as a YAML to correct, keep in version control and load with `nmo brand import`."""
    from nmo.cli.output import console

    collection, store = _store()
    if path.is_dir():
        raise UserInputError(f"{path} is a folder.", "Give a file name, e.g. brand-profile.yaml.")
    store.export(path)
    console.print(f"Wrote the profile of {collection} to {path}. Correct it, then load it with "
                  f"`nmo brand import {path}`.")


@brand_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A YAML written by `nmo brand export` and corrected by the team.")],
    as_json: JsonOption = False,
) -> None:
    """Load the team's corrections: every field in the file replaces what extraction finds, now and on later ingests."""
    from nmo.brand.view import import_with_changes
    from nmo.cli.output import console, print_json

    collection, store = _store()
    changes = import_with_changes(store, lambda: store.import_corrections(path))
    if as_json:
        print_json({"collection": collection, **changes.model_dump()})
        return
    console.print(f"Corrections for {collection} loaded from {path}.")
    console.print(changes.summary())


def register(app: typer.Typer) -> None:
    """Add the `brand` command group."""
    app.add_typer(brand_app, name="brand")
