"""The suites wired to other parts' evaluators turn a bad gate, a bad index or a bad typo checker into
failed thresholds: each evaluator, run through the eval suite, can fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nmo.config import Settings
from nmo.evals import external
from nmo.evals.environment import EvalEnvironment, open_environment, project_root, shared_folder
from nmo.evals.thresholds import compare, load_thresholds
from nmo.schemas import CheckResult, DraftContent, Passage, text_hash

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
    import nmo.checks

    monkeypatch.setattr(nmo.checks, "build_gate", lambda settings: SilentGate())
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
    import nmo.knowledge

    monkeypatch.setattr(external, "ingest_knowledge", lambda settings: None)
    monkeypatch.setattr(nmo.knowledge, "open_knowledge_base", lambda settings: WrongIndex())
    result = external.retrieval_suite(env)
    assert result.value("recall_at_5") == 0.0 and result.value("mrr") == 0.0
    assert {"recall_at_5", "mrr"} <= failed(result)


def test_a_typo_checker_that_flags_everything_fails_the_csc_suite(
    env: EvalEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (shared_folder(project_root()) / "benchmarks" / "csc").is_dir():
        pytest.skip("../shared/benchmarks/csc is absent: the public CSC figures cannot be measured here")
    from nmo.checks import typos
    from nmo.schemas import Finding

    class FlagEverything:
        def findings(self, text: str) -> list[Finding]:
            return [Finding(rule_id="t", category="typo", severity="warning", start=0, end=len(text), text=text,
                            message="m")]

    monkeypatch.setattr(typos, "TypoChecker", FlagEverything)
    result = external.csc_suite(env)
    assert result.value("sighan15_test.false_alarm_rate") == 1.0
    assert {"sighan15_test.false_alarm_rate", "sighan15_test.precision", "ecspell_odw_test.precision"} <= failed(result)


def test_missing_parts_and_data_skip_with_the_reason(env: EvalEnvironment, tmp_path: Path) -> None:
    from nmo.evals.metrics import SuiteUnavailable

    with pytest.raises(SuiteUnavailable, match="not installed"):
        external.evaluator("nmo.not_there", "evaluate")
    with pytest.raises(SuiteUnavailable, match="has no evaluate_nothing"):
        external.evaluator("nmo.checks", "evaluate_nothing")
    env.evals_dir = tmp_path / "empty"
    with pytest.raises(SuiteUnavailable, match="does not exist"):
        external.gate_suite(env)


class LoudGate:
    """A gate that flags every text with every category."""

    def check(self, text: str, *, platform: str | None = None, content: DraftContent | None = None) -> CheckResult:
        from nmo.schemas import Finding

        findings = [Finding(rule_id=f"loud.{c}", category=c, severity="blocking", start=0, end=1,  # type: ignore[arg-type]
                            text=text[:1], message="m") for c in ("ad_law", "typo", "pii", "link")]
        return CheckResult(findings=findings, text_hash=text_hash(text), platform=platform)


def test_a_gate_that_flags_everything_fails_precision_and_false_alarms(
    env: EvalEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nmo.checks

    monkeypatch.setattr(nmo.checks, "build_gate", lambda settings: LoudGate())
    result = external.gate_suite(env)
    assert result.value("clean_false_alarm_rate") == 1.0
    assert {"clean_false_alarm_rate", "macro_precision"} <= failed(result)


def test_a_writer_that_overflows_invents_and_miscites_fails_the_planwrite_suite(
    env: EvalEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nmo.evals import planwrite
    from nmo.schemas import DraftBrief, RevisionRequest, WrittenDraft

    class CarelessWriter:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
            content = DraftContent(title="冷泡茶" * 40, body="售价 9999 元，全网销量 88888 份。[^1]",
                                   citations=["no-such-passage"])
            return WrittenDraft(content=content, text=f"# {content.title}\n\n{content.body}", backend="llm")

    monkeypatch.setattr(planwrite, "KnowledgeWriter", CarelessWriter)
    result = external.planwrite_suite(env)
    assert (result.value("limit_adherence") or 1) < 1
    assert (result.value("citations_resolved") or 1) < 1
    assert (result.value("unsupported_numbers") or 0) > 0
    assert {"limit_adherence", "citations_resolved", "unsupported_numbers"} <= failed(result)


def test_a_wrong_known_answer_fails_the_analyst_suite(env: EvalEnvironment, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "evals"
    shutil.copytree(project_root() / "evals" / "analyst", copy / "analyst")
    case = copy / "analyst" / "cases" / "abtest.yaml"
    case.write_text(case.read_text("utf-8").replace("p_value: 0.0006203536096770014", "p_value: 0.05", 1), "utf-8")
    env.evals_dir = copy
    result = external.analyst_suite(env)
    assert (result.value("max_p_value_error") or 0) > 0.04
    assert {"max_p_value_error", "failed_checks"} <= failed(result)
