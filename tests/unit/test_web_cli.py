"""`nmo user`, `nmo audit` and `nmo serve` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from nmo.audit import AuditLog
from nmo.cli import audit as audit_cli
from nmo.cli import serve as serve_cli
from nmo.cli import user as user_cli
from nmo.users import UserStore, desk_db_path
from typer.testing import CliRunner

runner = CliRunner()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_REQUESTER", "admin-cli")
    cli = typer.Typer()
    for module in (user_cli, audit_cli, serve_cli):
        module.register(cli)
    return cli


def test_user_add_prints_a_working_token_and_stores_its_hash(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["user", "add", "lee", "--role", "reviewer", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    store = UserStore(desk_db_path(tmp_path / "home"))
    user = store.authenticate(payload["token"])
    assert user is not None and user.name == "lee" and user.role == "reviewer"
    plain = runner.invoke(app, ["user", "add", "wang", "--role", "admin"])
    assert plain.exit_code == 0 and "nmo_" in plain.output and "shown only now" in plain.output
    listed = runner.invoke(app, ["user", "list", "--json"])
    assert [u["name"] for u in json.loads(listed.output)] == ["lee", "wang"]
    assert "token" not in listed.output


def test_user_token_rotates_and_remove_revokes(app: typer.Typer, tmp_path: Path) -> None:
    old = json.loads(runner.invoke(app, ["user", "add", "lee", "--role", "reviewer", "--json"]).output)["token"]
    new = json.loads(runner.invoke(app, ["user", "token", "lee", "--json"]).output)["token"]
    store = UserStore(desk_db_path(tmp_path / "home"))
    assert store.authenticate(old) is None and store.authenticate(new) is not None
    assert runner.invoke(app, ["user", "remove", "lee"]).exit_code == 0
    assert store.authenticate(new) is None


def test_user_errors_have_a_fix(app: typer.Typer) -> None:
    from nmo.errors import UserInputError

    result = runner.invoke(app, ["user", "add", "lee", "--role", "boss"])
    assert isinstance(result.exception, UserInputError) and "operator, reviewer, admin" in result.exception.fix


def test_audit_lists_filters_and_verifies(app: typer.Typer, tmp_path: Path) -> None:
    runner.invoke(app, ["user", "add", "lee", "--role", "reviewer"])
    log = AuditLog(desk_db_path(tmp_path / "home"))
    log.append("lee", "approve", draft_id="Dabc-1", hash_before="aaaa", hash_after="bbbb", status_after="approved")
    shown = runner.invoke(app, ["audit"])
    assert shown.exit_code == 0
    assert "lee" in shown.output and "approve" in shown.output and "aaaa → bbbb" in shown.output
    assert "admin-cli" in shown.output and "user_add" in shown.output
    only = json.loads(runner.invoke(app, ["audit", "--draft", "Dabc-1", "--json"]).output)
    assert [e["action"] for e in only] == ["approve"]
    verified = runner.invoke(app, ["audit", "--verify", "--json"])
    assert verified.exit_code == 0 and json.loads(verified.output) == {
        "intact": True, "broken_entries": [], "problems": []}


def test_audit_verify_fails_on_tampering(app: typer.Typer, tmp_path: Path) -> None:
    import sqlite3

    path = desk_db_path(tmp_path / "home")
    AuditLog(path).append("lee", "approve", draft_id="D1")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET actor='mallory'")
        conn.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;")
    result = runner.invoke(app, ["audit", "--verify"])
    assert result.exit_code == 1 and "altered" in result.output


def test_serve_starts_uvicorn_on_the_given_address(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.update(app=app, **kwargs))
    result = runner.invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["host"] == "127.0.0.1" and started["port"] == 8123
    assert "http://127.0.0.1:8123/docs" in result.output and "nmo user add" in result.output
    assert runner.invoke(app, ["serve", "--port", "0"]).exit_code == 2
