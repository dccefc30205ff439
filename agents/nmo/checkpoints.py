"""The LangGraph checkpointer: SQLite under the data directory, or PostgreSQL when configured."""

from __future__ import annotations

import inspect
import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from nmo.config import Settings
from nmo.errors import StorageError

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer


def _state_models() -> list[tuple[str, str]]:
    """Every pydantic model that may sit in graph state, allowed for msgpack deserialisation."""
    from nmo import llm, schemas, state, usage

    allowed: list[tuple[str, str]] = []
    for module in (schemas, state, llm, usage):
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                allowed.append((module.__name__, name))
    return allowed


def serializer() -> JsonPlusSerializer:
    """A serializer that restores our state models and nothing unexpected."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return JsonPlusSerializer(allowed_msgpack_modules=_state_models())


def open_checkpointer(settings: Settings) -> AbstractContextManager[BaseCheckpointSaver[Any]]:
    """Open the configured checkpointer as a context manager that closes its connection."""
    if settings.checkpointer_url:
        return _postgres(settings.checkpointer_url)
    return _sqlite(settings)


class _SqliteCheckpointer(AbstractContextManager["BaseCheckpointSaver[Any]"]):
    def __init__(self, settings: Settings) -> None:
        self.path = settings.checkpoint_path
        self.conn: sqlite3.Connection | None = None

    def __enter__(self) -> BaseCheckpointSaver[Any]:
        from langgraph.checkpoint.sqlite import SqliteSaver

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.Error) as error:
            raise StorageError(
                f"Cannot open the checkpoint database {self.path}: {error}",
                "Check that NMO_HOME points to a writable folder.",
            ) from error
        saver = SqliteSaver(self.conn, serde=serializer())
        saver.setup()
        return saver

    def __exit__(self, *exc: object) -> None:
        if self.conn is not None:
            self.conn.close()


def _sqlite(settings: Settings) -> _SqliteCheckpointer:
    return _SqliteCheckpointer(settings)


def _postgres(url: str) -> AbstractContextManager[BaseCheckpointSaver[Any]]:
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
    except ImportError as error:
        raise StorageError(
            "NMO_CHECKPOINTER_URL is set but the PostgreSQL checkpointer is not installed.",
            "pip install 'newmedia-ops[postgres]', or unset NMO_CHECKPOINTER_URL to use SQLite.",
        ) from error
    return _PostgresCheckpointer(PostgresSaver, url)


class _PostgresCheckpointer(AbstractContextManager["BaseCheckpointSaver[Any]"]):
    def __init__(self, saver_cls: Any, url: str) -> None:
        self.saver_cls = saver_cls
        self.url = url
        self.cm: Any = None

    def __enter__(self) -> BaseCheckpointSaver[Any]:
        try:
            self.cm = self.saver_cls.from_conn_string(self.url)
            saver: BaseCheckpointSaver[Any] = self.cm.__enter__()
        except Exception as error:  # psycopg raises many types; this is the storage boundary
            raise StorageError(
                f"Cannot connect to the PostgreSQL checkpointer: {error}",
                "Check NMO_CHECKPOINTER_URL and that the server is running.",
            ) from error
        saver.serde = serializer()
        saver.setup()  # type: ignore[attr-defined]
        return saver

    def __exit__(self, *exc: object) -> None:
        if self.cm is not None:
            self.cm.__exit__(*exc)
