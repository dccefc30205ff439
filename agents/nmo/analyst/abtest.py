"""A/B verdicts from an export of experiments: per-variant rates, z-test or chi-square, CI, sample size."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from nmo.analyst.cleaning import IssueLog, RowGate, cell_reason, read_counts
from nmo.analyst.headers import describe_needed
from nmo.analyst.loading import RawTable, read_export
from nmo.analyst.models import (
    ABTestReport,
    Comparison,
    ExperimentResult,
    LoadSummary,
    VariantStat,
)
from nmo.analyst.narrative import pct
from nmo.analyst.statistics import (
    chi_square_homogeneity,
    required_sample_size,
    two_proportion_z_test,
)
from nmo.analyst.values import blank_mask, stripped_text
from nmo.errors import UserInputError

Metric = Literal["auto", "ctr", "cvr"]
CONTROL_NAMES = ("control", "对照", "对照组", "原版", "baseline", "a", "a组", "版本a")
DEFAULT_EXPERIMENT = "实验"
METRIC_COLUMNS = {
    "ctr": ("clicks", "impressions", "点击率"),
    "cvr": ("conversions", "clicks", "转化率"),
    "conversion_per_impression": ("conversions", "impressions", "转化率"),
}


def _metric_columns(columns: Sequence[str], metric: Metric, label: str) -> tuple[str, str, str, str]:
    available = set(columns)
    if "impressions" not in available and "views" in available:
        available.add("impressions")
    order = {"auto": ("ctr", "conversion_per_impression", "cvr"), "ctr": ("ctr",), "cvr": ("cvr",)}[metric]
    for name in order:
        success, trials, title = METRIC_COLUMNS[name]
        if success in available and trials in available:
            return name, success, trials, title
    raise UserInputError(
        f"{label}: cannot compute the {metric} rate; columns found: {', '.join(columns) or 'none'}.",
        f"An A/B export needs {describe_needed('abtest')} (or 转化 for conversions).",
    )


def _pick_control(variants: list[str]) -> str:
    for name in variants:
        if name.strip().lower() in CONTROL_NAMES:
            return name
    return variants[0]


def evaluate_experiment(
    name: str, variants: list[VariantStat], metric: str, alpha: float = 0.05
) -> ExperimentResult:
    """The verdict of one experiment from its aggregated variants (order kept; control picked by name)."""
    problems = [
        f"variant '{v.variant}' has zero trials: its rate is undefined" for v in variants if v.trials <= 0
    ]
    if len(variants) < 2:
        problems.append("an experiment needs at least two variants")
    if problems:
        return ExperimentResult(
            experiment=name,
            metric=metric,
            variants=variants,
            comparisons=[],
            test="none",
            verdict="无法检验：" + "；".join(problems),
            problems=problems,
        )
    control_name = _pick_control([v.variant for v in variants])
    control = next(v for v in variants if v.variant == control_name)
    comparisons = [_compare(control, v, alpha) for v in variants if v is not control]
    by_rate = sorted(variants, key=lambda v: -(v.rate or 0.0))
    if len(variants) == 2:
        only = comparisons[0]
        statistic, dof, p_value = only.z, None, only.p_value
        test: Literal["z-test", "chi-square"] = "z-test"
        significant = only.significant
        winner = by_rate[0].variant if significant and only.difference != 0 else None
    else:
        chi = chi_square_homogeneity([v.successes for v in variants], [v.trials for v in variants])
        statistic, dof, p_value, test = chi.statistic, chi.dof, chi.p_value, "chi-square"
        significant = chi.p_value < alpha
        winner = _multi_winner(by_rate, alpha) if significant else None
    required = max((c.required_per_variant or 0 for c in comparisons), default=0) or None
    result = ExperimentResult(
        experiment=name,
        metric=metric,
        variants=variants,
        control=control.variant,
        comparisons=comparisons,
        test=test,
        statistic=statistic,
        dof=dof,
        p_value=p_value,
        significant=significant,
        winner=winner,
        verdict="",
        required_per_variant=None if winner else required,
    )
    result.verdict = _verdict(result, by_rate[0], alpha)
    return result


def _compare(control: VariantStat, variant: VariantStat, alpha: float) -> Comparison:
    test = two_proportion_z_test(control.successes, control.trials, variant.successes, variant.trials, alpha)
    significant = test.p_value < alpha
    return Comparison(
        variant=variant.variant,
        control=control.variant,
        difference=test.difference,
        relative_lift=test.difference / test.p1 if test.p1 else None,
        ci_low=test.ci_low,
        ci_high=test.ci_high,
        z=test.z,
        p_value=test.p_value,
        significant=significant,
        required_per_variant=None if significant else required_sample_size(test.p1, test.p2, alpha),
    )


def _multi_winner(by_rate: list[VariantStat], alpha: float) -> str | None:
    """The best variant when it beats every other one pairwise at Bonferroni-corrected alpha/(k−1)."""
    best, others = by_rate[0], by_rate[1:]
    threshold = alpha / len(others)
    for other in others:
        test = two_proportion_z_test(other.successes, other.trials, best.successes, best.trials, alpha)
        if test.difference <= 0 or test.p_value >= threshold:
            return None
    return best.variant


def format_p(p_value: float | None) -> str:
    """A p-value as shown in verdicts: p=0.0123, or p<0.0001 for tiny ones."""
    if p_value is None:
        return ""
    return "p<0.0001" if p_value < 0.0001 else f"p={p_value:.4f}"


def _verdict(result: ExperimentResult, best: VariantStat, alpha: float) -> str:
    rates = "，".join(f"{v.variant} {pct(v.rate, 2)}" for v in result.variants)
    p_text = format_p(result.p_value)
    if result.winner:
        return f"{result.winner} 胜出（{rates}；{result.test} {p_text}，显著性水平 {alpha}）。"
    if result.significant:
        return f"各版本有显著差异（{result.test} {p_text}），但没有一个版本显著优于所有其他版本（{rates}）。"
    need = (
        f"；要检测到当前差异，每个版本约需 {result.required_per_variant:,} 个样本"
        if result.required_per_variant
        else ""
    )
    return f"差异不显著（{rates}；{result.test} {p_text}）{need}。"


def run_abtest(path: Path, metric: Metric = "auto", alpha: float = 0.05) -> ABTestReport:
    """Read an A/B export and judge every experiment in it."""
    tables, notes = read_export(path, kind="abtest")
    log = IssueLog()
    summary = LoadSummary(files=[str(path)], mappings=[], notes=notes)
    totals: dict[str, dict[str, list[float]]] = {}
    chosen: tuple[str, str, str, str] | None = None
    for table in tables:
        columns = list(table.frame.columns)
        if "variant" not in columns:
            raise UserInputError(
                f"{table.label}: no variant column; found {', '.join(table.mapped) or 'no known headers'}.",
                f"An A/B export needs {describe_needed('abtest')}.",
            )
        chosen = chosen or _metric_columns(columns, metric, table.label)
        # The analyze command's per-metric needs do not apply here; missing A/B columns raise above.
        summary.mappings.append(table.column_mapping().model_copy(update={"missing": {}}))
        summary.rows_read += len(table.frame)
        used, empty = _accumulate(table, chosen, log, totals)
        summary.rows_used += used
        summary.empty_rows += empty
    assert chosen is not None
    name, _success, _trials, title = chosen
    summary.issues = log.issues
    summary.issue_counts = dict(log.counts)
    summary.rejected = sum(v for k, v in log.counts.items() if k != "empty row")
    experiments = [
        evaluate_experiment(
            experiment,
            [
                VariantStat(variant=v, trials=t, successes=s, rate=s / t if t > 0 else None)
                for v, (s, t) in variants.items()
            ],
            title,
            alpha,
        )
        for experiment, variants in totals.items()
    ]
    if not experiments:
        raise UserInputError(
            f"{path}: no usable A/B rows ({summary.rejected} rejected).", "Fix the rows listed and run again."
        )
    return ABTestReport(
        file=str(path), alpha=alpha, metric=f"{title} ({name})", experiments=experiments, summary=summary
    )


def _accumulate(
    table: RawTable,
    chosen: tuple[str, str, str, str],
    log: IssueLog,
    totals: dict[str, dict[str, list[float]]],
) -> tuple[int, int]:
    """Add a table's rows into totals[experiment][variant] = [successes, trials]; returns (used, empty)."""
    import numpy as np

    _name, success_col, trials_col, _title = chosen
    frame = table.frame
    if trials_col not in frame:
        trials_col = "views"
    gate = RowGate(table, log, np.zeros(len(frame), dtype=bool))
    blank = np.logical_and.reduce([blank_mask(frame[c]) for c in frame.columns])
    empty = gate.mark(blank, "empty row", "skipped", lambda p: "empty row")
    variants = stripped_text(frame["variant"])
    gate.mark(variants == "", "no variant", "rejected", lambda p: "no variant name")
    experiments = stripped_text(frame["experiment"]) if "experiment" in frame else None
    parsed = {}
    for column in (success_col, trials_col):
        arr = read_counts(gate, column, frame[column])
        gate.mark(np.isnan(arr), f"missing {column}", "rejected", cell_reason(f"{column} is empty", None))
        parsed[column] = arr
    successes, trials = parsed[success_col], parsed[trials_col]
    gate.mark(
        np.nan_to_num(successes) > np.nan_to_num(trials),
        f"{success_col} above {trials_col}",
        "rejected",
        lambda p: f"{success_col} ({successes[p]:g}) exceed {trials_col} ({trials[p]:g}): rate above 100%",
    )
    for position in np.flatnonzero(~gate.out):
        experiment = (experiments[position] if experiments is not None else "") or DEFAULT_EXPERIMENT
        cell = totals.setdefault(experiment, {}).setdefault(str(variants[position]), [0.0, 0.0])
        cell[0] += float(successes[position])
        cell[1] += float(trials[position])
    return int((~gate.out).sum()), empty
