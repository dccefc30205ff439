"""`nmo review`: list, show, approve, edit and reject drafts waiting for a human reviewer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nmo.cli.output import console, print_json

REVIEW_HELP = """Review drafts: every draft waits here after the gate, with its findings.

  nmo review list                         the queue (pending drafts)
  nmo review show ID                      text with findings highlighted, citations, history
  nmo review approve ID --by NAME         approve (add --note to override open blocking findings)
  nmo review edit ID --file f.md --by NAME   replace the text; it is checked again, then approved
  nmo review reject ID --by NAME --note "…"  send back; the writer revises and it comes back"""

By = Annotated[str, typer.Option("--by", help="Your name, recorded in the decision.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the draft as JSON.")]


def register(app: typer.Typer) -> None:
    """Add the review command group and `nmo resume`."""
    review_app = typer.Typer(help=REVIEW_HELP, no_args_is_help=True)
    app.add_typer(review_app, name="review")

    @review_app.command("list")
    def review_list(
        status: Annotated[
            str, typer.Option("--status", help="pending_review, approved or all.")
        ] = "pending_review",
        as_json: AsJson = False,
    ) -> None:
        """The review queue: pending drafts, oldest first."""
        from nmo.cli.views import queue_table
        from nmo.config import Settings
        from nmo.registry import Registry

        settings = Settings()
        rows = Registry(settings.registry_path).list_drafts(status=None if status == "all" else status)
        if as_json:
            print_json(rows)
        elif rows:
            console.print(queue_table(rows))
        else:
            console.print(f"No drafts with status {status}. Make one: nmo draft --platform weibo --topic \"…\"")

    @review_app.command("show")
    def review_show(draft_id: str, as_json: AsJson = False) -> None:
        """A draft with findings highlighted in place, its citations and its history."""
        from nmo.cli.views import draft_panel, review_commands
        from nmo.config import Settings
        from nmo.errors import NotFoundError
        from nmo.registry import Registry

        settings = Settings()
        record = Registry(settings.registry_path).get_draft(draft_id)
        if record is None:
            raise NotFoundError(f"No draft with ID '{draft_id}'.", "Run `nmo review list --status all` for IDs.")
        if as_json:
            print_json(record)
            return
        console.print(draft_panel(record))
        if record.status == "pending_review":
            console.print(review_commands(record), markup=False)

    @review_app.command("approve")
    def review_approve(
        draft_id: str,
        by: By,
        note: Annotated[str, typer.Option("--note", help="Why; required to override blocking findings.")] = "",
        as_json: AsJson = False,
    ) -> None:
        """Approve a pending draft."""
        _decide(draft_id, "approve", by, note, None, as_json)

    @review_app.command("edit")
    def review_edit(
        draft_id: str,
        file: Annotated[Path, typer.Option("--file", help="The full edited text (Markdown).")],
        by: By,
        note: Annotated[str, typer.Option("--note", help="What you changed.")] = "",
        as_json: AsJson = False,
    ) -> None:
        """Replace a draft's text; the gate checks it again and a clean edit is approved."""
        from nmo.checks.source_text import read_text_file

        _decide(draft_id, "edit", by, note, read_text_file(file), as_json)

    @review_app.command("reject")
    def review_reject(
        draft_id: str,
        by: By,
        note: Annotated[str, typer.Option("--note", help="What the writer must change (required).")],
        as_json: AsJson = False,
    ) -> None:
        """Send a draft back with a note; the writer revises, the gate checks, and it returns to review."""
        _decide(draft_id, "reject", by, note, None, as_json)

    @app.command("resume")
    def resume(request_id: str, as_json: AsJson = False) -> None:
        """Continue a request whose run stopped on an error (e.g. the LLM endpoint was down)."""
        from nmo.cli.running import print_outcome
        from nmo.composition import open_service
        from nmo.config import Settings

        with open_service(Settings()) as service:
            outcome = service.resume_request(request_id)
        print_outcome(outcome, as_json=as_json)


def _decide(draft_id: str, action: str, by: str, note: str, text: str | None, as_json: bool) -> None:
    from nmo.cli.views import draft_panel, review_commands
    from nmo.composition import open_service
    from nmo.config import Settings
    from nmo.errors import UserInputError
    from nmo.schemas import ReviewDecision

    if not by.strip():
        raise UserInputError("--by is empty.", "Pass your name: --by 王审核.")
    decision = ReviewDecision(action=action, by=by.strip(), note=note.strip(), text=text)  # type: ignore[arg-type]
    with open_service(Settings()) as service:
        record = service.decide(draft_id, decision)
    if as_json:
        print_json(record)
        return
    console.print(draft_panel(record))
    if record.status == "approved":
        console.print(f"[green]✓ {record.draft_id} approved.[/]")
    else:
        console.print(f"[yellow]{record.draft_id} is back in review after the revision.[/]")
        console.print(review_commands(record), markup=False)
