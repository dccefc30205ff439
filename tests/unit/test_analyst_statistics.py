"""Every statistic against an independent computation: statsmodels and scipy."""

from __future__ import annotations

import math

import pytest
from nmo.analyst.statistics import (
    chi2_survival,
    chi_square_homogeneity,
    modified_z_scores,
    required_sample_size,
    two_proportion_z_test,
)
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize, proportions_ztest

PAIRS = [
    (120, 2400, 150, 2380),
    (250, 5000, 330, 5000),
    (3, 40, 9, 41),
    (980, 1000, 990, 1000),
    (50, 1000, 50, 1000),
    (0, 500, 7, 500),
]


@pytest.mark.parametrize(("s1", "n1", "s2", "n2"), PAIRS)
def test_z_test_and_ci_match_statsmodels(s1: int, n1: int, s2: int, n2: int) -> None:
    ours = two_proportion_z_test(s1, n1, s2, n2)
    z, p_value = proportions_ztest([s2, s1], [n2, n1])
    low, high = confint_proportions_2indep(s2, n2, s1, n1, method="wald", correction=False)
    assert ours.difference == pytest.approx(s2 / n2 - s1 / n1, abs=1e-12)
    if math.isfinite(z):
        assert ours.z == pytest.approx(z, abs=1e-9)
        assert ours.p_value == pytest.approx(p_value, abs=1e-12)
    assert ours.ci_low == pytest.approx(low, abs=1e-12)
    assert ours.ci_high == pytest.approx(high, abs=1e-12)


def test_identical_rates_give_no_evidence() -> None:
    result = two_proportion_z_test(0, 100, 0, 100)
    assert result.p_value == 1.0 and result.z == 0.0


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 5, 6, 9, 10, 15])
@pytest.mark.parametrize("statistic", [0.01, 0.5, 1.0, 3.84, 7.3, 20.0, 60.0, 150.0])
def test_chi2_survival_matches_scipy(statistic: float, dof: int) -> None:
    expected = stats.chi2.sf(statistic, dof)
    assert chi2_survival(statistic, dof) == pytest.approx(expected, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    "table",
    [
        [(200, 4000), (205, 4000), (290, 4000)],
        [(10, 100), (20, 100), (30, 100), (25, 90)],
        [(5, 50), (6, 60)],
    ],
)
def test_chi_square_matches_scipy_contingency(table: list[tuple[int, int]]) -> None:
    ours = chi_square_homogeneity([s for s, _ in table], [n for _, n in table])
    chi2, p_value, dof, _ = stats.chi2_contingency([[s, n - s] for s, n in table], correction=False)
    assert ours.statistic == pytest.approx(chi2, rel=1e-12)
    assert ours.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-15)
    assert ours.dof == dof


@pytest.mark.parametrize(("p1", "p2"), [(0.05, 0.06), (0.1, 0.12), (0.3, 0.25), (0.5, 0.51)])
def test_sample_size_matches_statsmodels_power(p1: float, p2: float) -> None:
    n = NormalIndPower().solve_power(
        effect_size=proportion_effectsize(p2, p1), alpha=0.05, power=0.8, ratio=1.0
    )
    assert required_sample_size(p1, p2) == math.ceil(n)
    assert required_sample_size(0.1, 0.1) is None


def test_modified_z_scores_hand_computed() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 100.0]
    # median 3, absolute deviations 2,1,0,1,97 → MAD 1
    assert modified_z_scores(values) == pytest.approx([0.6745 * (v - 3.0) for v in values])
    assert modified_z_scores([5.0, 5.0, 5.0]) == [0.0, 0.0, 0.0]
