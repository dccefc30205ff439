"""Case files are validated on load, with errors that name the file, the case and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.errors import UserInputError
from nmo.evals.cases import (
    CommandCase,
    GoldenCase,
    JudgeDraftCase,
    LabelledJudgeCase,
    ScriptedCase,
    load_cases,
)

CASES = Path(__file__).resolve().parents[2] / "evals" / "cases"


def write(folder: Path, text: str, name: str = "c.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, "utf-8")
    return folder


def test_a_new_case_is_a_few_lines(tmp_path: Path) -> None:
    folder = write(tmp_path, "id: planted-phone\nplatform: 小红书\ntopic: 团购\n"
                             "answer: {body: 打电话 13812345678}\nplanted: [{text: '13812345678', category: pii}]\n")
    [case] = load_cases(folder, ScriptedCase)
    assert case.platform == "xiaohongshu"
    assert case.answer.values()["body"] == "打电话 13812345678"


@pytest.mark.parametrize(("text", "needle"), [
    ("id: a\nplatform: myspace\ntopic: x\n", "platform"),
    ("id: a\nplatform: weibo\ntopic: x\nplanted: [{text: 最好, category: hype}]\n", "planted.0.category"),
    ("id: a\nplatform: weibo\ntopic: x\nsurprise: 1\n", "surprise"),
    ("id: 'bad id'\nplatform: weibo\ntopic: x\n", "id"),
    ("id: a\nplatform: weibo\ntopic: x\nfaults: [{kind: http, status: 200}]\n", "faults.0.status"),
])
def test_invalid_cases_name_file_case_and_field(tmp_path: Path, text: str, needle: str) -> None:
    write(tmp_path, text)
    with pytest.raises(UserInputError) as raised:
        load_cases(tmp_path, ScriptedCase)
    assert "c.yaml" in raised.value.problem and needle in raised.value.problem
    assert "evals/README.md" in raised.value.fix


def test_duplicate_ids_and_broken_yaml_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "- {id: a, platform: weibo, topic: x}\n", "one.yaml")
    write(tmp_path, "cases: [{id: a, platform: weibo, topic: y}]\n", "two.yaml")
    with pytest.raises(UserInputError, match="also used"):
        load_cases(tmp_path, ScriptedCase)
    write(tmp_path / "b", "id: [unclosed\n")
    with pytest.raises(UserInputError, match="not valid YAML"):
        load_cases(tmp_path / "b", ScriptedCase)
    assert load_cases(tmp_path / "absent", ScriptedCase) == []


@pytest.mark.parametrize(("suite", "model", "least"), [
    ("gate_invariant", ScriptedCase, 5), ("robustness", ScriptedCase, 8), ("cost", CommandCase, 3),
    ("golden", GoldenCase, 1), ("judge", JudgeDraftCase, 1), ("judge_labelled", LabelledJudgeCase, 6),
])
def test_shipped_cases_load(suite: str, model: type, least: int) -> None:
    assert len(load_cases(CASES / suite, model)) >= least


def test_shipped_planted_cases_cover_the_issue_categories() -> None:
    planted = {p.category for case in load_cases(CASES / "gate_invariant", ScriptedCase) for p in case.planted}
    assert {"ad_law", "competitor", "pii", "fact", "health_claim"} <= planted
    faults = {f.kind for case in load_cases(CASES / "robustness", ScriptedCase) for f in case.faults}
    assert faults == {"http", "timeout", "malformed", "refusal"}
