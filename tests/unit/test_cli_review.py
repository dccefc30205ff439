"""`nmo review` decisions from the shell: tokens once the desk has users, the local-admin override,
expected versions, and the queue and draft views that show the version to expect.

The CLI runs through typer's runner over a real SQLite checkpointer and registry with fake agents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from nmo.cli.main import app
from nmo.config import Settings
from nmo.schemas import DraftBrief
from nmo.service import new_request_id
from nmo.state import WorkflowRequest
from typer.testing import CliRunner

from tests.web_support import add_users, fake_cli_home, fake_service_factory

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A data folder for the CLI, whose service runs fake agents (their gate blocks 最好 and 第一)."""
    return Settings(home=fake_cli_home(tmp_path, monkeypatch), backend="offline")


def pending_draft(settings: Settings, requested_by: str) -> str:
    """Run a draft request as `requested_by`; returns the ID of the draft waiting for review."""
    request = WorkflowRequest(
        id=new_request_id(), kind="draft", requested_by=requested_by,
        briefs=[DraftBrief(platform="weibo", topic="冷泡茶怎么泡")],
    )
    with fake_service_factory(settings)() as service:
        outcome = service.submit(request)
    draft_id: str = outcome.drafts[0].draft_id
    return draft_id


def nmo(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def shown(draft_id: str) -> dict[str, Any]:
    result = nmo("review", "show", draft_id, "--json")
    assert result.exit_code == 0, result.output
    record: dict[str, Any] = json.loads(result.stdout)
    return record


@pytest.fixture
def tokens(settings: Settings) -> dict[str, str]:
    """Desk users: ops (operator), lee and wang (reviewers), root (admin)."""
    return add_users(settings)


def test_a_requester_cannot_approve_their_own_draft_with_their_token(
    settings: Settings, tokens: dict[str, str]
) -> None:
    draft_id = pending_draft(settings, requested_by="lee")
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--note", "确认可发",
                 env={"NMO_TOKEN": tokens["lee"]})
    assert result.exit_code == 2
    assert "four-eyes" in result.output
    assert shown(draft_id)["status"] == "pending_review"


def test_a_reviewers_token_approves_as_that_reviewer_and_is_never_echoed(
    settings: Settings, tokens: dict[str, str]
) -> None:
    draft_id = pending_draft(settings, requested_by="lee")
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--note", "确认可发",
                 "--token", tokens["wang"])
    assert result.exit_code == 0, result.output
    assert tokens["wang"] not in result.output
    record = shown(draft_id)
    assert record["status"] == "approved" and record["decisions"][-1]["by"] == "wang"
    audit = nmo("audit", "--draft", draft_id, "--json")
    assert [(e["actor"], e["action"]) for e in json.loads(audit.stdout)] == [("wang", "approve")]


def test_an_operators_token_cannot_decide(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="lee")
    result = nmo("review", "reject", draft_id, "--expected-version", "1", "--note", "改开头",
                 env={"NMO_TOKEN": tokens["ops"]})
    assert result.exit_code == 2
    assert "ops is a operator" in result.output
    assert shown(draft_id)["decisions"] == []


