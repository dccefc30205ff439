"""The `notes` suite: labelled reviewer notes applied offline to stored drafts of every brand.

Each brand has stored drafts (evals/notes/drafts/<brand>.yaml, written by the offline writer; plus any
hand-written ones in its cases file) and labelled cases (evals/notes/<brand>.cases.yaml): a draft, a note
and the outcome a reviewer would check. The suite revises each draft with its brand's own knowledge base
and reports: supported notes applied correctly, change-log entries that claim a change the text does not
show, and unsupported notes reported as not applied.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nmo.composer.notes_offline import NoteOutcome
from nmo.composer.notes_verify import Claim, holds
from nmo.evals.environment import EvalEnvironment
from nmo.evals.metrics import Metric, SuiteResult, SuiteUnavailable, ratio
from nmo.schemas import DraftContent


class Expectation(BaseModel):
    """What a reviewer checks after the revision; every field set must hold."""

    model_config = ConfigDict(extra="forbid")

    supported: bool = Field(default=True, description="False: the offline writer must report it as not applied.")
    refused: list[str] = Field(default_factory=list,
                               description="Parts of a supported note that must be reported as not applied.")
    title_equals: str | None = None
    title_max: int | None = None
    no_price: bool | None = None
    contains: list[str] = Field(default_factory=list)
    not_contains: list[str] = Field(default_factory=list)
    ends_with_question: bool | None = None
    exclamations_max: int | None = None
    emoji_max: int | None = None
    main_max: int | None = None
    main_min: int | None = None
    starts_with: str | None = None
    ends_with: str | None = None
    unchanged: bool = Field(default=False, description="The text must stay exactly as it was.")

    def claims(self) -> list[Claim]:
        """The expectation as checkable claims."""
        out: list[Claim] = []
        if self.title_equals is not None:
            out.append(Claim(check="title_equals", text=self.title_equals))
        if self.title_max is not None:
            out.append(Claim(check="title_max", number=self.title_max))
        if self.no_price:
            out.append(Claim(check="no_price"))
        out += [Claim(check="contains", text=t) for t in self.contains]
        out += [Claim(check="not_contains", text=t) for t in self.not_contains]
        if self.ends_with_question:
            out.append(Claim(check="ends_with_question"))
        for check, number in (("exclamations_max", self.exclamations_max), ("emoji_max", self.emoji_max),
                              ("main_max", self.main_max), ("main_min", self.main_min)):
            if number is not None:
                out.append(Claim(check=check, number=number))  # type: ignore[arg-type]
        if self.starts_with is not None:
            out.append(Claim(check="starts_with", text=self.starts_with))
        if self.ends_with is not None:
            out.append(Claim(check="ends_with", text=self.ends_with))
        return out


class StoredDraft(BaseModel):
    """A draft to revise: its platform, topic and content."""

    model_config = ConfigDict(extra="forbid")

    id: str
    platform: str
    topic: str
    content: DraftContent


class NoteCase(BaseModel):
    """One labelled (draft, note) pair."""

    model_config = ConfigDict(extra="forbid")

    draft: str
    note: str = Field(min_length=1)
    expect: Expectation


class BrandCases(BaseModel):
    """A brand's labelled cases, with any hand-written drafts they use."""

    model_config = ConfigDict(extra="forbid")

    brand: str
    drafts: list[StoredDraft] = Field(default_factory=list)
    cases: list[NoteCase]


class CaseResult(BaseModel):
    """What one case showed."""

    brand: str
    draft: str
    note: str
    supported: bool
    correct: bool
    false_claims: int
    refusals_expected: int
    refusals_reported: int
    problems: list[str] = Field(default_factory=list)


class NotesReport(BaseModel):
    """The suite's figures over every brand."""

    results: list[CaseResult]

    @property
    def supported(self) -> list[CaseResult]:
        """Cases whose note the offline writer should apply."""
        return [r for r in self.results if r.supported]



def load_brand_cases(folder: Path, brand: str) -> tuple[BrandCases, dict[str, StoredDraft]]:
    """A brand's cases and every draft they may name (stored and hand-written); a dangling name is an error."""
    cases = BrandCases.model_validate(yaml.safe_load((folder / f"{brand}.cases.yaml").read_text("utf-8")))
    stored = yaml.safe_load((folder / "drafts" / f"{brand}.yaml").read_text("utf-8"))
    drafts = {d.id: d for d in [*(StoredDraft.model_validate(x) for x in stored["drafts"]), *cases.drafts]}
    missing = sorted({c.draft for c in cases.cases} - set(drafts))
    if missing:
        raise ValueError(f"{brand}.cases.yaml names drafts that do not exist: {', '.join(missing)}")
    return cases, drafts


