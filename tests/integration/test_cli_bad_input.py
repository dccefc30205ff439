"""The malformed-input corpus (issue 14 item 9): every bad option value or file the attack campaign used
gets a clear message and exit 2 — never a traceback, never exit 1 (reserved for blocking findings), never a
long run or a large read."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from nmo.cli.main import app
from typer.testing import CliRunner

runner = CliRunner()
Maker = Callable[[Path], list[str]]


def _csv(name: str, content: bytes) -> Maker:
    def make(folder: Path) -> list[str]:
        (folder / name).write_bytes(content)
        return ["analyze", str(folder / name)]
    return make


def _sparse(folder: Path) -> list[str]:
    with open(folder / "huge.csv", "wb") as handle:
        handle.truncate(1024**3)  # 1 GB that takes no disk
    return ["analyze", str(folder / "huge.csv")]


def _report_onto_a_file(folder: Path) -> list[str]:
    (folder / "data.csv").write_text("日期,阅读\n2026-11-01,100\n", "utf-8")
    (folder / "existing.html").write_text("keep me", "utf-8")
    return ["analyze", str(folder / "data.csv"), "--report", str(folder / "existing.html")]


def _big_text(folder: Path) -> list[str]:
    (folder / "big.md").write_bytes(b"# big\n" + "茶".encode() * (3 * 1024 * 1024 // 3 + 10))
    return ["check", str(folder / "big.md")]


def _args(*args: str) -> Maker:
    return lambda folder: list(args)


CORPUS: dict[str, Maker] = {
    "plan-start-9999": _args("plan", "-p", "weibo", "--brief", "冬季选题", "--from", "9999-12-31"),
    "plan-negative-posts": _args("plan", "-p", "weibo", "--brief", "冬季选题", "--posts-per-week", "-3"),
    "plan-draft-first-60": _args("plan", "-p", "weibo", "--brief", "冬季选题", "--draft-first", "60"),
    "plan-days-100000": _args("plan", "-p", "weibo", "--brief", "冬季选题", "--days", "100000"),
    "plan-unknown-platform": _args("plan", "-p", "myspace", "--brief", "冬季选题"),
    "draft-empty-topic": _args("draft", "-p", "weibo", "--topic", "   "),
    "csv-unterminated-quote": _csv("quote.csv",
                                   "日期,平台,阅读\n2026-11-01,公众号,100\n\"2026-11-03,公众号,5\n".encode()),
    "csv-ragged-rows": _csv("ragged.csv", "日期,平台,阅读\n2026-11-01,公众号,100,7,8,9\n2026-11-02\n".encode()),
    "csv-15mb-field": _csv("field.csv", "日期,平台,阅读\n2026-11-01,公众号,".encode() + b"9" * 15_000_000 + b"\n"),
    "csv-nul-bytes": _csv("nul.csv", "日期,平台,阅读\n2026-11-01,\x00公众号,100\n".encode()),
    "csv-1gb-sparse": _sparse,
    "analyze-report-onto-a-file": _report_onto_a_file,
    "check-binary": _csv("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    "check-over-the-size-limit": _big_text,
    "check-missing-file": _args("check", "/no/such/file.md"),
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_BACKEND", "offline")
    monkeypatch.setenv("NMO_MAX_INPUT_MB", "2")  # keeps the oversize cases small
    return tmp_path / "home"


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_gets_a_clear_message_and_exit_2(
    case: str, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case == "csv-15mb-field":
        monkeypatch.setenv("NMO_MAX_INPUT_MB", "50")  # this one is about the field, not the file
    args = CORPUS[case](tmp_path)
    started = time.monotonic()
    result = runner.invoke(app, args)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 2, (case, output)
    assert "Traceback" not in output and "Error:" in output and "Fix:" in output, output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert time.monotonic() - started < 60  # no hang (a generous bound, not a speed target)
    assert not (home / "logs").exists()  # nothing was a crash


def test_an_oversize_knowledge_file_is_refused_and_what_was_indexed_is_kept(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "brand" / "brand"
    folder.mkdir(parents=True)
    (folder / "guide.md").write_text("# 品牌\n\n我们卖冷泡茶，一瓶 15 元。\n", "utf-8")
    assert runner.invoke(app, ["kb", "ingest", str(folder.parent)]).exit_code == 0
    (folder / "guide.md").write_bytes("# 品牌\n\n我们卖冷泡茶，一瓶 15 元。\n".encode() + b"x" * (3 * 1024 * 1024))
    result = runner.invoke(app, ["kb", "ingest", str(folder.parent)])
    assert result.exit_code == 2 and "guide.md" in result.output and "NMO_MAX_INPUT_MB" in result.output
    found = runner.invoke(app, ["kb", "search", "冷泡茶多少钱"])
    assert "15 元" in found.output


def test_links_out_of_the_folder_are_not_followed(home: Path, tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("# 机密\n\n内部密码是 swordfish。\n", "utf-8")
    folder = tmp_path / "brand"
    (folder / "brand").mkdir(parents=True)
    (folder / "brand" / "guide.md").write_text("# 品牌\n\n我们卖冷泡茶。\n", "utf-8")
    (folder / "brand" / "notes.md").symlink_to(secret)
    (folder / "linked").symlink_to(secret.parent, target_is_directory=True)
    result = runner.invoke(app, ["kb", "ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert "outside the folder" in result.output
    assert "swordfish" not in runner.invoke(app, ["kb", "search", "内部密码"]).output


def test_an_unexpected_error_is_reported_plainly_with_exit_3(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nmo.checks.source_text as source_text

    def broken(path: Path) -> str:
        raise KeyError("a bug")

    monkeypatch.setattr(source_text, "read_text_file", broken)
    result = runner.invoke(app, ["check", "-"], input="今天天气很好。")
    assert result.exit_code == 3
    assert "unexpected problem (KeyError" in result.output and "Traceback" not in result.output
    logs = list((home / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and "KeyError" in logs[0].read_text("utf-8")
