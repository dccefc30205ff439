"""`nmo draft` (one platform, from a topic or a plan item) and `nmo adapt` (one piece → other platforms)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DRAFT_HELP = """Draft a piece for one platform, in its native shape, then run it through the gate.

Examples:
  nmo draft --platform xiaohongshu --topic "办公室冷泡茶三步法"
  nmo draft --platform wechat --plan-item P1a2b3c-02 --variants 2

The draft waits for review afterwards: see `nmo review list`."""

ADAPT_HELP = """Rewrite one piece natively for other platforms (一稿多发); each version goes through the gate.

Example: nmo adapt article.md --to weibo,xiaohongshu"""


def register(app: typer.Typer) -> None:
    """Add the draft and adapt commands."""

    @app.command(help=DRAFT_HELP)
    def draft(
        platform: Annotated[
            str | None,
            typer.Option("--platform", "-p", help="wechat, weibo, xiaohongshu, douyin, … (a plan item has its own)."),
        ] = None,
        topic: Annotated[str | None, typer.Option("--topic", "-t", help="What the piece is about.")] = None,
        plan_item: Annotated[
            str | None, typer.Option("--plan-item", help="Draft a stored plan item, e.g. P1a2b3c-02.")
        ] = None,
        variants: Annotated[int, typer.Option("--variants", help="Title/hook variants for an A/B test (0–5).")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        from nmo.cli.running import run_request
        from nmo.composition import open_service
        from nmo.config import Settings
        from nmo.errors import NotFoundError, UserInputError
        from nmo.planner import brief_from_plan_item
        from nmo.platforms import get_platform
        from nmo.schemas import DraftBrief
        from nmo.service import new_request_id
        from nmo.state import WorkflowRequest

        if (topic is None) == (plan_item is None):
            raise UserInputError("Give exactly one of --topic or --plan-item.", 'e.g. --topic "冷泡茶怎么泡".')
        if not 0 <= variants <= 5:
            raise UserInputError(f"--variants {variants} is outside 0–5.", "Ask for at most 5 variants.")
        spec = get_platform(platform) if platform else None
        settings = Settings()
        if plan_item is not None:
            with open_service(settings, graph_on_demand=True) as service:
                try:
                    plan = service.get_plan(plan_item.rsplit("-", 1)[0])
                except NotFoundError:
                    raise NotFoundError(
                        f"No plan item '{plan_item}'.",
                        "Plan item IDs look like P1a2b3c-03: run `nmo plan list`, then `nmo plan show PLAN_ID`.",
                    ) from None
            brief = brief_from_plan_item(plan, plan_item, variants=variants)
            if spec is not None and spec.key != brief.platform:
                raise UserInputError(
                    f"Plan item {plan_item} is for {brief.platform}, not {spec.key}.",
                    f"Drop --platform, or adapt the approved piece with `nmo adapt FILE --to {spec.key}`.",
                )
        else:
            if spec is None:
                raise UserInputError("--platform is needed with --topic.", "e.g. --platform xiaohongshu.")
            if not (topic or "").strip():
                raise UserInputError("The topic is empty.", 'Say what to write about: --topic "冷泡茶怎么泡".')
            brief = DraftBrief(platform=spec.key, topic=(topic or "").strip(), variants=variants)
        request = WorkflowRequest(id=new_request_id(), kind="draft", requested_by=settings.requester, briefs=[brief])
        run_request(settings, request, as_json=as_json)

    @app.command(help=ADAPT_HELP)
    def adapt(
        file: Annotated[Path, typer.Argument(help="The original piece (Markdown or text).")],
        to: Annotated[str, typer.Option("--to", help="Target platforms, comma-separated.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        from nmo.checks.source_text import read_text_file
        from nmo.cli.running import run_request
        from nmo.config import Settings
        from nmo.errors import UserInputError
        from nmo.platforms import parse_platforms
        from nmo.schemas import DraftBrief
        from nmo.service import new_request_id
        from nmo.state import WorkflowRequest

        source = read_text_file(file)
        if not source.strip():
            raise UserInputError(f"{file} is empty.", "Pass the file of the piece to adapt.")
        from nmo.composer.draft import source_topic

        topic = source_topic(source)[:60] or file.stem
        settings = Settings()
        briefs = [DraftBrief(platform=key, topic=topic, source_text=source) for key in parse_platforms(to)]
        request = WorkflowRequest(id=new_request_id(), kind="adapt", requested_by=settings.requester, briefs=briefs)
        run_request(settings, request, as_json=as_json)
