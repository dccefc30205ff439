"""Suites measured by other parts' own evaluators (knowledge, gate, planner/writer, analyst), imported lazily.

Each adapter calls the owner's evaluation function and reads its figures; the metric code stays with
its owner. When the owner's module or function is not installed, the suite is skipped with the reason.
"""

from __future__ import annotations

import importlib
from typing import Any

from agents.evals.environment import EvalEnvironment, project_root, shared_folder
from agents.evals.metrics import SuiteResult, SuiteUnavailable, flatten_metrics


def evaluator(module: str, name: str) -> Any:
    """The named evaluation function, or SuiteUnavailable saying what is missing."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            raise SuiteUnavailable(f"{module} is not installed in this checkout") from None
        raise
    function = getattr(loaded, name, None)
    if function is None:
        raise SuiteUnavailable(f"{module} has no {name}() yet")
    return function


def _cases_dir(env: EvalEnvironment, suite: str) -> Any:
    folder = env.evals_dir / suite
    if not folder.is_dir():
        raise SuiteUnavailable(f"no cases: {folder} does not exist")
    return folder


def _result(suite: str, env: EvalEnvironment, measured: Any, cases: int = 0) -> SuiteResult:
    metrics = flatten_metrics(measured)
    if not metrics:
        raise RuntimeError(f"the {suite} evaluator returned no figures ({type(measured).__name__})")
    count = int(getattr(measured, "cases", 0) or cases)
    return SuiteResult(suite=suite, backend=env.backend, status="ok", metrics=metrics, cases=count)


def retrieval_suite(env: EvalEnvironment) -> SuiteResult:
    """Recall@5 and MRR of the knowledge base on evals/retrieval/."""
    evaluate = evaluator("agents.knowledge", "evaluate_retrieval")
    folder = _cases_dir(env, "retrieval")
    env.ensure_knowledge()
    from agents.knowledge import open_knowledge_base

    return _result("retrieval", env, evaluate(open_knowledge_base(env.settings), folder))


def gate_suite(env: EvalEnvironment) -> SuiteResult:
    """Per-category precision and recall and the clean-text false-alarm rate on evals/gate/."""
    evaluate = evaluator("agents.checks", "evaluate_gate")
    folder = _cases_dir(env, "gate")
    from agents.checks import build_gate

    return _result("gate", env, evaluate(build_gate(env.settings), folder))


def csc_suite(env: EvalEnvironment) -> SuiteResult:
    """The gate's typo checks on the public CSC benchmarks in ../shared/benchmarks/csc/."""
    folder = shared_folder(project_root()) / "benchmarks" / "csc"
    if not folder.is_dir():
        raise SuiteUnavailable(f"the public CSC benchmarks are absent ({folder} does not exist)")
    evaluate = evaluator("agents.checks", "evaluate_csc")
    return _result("csc", env, evaluate(folder))


def planwrite_suite(env: EvalEnvironment) -> SuiteResult:
    """Platform limits, citation validity, numbers absent from the KB, node coverage, repetition."""
    evaluate = evaluator("agents.planner", "evaluate_planwrite")
    folder = _cases_dir(env, "planwrite")
    env.ensure_knowledge()
    return _result("planwrite", env, evaluate(env.settings, folder))


def analyst_suite(env: EvalEnvironment) -> SuiteResult:
    """KPIs and p-values against known answers on evals/analyst/."""
    evaluate = evaluator("agents.analyst", "evaluate_analyst")
    return _result("analyst", env, evaluate(_cases_dir(env, "analyst")))
