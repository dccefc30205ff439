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
            Path | None,
            typer.Option("--knowledge", help="Knowledge folder (default: NMO_KNOWLEDGE_DIR, else ./knowledge, "
                         "else the sample brand shipped with nmo)."),
        ] = None,
        platforms: Annotated[str, typer.Option("--platforms", help="Two platforms.")] = "xiaohongshu,wechat",
        brief: Annotated[
            str, typer.Option("--brief", help="What the plan is for.")
        ] = "冬季上新与双12：让更多上班族在冬天也爱上冷泡茶",
        start: Annotated[str | None, typer.Option("--from", help="First day (default: tomorrow).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        from nmo.cli.kb import ingest
        from nmo.cli.output import console
        from nmo.cli.running import run_request
        from nmo.config import Settings
        from nmo.errors import KnowledgeError
        from nmo.knowledge import open_knowledge_base
        from nmo.platforms import parse_platforms
        from nmo.schemas import PlanRequest
        from nmo.service import new_request_id
        from nmo.state import WorkflowRequest

        settings = Settings()
        if knowledge is not None:
            settings = settings.model_copy(update={"knowledge_dir": knowledge})
        elif "knowledge_dir" not in settings.model_fields_set and not settings.knowledge_dir.is_dir():
            from nmo.resources import sample_brand_folder

            # outside a checkout (an installed wheel) the demo runs on the sample brand nmo ships
            settings = settings.model_copy(update={"knowledge_dir": sample_brand_folder()})
        first_day = date.fromisoformat(start) if start else settings.clock.today() + timedelta(days=1)
        if not settings.knowledge_dir.is_dir():
            raise KnowledgeError(
                f"Knowledge folder {settings.knowledge_dir} does not exist.",
                "Run from the project root, or pass --knowledge PATH (brand/, content/, competitors/ inside).",
            )
        if as_json:
            open_knowledge_base(settings).ingest([settings.knowledge_dir])
        else:
            console.print(f"[bold]1/3 Ingest[/] {settings.knowledge_dir}")
            ingest(paths=[settings.knowledge_dir], collection=None, as_json=False)
            backend = "LLM " + settings.llm_model if settings.uses_llm else "offline composer (no API key needed)"
            console.print(f"[bold]2/3 Plan[/] two weeks for {platforms} from {first_day} · backend: {backend}")
            console.print("[bold]3/3 Draft[/] the first two plan items, gate them, leave them pending review")
        request = WorkflowRequest(
            id=new_request_id(),
            kind="plan",
            requested_by=settings.requester,
            plan=PlanRequest(brief=brief, platforms=parse_platforms(platforms), start=first_day, days=14),
            draft_first=2,
        )
        run_request(settings, request, as_json=as_json)
