"""`nmo kb …`: ingest a brand's files, search them, and see what is indexed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nmo.errors import UserInputError

if TYPE_CHECKING:
    from nmo.config import Settings
    from nmo.knowledge import BrandKnowledgeBase, IngestReport

kb_app = typer.Typer(
    help="Brand knowledge: ingest brand guide, past posts and competitor notes; search them with citations.",
    no_args_is_help=True,
)

CollectionOption = Annotated[
    str | None,
    typer.Option(
        "--collection",
        "--profile",
        help="Brand profile / collection name, so two brands keep separate indexes (env NMO_COLLECTION).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
KINDS = ("brand", "content", "competitor")


def _open(collection: str | None) -> tuple[Settings, BrandKnowledgeBase]:
    from nmo.config import Settings
    from nmo.knowledge import open_knowledge_base

    settings = Settings()
    if collection:
        settings = settings.model_copy(update={"collection": collection})
    return settings, open_knowledge_base(settings)


def _kind(value: str | None) -> Any:
    if value is None:
        return None
    normalised = {"competitors": "competitor"}.get(value.lower(), value.lower())
    if normalised not in KINDS:
        raise UserInputError(f"Unknown kind '{value}'.", "Use --kind brand, content or competitor.")
    return normalised


class _RichProgress:
    """Two bars, files and chunks, on stderr."""

    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    def start(self, stage: str, total: int) -> None:
        label = {"files": "Reading files", "chunks": "Embedding chunks"}.get(stage, stage)
        self._tasks[stage] = self._progress.add_task(label, total=total)

    def advance(self, stage: str, steps: int = 1) -> None:
        if stage in self._tasks:
            self._progress.advance(self._tasks[stage], steps)


def _print_report(report: IngestReport) -> None:
    from rich.markup import escape
    from rich.table import Table

    from nmo.cli.output import console, err_console

    table = Table(title=f"Ingest into {report.collection}", show_header=True)
    for column in ("added", "updated", "unchanged", "removed", "failed", "chunks", "embedded", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(report.added)),
        str(len(report.updated)),
        str(len(report.unchanged)),
        str(len(report.removed)),
        str(len(report.failed)),
        str(report.chunks_total),
        str(report.chunks_embedded),
        f"{report.seconds:.1f}",
    )
    console.print(table)
    for lexicon in report.lexicons:
        console.print(f"[dim]word list for the gate:[/] {escape(lexicon)}")
    if report.profile is not None:
        counts = report.profile
        line = (f"brand profile: {counts.products} products · {counts.pillars} pillars · "
                f"{counts.competitors} competitors")
        if counts.missing:
            line += f" · not found: {', '.join(counts.missing)}"
        console.print(f"{line} — see `nmo brand show`")
    for problem in report.failed:
        err_console.print(f"[bold red]failed[/] {problem.describe()}")
    for warning in report.warnings:
        err_console.print(f"[yellow]warning[/] {warning}")
    if report.skipped:
        err_console.print(f"[dim]{len(report.skipped)} unsupported file(s) skipped (see --json).[/]")


@kb_app.command("ingest")
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders laid out as brand/ content/ competitors/, or single files; default NMO_KNOWLEDGE_DIR."
        ),
    ] = None,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Index Markdown, text, Word (.docx) and PDF files; re-running only indexes what changed.

    Files deleted or renamed under the given folders are removed from the index.

    A file that cannot be read is reported with a fix and keeps its previous version; exit code 2 then.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nmo.cli.output import err_console, print_json

    settings, kb = _open(collection)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as progress:
        report = kb.ingest(paths or [settings.knowledge_dir], progress=_RichProgress(progress))
    from nmo.brand.model_ingest import refresh_model_extraction

    model_extraction = refresh_model_extraction(settings, kb.documents() if kb.count() else [])
    if model_extraction is not None:
        report.warnings.append(model_extraction.summary())
    if as_json:
        print_json(
            {
                **report.summary(),
                "failed": report.failed,
                "skipped": report.skipped,
                "warnings": report.warnings,
                "added": report.added,
                "updated": report.updated,
                "removed": report.removed,
                "profile": report.profile,
            }
        )
    else:
        _print_report(report)
    if report.failed:
        raise typer.Exit(2)


@kb_app.command("search")
def search(
    question: Annotated[str, typer.Argument(help='The question, in your own words, e.g. "冷泡茶能放多久".')],
    kind: Annotated[str | None, typer.Option("--kind", help="Only brand, content or competitor.")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only pieces of this platform.")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only pieces published on/after YYYY-MM-DD (undated excluded)."),
    ] = None,
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=50, help="How many passages.")] = 5,
    mode: Annotated[
        str | None,
        typer.Option("--mode", help="hybrid, dense or lexical; default from NMO_RETRIEVAL_MODE."),
    ] = None,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find the passages that answer a question, with source path, heading, kind and score."""
    from rich.table import Table

    from nmo.cli.output import console, print_json

    since_date: date | None = None
    if since:
        try:
            since_date = date.fromisoformat(since)
        except ValueError:
            raise UserInputError(f"--since '{since}' is not a date.", "Write it as YYYY-MM-DD.") from None
    from nmo.schemas import RETRIEVAL_MODES

    if mode is not None and mode not in RETRIEVAL_MODES:
        raise UserInputError(f"Unknown mode '{mode}'.", f"Use --mode {', '.join(RETRIEVAL_MODES)}.")
    _, kb = _open(collection)
    passages = kb.search(question, k=k, kind=_kind(kind), platform=platform, since=since_date, mode=mode)
    if as_json:
        print_json(passages)
        return
    if not passages:
        console.print("No passage matches these filters.")
        return
    table = Table(show_lines=True)
    for column in ("#", "id", "source › heading", "kind", "score", "passage"):
        table.add_column(column, overflow="fold")
    for rank, passage in enumerate(passages, start=1):
        snippet = passage.text if len(passage.text) <= 160 else passage.text[:160] + "…"
        table.add_row(str(rank), passage.id, passage.cite(), passage.kind, f"{passage.score:.3f}", snippet)
    console.print(table)


