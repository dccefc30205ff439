"""The narrative states only computed numbers: the template passes the check, invented figures do not."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from nmo.analyst.narrative import NarrativeDraft, template_narrative, unsupported_numbers, write_narrative
from nmo.analyst.pipeline import analyze_files
from nmo.ports import Message

from tests.fakes import reply

FIXTURES = Path(__file__).resolve().parents[2] / "evals" / "analyst" / "fixtures"


@pytest.fixture(scope="module")
def result() -> Any:
    return analyze_files([FIXTURES / "xiaohongshu_notes.csv", FIXTURES / "douyin_gb18030.csv"])


class ScriptedLLM:
    """A fake narrator that answers once with the given lines and fails on any further call."""

    backend_name = "fake-llm"

    def __init__(self, lines: list[str]) -> None:
        self.answers = [NarrativeDraft(lines=lines)]

    def generate(
        self, messages: Sequence[Message], output: type[Any], *, passages: Sequence[Any] = ()
    ) -> Any:
        assert output is NarrativeDraft and "JSON" in messages[0].content
        return reply(self.answers.pop(0))


def test_template_narrative_only_cites_computed_numbers(result: Any) -> None:
    lines = template_narrative(result)
    assert any("小红书" in line and "%" in line for line in lines)
    assert unsupported_numbers(lines, result) == []


def test_invented_numbers_are_caught(result: Any) -> None:
    rate = result.overall.engagement_rate * 100
    assert unsupported_numbers([f"整体互动率 {rate:.1f}%"], result) == []
    assert unsupported_numbers([f"整体互动率 {rate + 0.7:.1f}%"], result) != []
    assert unsupported_numbers(["阅读量增长了 123,457 次"], result) != []


def test_llm_lines_are_used_when_their_numbers_check_out(result: Any) -> None:
    line = f"整体互动率 {result.overall.engagement_rate * 100:.1f}%。"
    out = write_narrative(result.model_copy(deep=True), ScriptedLLM([line]))
    assert out.narrative == [line] and out.narrative_backend == "fake-llm"


def test_llm_lines_with_invented_numbers_fall_back_to_the_template(result: Any) -> None:
    out = write_narrative(result.model_copy(deep=True), ScriptedLLM(["互动率暴涨 987.6%！"]))
    assert out.narrative_backend == "offline"
    assert out.narrative == template_narrative(result)
    assert any("LLM narrative" in w for w in out.warnings)
