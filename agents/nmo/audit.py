"""The append-only audit log: who did what to which draft when, with the text hash before and after.

SQLite triggers refuse UPDATE and DELETE on the table. Every entry carries an HMAC (keyed with a secret kept
outside the database: `NMO_AUDIT_KEY`, else a key file beside it) over its fields and the previous entry's
link, so whoever can write the database but not read the key cannot edit an entry and re-chain the rest.
A head record (a second file, also keyed) names the newest entry and where keyed chaining began, so a
deleted tail or a log re-chained with plain hashes is noticed too. Entries written before keying
(plain SHA-256 links) still verify, anchored by the first keyed link that covers them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from nmo.errors import StorageError
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
CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
GENESIS = "0" * 64
MAX_NOTE_CHARS = 2000
KEY_ENV = "NMO_AUDIT_KEY"
FIELDS = ("at", "actor", "action", "draft_id", "request_id", "hash_before", "hash_after", "status_after", "note")


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


class AuditCheck(BaseModel):
    """What `verify` found: entries whose link does not match, and problems with the log as a whole."""

    broken: list[int] = []
    problems: list[str] = []

    @property
    def intact(self) -> bool:
        """True when no entry and no head check failed."""
        return not self.broken and not self.problems


class AuditHead(BaseModel):
    """The newest entry the log knows of, where keyed links began, and a MAC over both."""

    keyed_from: int
    last_id: int
    last_chain: str
    mac: str = ""

    def payload(self) -> str:
        """What the MAC covers."""
        return f"{self.keyed_from}\x1f{self.last_id}\x1f{self.last_chain}"


def _payload(previous: str, fields: tuple[object, ...]) -> bytes:
    return "\x1f".join("" if f is None else str(f) for f in (previous, *fields)).encode("utf-8")


def _plain_link(previous: str, fields: tuple[object, ...]) -> str:
    """The link of entries written before keying (anyone can recompute it)."""
    return hashlib.sha256(_payload(previous, fields)).hexdigest()


def _keyed_link(key: bytes, previous: str, fields: tuple[object, ...]) -> str:
    return hmac.new(key, _payload(previous, fields), hashlib.sha256).hexdigest()


def audit_key(db_path: Path) -> bytes:
    """The MAC key: `NMO_AUDIT_KEY` (give it from a secret store in a team deployment), else a random key
    kept in `secrets/audit.key` beside the database (created once, readable by its owner only)."""
    configured = os.environ.get(KEY_ENV, "").strip()
    if configured:
        return configured.encode("utf-8")
    key_file = db_path.parent / "secrets" / "audit.key"
    try:
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
        key = key_file.read_text("utf-8").strip()
    except FileExistsError:  # another process created it between the check and the open
        key = key_file.read_text("utf-8").strip()
    except OSError as error:
        raise StorageError(
            f"Cannot read or create the audit key {key_file}: {error}",
            f"Make the folder writable, or set {KEY_ENV} to a long random secret.",
        ) from error
    if not key:
        raise StorageError(f"The audit key file {key_file} is empty.",
                           f"Restore it from your backup, or set {KEY_ENV}; without it the log cannot be verified.")
    return key.encode("utf-8")


def _ranges(ids: list[int]) -> str:
    """1, 2, 3, 7 → '1–3, 7'."""
    spans: list[str] = []
    for number in ids:
        if spans and number == int(spans[-1].split("–")[-1]) + 1:
            spans[-1] = f"{spans[-1].split('–')[0]}–{number}"
        else:
            spans.append(str(number))
    return ", ".join(spans)


class AuditLog:
    """Append and read audit entries in the desk database."""

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.key = key if key is not None else audit_key(path)
        self.head_path = path.with_name(path.name + ".audit-head")
        with connect(self.path, SCHEMA) as conn:
            conn.execute("BEGIN IMMEDIATE")
            if self._keyed_from(conn) is None:
                self._start_keying(conn)

    @staticmethod
    def _keyed_from(conn: sqlite3.Connection) -> int | None:
        row = conn.execute("SELECT value FROM audit_meta WHERE name='keyed_from'").fetchone()
        return int(row["value"]) if row else None

    def _start_keying(self, conn: sqlite3.Connection) -> None:
        """First open by this version: entries so far keep their plain links; keyed links start after them."""
        last = conn.execute("SELECT id, chain FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        last_id, last_chain = (last["id"], last["chain"]) if last else (0, GENESIS)
        known = self._read_head()
        if known is not None and known.mac == self._sign(known) and known.last_id > last_id:
            # The head remembers more entries than the database holds: the log was emptied or replaced.
            # Keep the head as evidence; verify reports the missing entries.
            conn.execute("INSERT INTO audit_meta (name, value) VALUES ('keyed_from', ?)", (str(known.keyed_from),))
            return
        conn.execute("INSERT INTO audit_meta (name, value) VALUES ('keyed_from', ?)", (str(last_id + 1),))
        self._write_head(AuditHead(keyed_from=last_id + 1, last_id=last_id, last_chain=last_chain))

    def _sign(self, head: AuditHead) -> str:
        return hmac.new(self.key, head.payload().encode("utf-8"), hashlib.sha256).hexdigest()

    def _write_head(self, head: AuditHead) -> None:
        """Replace the head file atomically (a crash leaves the old head, which only lags behind)."""
        head.mac = self._sign(head)
        temporary = self.head_path.with_name(self.head_path.name + f".{os.getpid()}.tmp")
        temporary.write_text(head.model_dump_json(), "utf-8")
        os.replace(temporary, self.head_path)

    def _read_head(self) -> AuditHead | None:
        try:
            return AuditHead.model_validate(json.loads(self.head_path.read_text("utf-8")))
        except (OSError, ValueError):
            return None

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
            chain = _keyed_link(self.key, row["chain"] if row else GENESIS, fields)
            cursor = conn.execute(
                "INSERT INTO audit (at, actor, action, draft_id, request_id, hash_before, hash_after, "
                "status_after, note, chain) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (*fields, chain),
            )
            entry_id = cursor.lastrowid or 0
            keyed_from = self._keyed_from(conn) or 1
        # After the commit: a crash in between leaves the head one entry behind, which verify accepts
        # (entries past the head must still carry valid keyed links); a head ahead of the log would not be.
        previous_head = self._read_head()
        signed = previous_head is not None and previous_head.mac == self._sign(previous_head)
        if signed and previous_head is not None and previous_head.last_id < entry_id:
            self._write_head(AuditHead(keyed_from=keyed_from, last_id=entry_id, last_chain=chain))
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

    def reconcile(self, service: WorkflowService) -> list[AuditEntry]:
        """Record decisions that reached a draft but not the log (a process killed between the two writes),
        each marked as recorded late with the decision's own time; returns the entries added. Idempotent."""
        with connect(self.path, SCHEMA) as conn:
            rows = conn.execute(
                "SELECT draft_id, actor, action, COUNT(*) AS n FROM audit WHERE draft_id IS NOT NULL "
                "AND action IN ('approve', 'edit', 'reject') GROUP BY draft_id, actor, action"
            ).fetchall()
        logged = {(r["draft_id"], r["actor"], r["action"]): r["n"] for r in rows}
        per_draft: dict[str, int] = {}
        for (draft_id, _, _), count in logged.items():
            per_draft[draft_id] = per_draft.get(draft_id, 0) + count
        behind = [d for d, n in service.registry.decision_counts().items() if n > per_draft.get(d, 0)]
        added: list[AuditEntry] = []
        for draft_id in sorted(behind):  # only drafts with more decisions than log entries are read
            record = service.get_draft(draft_id)
            seen: dict[tuple[str, str, str], int] = {}
            for decision in record.decisions:
                key = (record.draft_id, decision.by, decision.action)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] <= logged.get(key, 0):
                    continue
                note = f"（补记：{decision.at:%Y-%m-%d %H:%M:%S} 的决定，进程在写入审计日志前中断）{decision.note}"
                added.append(self.append(decision.by, decision.action, draft_id=record.draft_id,
                                         request_id=record.request_id, hash_after=text_hash(record.text),
                                         status_after=record.status, note=note))
        return added

    def entries(
        self, *, draft_id: str | None = None, actor: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """The newest entries first, optionally for one draft or one actor."""
        sql, args = filtered("SELECT * FROM audit", draft_id=draft_id, actor=actor)
        with connect(self.path, SCHEMA) as conn:
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [AuditEntry.model_validate(dict(r)) for r in rows]

    def verify(self) -> AuditCheck:
        """Check every link and the head: edits, re-chaining, deleted entries and a deleted tail show up."""
        with connect(self.path, SCHEMA) as conn:
            rows = conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
            keyed_from = self._keyed_from(conn)
        check = AuditCheck()
        head = self._read_head()
        if head is None:
            check.problems.append(f"The head record {self.head_path.name} is missing or unreadable: the end of "
                                  "the log cannot be confirmed (entries may have been deleted).")
        elif head.mac != self._sign(head):
            check.problems.append(f"The head record {self.head_path.name} does not carry this key's signature: "
                                  "it was forged, or the audit key changed.")
            head = None
        if head is not None and head.keyed_from != keyed_from:
            check.problems.append("Where keyed links begin was changed in the database "
                                  f"(head says entry {head.keyed_from}, the database {keyed_from}).")
        start = head.keyed_from if head is not None else (keyed_from or 1)
        previous = GENESIS
        chains: dict[int, str] = {}
        for row in rows:
            fields = tuple(row[k] for k in FIELDS)
            expected = (_keyed_link(self.key, previous, fields) if row["id"] >= start
                        else _plain_link(previous, fields))
            if not hmac.compare_digest(expected, row["chain"]):
                check.broken.append(row["id"])
            previous = row["chain"]
            chains[row["id"]] = row["chain"]
        # AUTOINCREMENT ids never repeat and a rolled-back insert does not use one: a gap is a deletion.
        expected_ids = range(1, len(rows) + 1)
        if any(row["id"] != wanted for row, wanted in zip(rows, expected_ids, strict=True)):
            missing = sorted(set(range(1, (rows[-1]["id"] if rows else 0) + 1)) - set(chains))
            check.problems.append(f"Entries {_ranges(missing)} are missing: they were deleted from the log.")
        if head is not None and head.last_id and chains.get(head.last_id) != head.last_chain:
            check.problems.append(f"Entry {head.last_id}, the newest the head records, is gone or changed: "
                                  "the log was truncated or rewritten.")
        return check
