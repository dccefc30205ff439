"""The suite registry: each suite's name, what it measures, the backends it runs on, and its function
(imported only when the suite runs, so a part that is not installed skips just its own suite)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nmo.errors import UserInputError
from nmo.evals.environment import EvalEnvironment
from nmo.evals.metrics import SuiteResult


@dataclass(frozen=True)
class Suite:
    """One suite: its name, a line on what it measures, its backends and `module:function`."""

    name: str
    description: str
    backends: tuple[str, ...]
    target: str

    def load(self) -> Callable[[EvalEnvironment], SuiteResult]:
        """The suite function."""
        module, function = self.target.split(":")
        loaded: Callable[[EvalEnvironment], SuiteResult] = getattr(importlib.import_module(module), function)
        return loaded


SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite("retrieval", "knowledge base recall@5 and MRR", ("offline",), "nmo.evals.external:retrieval_suite"),
        Suite("gate", "gate precision/recall per category, clean false-alarm rate", ("offline",),
              "nmo.evals.external:gate_suite"),
        Suite("csc", "typo checks on the public CSC benchmarks (../shared/benchmarks/csc)", ("offline",),
              "nmo.evals.external:csc_suite"),
        Suite("profile", "brand profile extraction precision/recall per field on the test brands' keys "
              "(scripted: recorded model answers, alone and merged)", ("offline", "scripted"),
              "nmo.evals.external:profile_suite"),
        Suite("brand_gate", "each test brand's gate from its own folder: planted problems found, clean text passes",
              ("offline",), "nmo.evals.external:brand_gate_suite"),
        Suite("golden", "reviewer-approved texts gain no new blocking findings", ("offline",),
              "nmo.evals.golden:golden_suite"),
        Suite("planwrite", "platform limits, citations, invented numbers, node coverage, repetition",
              ("offline", "live"), "nmo.evals.external:planwrite_suite"),
        Suite("plans", "plans on every brand: distinct topics, pillars used, brief constraints kept, placeholders",
              ("offline",), "nmo.evals.plans:plans_suite"),
        Suite("drafts", "drafts of a plan on every brand: validity on the date, no repeats or borrowed "
              "self-references, adapt keeps the source's facts", ("offline",), "nmo.evals.drafts:drafts_suite"),
        Suite("notes", "reviewer notes applied offline on every brand: correct, honest logs, refusals reported",
              ("offline",), "nmo.evals.notes:notes_suite"),
        Suite("analyst", "KPIs and p-values against known answers", ("offline",),
              "nmo.evals.external:analyst_suite"),
        Suite("gate_invariant", "no unchecked draft in review, planted violations flagged, no silent override",
              ("scripted",), "nmo.evals.workflow:gate_invariant_suite"),
        Suite("robustness", "429/500, timeouts, malformed JSON, refusals end in a clear state", ("scripted",),
              "nmo.evals.workflow:robustness_suite"),
        Suite("cost", "LLM calls, tokens per run, latency p50/p95 per command", ("offline", "scripted", "live"),
              "nmo.evals.workflow:cost_suite"),
        Suite("judge", "LLM-judged tone, groundedness, plan usefulness, with judge agreement", ("live",),
              "nmo.evals.judge:judge_suite"),
    )
}


def select_suites(names: Sequence[str], backend: str) -> list[Suite]:
    """The named suites (all of the backend's when none is named); a name that is unknown or does not run
    on this backend is a usage error."""
    if not names:
        return [s for s in SUITES.values() if backend in s.backends]
    chosen: list[Suite] = []
    for name in names:
        suite = SUITES.get(name)
        if suite is None:
            raise UserInputError(f"Unknown suite '{name}'.", f"Choose from: {', '.join(SUITES)}.")
        if backend not in suite.backends:
            raise UserInputError(
                f"Suite '{name}' does not run on the {backend} backend.",
                f"Run it with --backend {suite.backends[0]}.",
            )
        chosen.append(suite)
    return chosen
