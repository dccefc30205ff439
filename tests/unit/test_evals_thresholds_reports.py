"""Thresholds, baseline deltas and the three report formats, as a CI reader sees them."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from nmo.errors import UserInputError
from nmo.evals.metrics import Metric, SuiteResult, flatten_metrics, percentile
from nmo.evals.report import junit, markdown, write_reports
from nmo.evals.runner import EvalReport, load_baseline
from nmo.evals.thresholds import compare, load_thresholds, parse_thresholds

THRESHOLDS = parse_thresholds({
    "gate": {"recall": {"min": 0.8}, "false_alarm_rate": {"max": 0.05}},
    "cost": {"failed_runs": {"max": 0}, "offline": {"llm_calls_per_run": {"max": 0}}},
    "retrieval": {"mrr": {"min": 0.5}},
})


def result(suite: str, status: str = "ok", **values: float) -> SuiteResult:
    return SuiteResult(suite=suite, backend="offline", status=status,  # type: ignore[arg-type]
                       metrics=[Metric(name=k, value=v) for k, v in values.items()], reason="why")


def test_floor_and_ceiling_pass_and_fail() -> None:
    checks = compare([result("gate", recall=0.8, false_alarm_rate=0.06)], THRESHOLDS)
    verdicts = {c.metric: c.status for c in checks}
    assert verdicts == {"recall": "pass", "false_alarm_rate": "fail"}
    assert "0.06 is not ≤ 0.05" in next(c.reason for c in checks if c.status == "fail")


def test_backend_specific_bounds_apply_only_on_their_backend() -> None:
    offline = compare([result("cost", failed_runs=0, llm_calls_per_run=3)], THRESHOLDS)
    scripted = result("cost", failed_runs=0, llm_calls_per_run=3).model_copy(update={"backend": "scripted"})
    assert {c.metric: c.status for c in offline} == {"failed_runs": "pass", "llm_calls_per_run": "fail"}
    assert [c.metric for c in compare([scripted], THRESHOLDS)] == ["failed_runs"]


def test_skipped_suite_skips_errored_suite_fails_missing_metric_fails() -> None:
    checks = compare([result("retrieval", status="skipped"), result("gate", status="error"),
                      result("cost", llm_calls_per_run=0)], THRESHOLDS)
    by = {(c.suite, c.metric): c for c in checks}
    assert by[("retrieval", "mrr")].status == "skipped"
    assert by[("gate", "recall")].status == "fail" and "failed to run" in by[("gate", "recall")].reason
    assert by[("cost", "failed_runs")].status == "fail" and "did not measure" in by[("cost", "failed_runs")].reason


def test_bad_threshold_files_are_usage_errors(tmp_path: Path) -> None:
    for text in ("gate: {recall: {min: 1, max: 2}}", "gate: {recall: {above: 1}}", "gate: [1]", "- 1", "a: {b"):
        path = tmp_path / "t.yaml"
        path.write_text(text, "utf-8")
        with pytest.raises(UserInputError):
            load_thresholds(path)
    assert load_thresholds(tmp_path / "absent.yaml").suites == {}


def test_shipped_thresholds_load() -> None:
    thresholds = load_thresholds(Path(__file__).resolve().parents[2] / "evals" / "thresholds.yaml")
    assert thresholds.for_suite("gate_invariant", "scripted")["planted_unflagged"].max == 0


def test_reports_show_deltas_against_a_baseline(tmp_path: Path) -> None:
    old = EvalReport(backend="offline", suites=[result("gate", recall=0.9, false_alarm_rate=0.01)])
    write_reports(old, tmp_path / "old")
    baseline = load_baseline(tmp_path / "old" / "report.json")
    new = EvalReport(backend="offline", suites=[result("gate", recall=0.7, false_alarm_rate=0.01),
                                                result("retrieval", status="skipped")])
    new.checks = compare(new.suites, THRESHOLDS, baseline)
    assert not new.passed
    paths = write_reports(new, tmp_path / "new")
    data = json.loads(paths[0].read_text("utf-8"))
    assert data["passed"] is False
    md = markdown(new)
    assert "| recall | 0.7 | ≥ 0.8 | -0.2 | fail |" in md
    assert "| false_alarm_rate | 0.01 | ≤ 0.05 | ±0 | pass |" in md
    assert "retrieval — skipped" in md


def test_junit_has_one_testcase_per_threshold() -> None:
    report = EvalReport(backend="scripted", suites=[result("gate", recall=0.7, false_alarm_rate=0.0),
                                                    result("retrieval", status="skipped")])
    report.checks = compare(report.suites, THRESHOLDS)
    root = ET.fromstring(junit(report).split("\n", 1)[1])
    cases = root.findall(".//testcase")
    assert len(cases) == 3
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["recall ≥ 0.8"]
    assert root.find(".//testcase[@classname='eval.retrieval']/skipped") is not None


def test_bad_baseline_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text("{}", "utf-8")
    with pytest.raises(UserInputError):
        load_baseline(tmp_path / "r.json")
    with pytest.raises(UserInputError):
        load_baseline(tmp_path / "missing.json")


def test_percentile_and_flatten() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([1, 2, 3, 4, 100], 95) == pytest.approx(80.8)
    flat = flatten_metrics({"recall_at_5": 0.9, "per_category": {"ad_law": {"precision": 1}}, "ok": True,
                            "names": ["x"], "label": "y"})
    assert {m.name: m.value for m in flat} == {"recall_at_5": 0.9, "per_category.ad_law.precision": 1.0, "ok": 1.0}


def crashing_suite(env: object) -> SuiteResult:
    raise RuntimeError("evaluator bug")


def absent_suite(env: object) -> SuiteResult:
    from nmo.evals.metrics import SuiteUnavailable

    raise SuiteUnavailable("nmo.thing is not installed in this checkout")


def bad_case_suite(env: object) -> SuiteResult:
    raise UserInputError("evals/cases/x/c.yaml: case a is invalid", "Fix the case.")


def test_a_crashing_suite_fails_the_run_and_a_missing_part_skips(tmp_path: Path) -> None:
    from nmo.config import Settings
    from nmo.evals.environment import open_environment
    from nmo.evals.runner import run_suite
    from nmo.evals.suites import Suite

    module = __name__
    with open_environment("offline", Settings(), tmp_path) as env:
        crashed = run_suite(Suite("gate", "", ("offline",), f"{module}:crashing_suite"), env)
        skipped = run_suite(Suite("retrieval", "", ("offline",), f"{module}:absent_suite"), env)
        with pytest.raises(UserInputError):
            run_suite(Suite("golden", "", ("offline",), f"{module}:bad_case_suite"), env)
    assert crashed.status == "error" and "evaluator bug" in crashed.reason
    assert skipped.status == "skipped" and "not installed" in skipped.reason
    report = EvalReport(backend="offline", suites=[crashed, skipped])
    report.checks = compare(report.suites, THRESHOLDS)
    assert not report.passed
