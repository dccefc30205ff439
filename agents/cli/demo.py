"""`nmo demo`: the whole product on the sample brand, offline, ending with drafts waiting for review."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

DEMO_HELP = """Run the main job end to end on the embedded default (no API key, no network):

ingest the knowledge folder, ask the planner for a two-week plan for two platforms, draft the
first two plan items, run every draft through the gate, and leave them pending review.
Prints the plan, the drafts with their findings, and the commands to approve or reject them."""


def register(app: typer.Typer) -> None:
    """Add the demo command."""

    @app.command(help=DEMO_HELP)
    def demo(
        knowledge: Annotated[
            Path | None, typer.Option("--knowledge", help="Knowledge folder (default: NMO_KNOWLEDGE_DIR).")
        ] = None,
        platforms: Annotated[str, typer.Option("--platforms", help="Two platforms.")] = "xiaohongshu,wechat",
        brief: Annotated[
            str, typer.Option("--brief", help="What the plan is for.")
        ] = "冬季上新与双12：让更多上班族在冬天也爱上冷泡茶",
        start: Annotated[str | None, typer.Option("--from", help="First day (default: tomorrow).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        from agents.cli.kb_ingest_view import ingest_with_progress
        from agents.cli.output import console
        from agents.cli.running import run_request
        from agents.config import Settings
        from agents.platforms import parse_platforms
        from agents.schemas import PlanRequest
        from agents.service import new_request_id
        from agents.state import WorkflowRequest

        settings = Settings()
        if knowledge is not None:
            settings = settings.model_copy(update={"knowledge_dir": knowledge})
        first_day = date.fromisoformat(start) if start else date.today() + timedelta(days=1)
        report = ingest_with_progress(settings, [settings.knowledge_dir], quiet=as_json)
        if not as_json:
            console.print(
                f"[bold]Knowledge:[/] {report.chunks_total} chunks from {report.files_total} files "
                f"in {settings.knowledge_dir} ({'offline composer' if not settings.uses_llm else 'LLM'})"
            )
        request = WorkflowRequest(
            id=new_request_id(),
            kind="plan",
            requested_by=settings.requester,
            plan=PlanRequest(brief=brief, platforms=parse_platforms(platforms), start=first_day, days=14),
            draft_first=2,
        )
        run_request(settings, request, as_json=as_json)
