"""LLM-judged metrics on the live backend: tone against the brand guide, groundedness of each claim, plan
usefulness; each judge reasons before scoring, runs N times and is averaged, and its agreement with human
labels is measured on a small labelled set."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from statistics import mean
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from nmo.errors import NmoError
from nmo.evals.cases import JudgeDraftCase, JudgeName, LabelledJudgeCase, load_cases
from nmo.evals.environment import EvalEnvironment
from nmo.evals.metrics import Metric, SuiteResult, ratio
from nmo.ports import Message, StructuredLLM
from nmo.prompts import PromptLibrary
from nmo.schemas import DraftBrief, Plan, PlanRequest

if TYPE_CHECKING:
    from nmo.service import WorkflowService


class JudgeVerdict(BaseModel):
    """A judge's answer: the reasoning comes first so the score follows from it."""

    reasoning: str = Field(min_length=1, description="The reasoning, written before the score.")
    score: int = Field(ge=1, le=5)


class ClaimVerdict(BaseModel):
    """One factual claim of a draft and whether a passage supports it."""

    claim: str
    reasoning: str
    supported: bool
    passage_id: str | None = None


class GroundednessVerdict(BaseModel):
    """Per-claim verdicts, then the overall reasoning and score."""

    claims: list[ClaimVerdict] = Field(default_factory=list)
    reasoning: str = Field(min_length=1)
    score: int = Field(ge=1, le=5)


class JudgeScores(BaseModel):
    """A judge's scores over N repeats: the mean score and, for groundedness, the supported-claim rate."""

    score: float
    supported_rate: float | None = None
    reasoning: str = ""


class Judges:
    """Runs the judge prompts from prompts/evals/ on one judge LLM."""

    def __init__(self, llm: StructuredLLM, prompts: PromptLibrary, brand_guide: str, repeats: int) -> None:
        self.llm = llm
        self.prompts = prompts
        self.brand_guide = brand_guide
        self.repeats = max(1, repeats)

    def tone(self, text: str, platform: str) -> JudgeScores:
        """Tone against the brand guide and the platform's habits."""
        from nmo.platforms import get_platform

        spec = get_platform(platform)
        messages = self.prompts.get("evals", "tone").render(
            brand_guide=self.brand_guide, platform=spec.name, platform_tone=spec.tone, text=text
        )
        return self._repeat(messages)

    def groundedness(self, text: str, passages: Sequence[str]) -> JudgeScores:
        """Each factual claim checked against the passages the draft rests on."""
        messages = self.prompts.get("evals", "groundedness").render(passages="\n\n".join(passages), text=text)
        verdicts = [self.llm.generate(messages, GroundednessVerdict).value for _ in range(self.repeats)]
        rates = [ratio(sum(c.supported for c in v.claims), len(v.claims)) for v in verdicts]
        return JudgeScores(score=round(mean(v.score for v in verdicts), 3), supported_rate=round(mean(rates), 4),
                           reasoning=verdicts[0].reasoning)

    def plan_usefulness(self, brief: str, plan: str) -> JudgeScores:
        """How directly an operator could act on the plan."""
        return self._repeat(self.prompts.get("evals", "plan_usefulness").render(brief=brief, plan=plan))

    def judge(self, name: JudgeName, case: LabelledJudgeCase) -> JudgeScores:
        """Run one judge on a labelled case."""
        if name == "tone":
            return self.tone(case.text, case.platform)
        if name == "groundedness":
            return self.groundedness(case.text, case.passages)
        return self.plan_usefulness(case.brief, case.text)

    def _repeat(self, messages: list[Message]) -> JudgeScores:
        verdicts = [self.llm.generate(messages, JudgeVerdict).value for _ in range(self.repeats)]
        return JudgeScores(score=round(mean(v.score for v in verdicts), 3), reasoning=verdicts[0].reasoning)


