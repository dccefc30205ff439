"""`nmo user list` and `nmo audit` print tables whose columns line up, Chinese names (two cells wide) included."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from nmo.audit import AuditLog
from nmo.cli import audit as audit_cli
from nmo.cli import user as user_cli
from nmo.users import desk_db_path
from rich.cells import cell_len
from typer.testing import CliRunner

runner = CliRunner()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_REQUESTER", "admin-cli")
    cli = typer.Typer()
    for module in (user_cli, audit_cli):
        module.register(cli)
    return cli


def column_of(line: str, value: str) -> int:
    """The display column (terminal cells, CJK counting two) at which `value` starts in `line`."""
    return cell_len(line[: line.index(value)])


def row_of(output: str, first_value: str) -> str:
    return next(line for line in output.splitlines() if line.lstrip().startswith(first_value))


def test_user_list_aligns_roles_and_dates_under_chinese_names(app: typer.Typer) -> None:
    users = {"lee": "reviewer", "王芳": "operator", "欧阳.晓明": "admin", "zhang.wei-2": "reviewer"}
    for name, role in users.items():
        assert runner.invoke(app, ["user", "add", name, "--role", role]).exit_code == 0
    result = runner.invoke(app, ["user", "list"])
    assert result.exit_code == 0, result.output
    rows = {name: row_of(result.output, name) for name in users}
    assert len({column_of(row, role) for (name, role), row in zip(users.items(), rows.values(), strict=True)}) == 1
    date_columns = {cell_len(row.rstrip()) - len("2026-01-01") for row in rows.values()}
    assert len(date_columns) == 1, result.output


def test_audit_aligns_every_column_whatever_the_actor_is_called(app: typer.Typer, tmp_path: Path) -> None:
    log = AuditLog(desk_db_path(tmp_path / "home"))
    entries = [
        ("王芳", "approve", "Dabc-1", "aaaa", "bbbb", "approved"),
        ("lee", "reject", "Dxyz-22", "cccc", "dddd", "rejected"),
        ("欧阳晓明", "edit", "D3", "eeee", "ffff", "pending_review"),
    ]
    for actor, action, draft, before, after, status in entries:
        log.append(actor, action, draft_id=draft, hash_before=before, hash_after=after, status_after=status)
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 0, result.output
    rows = [next(line for line in result.output.splitlines() if draft in line) for _, _, draft, *_ in entries]
    for field in range(1, 6):
        starts = {column_of(row, entry[field]) for row, entry in zip(rows, entries, strict=True)}
        assert len(starts) == 1, f"column {field} is ragged:\n{result.output}"


def test_audit_keeps_one_line_per_entry_in_a_narrow_terminal(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nmo.cli.output import console

    monkeypatch.setattr(console, "width", 40)
    log = AuditLog(desk_db_path(tmp_path / "home"))
    log.append("欧阳晓明", "reject", draft_id="Dabc-1", note="第二段的价格写错了，请按价目表改成 39 元")
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 0, result.output
    row = row_of(result.output, "20")
    assert "欧阳晓明" in row and "Dabc-1" in row and row.rstrip().endswith("请按价目表改成 39 元")
