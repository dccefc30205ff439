"""Shared setup for review-desk tests: a WorkflowService over a real SQLite checkpointer with fake agents."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from nmo.checkpoints import open_checkpointer
from nmo.config import Settings
from nmo.graph import WorkflowContext, compile_graph
from nmo.registry import Registry
from nmo.schemas import DraftBrief, Passage, RevisionRequest, WrittenDraft
from nmo.service import WorkflowService
from nmo.users import UserStore, desk_db_path

from tests.fakes import EchoWriter, StaticPlanner, TermGate

FIRST_BODY = "这是最好的冷泡茶，全网第一清爽。\n\n- 冷水浸泡 8 小时\n- **不苦不涩**"
PASSAGE = Passage(
    id="brand-guide-3", text="山岚冷泡茶：用 4℃ 冷水浸泡 6–8 小时，茶多酚释放慢，口感清甜不苦。",
    source_path="knowledge/brand/brand-guide.md", title="山岚茶事品牌手册", heading="冷泡方法", kind="brand",
)


class CitingWriter(EchoWriter):
    """The echo writer, plus a cited passage and hashtags; it revises the text under review (the reviewer's).

    `delay_s` makes every draft take that long, like a slow LLM.
    """

    def __init__(self, first_body: str, delay_s: float = 0.0) -> None:
        super().__init__(first_body)
        self.delay_s = delay_s

    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        time.sleep(self.delay_s)
        if revision is not None:
            reviewed = revision.previous_text.split("\n\n", 1)[-1]
            revision = revision.model_copy(update={"previous": revision.previous.model_copy(update={"body": reviewed})})
        written = super().write(brief, revision)
        content = written.content.model_copy(update={"citations": [PASSAGE.id], "hashtags": ["冷泡茶", "夏日饮品"]})
        return written.model_copy(update={"content": content, "passages": [PASSAGE]})


def fake_service_factory(  # type: ignore[no-untyped-def]
    settings: Settings, blocked: tuple[str, ...] = ("最好", "第一"), *, body: str = FIRST_BODY,
    writer_delay_s: float = 0.0, knowledge: Any = None, whole_draft: str | None = None,
):
    """A factory like nmo.composition.open_service, but with deterministic fake agents (and, optionally,
    a slow writer, another first draft, or a knowledge base that requests are checked against)."""

    @contextmanager
    def factory() -> Iterator[WorkflowService]:
        with open_checkpointer(settings) as saver:
            yield WorkflowService(
                compile_graph(saver), Registry(settings.registry_path),
                lambda: WorkflowContext(planner=StaticPlanner(), writer=CitingWriter(body, writer_delay_s),
                                        gate=TermGate(blocked, whole_draft), max_revisions=0,
                                        knowledge=knowledge),
                settings.home / "locks", four_eyes=settings.four_eyes, clock=settings.clock,
            )

    return factory


def add_users(settings: Settings) -> dict[str, str]:
    """Create one user per role (plus a second reviewer); returns name → token."""
    store = UserStore(desk_db_path(settings.home))
    roles = {"ops": "operator", "lee": "reviewer", "wang": "reviewer", "root": "admin"}
    return {name: store.add(name, role)[1] for name, role in roles.items()}


@contextmanager
def running_server(app: Any) -> Iterator[str]:
    """Serve an app with uvicorn on a free 127.0.0.1 port in a thread; yields the base URL, stops it after."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def fake_cli_home(tmp_path: Path, monkeypatch: Any) -> Path:
    """A data folder for CLI tests whose commands open a service with the fake agents; returns the home."""
    home = tmp_path / "home"
    monkeypatch.setenv("NMO_HOME", str(home))
    monkeypatch.setenv("NMO_BACKEND", "offline")
    monkeypatch.delenv("NMO_TOKEN", raising=False)
    monkeypatch.setenv("COLUMNS", "200")

    def open_fake_service(settings: Settings, graph_on_demand: bool = False) -> AbstractContextManager[WorkflowService]:
        return fake_service_factory(settings)()

    monkeypatch.setattr("nmo.composition.open_service", open_fake_service)
    monkeypatch.setattr("nmo.cli.deciding.open_service", open_fake_service)
    return home
