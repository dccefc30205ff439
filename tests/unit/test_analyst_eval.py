"""The eval cases reproduce their independently computed answers within 1e-6; a wrong answer is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from nmo.analyst import evaluate_analyst

EVALS = Path(__file__).resolve().parents[2] / "evals" / "analyst"


def test_every_kpi_and_p_value_within_tolerance() -> None:
    metrics = evaluate_analyst(EVALS)
    assert metrics.failures == []
    assert metrics.cases >= 5 and metrics.checks >= 100
    assert metrics.max_kpi_error <= 1e-6 and metrics.max_p_value_error <= 1e-6
    assert metrics.passed


def test_a_wrong_known_answer_fails_the_eval(tmp_path: Path) -> None:
    shutil.copytree(EVALS / "fixtures", tmp_path / "fixtures")
    (tmp_path / "cases").mkdir()
    case = yaml.safe_load((EVALS / "cases" / "abtest.yaml").read_text(encoding="utf-8"))
    case["expect"]["experiments"]["标题A/B"]["p_value"] += 0.001
    (tmp_path / "cases" / "abtest.yaml").write_text(
        yaml.safe_dump(case, allow_unicode=True), encoding="utf-8"
    )
    metrics = evaluate_analyst(tmp_path)
    assert not metrics.passed
    assert abs(metrics.max_p_value_error - 0.001) < 1e-9
    assert any("标题A/B.p_value" in f for f in metrics.failures)
