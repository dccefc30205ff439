"""Judges (reasoning before score, repeated, agreement), golden export, and the `nmo eval` command."""

from __future__ import annotations

from pathlib import Path

import typer
from nmo.evals.cases import LabelledJudgeCase, load_cases
from nmo.evals.judge import GroundednessVerdict, Judges, JudgeVerdict, agreement
from nmo.prompts import PromptLibrary
from nmo.registry import Registry
from nmo.schemas import CheckResult, DraftRecord, Finding, ReviewDecision, Revision, text_hash
from typer.testing import CliRunner

from tests.fakes import ScriptedLLM

ROOT = Path(__file__).resolve().parents[2]


def judges(answers: list[object], repeats: int = 2) -> tuple[Judges, ScriptedLLM]:
    llm = ScriptedLLM(answers, role="judge")  # type: ignore[arg-type]
    return Judges(llm, PromptLibrary.load(ROOT / "prompts"), "温和，不夸大", repeats), llm


def test_judge_reasons_before_scoring_and_averages_repeats() -> None:
    assert list(JudgeVerdict.model_fields) == ["reasoning", "score"]
    judge, llm = judges([{"reasoning": "语气温和", "score": 4}, {"reasoning": "略有口号", "score": 3}])
    scores = judge.tone("上班第三年，终于把奶茶换成了冷泡茶", "xiaohongshu")
    assert scores.score == 3.5
    messages = llm.calls[0][0]
    assert "<brand_guide>" in messages[1].content and "温和，不夸大" in messages[1].content
    llm.assert_done()


def test_groundedness_rates_supported_claims() -> None:
    claims = [{"claim": "59元", "reasoning": "p1", "supported": True, "passage_id": "p1"},
              {"claim": "降血压", "reasoning": "无依据", "supported": False}]
    answer = {"claims": claims, "reasoning": "一处无依据", "score": 2}
    judge, _ = judges([answer, answer])
    scores = judge.groundedness("茉莉银毫59元，降血压", ["[p1] 茉莉银毫 59元"])
    assert scores.supported_rate == 0.5 and scores.score == 2
    assert list(GroundednessVerdict.model_fields)[-1] == "score"


def test_a_judge_that_always_says_5_disagrees_with_the_labels() -> None:
    labelled = [c for c in load_cases(ROOT / "evals" / "cases" / "judge_labelled", LabelledJudgeCase)
                if c.judge == "tone"]
    judge, _ = judges([{"reasoning": "好", "score": 5}] * len(labelled), repeats=1)
    within, mae = agreement([(judge.judge("tone", c).score, c.human_score) for c in labelled])
    assert within < 1.0 and mae >= 1.0
    assert agreement([(4.0, 5.0), (1.5, 1.0)]) == (1.0, 0.75)


def approved_record(note: str, status: str = "approved") -> DraftRecord:
    text = "# 标题\n\n全网最好喝"
    check = CheckResult(findings=[Finding(rule_id="adlaw.best", category="ad_law", severity="blocking", start=6,
                                          end=9, text="最好喝", message="m")], text_hash=text_hash(text))
    return DraftRecord(draft_id="Dabc-1", request_id="abc", platform="weibo", topic="冷泡茶", requested_by="ops",
                       status=status, text=text, check=check,  # type: ignore[arg-type]
                       revisions=[Revision(number=1, text=text, check=check, reason="first", backend="llm")],
                       decisions=[ReviewDecision(action="approve", by="王审核", note=note)])


def exit_code(result) -> int:  # type: ignore[no-untyped-def]
    """The exit code the nmo app gives: an NmoError's own code (the app's edge handler prints it)."""
    from nmo.errors import NmoError

    return result.exception.exit_code if isinstance(result.exception, NmoError) else int(result.exit_code)


def cli() -> typer.Typer:
    from nmo.cli import eval as eval_cli

    app = typer.Typer()
    eval_cli.register(app)
    app.command("noop")(lambda: None)
    return app


