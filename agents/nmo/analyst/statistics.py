"""The statistics, in plain Python: two-proportion z-test, Wald CI, chi-square, sample size, robust z-scores.

Kept free of scipy so that the tests can check every figure against scipy/statsmodels independently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from pydantic import BaseModel

_NORMAL = NormalDist()


class ZTest(BaseModel):
    """A two-proportion comparison: difference p2 − p1 with its Wald 95% CI and a pooled z-test."""

    p1: float
    p2: float
    difference: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float


class ChiSquare(BaseModel):
    """Pearson's chi-square test of homogeneity over k variants (successes vs failures)."""

    statistic: float
    dof: int
    p_value: float


def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic, accurate in the far tail."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def z_critical(alpha: float) -> float:
    """The two-sided critical value, 1.959964… for alpha 0.05."""
    return _NORMAL.inv_cdf(1.0 - alpha / 2.0)


def two_proportion_z_test(
    successes1: float, trials1: float, successes2: float, trials2: float, alpha: float = 0.05
) -> ZTest:
    """Compare variant 2 against variant 1: pooled-variance z-test, unpooled (Wald) CI for p2 − p1."""
    if trials1 <= 0 or trials2 <= 0:
        raise ValueError("both variants need at least one trial")
    p1, p2 = successes1 / trials1, successes2 / trials2
    pooled = (successes1 + successes2) / (trials1 + trials2)
    se_pooled = math.sqrt(pooled * (1.0 - pooled) * (1.0 / trials1 + 1.0 / trials2))
    diff = p2 - p1
    if se_pooled == 0.0:
        z = 0.0
        p_value = 1.0
    else:
        z = diff / se_pooled
        p_value = normal_two_sided_p(z)
    se = math.sqrt(p1 * (1.0 - p1) / trials1 + p2 * (1.0 - p2) / trials2)
    margin = z_critical(alpha) * se
    return ZTest(
        p1=p1, p2=p2, difference=diff, ci_low=diff - margin, ci_high=diff + margin, z=z, p_value=p_value
    )


def chi2_survival(statistic: float, dof: int) -> float:
    """P(X ≥ statistic) for a chi-square variable with an integer number of degrees of freedom."""
    if dof < 1:
        raise ValueError("dof must be at least 1")
    if statistic <= 0.0:
        return 1.0
    half = statistic / 2.0
    if dof % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, dof // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    root = math.sqrt(statistic)
    tail = math.erfc(root / math.sqrt(2.0))
    term = math.sqrt(2.0 / math.pi) * math.exp(-half) * root
    total = 0.0
    for i in range(1, (dof - 1) // 2 + 1):
        if i > 1:
            term *= statistic / (2 * i - 1)
        total += term
    return min(1.0, tail + total)


def chi_square_homogeneity(successes: Sequence[float], trials: Sequence[float]) -> ChiSquare:
    """Pearson chi-square (no continuity correction) on the k×2 table of successes and failures."""
    if len(successes) != len(trials) or len(trials) < 2:
        raise ValueError("need at least two variants")
    total_trials = float(sum(trials))
    total_successes = float(sum(successes))
    total_failures = total_trials - total_successes
    if total_trials <= 0 or total_successes <= 0 or total_failures <= 0:
        return ChiSquare(statistic=0.0, dof=len(trials) - 1, p_value=1.0)
    statistic = 0.0
    for s, n in zip(successes, trials, strict=True):
        expected_s = n * total_successes / total_trials
        expected_f = n * total_failures / total_trials
        statistic += (s - expected_s) ** 2 / expected_s + ((n - s) - expected_f) ** 2 / expected_f
    dof = len(trials) - 1
    return ChiSquare(statistic=statistic, dof=dof, p_value=chi2_survival(statistic, dof))


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions: 2·asin√p2 − 2·asin√p1."""
    return 2.0 * math.asin(math.sqrt(p2)) - 2.0 * math.asin(math.sqrt(p1))


def required_sample_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Trials per variant for a two-sided test to detect p1 → p2 (arcsine/Cohen's h method), rounded up."""
    effect = abs(cohens_h(p1, p2))
    if effect == 0.0:
        return None
    # Each arcsine-transformed proportion has variance 1/n, so their difference has 2/n.
    n = 2.0 * ((z_critical(alpha) + _NORMAL.inv_cdf(power)) / effect) ** 2
    return math.ceil(n)


def modified_z_scores(values: Sequence[float]) -> list[float]:
    """Iglewicz–Hoaglin modified z-scores 0.6745·(x − median)/MAD; all zeros when MAD is 0."""
    import numpy as np

    data = np.asarray(values, dtype=float)
    if not data.size:
        return []
    median = float(np.median(data))
    mad = float(np.median(np.abs(data - median)))
    if mad == 0.0:
        return [0.0] * int(data.size)
    return [float(v) for v in 0.6745 * (data - median) / mad]
