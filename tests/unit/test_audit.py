"""The audit log: append-only at the database level, chained so tampering is detected, filterable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from nmo.audit import AuditLog
from nmo.schemas import DraftRecord, ReviewDecision, text_hash


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
    assert log.verify() == []
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET actor='mallory' WHERE id=2")
    assert log.verify() == [2]
