"""Running a workflow request from the CLI: progress on stderr, results as rich views or JSON."""

from __future__ import annotations

from typing import Any

from nmo.cli.output import console, err_console, print_json
from nmo.cli.views import plan_view, print_outcome_drafts
from nmo.composer.brief import READ_PREFIX, UNREAD_PREFIX
from nmo.config import Settings
from nmo.graph import NODE_LABELS
from nmo.service import RunOutcome
from nmo.state import WorkflowRequest


def run_request(settings: Settings, request: WorkflowRequest, *, as_json: bool) -> RunOutcome:
    """Submit a request, show node-by-node progress, and print the plan and drafts."""
    from nmo.composition import open_service

    def progress(namespace: str, node: str, update: dict[str, Any]) -> None:
        if node in NODE_LABELS:
            err_console.print(f"[dim]· {NODE_LABELS[node]}[/]")

    with open_service(settings) as service:
        outcome = service.submit(request, on_progress=None if as_json else progress)
    print_outcome(outcome, as_json=as_json)
    return outcome


def print_outcome(outcome: RunOutcome, *, as_json: bool) -> None:
    """Print a run's results."""
    if as_json:
        print_json(outcome)
        return
    if outcome.plan is not None:
        console.print(plan_view(outcome.plan))
        for warning in outcome.plan.warnings:
            # How the brief was read is a statement, not a warning: it gets its own line.
            reading = warning.startswith((READ_PREFIX, UNREAD_PREFIX))
            console.print(warning if reading else f"[yellow]注意：[/]{warning}")
    print_outcome_drafts(console, outcome.drafts)
    if outcome.usage:
        prompt = sum(c.prompt_tokens for c in outcome.usage)
        completion = sum(c.completion_tokens for c in outcome.usage)
        console.print(f"[dim]LLM: {len(outcome.usage)} calls, {prompt} prompt + {completion} completion tokens[/]")
