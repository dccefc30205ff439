"""The suites wired to other parts' evaluators turn a bad gate, a bad index or a bad typo checker into
failed thresholds: each evaluator, run through the eval suite, can fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from agents.config import Settings
from agents.evals import external
from agents.evals.environment import EvalEnvironment, open_environment, project_root, shared_folder
from agents.evals.thresholds import compare, load_thresholds
from agents.schemas import CheckResult, DraftContent, Passage, text_hash

THRESHOLDS = load_thresholds(project_root() / "evals" / "thresholds.yaml")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[EvalEnvironment]:
    with open_environment("offline", Settings(), tmp_path) as environment:
        yield environment


class SilentGate:
    """A gate that finds nothing."""

    def check(self, text: str, *, platform: str | None = None, content: DraftContent | None = None) -> CheckResult:
        return CheckResult(text_hash=text_hash(text), platform=platform)


def failed(result: object) -> set[str]:
    return {c.metric for c in compare([result], THRESHOLDS) if c.status == "fail"}  # type: ignore[list-item]


def test_a_silent_gate_fails_the_gate_suite(env: EvalEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    import agents.checks

    monkeypatch.setattr(agents.checks, "build_gate", lambda settings: SilentGate())
    result = external.gate_suite(env)
    assert result.cases > 100
    assert {"macro_recall", "ad_law.recall", "pii.recall", "fact.recall"} <= failed(result)
    assert result.value("clean_false_alarm_rate") == 0.0, "finding nothing raises no false alarm"


class WrongIndex:
    """A knowledge base that always answers with the same irrelevant passage."""

    retrieval_mode = "hybrid"
    embedder = SimpleNamespace(name="fake")

    def search(self, query: str, **_: object) -> list[Passage]:
        return [Passage(id="x", text="无关", source_path="nowhere.md")]


def test_an_index_that_ranks_nothing_right_fails_the_retrieval_suite(
    env: EvalEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agents.knowledge

    monkeypatch.setattr(external, "ingest_knowledge", lambda settings: None)
    monkeypatch.setattr(agents.knowledge, "open_knowledge_base", lambda settings: WrongIndex())
    result = external.retrieval_suite(env)
    assert result.value("recall_at_5") == 0.0 and result.value("mrr") == 0.0
    assert {"recall_at_5", "mrr"} <= failed(result)


def test_a_typo_checker_that_flags_everything_fails_the_csc_suite(
    env: EvalEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (shared_folder(project_root()) / "benchmarks" / "csc").is_dir():
        pytest.skip("../shared/benchmarks/csc is absent: the public CSC figures cannot be measured here")
    from agents.checks import typos
    from agents.schemas import Finding

    class FlagEverything:
        def findings(self, text: str) -> list[Finding]:
            return [Finding(rule_id="t", category="typo", severity="warning", start=0, end=len(text), text=text,
                            message="m")]

    monkeypatch.setattr(typos, "TypoChecker", FlagEverything)
    result = external.csc_suite(env)
    assert result.value("sighan15_test.false_alarm_rate") == 1.0
    assert {"sighan15_test.false_alarm_rate", "sighan15_test.precision", "ecspell_odw_test.precision"} <= failed(result)


def test_missing_parts_and_data_skip_with_the_reason(env: EvalEnvironment, tmp_path: Path) -> None:
    from agents.evals.metrics import SuiteUnavailable

    with pytest.raises(SuiteUnavailable, match="not installed"):
        external.evaluator("agents.not_there", "evaluate")
    with pytest.raises(SuiteUnavailable, match="has no evaluate_nothing"):
        external.evaluator("agents.checks", "evaluate_nothing")
    env.evals_dir = tmp_path / "empty"
    with pytest.raises(SuiteUnavailable, match="does not exist"):
        external.gate_suite(env)
