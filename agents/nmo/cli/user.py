"""`nmo user`: add review-desk users with a role and print their API token; list, re-issue, remove."""

from __future__ import annotations

import typer

from nmo.cli.output import console, print_json


def register(app: typer.Typer) -> None:
    """Add the `user` command group."""
    users = typer.Typer(
        help="Manage who may use the review desk (web page and API): operators, reviewers, admins.",
        no_args_is_help=True,
    )
    app.add_typer(users, name="user")

    @users.command("add")
    def add(
        name: str = typer.Argument(..., help="User name, e.g. lee or wang.fang (shown in the audit log)."),
        role: str = typer.Option(..., "--role", "-r", help="operator (submits requests), reviewer (approves "
                                 "or rejects drafts) or admin (everything, plus the audit log)."),
        json_out: bool = typer.Option(False, "--json", help="Print the user and token as JSON."),
    ) -> None:
        """Create a user and print their API token once (only its hash is stored)."""
        from nmo.audit import AuditLog
        from nmo.config import Settings
        from nmo.users import UserStore, desk_db_path

        settings = Settings()
        db = desk_db_path(settings.home)
        user, token = UserStore(db).add(name, role)
        AuditLog(db).append(settings.requester, "user_add", note=f"{user.name} as {user.role}")
        if json_out:
            print_json({"user": user, "token": token})
            return
        console.print(f"Created {user.name} ({user.role}). Their API token — shown only now, keep it safe:")
        console.print(token, soft_wrap=True)
        console.print("Log in at the review desk (`nmo serve`) with it, or send `Authorization: Bearer <token>`.")

    @users.command("list")
    def list_(json_out: bool = typer.Option(False, "--json", help="Print users as JSON.")) -> None:
        """List users and their roles (tokens are never shown again)."""
        from nmo.config import Settings
        from nmo.users import UserStore, desk_db_path

        found = UserStore(desk_db_path(Settings().home)).list_users()
        if json_out:
            print_json(found)
            return
        if not found:
            console.print("No users yet. Add one with `nmo user add NAME --role reviewer`.")
            return
        from rich.table import Table
        from rich.text import Text

        # A rich table measures Chinese names as two cells per character, so the columns stay aligned.
        table = Table("name", "role", "since", box=None, pad_edge=False, header_style="bold")
        for user in found:
            table.add_row(Text(user.name), user.role, f"{user.created_at:%Y-%m-%d}")
        console.print(table)

    @users.command("token")
    def token(
        name: str = typer.Argument(..., help="The user who needs a new token."),
        json_out: bool = typer.Option(False, "--json", help="Print the token as JSON."),
    ) -> None:
        """Issue a new token for a user (a lost or leaked one stops working at once)."""
        from nmo.audit import AuditLog
        from nmo.config import Settings
        from nmo.users import UserStore, desk_db_path

        settings = Settings()
        db = desk_db_path(settings.home)
        new = UserStore(db).rotate(name)
        AuditLog(db).append(settings.requester, "token_rotate", note=name)
        if json_out:
            print_json({"name": name, "token": new})
            return
        console.print(f"New token for {name} (the old one no longer works):")
        console.print(new, soft_wrap=True)

    @users.command("remove")
    def remove(name: str = typer.Argument(..., help="The user to remove (their audit entries stay).")) -> None:
        """Remove a user; their token stops working."""
        from nmo.audit import AuditLog
        from nmo.config import Settings
        from nmo.users import UserStore, desk_db_path

        settings = Settings()
        db = desk_db_path(settings.home)
        UserStore(db).remove(name)
        AuditLog(db).append(settings.requester, "user_remove", note=name)
        console.print(f"Removed {name}.")
