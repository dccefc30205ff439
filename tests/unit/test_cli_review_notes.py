"""`nmo review notes` lists the revision vocabulary; `review show` prints what a revision did and did not do."""

from __future__ import annotations

import json

import pytest
from nmo.cli.main import app
from nmo.cli.review import print_change_log
from nmo.composer.notes_log import format_change_log
from nmo.schemas import DraftContent, DraftRecord, Revision
from typer.testing import CliRunner

runner = CliRunner()


def test_review_notes_lists_the_vocabulary_and_what_needs_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["review", "notes"])
    assert result.exit_code == 0, result.output
    for words in ("不要提价格", "标题改短", "结尾加互动问题", "口语化一点", "needs a model"):
        assert words in result.output
    listed = json.loads(runner.invoke(app, ["review", "notes", "--json"]).output)
    assert {entry["label"]: entry["offline"] for entry in listed}["换个角度"] is False


def _record(changes: str, backend: str = "offline") -> DraftRecord:
    return DraftRecord(
        draft_id="D1-1", request_id="R1", platform="weibo", topic="冷泡", requested_by="ops", status="pending_review",
        content=DraftContent(title="", body="冷泡一夜。", changes=changes),
        revisions=[Revision(number=1, text="x", check=None, reason="first draft", backend="offline"),
                   Revision(number=2, text="y", check=None, reason="reviewer note", backend=backend)],
    )


def test_the_change_log_shows_not_applied_notes_apart(capsys: pytest.CaptureFixture[str]) -> None:
    changes = format_change_log(
        1, ["按审核意见：删除了所有价格"], ["「换个角度」离线写作不会换角度重写（cannot rewrite）"]
    )
    print_change_log(_record(changes))
    out = capsys.readouterr().out
    assert "✓ 按审核意见：删除了所有价格" in out
    assert "Not applied (未执行的审核意见)" in out and "✗ 「换个角度」" in out
    assert "configure a model" in out
    print_change_log(_record(changes, backend="human"))  # a reviewer's own edit has no writer log
    assert capsys.readouterr().out == ""
