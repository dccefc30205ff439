"""Thresholds from evals/thresholds.yaml, compared with measured metrics and an optional baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from nmo.errors import UserInputError
from nmo.evals.metrics import SuiteResult

BACKENDS = ("offline", "scripted", "live")
CheckStatus = Literal["pass", "fail", "skipped"]


class Bound(BaseModel):
    """A threshold on one metric: a floor (`min`) or a ceiling (`max`)."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Bound:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min or max")
        return self

    def holds(self, value: float) -> bool:
        """True when the value is on the right side of the bound (the bound itself passes)."""
        if self.min is not None:
            return value >= self.min
        return value <= (self.max if self.max is not None else value)

    def describe(self) -> str:
        """`≥ 0.8` or `≤ 0`, for tables."""
        return f"≥ {self.min:g}" if self.min is not None else f"≤ {self.max:g}"


class Thresholds(BaseModel):
    """suite → metric → bound; a suite may nest per-backend bounds under offline/scripted/live."""

    suites: dict[str, dict[str, Bound]] = {}
    per_backend: dict[str, dict[str, dict[str, Bound]]] = {}

    def for_suite(self, suite: str, backend: str) -> dict[str, Bound]:
        """The bounds that apply to a suite on a backend (backend-specific ones win)."""
        return {**self.suites.get(suite, {}), **self.per_backend.get(backend, {}).get(suite, {})}


def parse_thresholds(data: object, source: str = "thresholds") -> Thresholds:
    """Validate the YAML structure; a wrong key or bound is an error naming its place."""
    if data is None:
        return Thresholds()
    if not isinstance(data, dict):
        raise _bad(source, "the top level must be a mapping of suite names")
    suites: dict[str, dict[str, Bound]] = {}
    per_backend: dict[str, dict[str, dict[str, Bound]]] = {}
    for suite, metrics in data.items():
        if not isinstance(metrics, dict):
            raise _bad(source, f"{suite}: expected a mapping of metric → {{min|max: number}}")
        for key, value in metrics.items():
            if key in BACKENDS:
                if not isinstance(value, dict):
                    raise _bad(source, f"{suite}.{key}: expected a mapping of metric → bound")
                for metric, bound in value.items():
                    per_backend.setdefault(key, {}).setdefault(suite, {})[metric] = _bound(
                        bound, f"{source}: {suite}.{key}.{metric}"
                    )
            else:
                suites.setdefault(suite, {})[key] = _bound(value, f"{source}: {suite}.{key}")
    return Thresholds(suites=suites, per_backend=per_backend)


def load_thresholds(path: Path) -> Thresholds:
    """Read and validate a thresholds file; a missing file means no thresholds."""
    if not path.exists():
        return Thresholds()
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        raise _bad(str(path), f"not valid YAML ({error})") from error
    return parse_thresholds(data, str(path))


def _bound(value: object, where: str) -> Bound:
    try:
        return Bound.model_validate(value)
    except ValidationError as error:
        problem = "; ".join(e["msg"] for e in error.errors())
        raise UserInputError(
            f"{where}: {problem}.", "Write each threshold as {min: 0.8} or {max: 0}; see evals/README.md."
        ) from None


def _bad(source: str, problem: str) -> UserInputError:
    return UserInputError(f"{source}: {problem}.", "See evals/README.md for the thresholds format.")


class ThresholdCheck(BaseModel):
    """One threshold compared with its measured value (and the baseline's)."""

    suite: str
    metric: str
    bound: Bound
    value: float | None
    status: CheckStatus
    baseline: float | None = None
    reason: str = ""

    @property
    def delta(self) -> float | None:
        """value − baseline, when both exist."""
        if self.value is None or self.baseline is None:
            return None
        return round(self.value - self.baseline, 4)


def compare(
    results: list[SuiteResult], thresholds: Thresholds, baseline: dict[tuple[str, str], float] | None = None
) -> list[ThresholdCheck]:
    """Every applicable threshold checked: a skipped suite skips its checks; an errored suite fails them."""
    checks: list[ThresholdCheck] = []
    base = baseline or {}
    for result in results:
        for metric, bound in sorted(thresholds.for_suite(result.suite, result.backend).items()):
            value = result.value(metric)
            previous = base.get((result.suite, metric))
            if result.status == "skipped":
                checks.append(ThresholdCheck(suite=result.suite, metric=metric, bound=bound, value=None,
                                             status="skipped", baseline=previous, reason=result.reason))
            elif result.status == "error":
                checks.append(ThresholdCheck(suite=result.suite, metric=metric, bound=bound, value=None,
                                             status="fail", baseline=previous,
                                             reason=f"the suite failed to run: {result.reason}"))
            elif value is None:
                checks.append(ThresholdCheck(suite=result.suite, metric=metric, bound=bound, value=None,
                                             status="fail", baseline=previous,
                                             reason="the suite did not measure this metric"))
            else:
                passed = bound.holds(value)
                checks.append(ThresholdCheck(
                    suite=result.suite, metric=metric, bound=bound, value=value,
                    status="pass" if passed else "fail", baseline=previous,
                    reason="" if passed else f"{value:g} is not {bound.describe()}",
                ))
    return checks
