"""The plans eval: on the sample brand and every test brand, offline plans on a pinned clock are measured for
distinct topics, pillar coverage, kept brief constraints (hand-labelled briefs), placeholders and citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nmo.clock import Clock
from nmo.composer.brief import (
    Avoid,
    BriefConstraints,
    ProductName,
    brief_vocabulary,
    check_plan,
    is_placeholder,
    read_brief,
)
from nmo.evals.environment import EvalEnvironment
from nmo.evals.metrics import Metric, SuiteResult, SuiteUnavailable
from nmo.ports import KnowledgeBase
from nmo.schemas import Plan, PlanRequest


class BriefLabels(BaseModel):
    """What a brief asks, written by hand: the checkable constraints a plan for it must keep."""

    avoid_price: bool = False
    avoid_competitor: bool = False
    avoid_terms: list[str] = Field(default_factory=list)
    focus: list[str] = Field(default_factory=list, description="Product names as in the brand's answer key.")
    audience: str = ""


class LabelledBrief(BaseModel):
    """One brief of the labelled set, for one brand."""

    id: str
    brand: str
    brief: str
    expect: BriefLabels


class PlansCases(BaseModel):
    """The labelled set: the pinned day, the plan window and platforms, and the briefs."""

    today: date
    start: date
    days: int = 14
    platforms: list[str]
    coverage_brief: dict[str, str]
    briefs: list[LabelledBrief]


class KeyEntry(BaseModel):
    """A named entry of an answer key (pillar, product, competitor): its name and aliases; the rest unread."""

    model_config = ConfigDict(extra="ignore")

    name: str
    aliases: list[str] = Field(default_factory=list)


class AnswerKey(BaseModel):
    """The parts of a brand's hand-written answer key this eval reads."""

    model_config = ConfigDict(extra="ignore")

    brand: str = ""
    pillars: list[KeyEntry] = Field(default_factory=list)
    products: list[KeyEntry] = Field(default_factory=list)
    competitors: list[KeyEntry] | None = None

    def product(self, name: str) -> ProductName:
        """A product of the key by its name, with its aliases."""
        entry = next((p for p in self.products if p.name == name), None)
        if entry is None:
            raise ValueError(f"product {name!r} is not in the answer key")
        return ProductName(name=name, aliases=entry.aliases)

    def pillar_names(self) -> list[str]:
        """The brand's pillars."""
        return [p.name for p in self.pillars]

    def competitor_names(self) -> list[str]:
        """Competitors and their aliases."""
        return [n for c in self.competitors or [] for n in (c.name, *c.aliases)]

    def names(self) -> list[str]:
        """Every name a placeholder topic could be built around: brand, products and aliases, pillars."""
        return [self.brand, *[n for p in self.products for n in (p.name, *p.aliases)], *self.pillar_names()]


def labelled_constraints(labels: BriefLabels, key: AnswerKey) -> BriefConstraints:
    """The constraints a plan is held to, built from the hand labels (never from nmo's own reading)."""
    avoid: list[Avoid] = []
    if labels.avoid_price:
        avoid.append(Avoid(kind="price", said="不谈价格"))
    if labels.avoid_competitor:
        avoid.append(Avoid(kind="competitor", said="不提竞品"))
    if labels.avoid_terms:
        avoid.append(Avoid(kind="term", words=labels.avoid_terms, said="不提" + "、".join(labels.avoid_terms)))
    return BriefConstraints(avoid=avoid, focus=[key.product(n) for n in labels.focus], audience=labels.audience)


def _reading_matches(read: BriefConstraints, labels: BriefLabels) -> bool:
    """Whether nmo read the brief as the hand labels say (kinds avoided, focus products, audience)."""
    terms = {w for a in read.avoid if a.kind == "term" for w in a.words}
    return (
        read.avoids("price") == labels.avoid_price
        and read.avoids("competitor") == labels.avoid_competitor
        and set(labels.avoid_terms) <= terms
        and {p.name for p in read.focus} == set(labels.focus)
        and read.audience == labels.audience
    )


@dataclass
class BrandFigures:
    """Counts for one brand; rates are derived."""

    items: int = 0
    distinct: int = 0
    placeholders: list[str] = field(default_factory=list)
    citations: int = 0
    resolved: int = 0
    pillars_used: int = 0
    briefs: int = 0
    kept: int = 0
    read_right: int = 0
    failures: list[str] = field(default_factory=list)

    def add_plan(self, plan: Plan, kb: KnowledgeBase, names: list[str]) -> None:
        """Count one plan's items, distinct topics, placeholders and citations."""
        topics = [i.topic for i in plan.items]
        self.items += len(topics)
        self.distinct += len(set(topics))
        nodes = [n.name for n in plan.nodes]
        for item in plan.items:
            if is_placeholder(item.topic, names + nodes):
                self.placeholders.append(item.topic)
            self.citations += len(item.citations)
            self.resolved += sum(1 for c in item.citations if kb.get(c) is not None)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def _brand_folder(env: EvalEnvironment, brand: str) -> Path:
    return env.settings.knowledge_dir if brand == "knowledge" else env.evals_dir / "brands" / brand


