"""A/B verdicts: winner only when significant, chi-square for more arms, sample size, zero impressions."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.analyst.abtest import evaluate_experiment, run_abtest
from nmo.analyst.models import VariantStat
from nmo.errors import UserInputError
from scipy import stats


def variant(name: str, trials: float, successes: float) -> VariantStat:
    return VariantStat(
        variant=name, trials=trials, successes=successes, rate=successes / trials if trials else None
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ab.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_significant_difference_names_the_winner() -> None:
    result = evaluate_experiment("t", [variant("A", 5000, 250), variant("B", 5000, 330)], "ctr")
    assert result.test == "z-test" and result.winner == "B" and result.required_per_variant is None
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(result.comparisons[0].z)))
    assert "B 胜出" in result.verdict


def test_not_significant_gives_no_winner_and_a_sample_size() -> None:
    result = evaluate_experiment("t", [variant("对照", 2400, 120), variant("新", 2380, 131)], "ctr")
    assert result.winner is None and not result.significant
    assert result.required_per_variant is not None and result.required_per_variant > 2400
    assert f"{result.required_per_variant:,}" in result.verdict


def test_control_is_found_by_name_not_position() -> None:
    result = evaluate_experiment("t", [variant("B", 1000, 60), variant("对照组", 1000, 50)], "ctr")
    assert result.comparisons[0].control == "对照组" and result.comparisons[0].variant == "B"


def test_three_variants_use_chi_square_and_bonferroni_for_the_winner() -> None:
    arms = [variant("A", 4000, 200), variant("B", 4000, 205), variant("C", 4000, 290)]
    result = evaluate_experiment("t", arms, "ctr")
    chi2, p_value, dof, _ = stats.chi2_contingency([[200, 3800], [205, 3795], [290, 3710]], correction=False)
    assert result.test == "chi-square" and result.dof == dof
    assert result.statistic == pytest.approx(chi2) and result.p_value == pytest.approx(p_value)
    assert result.winner == "C"
    close = evaluate_experiment(
        "t", [variant("A", 4000, 200), variant("B", 4000, 262), variant("C", 4000, 265)], "ctr"
    )
    assert close.significant and close.winner is None  # B and C are not distinguishable


def test_zero_impressions_variant_is_reported_not_divided() -> None:
    result = evaluate_experiment("t", [variant("A", 1000, 50), variant("B", 0, 0)], "ctr")
    assert result.test == "none" and result.winner is None
    assert "zero trials" in result.problems[0]


def test_export_rows_are_summed_per_variant_and_bad_rows_listed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '实验,版本,曝光量,点击量\n标题,A,"2,500",120\n标题,A,2500,130\n标题,B,5000,330\n'
        ",,,\n标题,B,100,150\n标题,B,-1,0\n",
    )
    report = run_abtest(path)
    experiment = report.experiments[0]
    assert [(v.variant, v.trials, v.successes) for v in experiment.variants] == [
        ("A", 5000, 250),
        ("B", 5000, 330),
    ]
    reasons = {i.row: i.reason for i in report.summary.issues}
    assert reasons[5] == "empty row" and "exceed" in reasons[6] and "negative" in reasons[7]
    assert report.summary.rejected == 2 and report.summary.empty_rows == 1


def test_export_without_variant_or_counts_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="variant"):
        run_abtest(write(tmp_path, "实验,曝光量,点击量\nx,1,1\n"))
    with pytest.raises(UserInputError, match="cannot compute"):
        run_abtest(write(tmp_path, "实验,版本,点赞,评论\nx,A,1,1\n"))
