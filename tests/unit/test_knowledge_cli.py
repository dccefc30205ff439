"""`nmo kb …` through the CLI runner: JSON summaries, citations, stats, and errors a user can act on."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from nmo.cli.main import app
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NMO_CHROMA_URL", raising=False)
    monkeypatch.delenv("NMO_COLLECTION", raising=False)
    return tmp_path / "home"


def brand(root: Path) -> Path:
    (root / "brand").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "brand" / "faq.md").write_text("# 常见问题\n\n## 保质期\n\n未开封 18 个月。", encoding="utf-8")
    (root / "content" / "post.md").write_text(
        "---\nplatform: weibo\npublished_at: 2026-10-24\nmetrics: {views: 900}\n---\n# 双11 桂花红茶\n\n囤货提醒。",
        encoding="utf-8",
    )
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_ingest_search_show_stats_and_list(home: Path, tmp_path: Path) -> None:
    folder = brand(tmp_path / "mybrand")
    code, out = run("kb", "ingest", str(folder), "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["files_added"] == 2 and summary["chunks"] == 2 and summary["files_failed"] == 0
    assert {"seconds", "files_removed", "files_updated"} <= set(summary)

    code, out = run("kb", "search", "没开封的茶保质期多久", "-k", "1", "--json")
    assert code == 0, out
    (hit,) = json.loads(out)
    assert hit["source_path"] == "mybrand/brand/faq.md" and hit["heading"] == "常见问题 > 保质期"
    assert {"id", "title", "kind", "score"} <= set(hit)

    code, out = run("kb", "show", hit["id"], "--json")
    assert code == 0 and json.loads(out)["text"] == "未开封 18 个月。"
    code, out = run("kb", "show", "ffffffffffff")
    assert code == 2 and "No passage" in out

    code, out = run(
        "kb", "search", "桂花", "--kind", "content", "--platform", "微博", "--since", "2026-10-01", "--json"
    )
    assert [p["source_path"] for p in json.loads(out)] == ["mybrand/content/post.md"]

    stats = json.loads(run("kb", "stats", "--json")[1])
    assert stats["files"] == 2 and stats["per_kind"] == {
        "brand": {"files": 1, "chunks": 1},
        "content": {"files": 1, "chunks": 1},
    }
    rows = json.loads(run("kb", "list", "--kind", "content", "--json")[1])
    assert rows == [
        {
            "source_path": "mybrand/content/post.md",
            "kind": "content",
            "title": "双11 桂花红茶",
            "chunks": 1,
            "platform": "weibo",
            "published_at": "2026-10-24",
        }
    ]

    code, out = run("kb", "ingest", str(folder), str(tmp_path / "typo"))
    assert code == 2 and "does not exist" in out and "typo" in out


def test_profiles_are_separate(home: Path, tmp_path: Path) -> None:
    run("kb", "ingest", str(brand(tmp_path / "a")), "--collection", "brand-a")
    assert json.loads(run("kb", "stats", "--collection", "brand-a", "--json")[1])["chunks"] == 2
    assert json.loads(run("kb", "stats", "--profile", "brand-b", "--json")[1])["chunks"] == 0
    code, out = run("kb", "search", "保质期", "--collection", "brand-b")
    assert code == 2 and "nmo kb ingest" in out


def test_bad_input_is_a_usage_error(home: Path) -> None:
    assert run("kb", "search", "x", "--kind", "blog")[0] == 2
    code, out = run("kb", "search", "x", "--since", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in out


def test_a_chroma_server_that_is_down_is_reported_with_a_fix(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("NMO_CHROMA_URL", f"http://127.0.0.1:{port}")
    code, out = run("kb", "ingest", str(brand(tmp_path / "b")))
    assert code == 2
    assert f"127.0.0.1:{port}" in out and "chroma run" in out
    assert not (home / "kb").exists() or not list((home / "kb").rglob("snapshot.npz"))
