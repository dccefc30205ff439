"""Run the chosen suites on one backend, compare with thresholds and a baseline, and build the report."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from nmo.config import Settings
from nmo.errors import UserInputError
from nmo.evals.environment import EvalBackend, EvalEnvironment, ServiceFactory, open_environment
from nmo.evals.metrics import SuiteResult, SuiteUnavailable
from nmo.evals.suites import Suite, select_suites
from nmo.evals.thresholds import ThresholdCheck, Thresholds, compare

SuiteCallback = Callable[[SuiteResult], None]


class EvalReport(BaseModel):
    """One eval run: every suite's figures and every threshold's verdict."""

    backend: str
    started_at: datetime = Field(default_factory=datetime.now)
    duration_s: float = 0.0
    suites: list[SuiteResult] = Field(default_factory=list)
    checks: list[ThresholdCheck] = Field(default_factory=list)
    baseline: str | None = None

    @property
    def failed_checks(self) -> list[ThresholdCheck]:
        """Thresholds that failed."""
        return [c for c in self.checks if c.status == "fail"]

    @property
    def passed(self) -> bool:
        """True when no threshold failed and no suite crashed."""
        return not self.failed_checks and not any(s.status == "error" for s in self.suites)


def run_suite(suite: Suite, env: EvalEnvironment) -> SuiteResult:
    """Run one suite; a missing part skips it, a crash is reported as an error (never as a pass)."""
    started = time.perf_counter()
    try:
        result = suite.load()(env)
    except SuiteUnavailable as reason:
        result = SuiteResult(suite=suite.name, backend=env.backend, status="skipped", reason=str(reason))
    except UserInputError:
        raise
    except Exception as error:  # any other failure is the suite's error, shown in the report
        result = SuiteResult(suite=suite.name, backend=env.backend, status="error",
                             reason=f"{type(error).__name__}: {error}"[:500])
    return result.model_copy(update={"duration_s": round(time.perf_counter() - started, 2)})


def load_baseline(path: Path) -> dict[tuple[str, str], float]:
    """(suite, metric) → value from an earlier report.json."""
    try:
        report = EvalReport.model_validate(json.loads(path.read_text("utf-8")))
    except FileNotFoundError:
        raise UserInputError(f"Baseline {path} does not exist.", "Pass a report.json from an earlier run.") from None
    except (json.JSONDecodeError, ValidationError) as error:
        raise UserInputError(f"Baseline {path} is not an eval report: {str(error)[:200]}",
                             "Pass the report.json written by `nmo eval --report DIR`.") from None
    return {(s.suite, m.name): m.value for s in report.suites for m in s.metrics}


def run_eval(
    backend: EvalBackend,
    settings: Settings,
    thresholds: Thresholds,
    *,
    suites: Sequence[str] = (),
    baseline: Path | None = None,
    evals_dir: Path | None = None,
    repeats: int = 3,
    service_factory: ServiceFactory | None = None,
    on_suite: SuiteCallback | None = None,
) -> EvalReport:
    """Run the suites on one backend in a temporary data folder and compare with the thresholds."""
    chosen = select_suites(suites, backend)
    previous = load_baseline(baseline) if baseline else None
    started = time.perf_counter()
    report = EvalReport(backend=backend, baseline=str(baseline) if baseline else None)
    with tempfile.TemporaryDirectory(prefix="nmo-eval-") as work, open_environment(
        backend, settings, Path(work), evals_dir=evals_dir, repeats=repeats, service_factory=service_factory
    ) as env:
        for suite in chosen:
            result = run_suite(suite, env)
            report.suites.append(result)
            if on_suite is not None:
                on_suite(result)
    report.checks = compare(report.suites, thresholds, previous)
    report.duration_s = round(time.perf_counter() - started, 2)
    return report
