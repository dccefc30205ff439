"""Review-desk users: names, roles (operator, reviewer, admin) and API tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from nmo.errors import ConflictError, NmoError, NotFoundError, StorageError, UserInputError

UserRole = Literal["operator", "reviewer", "admin"]
USER_ROLES: tuple[UserRole, ...] = ("operator", "reviewer", "admin")
Permission = Literal["read", "submit", "review", "admin"]

# Admins can do everything; operators submit work, reviewers decide on it; everyone can read.
ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    "operator": frozenset({"read", "submit"}),
    "reviewer": frozenset({"read", "review"}),
    "admin": frozenset({"read", "submit", "review", "admin"}),
}
TOKEN_PREFIX = "nmo_"
NAME_PATTERN = re.compile(r"^[\w.\-]{1,40}$")



class AuthenticationError(NmoError):
    """No token, or a token that belongs to nobody."""

    http_status = 401
    zh_summary = "没有登录，或令牌无效。"
    zh_advice = "请重新登录；没有令牌时请管理员生成一个。"


class PermissionDenied(NmoError):
    """The user's role does not allow the action, or the four-eyes rule forbids it."""

    http_status = 403
    zh_summary = "你的角色不能做这个操作。"
    zh_advice = "请让有权限的同事来做，或请管理员调整你的角色。"


SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL
);
"""


class User(BaseModel):
    """A person who uses the desk; the token itself is never stored."""

    name: str
    role: UserRole
    created_at: datetime

    def can(self, permission: Permission) -> bool:
        """True when the user's role grants this permission."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the user's role grants this permission."""
        if not self.can(permission):
            allowed = [role for role, grants in ROLE_PERMISSIONS.items() if permission in grants]
            raise PermissionDenied(
                f"{self.name} is a {self.role}; this needs the {permission!r} permission.",
                f"Ask an admin to act, or to give you one of these roles: {', '.join(allowed)}.",
            )


def hash_token(token: str) -> str:
    """The stored form of a token: sha256 of a high-entropy random string needs no salt or stretching."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh API token (256 bits of randomness, prefixed so it is recognisable in configs and logs)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def desk_db_path(home: Path) -> Path:
    """The desk's own SQLite file (users and audit log) under the data directory."""
    return home / "desk.sqlite"


@contextmanager
def connect(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """Open the desk database, create `schema` if needed, commit on success; storage errors say what to do."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as error:
        raise StorageError(
            f"Cannot open the desk database {path}: {error}", "Check that NMO_HOME points to a writable folder."
        ) from error
    conn.row_factory = sqlite3.Row
    try:
        with conn:
            conn.executescript(schema)
            yield conn
    finally:
        conn.close()


class UserStore:
    """Users and their hashed tokens in the desk database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with connect(self.path, SCHEMA):
            pass

    def add(self, name: str, role: str) -> tuple[User, str]:
        """Create a user; returns the user and the token, which is shown once and never stored."""
        name = name.strip()
        if not NAME_PATTERN.match(name):
            raise UserInputError(
                f"'{name}' is not a usable user name.",
                "Use 1–40 letters, digits, Chinese characters, '.', '_' or '-', e.g. `lee` or `wang.fang`.",
            )
        checked_role = self._role(role)
        token = new_token()
        user = User(name=name, role=checked_role, created_at=datetime.now())
        with connect(self.path, SCHEMA) as conn:
            if conn.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                raise ConflictError(
                    f"A user named '{name}' already exists.",
                    f"Pick another name, or `nmo user token {name}` to issue them a new token.",
                )
            conn.execute(
                "INSERT INTO users VALUES (?,?,?,?)",
                (name, checked_role, hash_token(token), user.created_at.isoformat()),
            )
        return user, token

    def authenticate(self, token: str) -> User | None:
        """The user holding this token, or None for an unknown or malformed token."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        wanted = hash_token(token)
        with connect(self.path, SCHEMA) as conn:
            row = conn.execute("SELECT * FROM users WHERE token_hash=?", (wanted,)).fetchone()
        if row is None or not hmac.compare_digest(row["token_hash"], wanted):
            return None
        return self._user(row)

    def get(self, name: str) -> User:
        """One user by name."""
        user = self.find(name)
        if user is None:
            raise NotFoundError(f"No user named '{name}'.", "Run `nmo user list` to see users.")
        return user

    def find(self, name: str) -> User | None:
        """One user by name, or None when there is no such user (any more)."""
        with connect(self.path, SCHEMA) as conn:
            row = conn.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()
        return None if row is None else self._user(row)

    def list_users(self) -> list[User]:
        """All users, by name."""
        with connect(self.path, SCHEMA) as conn:
            rows = conn.execute("SELECT * FROM users ORDER BY name").fetchall()
        return [self._user(r) for r in rows]

    def rotate(self, name: str) -> str:
        """Issue a new token for a user; the old one stops working at once."""
        self.get(name)
        token = new_token()
        with connect(self.path, SCHEMA) as conn:
            conn.execute("UPDATE users SET token_hash=? WHERE name=?", (hash_token(token), name))
        return token

    def remove(self, name: str) -> None:
        """Delete a user (their audit entries stay)."""
        self.get(name)
        with connect(self.path, SCHEMA) as conn:
            conn.execute("DELETE FROM users WHERE name=?", (name,))

    @staticmethod
    def _role(role: str) -> UserRole:
        for known in USER_ROLES:
            if role.strip().lower() == known:
                return known
        raise UserInputError(f"Unknown role '{role}'.", f"Use one of: {', '.join(USER_ROLES)}.")

    @staticmethod
    def _user(row: sqlite3.Row) -> User:
        return User.model_validate({"name": row["name"], "role": row["role"], "created_at": row["created_at"]})
