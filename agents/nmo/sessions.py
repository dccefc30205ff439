"""Browser sessions for the review pages: a random session ID in the cookie, never the API token.

A session belongs to one user, expires after `SESSION_HOURS`, ends at logout, and ends with every other
session of the user when their token is rotated (a session remembers which token opened it) or the user
is removed. Only a hash of the ID is stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from nmo.users import SCHEMA as USERS_SCHEMA
from nmo.users import User, UserStore, connect, hash_token

SESSION_HOURS = 12
SESSION_PREFIX = "nmo_s_"
SCHEMA = USERS_SCHEMA + """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, token_hash TEXT NOT NULL, created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_name);
"""


class SessionStore:
    """Sessions in the desk database, next to the users they belong to."""

    def __init__(self, path: Path, users: UserStore) -> None:
        self.path = path
        self.users = users
        with connect(self.path, SCHEMA):
            pass

    def open(self, token: str) -> tuple[User, str] | None:
        """Start a session for the holder of an API token; the user and the ID for the cookie, or None for
        a token that belongs to nobody."""
        user = self.users.authenticate(token)
        if user is None:
            return None
        session_id = SESSION_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now()
        with connect(self.path, SCHEMA) as conn:
            conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            conn.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?)",
                (hash_token(session_id), user.name, hash_token(token), now.isoformat(),
                 (now + timedelta(hours=SESSION_HOURS)).isoformat()),
            )
        return user, session_id

    def user_of(self, session_id: str) -> User | None:
        """The user of a live session, or None (unknown, expired, or the user was removed)."""
        if not session_id.startswith(SESSION_PREFIX) or len(session_id) > 200:
            return None
        with connect(self.path, SCHEMA) as conn:
            # Joined on the token that opened it: a rotated token or a removed user ends the session.
            row = conn.execute(
                "SELECT s.user_name, s.expires_at FROM sessions s JOIN users u "
                "ON u.name = s.user_name AND u.token_hash = s.token_hash WHERE s.id_hash=?",
                (hash_token(session_id),),
            ).fetchone()
        if row is None or datetime.fromisoformat(row["expires_at"]) < datetime.now():
            return None
        return self.users.find(row["user_name"])

    def close(self, session_id: str) -> None:
        """End one session (logout): the cookie stops working even if someone kept a copy."""
        with connect(self.path, SCHEMA) as conn:
            conn.execute("DELETE FROM sessions WHERE id_hash=?", (hash_token(session_id),))
