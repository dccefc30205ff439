"""Metric and suite result models, plus the small statistics every suite shares."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

SuiteStatus = Literal["ok", "skipped", "error"]


class Metric(BaseModel):
    """One measured figure of a suite."""

    name: str
    value: float
    unit: str = ""
    note: str = ""


class SuiteResult(BaseModel):
    """What one suite measured on one backend, or why it did not run."""

    suite: str
    backend: str
    status: SuiteStatus
    metrics: list[Metric] = Field(default_factory=list)
    reason: str = ""
    cases: int = 0
    duration_s: float = 0.0
    failures: list[str] = Field(default_factory=list, description="Per-case problems, for the report.")
    attachments: dict[str, str] = Field(default_factory=dict, description="Extra report files: name → Markdown.")

    def value(self, name: str) -> float | None:
        """The value of one metric, or None when the suite did not measure it."""
        return next((m.value for m in self.metrics if m.name == name), None)


def ratio(part: int, whole: int, *, empty: float = 1.0) -> float:
    """part / whole rounded to 4 places; `empty` when there is nothing to divide."""
    return round(part / whole, 4) if whole else empty


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def flatten_metrics(result: Any, prefix: str = "") -> list[Metric]:
    """Numbers in an evaluator's result (pydantic model, dataclass or mapping) as dotted metric names.

    Other helpers' evaluators return their own result types; this reads their figures without
    copying their metric code. Booleans count as 0/1; lists and strings are not metrics.
    """
    if isinstance(result, BaseModel):
        data: Any = result.model_dump()
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        data = dataclasses.asdict(result)
    else:
        data = result
    if not isinstance(data, dict):
        return []
    metrics: list[Metric] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            metrics.append(Metric(name=name, value=float(value)))
        elif isinstance(value, int | float):
            if not math.isnan(float(value)):
                metrics.append(Metric(name=name, value=round(float(value), 4)))
        elif isinstance(value, dict | BaseModel) or dataclasses.is_dataclass(value):
            metrics.extend(flatten_metrics(value, prefix=f"{name}."))
    return metrics


class SuiteUnavailable(Exception):
    """A suite cannot run here (its evaluator or data is absent); the reason is shown as a skip."""
