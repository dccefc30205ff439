"""The audit log: append-only at the database level, chained so tampering is detected, filterable."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import stat
from pathlib import Path

import pytest
from nmo.audit import FIELDS, GENESIS, AuditLog
from nmo.cli.main import app
from nmo.schemas import DraftRecord, ReviewDecision, text_hash
from typer.testing import CliRunner


def record(text: str, status: str = "pending_review") -> DraftRecord:
    return DraftRecord(draft_id="Dabc-1", request_id="abc", platform="weibo", topic="t", requested_by="ops",
                       status=status, text=text)  # type: ignore[arg-type]


def test_decisions_are_recorded_with_hashes_before_and_after(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "desk.sqlite")
    log.record_decision(record("旧文本"), ReviewDecision(action="edit", by="lee", note="改"),
                        record("新文本", "approved"))
    log.append("ops", "submit", request_id="abc", note="draft: weibo:冷泡茶")
    newest, oldest = log.entries()
    assert newest.action == "submit" and newest.actor == "ops"
    assert oldest.actor == "lee" and oldest.action == "edit" and oldest.draft_id == "Dabc-1"
    assert oldest.hash_before == text_hash("旧文本") and oldest.hash_after == text_hash("新文本")
    assert oldest.status_after == "approved" and oldest.note == "改"
    assert [e.id for e in log.entries(draft_id="Dabc-1")] == [oldest.id]
    assert [e.id for e in log.entries(actor="ops")] == [newest.id]
    assert len(log.entries(limit=1)) == 1


def test_entries_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "desk.sqlite")
    log.append("lee", "approve", draft_id="Dabc-1")
    with sqlite3.connect(tmp_path / "desk.sqlite") as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit SET actor='mallory'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit")
    assert log.entries()[0].actor == "lee"


def test_verify_finds_an_entry_changed_behind_the_triggers(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    log = AuditLog(path)
    for actor in ("lee", "wang", "lee"):
        log.append(actor, "approve", draft_id="Dabc-1")
    assert log.verify().intact
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET actor='mallory' WHERE id=2")
    assert log.verify().broken == [2]


def _tamper(path: Path, *statements: str) -> None:
    """What someone with write access to the database file (but not the key) can do."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for statement in statements:
            conn.execute(statement)


def _rechain_with_plain_hashes(path: Path) -> None:
    """The old attack: recompute every link after an edit (it passed `nmo audit --verify` before keying)."""
    _tamper(path)
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        previous = GENESIS
        for row in conn.execute("SELECT * FROM audit ORDER BY id").fetchall():
            payload = "\x1f".join("" if v is None else str(v) for v in (previous, *(row[f] for f in FIELDS)))
            previous = hashlib.sha256(payload.encode("utf-8")).hexdigest()
            conn.execute("UPDATE audit SET chain=? WHERE id=?", (previous, row["id"]))


def _log_of_three(tmp_path: Path) -> tuple[AuditLog, Path]:
    path = tmp_path / "desk.sqlite"
    log = AuditLog(path)
    for actor in ("lee", "wang", "lee"):
        log.append(actor, "approve", draft_id="Dabc-1")
    return log, path


def test_an_edit_rechained_with_plain_hashes_is_detected(tmp_path: Path) -> None:
    log, path = _log_of_three(tmp_path)
    _tamper(path, "UPDATE audit SET actor='mallory' WHERE id=2")
    _rechain_with_plain_hashes(path)
    assert log.verify().broken == [1, 2, 3]


def test_an_edit_rechained_with_another_key_is_detected(tmp_path: Path) -> None:
    log, path = _log_of_three(tmp_path)
    _tamper(path, "UPDATE audit SET note='nothing happened' WHERE id=3")
    forged = AuditLog(tmp_path / "other" / "desk.sqlite", key=b"a key the attacker made up")
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        previous = conn.execute("SELECT chain FROM audit WHERE id=2").fetchone()["chain"]
        row = conn.execute("SELECT * FROM audit WHERE id=3").fetchone()
        payload = "\x1f".join("" if v is None else str(v) for v in (previous, *(row[f] for f in FIELDS)))
        conn.execute("UPDATE audit SET chain=? WHERE id=3",
                     (hmac.new(forged.key, payload.encode(), hashlib.sha256).hexdigest(),))
    assert log.verify().broken == [3]


def test_a_deleted_tail_is_detected_by_the_head(tmp_path: Path) -> None:
    log, path = _log_of_three(tmp_path)
    _tamper(path, "DELETE FROM audit WHERE id=3")
    check = log.verify()
    assert check.broken == [] and not check.intact
    assert "Entry 3" in check.problems[0] and "truncated" in check.problems[0]


def test_an_emptied_log_is_detected_even_after_reopening(tmp_path: Path) -> None:
    _, path = _log_of_three(tmp_path)
    _tamper(path, "DELETE FROM audit", "DELETE FROM audit_meta")
    reopened = AuditLog(path)
    reopened.append("mallory", "approve", draft_id="Dabc-9")
    assert "Entries 1–3 are missing" in " ".join(reopened.verify().problems)


def test_a_deleted_head_record_is_reported_and_not_silently_recreated(tmp_path: Path) -> None:
    log, path = _log_of_three(tmp_path)
    log.head_path.unlink()
    log.append("lee", "approve", draft_id="Dabc-2")
    assert "missing" in log.verify().problems[0]
    assert not AuditLog(path).verify().intact


def test_a_crash_between_commit_and_head_write_leaves_an_intact_log(tmp_path: Path) -> None:
    log, _ = _log_of_three(tmp_path)
    saved = log.head_path.read_bytes()
    log.append("wang", "reject", draft_id="Dabc-1", note="太长")
    log.head_path.write_bytes(saved)  # the head write never happened
    assert log.verify().intact


def test_a_log_written_before_keying_still_verifies_and_stays_anchored(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    AuditLog(path).append("lee", "approve", draft_id="Dabc-1")
    _rechain_with_plain_hashes(path)  # what an older nmo wrote: plain links, no meta, no head
    _tamper(path, "DELETE FROM audit_meta")
    path.with_name("desk.sqlite.audit-head").unlink()
    legacy = AuditLog(path)  # the first open by this version starts keying after the old entries
    legacy.append("wang", "approve", draft_id="Dabc-2")
    assert legacy.verify().intact
    _tamper(path, "UPDATE audit SET actor='mallory' WHERE id=1")
    _rechain_with_plain_hashes(path)
    assert legacy.verify().broken == [2]


def test_the_key_lives_outside_the_database_and_the_environment_can_give_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = _log_of_three(tmp_path)
    key_file = tmp_path / "secrets" / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip().encode() not in path.read_bytes()
    monkeypatch.setenv("NMO_AUDIT_KEY", "a different secret")
    check = AuditLog(path).verify()
    assert check.broken == [1, 2, 3] and "signature" in check.problems[0]
    copy = tmp_path / "team"
    copy.mkdir()
    team = AuditLog(copy / "desk.sqlite")
    team.append("lee", "approve")
    assert not (copy / "secrets").exists() and team.verify().intact


def test_cli_verify_exits_1_and_names_the_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMO_HOME", str(tmp_path))
    _, path = _log_of_three(tmp_path)
    assert path == tmp_path / "desk.sqlite"
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "--verify"])
    assert intact.exit_code == 0 and "intact" in intact.output
    _tamper(path, "DELETE FROM audit WHERE id=3")
    result = runner.invoke(app, ["audit", "--verify"])
    assert result.exit_code == 1
    assert "truncated" in result.output
