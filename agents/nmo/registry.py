"""An index of requests, plans and drafts in SQLite, projected from the checkpointer after every run.

The checkpointer is the source of truth; this index makes `review list`, `plan-item` look-ups and the
web queue fast without loading graph state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from nmo.errors import StorageError
from nmo.schemas import DraftRecord, DraftStatus, Plan

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, requested_by TEXT NOT NULL,
    status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    id TEXT PRIMARY KEY, request_id TEXT NOT NULL, record TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY, request_id TEXT NOT NULL, platform TEXT NOT NULL, topic TEXT NOT NULL,
    plan_item_id TEXT, requested_by TEXT NOT NULL, status TEXT NOT NULL,
    blocking INTEGER NOT NULL, warning INTEGER NOT NULL, info INTEGER NOT NULL,
    version INTEGER NOT NULL, record TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drafts_status ON drafts(status);
"""


def filtered(sql: str, **filters: str | None) -> tuple[str, list[str]]:
    """`sql` with `WHERE col=? AND …` for the filters that are set, and their values in order."""
    used = {column: value for column, value in filters.items() if value}
    if used:
        sql += " WHERE " + " AND ".join(f"{column}=?" for column in used)
    return sql, list(used.values())


class DraftSummary(BaseModel):
    """One row of the review queue."""

    id: str
    request_id: str
    platform: str
    topic: str
    plan_item_id: str | None
    requested_by: str
    status: DraftStatus
    blocking: int
    warning: int
    info: int
    version: int
    created_at: datetime
    updated_at: datetime


class RequestSummary(BaseModel):
    """One submitted request and how its run ended."""

    id: str
    kind: str
    requested_by: str
    status: str
    error: str
    created_at: datetime
    updated_at: datetime


def record_version(record: DraftRecord) -> int:
    """A counter that changes whenever a draft changes: revisions plus decisions."""
    return len(record.revisions) + len(record.decisions)


class Registry:
    """The SQLite index under the data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise StorageError(
                f"Cannot open the index database {path}: {error}",
                "Check that NMO_HOME points to a writable folder.",
            ) from error

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def save_request(
        self, request_id: str, kind: str, requested_by: str, status: str, error: str = ""
    ) -> None:
        """Insert or update a request's status."""
        now = datetime.now().isoformat()
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO requests VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "status=excluded.status, error=excluded.error, updated_at=excluded.updated_at",
                (request_id, kind, requested_by, status, error, now, now),
            )

    def get_request(self, request_id: str) -> RequestSummary | None:
        """One request by ID."""
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM requests WHERE id=?", (request_id,)).fetchone()
        return RequestSummary.model_validate(dict(row)) if row else None

    def list_requests(self, limit: int = 50) -> list[RequestSummary]:
        """Most recent requests first."""
        with self._connect() as conn:
            sql = "SELECT * FROM requests ORDER BY created_at DESC LIMIT ?"
            rows = conn.execute(sql, (limit,)).fetchall()
        return [RequestSummary.model_validate(dict(r)) for r in rows]

    def save_plan(self, plan: Plan, request_id: str) -> None:
        """Store a plan so its items can be drafted later from any process."""
        with self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO plans VALUES (?,?,?,?)",
                (plan.id, request_id, plan.model_dump_json(), plan.created_at.isoformat()),
            )

    def get_plan(self, plan_id: str) -> Plan | None:
        """A stored plan by ID."""
        with self._connect() as conn:
            row = conn.execute("SELECT record FROM plans WHERE id=?", (plan_id,)).fetchone()
        return Plan.model_validate_json(row["record"]) if row else None

    def list_plans(self, limit: int = 20) -> list[Plan]:
        """Most recent plans first."""
        with self._connect() as conn:
            sql = "SELECT record FROM plans ORDER BY created_at DESC LIMIT ?"
            rows = conn.execute(sql, (limit,)).fetchall()
        return [Plan.model_validate_json(r["record"]) for r in rows]

    def save_draft(self, record: DraftRecord) -> None:
        """Insert or update a draft's projection."""
        counts = record.check.counts() if record.check else {"blocking": 0, "warning": 0, "info": 0}
        now = datetime.now().isoformat()
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO drafts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "status=excluded.status, blocking=excluded.blocking, warning=excluded.warning, "
                "info=excluded.info, version=excluded.version, record=excluded.record, "
                "updated_at=excluded.updated_at WHERE drafts.record IS NOT excluded.record",  # re-syncs change nothing
                (
                    record.draft_id, record.request_id, record.platform, record.topic, record.plan_item_id,
                    record.requested_by, record.status, counts["blocking"], counts["warning"],
                    counts["info"], record_version(record), record.model_dump_json(),
                    record.created_at.isoformat(), now,
                ),
            )

    def get_draft(self, draft_id: str) -> DraftRecord | None:
        """A draft's last projected record."""
        with self._connect() as conn:
            row = conn.execute("SELECT record FROM drafts WHERE id=?", (draft_id,)).fetchone()
        return DraftRecord.model_validate_json(row["record"]) if row else None

    def list_drafts(self, status: str | None = None, request_id: str | None = None) -> list[DraftSummary]:
        """Drafts, oldest first (a review queue is worked through in order)."""
        sql, args = filtered("SELECT * FROM drafts", status=status, request_id=request_id)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [
            DraftSummary.model_validate({k: row[k] for k in row.keys() if k != "record"})  # noqa: SIM118
            for row in rows
        ]

    def decision_counts(self) -> dict[str, int]:
        """How many reviewer decisions each decided draft carries (read from the stored records in SQL)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT id, json_array_length(record, '$.decisions') AS n FROM drafts "
                                "WHERE json_array_length(record, '$.decisions') > 0").fetchall()
        return {row["id"]: row["n"] for row in rows}

    def dump(self) -> str:
        """Everything as JSON (for debugging and backups)."""
        with self._connect() as conn:
            tables = {
                name: [dict(r) for r in conn.execute(f"SELECT * FROM {name}").fetchall()]
                for name in ("requests", "plans", "drafts")
            }
        return json.dumps(tables, ensure_ascii=False, indent=2)
