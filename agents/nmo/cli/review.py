"""`nmo review`: list, show, approve, edit and reject drafts waiting for a human reviewer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nmo.cli.output import console, print_json
from nmo.errors import UserInputError

if TYPE_CHECKING:
    from nmo.cli.deciding import ShellDecision, ShellIdentity
    from nmo.schemas import DraftRecord

REVIEW_HELP = """Review drafts: every draft waits here after the gate, with its findings.

  nmo review list                         the queue (pending drafts) with each draft's version
  nmo review show ID                      text with findings highlighted, citations, history, version
  nmo review approve ID --by NAME --expected-version N   approve (--note to override blocking findings)
  nmo review edit ID --file f.md --by NAME --expected-version N   replace the text; checked again, approved
  nmo review reject ID --by NAME --expected-version N --note "…"  send back; revised, it comes back
  nmo review notes                        the notes the writer understands (标题改短, 不要提价格 …)

Once `nmo user add` has created desk users, decisions need your token instead of --by:
--token or NMO_TOKEN (reviewers and admins decide; operators cannot; nobody approves their own
request). Someone with shell access to the data folder may act with --by NAME --local-admin "reason",
which the audit log records. Every decision needs --expected-version N (from `review show`): it lands
only on the revision you saw."""

By = Annotated[
    str, typer.Option("--by", help="Your name, recorded in the decision (only when the desk has no users).")
]
Token = Annotated[
    str | None,
    typer.Option(
        "--token", envvar="NMO_TOKEN", show_default=False, metavar="TOKEN",
        help="Your desk API token (prefer the NMO_TOKEN variable: a flag stays in shell history).",
    ),
]
LocalAdmin = Annotated[
    str | None,
    typer.Option(
        "--local-admin", metavar="REASON",
        help="Act as an admin without a token (shell access to the data folder); the reason goes in the audit log.",
    ),
]
def seen_version(draft_id: str, expected_version: int | None) -> int:
    """The version the reviewer saw: required, so a decision never lands on a revision nobody read."""
    if expected_version is None:
        raise UserInputError(
            "Say which version you reviewed: --expected-version N.",
            f"Run `nmo review show {draft_id}` to read the draft and its version; a decision on any other "
            "version is refused, so an approval never lands on text you have not seen.",
        )
    return expected_version


ExpectedVersion = Annotated[
    int | None,
    typer.Option(
        "--expected-version", min=0,
        help="The version `nmo review show` showed; the decision is refused if the draft changed since.",
    ),
]
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
        from nmo.composition import open_service
        from nmo.config import Settings

        with open_service(Settings(), graph_on_demand=True) as service:
            rows = service.list_drafts(status=None if status == "all" else status)
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
        from nmo.composition import open_service
        from nmo.config import Settings
        from nmo.errors import NotFoundError
        from nmo.registry import record_version

        with open_service(Settings(), graph_on_demand=True) as service:
            try:
                record = service.get_draft(draft_id)
            except NotFoundError as missing:
                raise NotFoundError(missing.problem, "Run `nmo review list --status all` for IDs.") from None
        if as_json:
            print_json({**record.model_dump(mode="json"), "version": record_version(record)})
            return
        console.print(draft_panel(record))
        print_change_log(record)
        if record.status == "pending_review":
            console.print(review_commands(record), markup=False)

    @review_app.command("notes")
    def review_notes(as_json: AsJson = False) -> None:
        """The revision vocabulary: what a note can ask for, how reviewers write it, what needs a model."""
        from rich.table import Table

        from nmo.composer.notes import VOCABULARY

        if as_json:
            print_json([entry.model_dump() for entry in VOCABULARY])
            return
        table = Table(title="Reviewer notes (审核意见)")
        for column in ("note", "examples", "offline", "what it does"):
            table.add_column(column, overflow="fold")
        for entry in VOCABULARY:
            table.add_row(entry.label, "；".join(entry.examples), "yes" if entry.offline else "needs a model",
                          entry.description)
        console.print(table)
        console.print("Several requests fit in one note: 「标题太长，换个角度；不要提价格」. A request the offline "
                      "writer cannot apply is reported as not applied (未执行) in the change log.", markup=False)

    @review_app.command("approve")
    def review_approve(
        draft_id: str,
        by: By = "",
        note: Annotated[str, typer.Option("--note", help="Why; required to override blocking findings.")] = "",
        token: Token = None,
        local_admin: LocalAdmin = None,
        expected_version: ExpectedVersion = None,
        as_json: AsJson = False,
    ) -> None:
        """Approve a pending draft."""
        from nmo.cli.deciding import ShellDecision, ShellIdentity

        seen = seen_version(draft_id, expected_version)
        decision = ShellDecision(action="approve", note=note, expected_version=seen)
        _decide(draft_id, decision, ShellIdentity.from_options(by, token, local_admin), as_json)

    @review_app.command("edit")
    def review_edit(
        draft_id: str,
        file: Annotated[Path, typer.Option("--file", help="The full edited text (Markdown).")],
        by: By = "",
        note: Annotated[str, typer.Option("--note", help="What you changed.")] = "",
        token: Token = None,
        local_admin: LocalAdmin = None,
        expected_version: ExpectedVersion = None,
        as_json: AsJson = False,
    ) -> None:
        """Replace a draft's text; the gate checks it again and a clean edit is approved."""
        from nmo.checks.source_text import read_text_file
        from nmo.cli.deciding import ShellDecision, ShellIdentity

        decision = ShellDecision(action="edit", note=note, text=read_text_file(file),
                                 expected_version=seen_version(draft_id, expected_version))
        _decide(draft_id, decision, ShellIdentity.from_options(by, token, local_admin), as_json)

    @review_app.command("reject")
    def review_reject(
        draft_id: str,
        note: Annotated[str, typer.Option("--note", help="What the writer must change (required).")],
        by: By = "",
        token: Token = None,
        local_admin: LocalAdmin = None,
        expected_version: ExpectedVersion = None,
        as_json: AsJson = False,
    ) -> None:
        """Send a draft back with a note; the writer revises, the gate checks, and it returns to review."""
        from nmo.cli.deciding import ShellDecision, ShellIdentity

        seen = seen_version(draft_id, expected_version)
        decision = ShellDecision(action="reject", note=note, expected_version=seen)
        _decide(draft_id, decision, ShellIdentity.from_options(by, token, local_admin), as_json)

    @app.command("resume")
    def resume(request_id: str, as_json: AsJson = False) -> None:
        """Continue a request whose run stopped on an error (e.g. the LLM endpoint was down)."""
        from nmo.cli.running import print_outcome
        from nmo.composition import open_service
        from nmo.config import Settings

        with open_service(Settings()) as service:
            outcome = service.resume_request(request_id)
        print_outcome(outcome, as_json=as_json)