def evaluate_brand(env: EvalEnvironment, brand: str, cases: PlansCases) -> BrandFigures:
    """Ingest one brand into its own collection and measure its coverage plan and its labelled briefs."""
    from nmo.knowledge import open_knowledge_base
    from nmo.planner import KnowledgePlanner
    from nmo.prompts import PromptLibrary

    key_path = env.evals_dir / "brands" / f"{brand}.answer.yaml"
    key = AnswerKey.model_validate(yaml.safe_load(key_path.read_text("utf-8")))
    settings = env.settings.model_copy(update={"collection": f"eval-plans-{brand}"})
    kb = open_knowledge_base(settings)
    kb.ingest([_brand_folder(env, brand)])
    planner = KnowledgePlanner(kb, None, PromptLibrary.load(settings.prompts_dir), Clock(fixed=cases.today))
    figures = BrandFigures()

    def plan(brief: str, plan_id: str) -> Plan:
        request = PlanRequest(brief=brief, platforms=cases.platforms, start=cases.start, days=cases.days)
        return planner.plan(request, plan_id=plan_id)

    coverage = plan(cases.coverage_brief[brand], f"{brand}-coverage")
    figures.add_plan(coverage, kb, key.names())
    pillars = set(key.pillar_names())
    figures.pillars_used = len({i.pillar for i in coverage.items} & pillars)
    profile = planner.profile()
    vocabulary = brief_vocabulary(kb, profile.products, profile.brand_text)
    for case in (c for c in cases.briefs if c.brand == brand):
        result = plan(case.brief, case.id)
        figures.add_plan(result, kb, key.names())
        figures.briefs += 1
        broken = check_plan(result.items, labelled_constraints(case.expect, key), key.competitor_names())
        if broken:
            shown = "; ".join(f"{v.item} {v.detail}" for v in broken[:3])
            figures.failures.append(f"{case.id} 「{case.brief}」: {shown}")
        else:
            figures.kept += 1
        if _reading_matches(read_brief(case.brief, vocabulary), case.expect):
            figures.read_right += 1
        else:
            figures.failures.append(f"{case.id}: brief read as {read_brief(case.brief, vocabulary).summary()!r}")
    figures.failures += [f"{brand} placeholder topic: {t}" for t in figures.placeholders]
    if figures.pillars_used < 3:
        figures.failures.append(f"{brand}: only {figures.pillars_used} of the key's pillars in the 14-day plan")
    return figures


def load_plans_cases(path: Path) -> PlansCases:
    """The labelled set from evals/plans/briefs.yaml."""
    return PlansCases.model_validate(yaml.safe_load(path.read_text("utf-8")))


def plans_suite(env: EvalEnvironment) -> SuiteResult:
    """Plans on the sample brand and each test brand: distinct topics, pillars used, brief constraints kept,
    placeholder topics and resolving citations, per brand and overall."""
    path = env.evals_dir / "plans" / "briefs.yaml"
    if not path.exists():
        raise SuiteUnavailable(f"no cases: {path} does not exist")
    cases = load_plans_cases(path)
    metrics: list[Metric] = []
    failures: list[str] = []
    total = BrandFigures()
    least_pillars = 99
    for brand in sorted(cases.coverage_brief):
        figures = evaluate_brand(env, brand, cases)
        metrics += [
            Metric(name=f"{brand}.distinct_topics", value=_rate(figures.distinct, figures.items)),
            Metric(name=f"{brand}.pillars_used", value=figures.pillars_used),
            Metric(name=f"{brand}.constraints_kept", value=_rate(figures.kept, figures.briefs)),
            Metric(name=f"{brand}.placeholder_topics", value=len(figures.placeholders)),
            Metric(name=f"{brand}.citations_resolved", value=_rate(figures.resolved, figures.citations)),
        ]
        failures += figures.failures
        least_pillars = min(least_pillars, figures.pillars_used)
        for name in ("items", "distinct", "citations", "resolved", "briefs", "kept", "read_right"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
        total.placeholders += figures.placeholders
    metrics += [
        Metric(name="distinct_topics", value=_rate(total.distinct, total.items)),
        Metric(name="min_pillars_used", value=least_pillars, note="of the answer key's pillars, 14-day plan"),
        Metric(name="constraints_kept", value=_rate(total.kept, total.briefs), note=f"{total.briefs} labelled briefs"),
        Metric(name="briefs_read_as_labelled", value=_rate(total.read_right, total.briefs)),
        Metric(name="placeholder_topics", value=len(total.placeholders)),
        Metric(name="citations_resolved", value=_rate(total.resolved, total.citations)),
    ]
    return SuiteResult(suite="plans", backend=env.backend, status="ok", metrics=metrics, cases=total.briefs,
                       failures=failures)
