"""`nmo lexicon`: import term lists, list what the gate matches, allow terms that must never be flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast, get_args

import typer

from nmo.errors import UserInputError
from nmo.schemas import Category, Severity

lexicon_app = typer.Typer(
    help="Manage the word lists the gate matches (imports, allow list).", no_args_is_help=True
)


def _choice(value: str, allowed: tuple[str, ...], flag: str) -> str:
    if value not in allowed:
        raise UserInputError(f"Unknown {flag} '{value}'.", f"Use one of: {', '.join(allowed)}.")
    return value


@lexicon_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="A term list (one term a line) or a lexicon YAML file.")],
    category: Annotated[
        str, typer.Option("--category", "-c", help="Category for a plain list's terms, e.g. sensitive "
                          "(a YAML's rules keep their own).")
    ] = "sensitive",
    severity: Annotated[str, typer.Option("--severity", "-s", help="blocking, warning or info, for a plain "
                                          "list (a YAML's rules keep their own).")] = "warning",
    name: Annotated[
        str | None, typer.Option("--name", help="Name of the imported list (default: file name).")
    ] = None,
    tier: Annotated[
        str,
        typer.Option(
            "--tier",
            help="auto: drop 1-character terms and demote everyday words to info; none: keep as given.",
        ),
    ] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
) -> None:
    """Import a term list into your lexicons (in the data folder); the brand's own lists stay untouched.

    A lexicon YAML keeps each rule's category, severity and suggestion; a plain list takes --category/--severity."""
    from nmo.checks.lexicon import TierChoice, import_term_list
    from nmo.cli.output import console, print_json
    from nmo.config import Settings

    cat = _choice(category, get_args(Category), "--category")
    sev = _choice(severity, get_args(Severity), "--severity")
    tier_choice = _choice(tier, ("auto", "none"), "--tier")
    if not path.is_file():
        raise UserInputError(f"{path} is not a file.", "Pass a term list, one term a line.")
    report = import_term_list(
        path,
        Settings().home / "lexicons",
        category=cast(Category, cat),
        severity=cast(Severity, sev),
        name=name,
        tier=cast(TierChoice, tier_choice),
    )
    data = {
        "path": str(report.path),
        "kept": report.kept,
        "demoted_to_info": report.demoted,
        "dropped": report.dropped,
        "duplicates": report.duplicates,
        "by_category_severity": report.by_category_severity,
    }
    if json_out:
        print_json(data)
        return
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.by_category_severity.items()))
    console.print(
        f"Imported {report.kept + report.demoted} terms into {report.path} ({kinds}; "
        f"{report.demoted} everyday words demoted to info, "
        f"{report.dropped} one-character terms dropped, {report.duplicates} duplicates)."
    )


@lexicon_app.command("list")
def list_command(json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Show every list the gate matches: built-in, the brand profile's rules, the brand's lists, your imports."""
    from collections import Counter

    from nmo.brand.store import BrandStore
    from nmo.checks.gate import lexicon_folders
    from nmo.checks.lexicon import builtin_lexicon, lexicon_paths, load_lexicon_file
    from nmo.checks.profile_rules import PROFILE_SOURCE, profile_lexicon
    from nmo.cli.output import console, print_json
    from nmo.config import Settings

    settings = Settings()
    rows = []
    sources = [("built-in", "adlaw.yaml + health_claims.yaml", builtin_lexicon())]
    profile_rules = profile_lexicon(BrandStore.for_settings(settings).profile())
    if profile_rules.rules:
        sources.append((str(settings.brand_path), PROFILE_SOURCE, profile_rules))
    sources += [
        (str(p.parent), p.name, load_lexicon_file(p)) for p in lexicon_paths(lexicon_folders(settings))
    ]
    for where, file_name, lexicon in sources:
        counts = Counter(f"{r.category}/{r.severity}" for r in lexicon.rules)
        rows.append(
            {
                "where": where,
                "file": file_name,
                "terms": len(lexicon.rules),
                "allow": len(lexicon.allow),
                "by_category_severity": dict(counts),
            }
        )
    if json_out:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("file", "where", "terms", "allow", "categories")
    for row in rows:
        cats = ", ".join(f"{k} {v}" for k, v in sorted(row["by_category_severity"].items()))  # type: ignore[attr-defined]
        table.add_row(str(row["file"]), str(row["where"]), str(row["terms"]), str(row["allow"]), cats)
    console.print(table)


@lexicon_app.command("allow")
def allow_command(
    terms: Annotated[list[str], typer.Argument(help="Terms never to flag, e.g. 国家地理 or a trademark.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Add terms to your allow list: the gate never flags them, nor any banned term inside them."""
    from nmo.checks.lexicon import add_allowed
    from nmo.cli.output import console, print_json
    from nmo.config import Settings

    if not any(t.strip() for t in terms):
        raise UserInputError("No term given.", "Pass one or more terms, e.g. `nmo lexicon allow 国家地理`.")
    path = add_allowed(Settings().home / "lexicons", terms)
    if json_out:
        print_json({"path": str(path), "added": [t for t in terms if t.strip()]})
    else:
        console.print(f"Allowed {', '.join(t for t in terms if t.strip())} ({path}).")


def register(app: typer.Typer) -> None:
    """Add `nmo lexicon` to the app."""
    app.add_typer(lexicon_app, name="lexicon")
