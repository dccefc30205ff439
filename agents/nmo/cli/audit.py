"""`nmo audit`: show the append-only audit log of review decisions and desk actions, and verify its chain."""

from __future__ import annotations

import typer
from rich.markup import escape

from nmo.cli.output import console, print_json


def register(app: typer.Typer) -> None:
    """Add the `audit` command."""

    @app.command("audit")
    def audit(
        draft: str | None = typer.Option(None, "--draft", "-d", help="Only entries for this draft ID."),
        actor: str | None = typer.Option(None, "--actor", "-a", help="Only entries by this user."),
        limit: int = typer.Option(50, "--limit", "-n", min=1, max=100_000, help="How many entries, newest first."),
        verify: bool = typer.Option(False, "--verify", help="Check that no entry was altered; exit 1 if one was."),
        json_out: bool = typer.Option(False, "--json", help="Print entries as JSON."),
    ) -> None:
        """Who did what to which draft when, with the draft text's hash before and after."""
        from nmo.audit import AuditLog
        from nmo.config import Settings
        from nmo.users import desk_db_path

        log = AuditLog(desk_db_path(Settings().home))
        if verify:
            check = log.verify()
            if json_out:
                print_json({"intact": check.intact, "broken_entries": check.broken, "problems": check.problems})
            elif check.intact:
                console.print("The audit log is intact.")
            else:
                if check.broken:
                    console.print(f"[bold red]The audit log was altered[/]: entries "
                                  f"{', '.join(map(str, check.broken))} do not match their keyed links.")
                for problem in check.problems:
                    console.print(f"[bold red]The audit log was altered[/]: {escape(problem)}")
            if not check.intact:
                raise typer.Exit(1)
            return
        entries = log.entries(draft_id=draft, actor=actor, limit=limit)
        if json_out:
            print_json(entries)
            return
        if not entries:
            console.print("No audit entries yet.")
            return
        from rich.measure import Measurement
        from rich.segment import Segments
        from rich.table import Table
        from rich.text import Text

        # A rich table measures Chinese names as two cells per character, so the columns stay aligned;
        # cells are Text, not markup, because actors and notes are typed by users.
        table = Table("time", "actor", "action", "target", "status", "text hash", "note",
                      box=None, pad_edge=False, header_style="bold")
        for e in entries:
            hashes = f"{e.hash_before} → {e.hash_after}" if e.hash_after else ""
            cells = (e.actor, e.action, e.draft_id or e.request_id or "", e.status_after or "", hashes, e.note)
            table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", *(Text(cell) for cell in cells))
        # One line per entry even in a narrow terminal, so the log stays greppable (the terminal wraps it).
        natural = Measurement.get(console, console.options.update_width(100_000), table).maximum
        lines = console.render(table, console.options.update_width(max(console.width, natural)))
        console.print(Segments(lines), soft_wrap=True)
