"""The analyst's eval: run every case in a folder and measure the largest error against known answers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from nmo.errors import UserInputError

TOLERANCE = 1e-6
LIST_KEYS = ("platform", "group", "experiment", "variant", "metric")
P_VALUE_FIELDS = frozenset({"p_value", "ci_low", "ci_high", "difference", "statistic"})


class AnalystCase(BaseModel):
    """One eval case: input files relative to the case file and the known answers."""

    name: str
    kind: Literal["analyze", "abtest"]
    files: list[str]
    platform: str | None = None
    expect: dict[str, Any]


class AnalystEvalMetrics(BaseModel):
    """How close the analyst came to the known answers over all cases."""

    cases: int
    checks: int
    max_kpi_error: float
    max_p_value_error: float
    failures: list[str] = Field(default_factory=list)
    tolerance: float = TOLERANCE

    @property
    def passed(self) -> bool:
        """True when every figure is within tolerance and every exact expectation holds."""
        return not self.failures and max(self.max_kpi_error, self.max_p_value_error) <= self.tolerance


def lookup(document: Any, path: str) -> Any:
    """Follow a dotted path; list items are picked by their platform/group/experiment/variant name."""
    current = document
    for part in path.split("."):
        if isinstance(current, list):
            current = next((item for item in current if any(item.get(k) == part for k in LIST_KEYS)), None)
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
        if current is None:
            return None
    return current


class _Tally:
    def __init__(self) -> None:
        self.checks = 0
        self.kpi = 0.0
        self.p = 0.0
        self.failures: list[str] = []

    def number(self, case: str, path: str, expected: float, actual: Any, p_value: bool) -> None:
        self.checks += 1
        if not isinstance(actual, int | float) or math.isnan(float(actual)):
            self.failures.append(f"{case}: {path} expected {expected}, got {actual!r}")
            return
        error = abs(float(actual) - expected)
        if p_value:
            self.p = max(self.p, error)
        else:
            self.kpi = max(self.kpi, error)
        if error > TOLERANCE:
            self.failures.append(f"{case}: {path} expected {expected}, got {actual} (error {error:.3g})")

    def exact(self, case: str, path: str, expected: Any, actual: Any) -> None:
        self.checks += 1
        if expected != actual:
            self.failures.append(f"{case}: {path} expected {expected!r}, got {actual!r}")


def _run_case(case: AnalystCase, folder: Path, tally: _Tally) -> None:
    from nmo.analyst.abtest import run_abtest
    from nmo.analyst.pipeline import analyze_files

    files = [folder / f for f in case.files]
    if case.kind == "analyze":
        document = analyze_files(files, platform=case.platform).model_dump(mode="json")
        for path, expected in case.expect.get("kpis", {}).items():
            tally.number(case.name, path, float(expected), lookup(document, path), p_value=False)
        for field, expected in case.expect.get("summary", {}).items():
            tally.exact(case.name, f"summary.{field}", expected, document["summary"][field])
        return
    report = run_abtest(files[0]).model_dump(mode="json")
    for field, expected in case.expect.get("summary", {}).items():
        tally.exact(case.name, f"summary.{field}", expected, report["summary"][field])
    for name, expected in case.expect.get("experiments", {}).items():
        experiment = lookup(report["experiments"], name)
        if experiment is None:
            tally.exact(case.name, f"experiments.{name}", "present", None)
            continue
        for field in ("test", "winner", "dof"):
            if field in expected:
                tally.exact(case.name, f"{name}.{field}", expected[field], experiment.get(field))
        for field in ("p_value", "statistic"):
            if field in expected:
                tally.number(case.name, f"{name}.{field}", expected[field], experiment[field], p_value=True)
        for variant, values in expected.get("comparisons", {}).items():
            comparison = lookup(experiment["comparisons"], variant)
            for field, value in values.items():
                path = f"{name}.{variant}.{field}"
                actual = None if comparison is None else comparison.get(field)
                if field == "required_per_variant":
                    tally.exact(case.name, path, value, actual)
                else:
                    tally.number(case.name, path, float(value), actual, p_value=field in P_VALUE_FIELDS)


def evaluate_analyst(cases_dir: Path | str) -> AnalystEvalMetrics:
    """Run every *.yaml case under cases_dir (files resolved from the case's parent folder)."""
    folder = Path(cases_dir)
    paths = sorted(folder.glob("*.yaml")) or sorted((folder / "cases").glob("*.yaml"))
    if not paths:
        raise UserInputError(f"No analyst eval cases in {folder}.", "Point at evals/analyst (or its cases/).")
    tally = _Tally()
    for path in paths:
        case = AnalystCase.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        base = path.parent.parent if path.parent.name == "cases" else path.parent
        _run_case(case, base, tally)
    return AnalystEvalMetrics(
        cases=len(paths),
        checks=tally.checks,
        max_kpi_error=tally.kpi,
        max_p_value_error=tally.p,
        failures=tally.failures,
    )