def test_add_from_review_exports_an_approved_draft_with_its_override(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    Registry(tmp_path / "home" / "nmo.sqlite").save_draft(approved_record("品牌方确认可用"))
    runner = CliRunner()
    done = runner.invoke(cli(), ["eval", "add-from-review", "Dabc-1", "--to", str(tmp_path / "golden")])
    assert done.exit_code == 0, done.output
    from nmo.evals.cases import GoldenCase

    [case] = load_cases(tmp_path / "golden", GoldenCase)
    assert case.text == "# 标题\n\n全网最好喝" and case.overridden == ["ad_law:最好喝"] and case.approved_by == "王审核"
    again = runner.invoke(cli(), ["eval", "add-from-review", "Dabc-1", "--to", str(tmp_path / "golden")])
    assert exit_code(again) == 2 and "--force" in str(again.exception.fix)  # type: ignore[union-attr]


def test_add_from_review_refuses_drafts_not_approved(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    Registry(tmp_path / "home" / "nmo.sqlite").save_draft(approved_record("", status="pending_review"))
    done = CliRunner().invoke(cli(), ["eval", "add-from-review", "Dabc-1", "--to", str(tmp_path)])
    assert exit_code(done) == 2 and "only approved drafts" in str(done.exception)
    missing = CliRunner().invoke(cli(), ["eval", "add-from-review", "nope", "--to", str(tmp_path)])
    assert exit_code(missing) == 2


def test_eval_usage_errors_exit_2_with_the_fix(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NMO_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("NMO_LLM_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    runner = CliRunner()
    live = runner.invoke(cli(), ["eval", "--backend", "live", "--report", str(tmp_path)])
    assert exit_code(live) == 2 and "NMO_LLM_BASE_URL" in live.exception.fix  # type: ignore[union-attr]
    unknown = runner.invoke(cli(), ["eval", "--suite", "vibes", "--report", str(tmp_path)])
    assert exit_code(unknown) == 2 and "Choose from" in unknown.exception.fix  # type: ignore[union-attr]
    wrong_backend = runner.invoke(cli(), ["eval", "--suite", "judge", "--report", str(tmp_path)])
    assert exit_code(wrong_backend) == 2 and "--backend live" in wrong_backend.exception.fix  # type: ignore[union-attr]


def test_eval_exits_1_when_a_threshold_fails_and_writes_reports(tmp_path: Path) -> None:
    strict = tmp_path / "thresholds.yaml"
    strict.write_text("golden:\n  cases: {min: 1000}\n", "utf-8")
    done = CliRunner().invoke(cli(), ["eval", "--suite", "golden", "--thresholds", str(strict),
                                      "--report", str(tmp_path / "r")])
    report = (tmp_path / "r" / "report.md").read_text("utf-8")
    if "golden — skipped" in report:  # the gate (nmo.checks) is not installed in this checkout
        assert done.exit_code == 0
    else:
        assert done.exit_code == 1, done.output
        assert "| cases |" in report and "fail" in report
    assert (tmp_path / "r" / "junit.xml").exists() and (tmp_path / "r" / "report.json").exists()


def test_golden_suite_fails_when_the_gate_starts_blocking_an_approved_text(tmp_path: Path) -> None:
    from nmo.config import Settings
    from nmo.evals.environment import open_environment
    from nmo.evals.golden import golden_from_record, golden_suite, write_golden

    from tests.fakes import TermGate

    overridden = golden_from_record(approved_record("品牌方确认可用"))
    write_golden(overridden, tmp_path / "evals" / "cases" / "golden")
    with open_environment("offline", Settings(), tmp_path / "w", evals_dir=tmp_path / "evals") as env:
        gate = TermGate(blocked=["最好喝"])
        assert golden_suite(env, gate).value("approved_text_false_alarm_rate") == 0.0
        plain = overridden.model_copy(update={"id": "plain", "overridden": []})
        write_golden(plain, tmp_path / "evals" / "cases" / "golden")
        result = golden_suite(env, gate)
    assert result.value("approved_text_false_alarm_rate") == 0.5
    assert result.failures == ["plain: new blocking findings on approved text: ad_law:最好喝"]


def test_judge_suite_drafts_plans_judges_and_reports_agreement(tmp_path: Path) -> None:
    from nmo.config import Settings
    from nmo.evals.environment import open_environment
    from nmo.evals.judge import judge_suite

    from tests.unit.test_evals_workflow import factory, write_cases

    write_cases(tmp_path / "evals", "judge", "- {id: j, platform: weibo, topic: 冷泡茶, plan_brief: 两周种草}")
    write_cases(tmp_path / "evals", "judge_labelled",
                "- {id: l, judge: tone, text: 上班喝冷泡茶, human_score: 4}\n"
                "- {id: g, judge: groundedness, text: 59元, passages: [p1 59元], human_score: 5}")
    verdict = {"claims": [{"claim": "59元", "reasoning": "p1", "supported": True}], "reasoning": "好", "score": 4}
    runs = 2 * (1 + 1 + 1) + 2 * 2  # tone, groundedness, plan usefulness; then two labelled cases
    judge, llm = judges([verdict] * runs, repeats=2)
    with open_environment("offline", Settings(), tmp_path / "w", evals_dir=tmp_path / "evals", repeats=2,
                          service_factory=factory(SilentGate())) as env:
        result = judge_suite(env, judge)
    llm.assert_done()
    assert result.value("tone.score") == 4 and result.value("plan_usefulness.score") == 4
    assert result.value("groundedness.supported_claims") == 1.0
    assert result.value("tone.agreement") == 1.0 and result.value("groundedness.mae") == 1.0


class SilentGate:
    def check(self, text: str, *, platform: str | None = None, content: object = None) -> CheckResult:
        return CheckResult(text_hash=text_hash(text), platform=platform)
