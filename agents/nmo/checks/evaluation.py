"""Measuring the gate: per-category precision/recall on labelled cases and false alarms on clean ones."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from nmo.ports import Gate
from nmo.schemas import Category, Finding

FIRING = ("blocking", "warning")


class GateCase(BaseModel):
    """One labelled text: the categories a correct gate must raise (empty = a clean sentence)."""

    text: str
    expect: list[Category] = Field(default_factory=list)
    platform: str | None = None
    note: str = ""


class CategoryScore(BaseModel):
    """Case-level counts and rates for one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of cases flagged with this category that expected it (1.0 when none flagged)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of cases expecting this category that got it (1.0 when none expected)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


class CaseMiss(BaseModel):
    """A case the gate got wrong, for the report."""

    text: str
    expected: list[str]
    found: list[str]
    missing: list[str]
    extra: list[str]


class GateMetrics(BaseModel):
    """The eval's result: scores per category, the clean-sentence false-alarm rate and what went wrong."""

    cases: int
    clean_cases: int
    clean_false_alarms: int
    per_category: dict[str, CategoryScore]
    misses: list[CaseMiss] = Field(default_factory=list)

    @property
    def clean_false_alarm_rate(self) -> float:
        """Share of clean sentences with any blocking or warning finding."""
        return self.clean_false_alarms / self.clean_cases if self.clean_cases else 0.0

    def summary(self) -> dict[str, object]:
        """Plain numbers for printing or JSON."""
        return {
            "cases": self.cases,
            "clean_cases": self.clean_cases,
            "clean_false_alarm_rate": round(self.clean_false_alarm_rate, 4),
            "per_category": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "tp": v.tp,
                    "fp": v.fp,
                    "fn": v.fn,
                }
                for k, v in sorted(self.per_category.items())
            },
        }


def load_gate_cases(path: Path) -> list[GateCase]:
    """Cases from an eval YAML file (`cases:` list)."""
    raw = yaml.safe_load(path.read_text("utf-8")) or {}
    return [GateCase.model_validate(item) for item in raw.get("cases", [])]


def _fired(findings: Sequence[Finding]) -> set[str]:
    return {f.category for f in findings if f.severity in FIRING}


def evaluate_gate(gate: Gate, cases: Sequence[GateCase]) -> GateMetrics:
    """Run the gate on every case; score categories at case level and count clean-sentence false alarms."""
    scores: dict[str, CategoryScore] = {}
    misses: list[CaseMiss] = []
    clean = clean_alarms = 0
    for case in cases:
        found = _fired(gate.check(case.text, platform=case.platform).findings)
        expected = set(case.expect)
        for category in expected | found:
            score = scores.setdefault(category, CategoryScore())
            if category in expected and category in found:
                score.tp += 1
            elif category in expected:
                score.fn += 1
            else:
                score.fp += 1
        if not expected:
            clean += 1
            clean_alarms += bool(found)
        if found != expected:
            misses.append(
                CaseMiss(
                    text=case.text,
                    expected=sorted(expected),
                    found=sorted(found),
                    missing=sorted(expected - found),
                    extra=sorted(found - expected),
                )
            )
    return GateMetrics(
        cases=len(cases),
        clean_cases=clean,
        clean_false_alarms=clean_alarms,
        per_category=scores,
        misses=misses,
    )
