"""Client/server mode: a real `chroma run` on 127.0.0.1 gives the same rankings as the embedded store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from nmo.config import Settings
from nmo.errors import KnowledgeError
from nmo.knowledge import BrandKnowledgeBase, open_knowledge_base
from nmo.knowledge.evaluate import DEFAULT_CASES, load_cases

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "knowledge"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _chroma_binary() -> str:
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    assert found, "the chromadb package provides the `chroma` command; install the project with pip"
    return found


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("chroma run did not answer its heartbeat in time")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    process = subprocess.Popen(
        [_chroma_binary(), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _open(home: Path, url: str | None, monkeypatch: pytest.MonkeyPatch) -> BrandKnowledgeBase:
    if url:
        monkeypatch.setenv("NMO_CHROMA_URL", url)
    else:
        monkeypatch.delenv("NMO_CHROMA_URL", raising=False)
    monkeypatch.setenv("NMO_HOME", str(home))
    settings = Settings()
    assert settings.chroma_url == url
    return open_knowledge_base(settings)


def _tops(kb: BrandKnowledgeBase, mode: str) -> list[list[str]]:
    questions = [case.question for case in load_cases(DEFAULT_CASES)[::4]]
    return [[p.id for p in kb.search(q, k=5, mode=mode)] for q in questions]  # type: ignore[arg-type]


def test_server_mode_gives_the_same_results_as_the_embedded_store(
    chroma_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = _open(tmp_path / "embedded", None, monkeypatch)
    embedded.ingest([SAMPLE])
    served = _open(tmp_path / "served", chroma_url, monkeypatch)
    report = served.ingest([SAMPLE])
    assert not report.failed and report.chunks_embedded == embedded.count() > 100
    assert served.stats().store == f"chroma server {chroma_url}"
    assert served.vector_store().count() == embedded.vector_store().count()

    for mode in ("dense", "hybrid", "lexical"):
        assert _tops(served, mode) == _tops(embedded, mode), mode

    # A second machine with an empty data directory rebuilds its local index from the server.
    worker = _open(tmp_path / "worker", chroma_url, monkeypatch)
    assert worker.count() == embedded.count()
    assert _tops(worker, "hybrid") == _tops(embedded, "hybrid")
    metrics = {d.path: d.metrics for d in worker.documents(kind="content")}
    assert metrics == {d.path: d.metrics for d in embedded.documents(kind="content")}

    # Re-ingesting against the server is incremental too.
    again = served.ingest([SAMPLE])
    assert again.chunks_embedded == 0 and len(again.unchanged) == len(report.added)

    # Another machine adds its own notes: the first one's files stay, and every worker sees both.
    extra = tmp_path / "extra" / "competitors"
    extra.mkdir(parents=True)
    (extra / "newbrand.md").write_text("# 竞品笔记：新茶社\n\n主打气泡冷泡茶，定价 39 元。", encoding="utf-8")
    other = _open(tmp_path / "other-machine", chroma_url, monkeypatch)
    added = other.ingest([tmp_path / "extra"])
    assert added.added == ["extra/competitors/newbrand.md"] and not added.removed
    assert other.count() == embedded.count() + 1
    refreshed = _open(tmp_path / "worker", chroma_url, monkeypatch)  # the worker's local snapshot is stale
    assert refreshed.count() == embedded.count() + 1
    assert refreshed.search("气泡冷泡茶的竞品", k=1, mode="hybrid")[0].source_path == "extra/competitors/newbrand.md"


def test_a_stopped_server_is_reported_with_a_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    kb = _open(tmp_path / "down", url, monkeypatch)
    with pytest.raises(KnowledgeError) as caught:
        kb.ingest([SAMPLE])
    assert url in caught.value.problem and "chroma run" in caught.value.fix