@kb_app.command("show")
def show(
    passage_id: Annotated[str, typer.Argument(help="A passage ID as cited in a plan or draft.")],
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve a cited passage ID to its source file, heading and full text."""
    from nmo.cli.output import console, print_json
    from nmo.errors import NotFoundError

    _, kb = _open(collection)
    passage = kb.get(passage_id)
    if passage is None:
        raise NotFoundError(
            f"No passage with ID '{passage_id}' in this knowledge base.",
            "The source may have changed since it was cited; search again with `nmo kb search`.",
        )
    if as_json:
        print_json(passage)
        return
    console.print(f"[bold]{passage.cite()}[/]  ({passage.kind}, {passage.title})\n")
    console.print(passage.text)


@kb_app.command("stats")
def stats(collection: CollectionOption = None, as_json: JsonOption = False) -> None:
    """Files and chunks per kind, embedding model, and where the index is stored."""
    from rich.table import Table

    from nmo.cli.output import console, print_json

    _, kb = _open(collection)
    result = kb.stats()
    if as_json:
        print_json(result)
        return
    console.print(
        f"collection [bold]{result.collection}[/] · {result.store} · embedding {result.embedding} · "
        f"retrieval {result.retrieval_mode} · ingested {result.ingested_at or 'never'}"
    )
    table = Table()
    for column in ("kind", "files", "chunks"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for kind_name, row in result.per_kind.items():
        table.add_row(kind_name, str(row["files"]), str(row["chunks"]))
    table.add_row("[bold]total[/]", str(result.files), str(result.chunks))
    console.print(table)


@kb_app.command("list")
def list_files(
    kind: Annotated[str | None, typer.Option("--kind", help="Only brand, content or competitor.")] = None,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every indexed file with its kind, title and number of chunks."""
    from rich.table import Table

    from nmo.cli.output import console, print_json

    _, kb = _open(collection)
    rows = kb.files(_kind(kind))
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Nothing indexed yet. Run `nmo kb ingest knowledge/`.")
        return
    table = Table()
    for column in ("path", "kind", "title", "platform", "published", "chunks"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row.source_path, row.kind, row.title, row.platform or "", row.published_at or "", str(row.chunks)
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the `kb` command group."""
    app.add_typer(kb_app, name="kb")