def judge_case(
    brand: str, case: NoteCase, before: DraftContent, after: DraftContent, outcomes: list[NoteOutcome]
) -> CaseResult:
    """Score one revision against its label and the outcomes the writer reported."""
    applied = [o for o in outcomes if o.applied]
    refused = [o for o in outcomes if not o.applied]
    failed = [c for c in case.expect.claims() if not holds(c, after)]
    problems = [f"expected {c.check} {c.text or c.number or ''}".strip() + " does not hold" for c in failed]
    # An entry claims an unmade change when its own claim fails on the final text, or when the label says
    # the note could not be applied offline (or was not met) and the log still says it was.
    false_claims = sum(1 for o in applied if any(not holds(c, after) for c in o.claims))
    if applied and (failed or not case.expect.supported):
        false_claims = max(false_claims, len(applied))
    unchanged = before.model_dump(exclude={"changes"}) == after.model_dump(exclude={"changes"})
    if case.expect.unchanged and not unchanged:
        problems.append("the draft changed")
    expected_refusals = case.expect.refused if case.expect.supported else [case.note]
    reported = [part for part in expected_refusals
                if any(part in o.source or o.source in part for o in refused)]
    unexpected = [o for o in refused if not any(part in o.source or o.source in part for part in expected_refusals)]
    problems += [f"not reported as not applied: 「{p}」" for p in expected_refusals if p not in reported]
    problems += [f"reported as not applied: {o.log_line()}" for o in unexpected]
    if case.expect.supported:
        correct = not failed and not unexpected and bool(applied) and len(reported) == len(expected_refusals)
        correct = correct and (unchanged or not case.expect.unchanged)
    else:
        correct = bool(refused) and not applied and unchanged and not failed
        if not unchanged:
            problems.append("the draft changed for a note that was not applied")
    return CaseResult(brand=brand, draft=case.draft, note=case.note, supported=case.expect.supported,
                      correct=correct, false_claims=false_claims, refusals_expected=len(expected_refusals),
                      refusals_reported=len(reported) if case.expect.supported or correct else 0,
                      problems=problems)


def brand_folder(env_knowledge: Path, evals_dir: Path, brand: str) -> Path:
    """The folder a brand's knowledge lives in: the configured one for the sample, evals/brands/<brand> else."""
    return env_knowledge if brand == "knowledge" else evals_dir / "brands" / brand


def evaluate_notes(cases_dir: Path, evals_dir: Path, settings: object) -> NotesReport:
    """Revise every labelled draft offline with its brand's own knowledge base and score the outcomes."""
    from nmo.composer.brand import load_brand_profile
    from nmo.composer.revise import revise
    from nmo.config import Settings
    from nmo.knowledge import open_knowledge_base
    from nmo.render import render_draft
    from nmo.schemas import RevisionRequest

    assert isinstance(settings, Settings)
    results: list[CaseResult] = []
    for path in sorted(cases_dir.glob("*.cases.yaml")):
        brand = path.name.removesuffix(".cases.yaml")
        cases, drafts = load_brand_cases(cases_dir, brand)
        brand_settings = settings.model_copy(update={"collection": f"eval-notes-{brand}"})
        kb = open_knowledge_base(brand_settings)
        kb.ingest([brand_folder(settings.knowledge_dir, evals_dir, brand)])
        profile = load_brand_profile(kb)
        products = [*profile.products, *profile.product_short_names()]
        for case in cases.cases:
            draft = drafts[case.draft]
            request = RevisionRequest(previous=draft.content, previous_text=render_draft(draft.content, draft.platform),
                                      note=case.note, round=1)
            revised = revise(request, draft.platform, kb, k=settings.retrieval_k, topic=draft.topic,
                             products=products)
            results.append(judge_case(brand, case, draft.content, revised.content, revised.outcomes))
    return NotesReport(results=results)


def notes_suite(env: EvalEnvironment) -> SuiteResult:
    """Reviewer notes on the sample and every test brand: applied correctly, honest logs, refusals reported."""
    folder = env.evals_dir / "notes"
    if not folder.is_dir():
        raise SuiteUnavailable(f"no cases: {folder} does not exist")
    report = evaluate_notes(folder, env.evals_dir, env.settings)
    supported = report.supported
    expected = sum(r.refusals_expected for r in report.results)
    metrics = [
        Metric(name="applied_correctly", value=ratio(sum(r.correct for r in supported), len(supported)),
               note=f"{len(supported)} supported notes"),
        Metric(name="false_claims", value=sum(r.false_claims for r in report.results),
               note="change-log entries claiming a change the text does not show"),
        Metric(name="unsupported_reported", value=ratio(sum(r.refusals_reported for r in report.results), expected),
               note=f"{expected} notes or parts of notes the offline writer cannot apply"),
    ]
    for brand in sorted({r.brand for r in report.results}):
        mine = [r for r in supported if r.brand == brand]
        metrics.append(Metric(name=f"{brand}.applied_correctly",
                              value=ratio(sum(r.correct for r in mine), len(mine))))
    failures = [f"{r.brand} {r.draft} 「{r.note}」: {'; '.join(r.problems)}" for r in report.results
                if not r.correct or r.false_claims]
    return SuiteResult(suite="notes", backend=env.backend, status="ok", metrics=metrics,
                       cases=len(report.results), failures=failures)
