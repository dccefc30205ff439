"""Users, roles and tokens: tokens work once issued, are stored only as hashes, and rotate cleanly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from nmo.errors import ConflictError, NotFoundError, UserInputError
from nmo.users import PermissionDenied, UserStore, hash_token


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / "desk.sqlite")


def test_token_authenticates_and_only_its_hash_is_stored(store: UserStore, tmp_path: Path) -> None:
    user, token = store.add("lee", "reviewer")
    assert token.startswith("nmo_") and len(token) > 40
    assert store.authenticate(token) == user
    raw = (tmp_path / "desk.sqlite").read_bytes()
    assert token.encode() not in raw
    with sqlite3.connect(tmp_path / "desk.sqlite") as conn:
        (stored,) = conn.execute("SELECT token_hash FROM users WHERE name='lee'").fetchone()
    assert stored == hash_token(token)


def test_unknown_malformed_and_rotated_tokens_fail(store: UserStore) -> None:
    _, token = store.add("lee", "reviewer")
    assert store.authenticate("nmo_" + "x" * 43) is None
    assert store.authenticate("not-a-token") is None
    assert store.authenticate("") is None
    new = store.rotate("lee")
    assert store.authenticate(token) is None
    assert store.authenticate(new) is not None and store.authenticate(new).name == "lee"  # type: ignore[union-attr]


def test_roles_grant_permissions() -> None:
    from datetime import datetime

    from nmo.users import User

    operator = User(name="ops", role="operator", created_at=datetime.now())
    reviewer = User(name="lee", role="reviewer", created_at=datetime.now())
    admin = User(name="root", role="admin", created_at=datetime.now())
    assert operator.can("submit") and not operator.can("review")
    assert reviewer.can("review") and not reviewer.can("submit") and not reviewer.can("admin")
    assert all(admin.can(p) for p in ("read", "submit", "review", "admin"))
    with pytest.raises(PermissionDenied) as raised:
        operator.require("review")
    assert "reviewer" in raised.value.fix and raised.value.http_status == 403


def test_bad_names_roles_and_duplicates_are_refused(store: UserStore) -> None:
    store.add("王芳", "Reviewer")
    assert store.get("王芳").role == "reviewer"
    with pytest.raises(ConflictError):
        store.add("王芳", "admin")
    with pytest.raises(UserInputError, match="role"):
        store.add("lee", "boss")
    with pytest.raises(UserInputError):
        store.add("a b", "reviewer")
    with pytest.raises(UserInputError):
        store.add("<script>", "reviewer")
    with pytest.raises(NotFoundError):
        store.remove("nobody")
    assert [u.name for u in store.list_users()] == ["王芳"]


def test_removed_user_cannot_log_in(store: UserStore) -> None:
    _, token = store.add("lee", "reviewer")
    store.remove("lee")
    assert store.authenticate(token) is None
    assert store.list_users() == []