def agreement(pairs: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(share of judge means within 1 point of the human score, mean absolute error)."""
    if not pairs:
        return 0.0, 0.0
    within = sum(1 for judged, human in pairs if abs(judged - human) <= 1.0)
    return ratio(within, len(pairs)), round(mean(abs(judged - human) for judged, human in pairs), 3)


def plan_as_text(plan: Plan) -> str:
    """A plan as one line per item, for the judge."""
    return "\n".join(
        f"{i.date} {i.slot} {i.platform} [{i.pillar}] {i.topic} — {i.angle} ({i.format}); 理由：{i.reason}"
        + (f"；节点：{i.node}" if i.node else "")
        for i in plan.items
    )


def build_judges(env: EvalEnvironment) -> Judges:
    """Judges on the proofreader role's endpoint (NMO_PROOFREADER__MODEL picks the judge model)."""
    from nmo.llm import OpenAIStructuredLLM

    guide = env.settings.knowledge_dir / "brand" / "tone.md"
    return Judges(
        OpenAIStructuredLLM(env.settings.llm_target("proofreader"), "judge"),
        PromptLibrary.load(env.settings.prompts_dir),
        guide.read_text("utf-8") if guide.exists() else "",
        env.repeats,
    )


def judge_suite(env: EvalEnvironment, judges: Judges | None = None) -> SuiteResult:
    """Draft (and plan) the judge cases on the live endpoint, judge them, and report agreement beside."""
    judges = judges or build_judges(env)
    drafts = load_cases(env.cases_dir("judge"), JudgeDraftCase)
    labelled = load_cases(env.cases_dir("judge_labelled"), LabelledJudgeCase)
    service = env.service()
    tone: list[float] = []
    grounded: list[float] = []
    supported: list[float] = []
    useful: list[float] = []
    failures: list[str] = []
    for index, case in enumerate(drafts):
        try:
            _judge_case(env, service, judges, case, index, scores=(tone, grounded, supported, useful))
        except NmoError as error:  # one failing live call must not hide the other cases' scores
            failures.append(f"{case.id}: {type(error).__name__}: {error.problem}")
    metrics = [
        Metric(name="tone.score", value=_mean(tone), note=f"1–5, mean of {judges.repeats} judge runs"),
        Metric(name="groundedness.score", value=_mean(grounded)),
        Metric(name="groundedness.supported_claims", value=_mean(supported)),
        Metric(name="plan_usefulness.score", value=_mean(useful)),
    ]
    for name in ("tone", "groundedness", "plan_usefulness"):
        pairs = [(judges.judge(name, c).score, c.human_score) for c in labelled if c.judge == name]
        within, mae = agreement(pairs)
        metrics += [Metric(name=f"{name}.agreement", value=within, note=f"{len(pairs)} labelled, within 1 point"),
                    Metric(name=f"{name}.mae", value=mae)]
    metrics.append(Metric(name="failed_cases", value=len(failures)))
    return SuiteResult(suite="judge", backend=env.backend, status="ok", cases=len(drafts) + len(labelled),
                       metrics=metrics, failures=failures)


def _judge_case(
    env: EvalEnvironment, service: WorkflowService, judges: Judges, case: JudgeDraftCase, index: int,
    scores: tuple[list[float], list[float], list[float], list[float]],
) -> None:
    """Draft (and plan) one case on the endpoint and append its judged scores."""
    from nmo.state import WorkflowRequest

    tone, grounded, supported, useful = scores
    request = WorkflowRequest(id=f"jd{index:04d}", kind="draft", requested_by=env.settings.requester,
                              briefs=[DraftBrief(platform=case.platform, topic=case.topic)])
    for record in service.submit(request).drafts:
        tone.append(judges.tone(record.text, record.platform).score)
        verdict = judges.groundedness(record.text, [f"[{p.id}] {p.text}" for p in record.passages])
        grounded.append(verdict.score)
        supported.append(verdict.supported_rate or 0.0)
    if case.plan_brief:
        plan_request = WorkflowRequest(
            id=f"jp{index:04d}", kind="plan", requested_by=env.settings.requester,
            plan=PlanRequest(brief=case.plan_brief, platforms=[case.platform],
                             start=env.settings.clock.today() + timedelta(days=1), days=7),
        )
        plan = service.submit(plan_request).plan
        if plan is not None:
            useful.append(judges.plan_usefulness(case.plan_brief, plan_as_text(plan)).score)


def _mean(values: Sequence[float]) -> float:
    return round(mean(values), 3) if values else 0.0

