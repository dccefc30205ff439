"""The CLI's spine commands: help text, exit codes and one-paragraph errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from nmo.cli.main import app
from typer.testing import CliRunner

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_BACKEND", "offline")
    return tmp_path / "home"


@pytest.mark.parametrize("command", ["plan", "draft", "adapt", "check", "review", "kb", "demo"])
def test_every_command_explains_itself(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200


def test_unknown_platform_is_a_usage_error() -> None:
    result = runner.invoke(app, ["draft", "--platform", "myspace", "--topic", "冷泡茶"])
    assert result.exit_code == 2
    assert "Unknown platform 'myspace'" in result.output and "xiaohongshu" in result.output


def test_empty_brief_is_a_usage_error() -> None:
    result = runner.invoke(app, ["plan", "--brief", "  ", "--platforms", "weibo"])
    assert result.exit_code == 2
    assert "brief is empty" in result.output


def test_topic_and_plan_item_are_exclusive() -> None:
    result = runner.invoke(app, ["draft", "--platform", "weibo"])
    assert result.exit_code == 2
    assert "--topic or --plan-item" in result.output


def test_unknown_plan_item_is_reported() -> None:
    result = runner.invoke(app, ["draft", "--platform", "weibo", "--plan-item", "Pzzzzzz-01"])
    assert result.exit_code == 2
    assert "No plan item 'Pzzzzzz-01'" in result.output and "nmo plan list" in result.output


def test_unknown_review_id_is_reported_and_nothing_is_created(isolated_home: Path) -> None:
    result = runner.invoke(app, ["review", "approve", "D000000-1", "--by", "lee", "--expected-version", "1"])
    assert result.exit_code == 2
    assert "No draft with ID 'D000000-1'" in result.output and "nmo review list" in result.output


def test_reject_needs_a_note() -> None:
    result = runner.invoke(app, ["review", "reject", "D000000-1", "--by", "lee"])
    assert result.exit_code == 2
    assert "--note" in result.output


def test_empty_queue_says_how_to_fill_it() -> None:
    result = runner.invoke(app, ["review", "list"])
    assert result.exit_code == 0
    assert "nmo draft" in result.output


def test_adapt_of_a_missing_file() -> None:
    result = runner.invoke(app, ["adapt", "nope.md", "--to", "weibo"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_plan_window_longer_than_90_days() -> None:
    result = runner.invoke(app, ["plan", "--brief", "双12", "--platforms", "weibo", "--days", "120"])
    assert result.exit_code == 2
    assert "90" in result.output


def test_the_clock_comes_from_nmo_today(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from nmo.config import Settings

    monkeypatch.setenv("NMO_TODAY", "2031-02-28")
    assert Settings().clock.today() == date(2031, 2, 28)
    monkeypatch.setenv("NMO_TODAY", "")
    assert Settings().clock.today() == date.today()


def test_a_plan_window_before_the_clocks_today_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMO_TODAY", "2031-02-28")
    result = runner.invoke(app, ["plan", "--brief", "冷泡茶", "--platforms", "weibo", "--from", "2031-02-27"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "in the past (today is 2031-02-28)" in output and "--from 2031-02-28" in output


def test_an_invalid_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMO_TODAY", "2031-13-01")
    result = runner.invoke(app, ["plan", "--brief", "冷泡茶", "--platforms", "weibo"])
    assert result.exit_code == 2
    assert "NMO_TODAY='2031-13-01'" in result.output and "Traceback" not in result.output


def test_bracketed_text_in_an_error_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    from nmo.cli.output import err_console, report_error
    from nmo.errors import UserInputError

    with err_console.capture() as captured, pytest.raises(typer.Exit):
        report_error(UserInputError("needs the [postgres] extra", "pip install 'newmedia-ops[postgres]'"))
    assert "newmedia-ops[postgres]" in captured.get() and "[postgres] extra" in captured.get()