def test_a_made_up_name_is_refused_once_the_desk_has_users(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--by", "mallory", "--note", "looks fine")
    assert result.exit_code == 2
    assert "needs your API token" in result.output
    assert "NMO_TOKEN" in result.output and "nmo user token" in result.output
    assert shown(draft_id)["status"] == "pending_review"


def test_a_wrong_token_says_how_to_get_one_without_echoing_it(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    made_up = "nmo_" + "x" * 43
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--note", "确认可发",
                 env={"NMO_TOKEN": made_up})
    assert result.exit_code == 2
    assert "belongs to nobody" in result.output and "nmo user token" in result.output
    assert made_up not in result.output
    assert shown(draft_id)["status"] == "pending_review"


def test_a_token_with_someone_elses_name_is_refused(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--by", "root", "--note", "确认可发",
                 env={"NMO_TOKEN": tokens["wang"]})
    assert result.exit_code == 2
    assert "belongs to wang" in result.output
    assert shown(draft_id)["status"] == "pending_review"


def test_the_local_admin_override_is_in_the_audit_log(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--by", "值班老周", "--note", "紧急发布",
                 "--local-admin", "desk server down during launch")
    assert result.exit_code == 0, result.output
    assert shown(draft_id)["decisions"][-1]["by"] == "值班老周"
    audit = nmo("audit", "--draft", draft_id)
    assert audit.exit_code == 0
    assert "local_admin" in audit.stdout and "值班老周" in audit.stdout
    assert "desk server down during launch" in audit.stdout


def test_the_local_admin_override_needs_a_name_and_a_reason(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    seen = ("--expected-version", "1")
    no_name = nmo("review", "approve", draft_id, *seen, "--note", "确认可发", "--local-admin", "desk down")
    no_reason = nmo("review", "approve", draft_id, *seen, "--by", "root", "--note", "确认可发", "--local-admin", " ")
    assert no_name.exit_code == 2 and "--by NAME" in no_name.output
    assert no_reason.exit_code == 2 and "reason" in no_reason.output
    assert shown(draft_id)["status"] == "pending_review"
    assert "local_admin" not in nmo("audit").stdout


def test_a_name_alone_still_decides_when_the_desk_has_no_users(settings: Settings) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    own = nmo("review", "approve", draft_id, "--expected-version", "1", "--by", "ops", "--note", "确认可发")
    assert own.exit_code == 2 and "four-eyes" in own.output
    result = nmo("review", "approve", draft_id, "--expected-version", "1", "--by", "lee", "--note", "确认可发")
    assert result.exit_code == 0, result.output
    assert shown(draft_id)["decisions"][-1]["by"] == "lee"


@pytest.mark.parametrize("with_users", [False, True], ids=["no users", "token"])
def test_a_decision_on_a_stale_version_is_refused(settings: Settings, with_users: bool) -> None:
    identity = ["--token", add_users(settings)["wang"]] if with_users else ["--by", "wang"]
    draft_id = pending_draft(settings, requested_by="ops")
    seen = shown(draft_id)["version"]
    rejected = nmo("review", "reject", draft_id, "--note", "去掉“最好”", "--expected-version", str(seen), *identity)
    assert rejected.exit_code == 0, rejected.output
    assert shown(draft_id)["version"] > seen

    stale = nmo("review", "approve", draft_id, "--note", "确认可发", "--expected-version", str(seen), *identity)
    assert stale.exit_code == 2
    assert "changed since you loaded it" in stale.output and f"nmo review show {draft_id}" in stale.output
    assert shown(draft_id)["status"] == "pending_review"


def test_list_and_show_print_the_version_to_expect(settings: Settings) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    version = shown(draft_id)["version"]
    queue = nmo("review", "list", "--json")
    assert [(row["id"], row["version"]) for row in json.loads(queue.stdout)] == [(draft_id, version)]
    table = nmo("review", "list")
    assert "版本" in table.stdout
    panel = nmo("review", "show", draft_id)
    assert f"版本 {version}" in panel.stdout
    assert f"--expected-version {version}" in panel.stdout


def test_reading_the_queue_does_not_load_the_workflow_engine(tmp_path: Path) -> None:
    """`nmo review list` and `nmo plan list` answer without importing langgraph (seconds on a busy machine)."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from nmo.cli.main import app\n"
        "for args in (['review', 'list'], ['plan', 'list'], ['review', 'show', 'D000000-1']):\n"
        "    print(CliRunner().invoke(app, args).exit_code)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('langgraph')}))\n"
    )
    env = {"NMO_HOME": str(tmp_path / "home"), "NMO_BACKEND": "offline", "NMO_TODAY": "2026-11-26",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                          check=True)
    assert done.stdout.split() == ["0", "0", "2", "[]"]


def test_the_printed_review_commands_are_ones_that_work_with_and_without_desk_users(settings: Settings) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    alone = nmo("review", "show", draft_id).output
    assert f"review approve {draft_id} --by REVIEWER" in alone and "NMO_TOKEN" not in alone
    add_users(settings)
    team = nmo("review", "show", draft_id).output
    assert "export NMO_TOKEN=" in team and "--by REVIEWER" not in team
    assert f"review approve {draft_id} --expected-version" in team


def test_a_decision_must_name_the_version_it_was_made_on(settings: Settings, tokens: dict[str, str]) -> None:
    draft_id = pending_draft(settings, requested_by="ops")
    result = nmo("review", "approve", draft_id, "--note", "确认可发", env={"NMO_TOKEN": tokens["lee"]})
    assert result.exit_code == 2
    assert "--expected-version" in result.output and f"nmo review show {draft_id}" in result.output
    assert shown(draft_id)["status"] == "pending_review"  # nothing was decided
