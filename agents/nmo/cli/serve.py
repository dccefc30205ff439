"""`nmo serve`: start the review desk (web pages and REST API, schema at /docs) on one port."""

from __future__ import annotations

import typer

from nmo.cli.output import console


def register(app: typer.Typer) -> None:
    """Add the `serve` command."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on; 0.0.0.0 exposes the desk "
                                 "to your network (put it behind HTTPS)."),
        port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="Port to listen on."),
    ) -> None:
        """Serve the review desk: review queue, draft view, operator page, admin page and the REST API."""
        import uvicorn

        from nmo.config import Settings
        from nmo.users import UserStore, desk_db_path
        from nmo.web.app import create_app

        settings = Settings()
        if not UserStore(desk_db_path(settings.home)).list_users():
            console.print("No users yet: create one with `nmo user add NAME --role admin` to log in.", soft_wrap=True)
        console.print(f"Review desk on http://{host}:{port}/  ·  API schema at http://{host}:{port}/docs",
                      soft_wrap=True)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
