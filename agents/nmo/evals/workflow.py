"""Suites that drive the real graph through the service: gate invariants, robustness under faults, cost."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from nmo.errors import GateFailed, LLMError, NmoError
from nmo.evals.cases import CommandCase, ScriptedCase, WriterAnswer, load_cases
from nmo.evals.environment import SCRIPTED_TIMEOUT_S, EvalEnvironment
from nmo.evals.invariants import approved_without_override, drafts_without_check, unflagged_planted
from nmo.evals.metrics import Metric, SuiteResult, percentile, ratio
from nmo.evals.responder import answer_for, case_responder, fault_replies
from nmo.schemas import DraftBrief, DraftRecord, PlanRequest, ReviewDecision, text_hash
from nmo.scripted_server import ScriptedReply

if TYPE_CHECKING:
    from nmo.service import RunOutcome, WorkflowService

REVIEWER = "eval-reviewer"
OVERRIDE_NOTE = "eval: reviewer override recorded"
EndState = Literal["review", "done", "reported_error", "reported_again", "unclear"]
CLEAR_ENDS = ("review", "done", "reported_error", "reported_again")


class CaseRun(BaseModel):
    """How one scripted case ended, and the drafts it left behind."""

    case_id: str
    end: EndState
    detail: str = ""
    drafts: list[DraftRecord] = Field(default_factory=list)


def _request_id(prefix: str, case_id: str) -> str:
    """A stable request ID per case, so reports and registries line up across runs."""
    return f"{prefix}{text_hash(case_id)[:6]}"


def run_scripted_case(env: EvalEnvironment, service: WorkflowService, case: ScriptedCase, prefix: str) -> CaseRun:
    """Submit one draft request against the scripted endpoint; on a reported LLM error, resume once the
    endpoint recovers and check nothing was lost; then act as reviewer on every draft waiting for review."""
    from nmo.state import WorkflowRequest

    if env.server is None:
        raise RuntimeError("scripted cases need the scripted backend")
    env.server.replies = fault_replies(case.faults, env.settings.llm_timeout_s or SCRIPTED_TIMEOUT_S)
    env.server.responder = case_responder(case, env.settings.clock.today())
    request = WorkflowRequest(
        id=_request_id(prefix, case.id), kind="draft", requested_by=env.settings.requester,
        briefs=[DraftBrief(platform=case.platform, topic=case.topic)],
    )
    end: EndState
    try:
        outcome = service.submit(request)
        end, detail = ("review" if outcome.status == "pending_review" else "done"), ""
    except LLMError as error:
        summary = service.registry.get_request(request.id)
        if summary is None or summary.status != "failed" or not error.fix:
            return CaseRun(case_id=case.id, end="unclear",
                           detail=f"LLM error without a recorded failed request or fix: {error}")
        env.server.replies = []
        try:
            outcome = service.resume_request(request.id)
        except NmoError as again:
            still = service.registry.get_request(request.id)
            if still is None or still.status != "failed":
                return CaseRun(case_id=case.id, end="unclear", detail=f"resume failed without a record: {again}")
            detail = f"{type(error).__name__}, and again on resume: {type(again).__name__}: {again.problem}"
            return CaseRun(case_id=case.id, end="reported_again", detail=detail)
        except Exception as crash:  # a crash while resuming is exactly what this suite must count
            return CaseRun(case_id=case.id, end="unclear",
                           detail=f"reported '{error.problem}' but resuming crashed: {crash!r}")
        end, detail = "reported_error", f"{type(error).__name__}, resumed to {outcome.status}"
    except NmoError as error:
        return CaseRun(case_id=case.id, end="unclear", detail=f"{type(error).__name__}: {error}")
    except Exception as error:  # a crash is exactly what this suite must count
        return CaseRun(case_id=case.id, end="unclear", detail=f"crash: {type(error).__name__}: {error}")
    drafts = [review_as_eval_reviewer(service, d) if d.status == "pending_review" else d for d in outcome.drafts]
    return CaseRun(case_id=case.id, end=end, detail=detail, drafts=drafts)


def review_as_eval_reviewer(service: WorkflowService, record: DraftRecord) -> DraftRecord:
    """Approve as a reviewer would: without a note first, with an override note when the gate refuses."""
    try:
        return service.decide(record.draft_id, ReviewDecision(action="approve", by=REVIEWER))
    except GateFailed:
        return service.decide(record.draft_id, ReviewDecision(action="approve", by=REVIEWER, note=OVERRIDE_NOTE))


def gate_invariant_suite(env: EvalEnvironment) -> SuiteResult:
    """Drafts without a stored check, planted violations unflagged, approvals skipping a blocking finding."""
    cases = load_cases(env.cases_dir("gate_invariant"), ScriptedCase)
    service = env.service()
    runs = [run_scripted_case(env, service, case, "gi") for case in cases]
    planted = {case.id: case.planted for case in cases}
    records = [record for run in runs for record in run.drafts]
    failures: list[str] = []
    unchecked = drafts_without_check(records)
    failures += [f"{draft}: reached review without a stored check" for draft in unchecked]
    missed = 0
    reached = 0
    for run in runs:
        if run.end == "unclear":
            failures.append(f"{run.case_id}: run ended unclearly: {run.detail}")
        for record in run.drafts:
            reviewed = _reviewed_state(record)
            reached += sum(1 for p in planted[run.case_id] if p.text in reviewed.text)
            for violation in unflagged_planted(reviewed, planted[run.case_id]):
                missed += 1
                failures.append(f"{run.case_id}: planted {violation.category} '{violation.text}' reached "
                                f"review unflagged in {record.draft_id}")
    bad_approvals = approved_without_override(records)
    failures += [f"{draft}: approved with a blocking finding and no override note" for draft in bad_approvals]
    return SuiteResult(
        suite="gate_invariant", backend=env.backend, status="ok", cases=len(cases), failures=failures,
        metrics=[
            Metric(name="drafts_without_check", value=len(unchecked)),
            Metric(name="planted_unflagged", value=missed),
            Metric(name="approved_without_override", value=len(bad_approvals)),
            Metric(name="planted_reaching_review", value=reached, note="planted violations the gate had to catch"),
            Metric(name="unclear_runs", value=sum(1 for run in runs if run.end == "unclear")),
        ],
    )


def _reviewed_state(record: DraftRecord) -> DraftRecord:
    """The draft as the reviewer saw it: the last revision before any decision."""
    revisions = [r for r in record.revisions if r.backend != "human"]
    if not revisions:
        return record
    last = revisions[-1]
    return record.model_copy(update={"text": last.text, "check": last.check})


def robustness_suite(env: EvalEnvironment) -> SuiteResult:
    """Runs under injected 429/500, timeouts, malformed JSON and refusals that end in a clear state."""
    cases = load_cases(env.cases_dir("robustness"), ScriptedCase)
    service = env.service()
    runs = [run_scripted_case(env, service, case, "rb") for case in cases]
    expected = {case.id: case.expect for case in cases}
    failures = [f"{run.case_id}: {run.detail}" for run in runs if run.end == "unclear"]
    unexpected = 0
    for run in runs:
        want = expected[run.case_id]
        got = run.end if run.end in ("reported_error", "reported_again") else "review"
        if run.end == "reported_again" or (run.end != "unclear" and want != "either" and want != got):
            unexpected += 1
            failures.append(f"{run.case_id}: expected {want}, got {run.end} ({run.detail})")
    records = [record for run in runs for record in run.drafts]
    clear = sum(1 for run in runs if run.end in CLEAR_ENDS)
    return SuiteResult(
        suite="robustness", backend=env.backend, status="ok", cases=len(cases), failures=failures,
        metrics=[
            Metric(name="clear_end_rate", value=ratio(clear, len(runs)), note="at review, or a reported error"),
            Metric(name="reported_and_resumed", value=sum(1 for run in runs if run.end == "reported_error")),
            Metric(name="drafts_without_check", value=len(drafts_without_check(records))),
            Metric(name="unexpected_outcomes", value=unexpected),
        ],
    )


def cost_suite(env: EvalEnvironment) -> SuiteResult:
    """LLM calls and tokens per run, and latency p50/p95 per command (plan, draft, adapt, review)."""
    from nmo.state import WorkflowRequest

    cases = [c for c in load_cases(env.cases_dir("cost"), CommandCase) if env.backend in c.backends]
    service = env.service()
    today = env.settings.clock.today()
    if env.server is not None:
        clean = WriterAnswer()
        env.server.replies = []
        env.server.responder = lambda body: ScriptedReply(content=answer_for(body, clean.values(), today))
    latencies: dict[str, list[float]] = defaultdict(list)
    calls: list[int] = []
    prompt: list[int] = []
    completion: list[int] = []
    failures: list[str] = []
    for index, case in enumerate(cases):
        request = WorkflowRequest(
            id=_request_id(f"ct{index:02d}", case.id), kind=case.command,
            requested_by=env.settings.requester, draft_first=case.draft_first if case.command == "plan" else 0,
            plan=PlanRequest(brief=case.topic, platforms=case.platforms,
                             start=today + timedelta(days=case.start_in_days), days=case.days)
            if case.command == "plan" else None,
            briefs=[] if case.command == "plan" else [
                DraftBrief(platform=p, topic=case.topic, source_text=case.source_text) for p in case.platforms
            ],
        )
        started = time.perf_counter()
        try:
            outcome: RunOutcome = service.submit(request)
        except NmoError as error:
            failures.append(f"{case.id}: {type(error).__name__}: {error}")
            continue
        latencies[case.command].append((time.perf_counter() - started) * 1000)
        for record in outcome.drafts if case.approve else []:
            if record.status != "pending_review":
                continue
            started = time.perf_counter()
            service.decide(record.draft_id, ReviewDecision(action="approve", by=REVIEWER, note="eval cost run"))
            latencies["review"].append((time.perf_counter() - started) * 1000)
        # A draft branch hands its usage to the request only when it finishes, so read it after approval.
        usage = service.sync(request.id).usage if case.approve else outcome.usage
        calls.append(len(usage))
        prompt.append(sum(c.prompt_tokens for c in usage))
        completion.append(sum(c.completion_tokens for c in usage))
    runs = len(calls)
    metrics = [
        Metric(name="runs", value=runs),
        Metric(name="llm_calls_per_run", value=round(sum(calls) / runs, 2) if runs else 0.0),
        Metric(name="prompt_tokens_per_run", value=round(sum(prompt) / runs, 1) if runs else 0.0),
        Metric(name="completion_tokens_per_run", value=round(sum(completion) / runs, 1) if runs else 0.0),
        Metric(name="failed_runs", value=len(failures)),
    ]
    for command in sorted(latencies):
        values = latencies[command]
        metrics.append(Metric(name=f"latency_p50_ms.{command}", value=round(percentile(values, 50), 1), unit="ms"))
        metrics.append(Metric(name=f"latency_p95_ms.{command}", value=round(percentile(values, 95), 1), unit="ms"))
    return SuiteResult(suite="cost", backend=env.backend, status="ok", cases=len(cases), metrics=metrics,
                       failures=failures)