def print_change_log(record: DraftRecord) -> None:
    """What the writer's latest revision changed and, set apart, the notes it did not apply."""
    from nmo.composer.notes_log import MODEL_HINT_EN, latest_change_log

    log = latest_change_log(record)
    if log is None:
        return
    for line in log.done:
        console.print(f"  ✓ {line}", markup=False, highlight=False)
    if log.not_applied:
        console.print("[yellow]Not applied (未执行的审核意见):[/]")
        for line in log.not_applied:
            console.print(f"  ✗ {line}", markup=False, highlight=False, style="yellow")
        console.print(f"  → {MODEL_HINT_EN[0].upper()}{MODEL_HINT_EN[1:]} (nmo review edit ID --file …).",
                      markup=False, highlight=False)


def _decide(draft_id: str, decision: ShellDecision, identity: ShellIdentity, as_json: bool) -> None:
    from nmo.cli.deciding import decide_from_shell
    from nmo.cli.views import draft_panel, review_commands
    from nmo.config import Settings

    record = decide_from_shell(Settings(), draft_id, decision, identity)
    if as_json:
        print_json(record)
        return
    console.print(draft_panel(record))
    print_change_log(record)
    if record.status == "approved":
        console.print(f"[green]✓ {record.draft_id} approved.[/]")
    else:
        console.print(f"[yellow]{record.draft_id} is back in review after the revision.[/]")
        console.print(review_commands(record), markup=False)
