"""The append-only audit log: who did what to which draft when, with the text hash before and after.

SQLite triggers refuse UPDATE and DELETE on the table, and every entry carries a hash chained to the
previous one, so `nmo audit --verify` notices an entry changed or removed behind the desk's back.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from nmo.registry import filtered
from nmo.schemas import DraftRecord, ReviewDecision, text_hash
from nmo.users import connect

if TYPE_CHECKING:
    from nmo.service import WorkflowService

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    draft_id TEXT, request_id TEXT, hash_before TEXT, hash_after TEXT, status_after TEXT,
    note TEXT NOT NULL DEFAULT '', chain TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_draft ON audit(draft_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
GENESIS = "0" * 64
MAX_NOTE_CHARS = 2000


class AuditEntry(BaseModel):
    """One recorded action."""

    id: int
    at: datetime
    actor: str
    action: str
    draft_id: str | None = None
    request_id: str | None = None
    hash_before: str | None = None
    hash_after: str | None = None
    status_after: str | None = None
    note: str = ""
    chain: str


def _chain(previous: str, fields: tuple[object, ...]) -> str:
    payload = "\x1f".join("" if f is None else str(f) for f in (previous, *fields))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditLog:
    """Append and read audit entries in the desk database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with connect(self.path, SCHEMA):
            pass

    def append(
        self,
        actor: str,
        action: str,
        *,
        draft_id: str | None = None,
        request_id: str | None = None,
        hash_before: str | None = None,
        hash_after: str | None = None,
        status_after: str | None = None,
        note: str = "",
    ) -> AuditEntry:
        """Record one action; the write and the chain link happen in one transaction."""
        at = datetime.now().isoformat()
        note = note[:MAX_NOTE_CHARS]
        with connect(self.path, SCHEMA) as conn:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT chain FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            fields = (at, actor, action, draft_id, request_id, hash_before, hash_after, status_after, note)
            chain = _chain(row["chain"] if row else GENESIS, fields)
            cursor = conn.execute(
                "INSERT INTO audit (at, actor, action, draft_id, request_id, hash_before, hash_after, "
                "status_after, note, chain) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (*fields, chain),
            )
            entry_id = cursor.lastrowid or 0
        return AuditEntry(
            id=entry_id, at=datetime.fromisoformat(at), actor=actor, action=action, draft_id=draft_id,
            request_id=request_id, hash_before=hash_before, hash_after=hash_after, status_after=status_after,
            note=note, chain=chain,
        )

    def attach(self, service: WorkflowService) -> None:
        """Record every decision the service applies (once, however many desks or CLIs attach this log)."""
        for observer in service.decision_observers:
            owner = getattr(observer, "__self__", None)
            if isinstance(owner, AuditLog) and owner.path.resolve() == self.path.resolve():
                return
        service.decision_observers.append(self.record_decision)

    def record_decision(self, before: DraftRecord, decision: ReviewDecision, after: DraftRecord) -> None:
        """Record a reviewer's decision (a WorkflowService decision observer)."""
        self.append(
            decision.by, decision.action, draft_id=after.draft_id, request_id=after.request_id,
            hash_before=text_hash(before.text), hash_after=text_hash(after.text), status_after=after.status,
            note=decision.note,
        )

    def entries(
        self, *, draft_id: str | None = None, actor: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """The newest entries first, optionally for one draft or one actor."""
        sql, args = filtered("SELECT * FROM audit", draft_id=draft_id, actor=actor)
        with connect(self.path, SCHEMA) as conn:
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [AuditEntry.model_validate(dict(r)) for r in rows]

    def verify(self) -> list[int]:
        """IDs of entries whose chain link does not match (empty when the log is intact)."""
        with connect(self.path, SCHEMA) as conn:
            rows = conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
        broken: list[int] = []
        previous = GENESIS
        for row in rows:
            fields = tuple(row[k] for k in (
                "at", "actor", "action", "draft_id", "request_id", "hash_before", "hash_after",
                "status_after", "note",
            ))
            if _chain(previous, fields) != row["chain"]:
                broken.append(row["id"])
            previous = row["chain"]
        return broken
