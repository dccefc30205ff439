"""`nmo audit`: show the append-only audit log of review decisions and desk actions, and verify its chain."""

from __future__ import annotations

import typer

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
            broken = log.verify()
            if json_out:
                print_json({"intact": not broken, "broken_entries": broken})
            elif broken:
                console.print(f"[bold red]The audit log was altered[/]: entries {', '.join(map(str, broken))} "
                              "do not match the hash chain.")
            else:
                console.print("The audit log is intact.")
            if broken:
                raise typer.Exit(1)
            return
        entries = log.entries(draft_id=draft, actor=actor, limit=limit)
        if json_out:
            print_json(entries)
            return
        if not entries:
            console.print("No audit entries yet.")
        for e in entries:
            hashes = f"{e.hash_before} → {e.hash_after}" if e.hash_after else ""
            target = e.draft_id or e.request_id or ""
            status = f"[{e.status_after}]" if e.status_after else ""
            console.print(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<12} {e.action:<12} {target:<14} {status} {hashes}"
                          + (f"\n    {e.note}" if e.note else ""), markup=False, soft_wrap=True)
