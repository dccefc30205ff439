"""`nmo plan`: a content calendar for a brief, platforms and a date window; `plan list` / `plan show`."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from nmo.cli.output import console, print_json

PLAN_HELP = """Plan content: a calendar of topics per platform, grounded in the knowledge base.

Example: nmo plan --brief "双12 冷泡茶促销" --platforms xiaohongshu,wechat --from 2026-12-01 --days 14

Uses marketing dates in the window, the brand's pillars, what performed best in past content,
competitor gaps and an optional hot-topics file. The brief is read for constraints (不打价格战,
主推 <product>, 面向 <audience>, 不要提 <words>); the plan says what it read (已按简报：…) and which
part of the brief it did not understand. Add --draft-first N to draft the first N items
right away (they go through the gate and wait for review)."""


def register(app: typer.Typer) -> None:
    """Add the plan command group."""
    plan_app = typer.Typer(help=PLAN_HELP, invoke_without_command=True, no_args_is_help=False)
    app.add_typer(plan_app, name="plan")

    @plan_app.callback(invoke_without_command=True)
    def plan(
        ctx: typer.Context,
        brief: Annotated[str | None, typer.Option("--brief", "-b", help="What the plan is for.")] = None,
        platforms: Annotated[
            str, typer.Option("--platforms", "-p", help="Comma-separated, e.g. xiaohongshu,wechat,douyin.")
        ] = "xiaohongshu,wechat",
        start: Annotated[
            str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: tomorrow).")
        ] = None,
        days: Annotated[int, typer.Option("--days", help="Window length in days (1–90).")] = 14,
        posts_per_week: Annotated[int, typer.Option("--posts-per-week", help="Posts per platform per week.")] = 3,
        goal: Annotated[str, typer.Option("--goal", help="awareness, engagement or conversion.")] = "awareness",
        hot_topics: Annotated[
            Path | None, typer.Option("--hot-topics", help="A file of trending topics (.txt/.csv/.yaml).")
        ] = None,
        draft_first: Annotated[int, typer.Option("--draft-first", help="Draft the first N items now.")] = 0,
        export: Annotated[Path | None, typer.Option("--export", help="Also write the plan to .csv or .md.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        if ctx.invoked_subcommand is not None:
            return
        from nmo.cli.running import run_request
        from nmo.config import Settings
        from nmo.errors import UserInputError
        from nmo.planner import export_plan, load_hot_topics, validate_plan_request
        from nmo.platforms import parse_platforms
        from nmo.schemas import PlanRequest
        from nmo.service import new_request_id
        from nmo.state import WorkflowRequest

        if brief is None or not brief.strip():
            raise UserInputError("The brief is empty.", 'Say what the plan is for: --brief "双12 冷泡茶促销".')
        from nmo.schemas import GOALS

        if goal not in GOALS:
            raise UserInputError(f"Unknown goal '{goal}'.", f"Use --goal {', '.join(GOALS)}.")
        if not 1 <= days <= 90:
            raise UserInputError(f"--days {days} is outside 1–90.", "Plan at most 90 days at a time.")
        settings = Settings()
        first_day = _parse_date(start) if start else settings.clock.today() + timedelta(days=1)
        request = PlanRequest(
            brief=brief.strip(), platforms=parse_platforms(platforms), start=first_day, days=days,
            posts_per_week=posts_per_week, goal=goal,
            hot_topics=load_hot_topics(hot_topics) if hot_topics else [],
        )
        validate_plan_request(request, settings.clock.today())
        outcome = run_request(
            settings,
            WorkflowRequest(
                id=new_request_id(), kind="plan", requested_by=settings.requester, plan=request,
                draft_first=draft_first,
            ),
            as_json=as_json,
        )
        if export and outcome.plan:
            export_plan(outcome.plan, export)
            if not as_json:
                console.print(f"Plan written to {export}")

    @plan_app.command("list")
    def plan_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """List stored plans, newest first."""
        from nmo.composition import open_service
        from nmo.config import Settings

        with open_service(Settings(), graph_on_demand=True) as service:
            plans = service.list_plans()
        if as_json:
            print_json(plans)
            return
        for p in plans:
            console.print(f"{p.id}  {p.start}  {p.days}d  {','.join(p.platforms)}  {len(p.items)} items  {p.brief}")
        if not plans:
            console.print('No plans yet. Make one: nmo plan --brief "…" --platforms xiaohongshu,wechat')

    @plan_app.command("show")
    def plan_show(plan_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Show one stored plan; draft an item with `nmo draft --plan-item ID`."""
        from nmo.cli.views import plan_view
        from nmo.composition import open_service
        from nmo.config import Settings

        with open_service(Settings(), graph_on_demand=True) as service:
            plan = service.get_plan(plan_id)
        if as_json:
            print_json(plan)
        else:
            console.print(plan_view(plan))


def _parse_date(value: str) -> date:
    from nmo.errors import UserInputError

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserInputError(f"'{value}' is not a date.", "Use YYYY-MM-DD, e.g. --from 2026-12-01.") from None
