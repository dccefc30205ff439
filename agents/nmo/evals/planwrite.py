"""The plan and draft eval: limits, citations, invented numbers, node coverage and topic repeats, per platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from nmo.calendar import fitting_nodes, marketing_nodes
from nmo.clock import Clock
from nmo.composer.brand import load_brand_profile
from nmo.composer.scripted_llm import ScriptedLLM
from nmo.composer.sentences import factual_numbers, numbers_in
from nmo.composer.similarity import LEXICAL_THRESHOLD, TopicMatcher, knowledge_embedder
from nmo.planner import KnowledgePlanner, brief_from_plan_item
from nmo.platforms import get_platform
from nmo.ports import Gate, KnowledgeBase, StructuredLLM
from nmo.prompts import PromptLibrary
from nmo.render import CITATION_MARKER
from nmo.schemas import DraftBrief, DraftContent, Goal, Plan, PlanRequest, RevisionRequest, WrittenDraft
from nmo.writer import KnowledgeWriter

EvalBackend = Literal["offline", "llm"]


class PlanCase(BaseModel):
    """A plan request to evaluate."""

    id: str
    brief: str
    platforms: list[str]
    start: date
    days: int = 14
    posts_per_week: int = 3
    goal: Goal = "awareness"
    hot_topics: list[str] = Field(default_factory=list)
    backend: EvalBackend = "offline"


class DraftCase(BaseModel):
    """A draft request: a free topic, a plan item (plan case ID + item number), or a piece to adapt."""

    id: str
    platform: str
    topic: str = ""
    plan: str | None = None
    item: int = 1
    adapt: str | None = Field(default=None, description="Path of a knowledge file to rewrite natively.")
    variants: int = 0
    backend: EvalBackend = "offline"


class PlanwriteCases(BaseModel):
    """The eval set: the date it is evaluated as of, plan cases and draft cases."""

    today: date
    plans: list[PlanCase]
    drafts: list[DraftCase]


@dataclass
class PlatformFigures:
    """Counts for one platform; rates are derived."""

    requests: int = 0
    parts: int = 0
    parts_within_limits: int = 0
    citations: int = 0
    citations_resolved: int = 0
    unsupported_numbers: list[str] = field(default_factory=list)
    nodes_expected: int = 0
    nodes_covered: int = 0
    topics: int = 0
    max_similarity: float = 0.0
    gate_checked: int = 0
    gate_passed_first: int = 0
    gate_passed_after_revision: int = 0

    def summary(self) -> dict[str, float | int]:
        """Rates and counts for printing."""

        def rate(a: int, b: int) -> float:
            return round(a / b, 4) if b else 1.0

        return {
            "requests": self.requests,
            "limit_adherence": rate(self.parts_within_limits, self.parts),
            "citations_resolved": rate(self.citations_resolved, self.citations),
            "unsupported_numbers": len(self.unsupported_numbers),
            "node_coverage": rate(self.nodes_covered, self.nodes_expected),
            "max_topic_similarity": round(self.max_similarity, 3),
            "gate_pass_first": rate(self.gate_passed_first, self.gate_checked),
            "gate_pass_after_revision": rate(self.gate_passed_after_revision, self.gate_checked),
        }


@dataclass
class PlanwriteReport:
    """Figures per platform and overall, with the failures that explain them."""

    platforms: dict[str, PlatformFigures]
    failures: list[str]
    requests: int
    similarity_method: str = "lexical"
    similarity_threshold: float = LEXICAL_THRESHOLD

    def total(self) -> PlatformFigures:
        """All platforms summed (max similarity is the max)."""
        out = PlatformFigures()
        for figures in self.platforms.values():
            for name in (
                "requests",
                "parts",
                "parts_within_limits",
                "citations",
                "citations_resolved",
                "nodes_expected",
                "nodes_covered",
                "topics",
                "gate_checked",
                "gate_passed_first",
                "gate_passed_after_revision",
            ):
                setattr(out, name, getattr(out, name) + getattr(figures, name))
            out.unsupported_numbers += figures.unsupported_numbers
            out.max_similarity = max(out.max_similarity, figures.max_similarity)
        return out


def load_cases(cases_dir: Path) -> PlanwriteCases:
    """Read every *.yaml in the folder into one case set (today from the first file)."""
    files = sorted(cases_dir.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no *.yaml eval cases in {cases_dir}")
    merged: dict[str, object] = {"plans": [], "drafts": []}
    for path in files:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        merged.setdefault("today", data.get("today"))
        for key in ("plans", "drafts"):
            value = merged[key]
            assert isinstance(value, list)
            value.extend(data.get(key) or [])
    return PlanwriteCases.model_validate(merged)


def limit_checks(content: DraftContent, platform: str) -> list[tuple[str, bool]]:
    """(part, within its limit) for every limited part, hashtag rule and required part of a draft."""
    spec = get_platform(platform)
    checks: list[tuple[str, bool]] = []
    for part in ("title", "digest", "hook", "body", "cta"):
        limit = spec.limit(part)
        if limit is not None:
            checks.append((part, len(getattr(content, part)) <= limit))
    for variant in content.variants:
        checks.append(("variant.title", len(variant.title) <= (spec.limit("title") or 10**6)))
        checks.append(("variant.hook", len(variant.hook) <= (spec.limit("hook") or 10**6)))
    tag_max = spec.hashtag.max or spec.limit("hashtags") or 0
    checks.append(("hashtags", len(content.hashtags) <= tag_max))
    each = spec.limit("hashtag_each")
    if each is not None:
        checks.append(("hashtag_each", all(len(t) <= each for t in content.hashtags)))
    if spec.hashtag.style != "none" and "hashtags" not in spec.parts and spec.limit("body") is not None:
        rendered = sum(len(spec.format_hashtag(t)) + 1 for t in content.hashtags)
        checks.append(("body+hashtags", len(content.body) + rendered <= (spec.limit("body") or 0)))
    checks += [(f"requires.{part}", bool(getattr(content, part))) for part in spec.requires]
    return checks


def draft_texts(content: DraftContent) -> list[str]:
    """Every part of a draft a reader sees."""
    texts = [content.title, content.digest, content.hook, content.body, content.cta, *content.hashtags]
    for shot in content.shots:
        texts += [shot.visual, shot.voiceover, shot.onscreen]
    for variant in content.variants:
        texts += [variant.title, variant.hook]
    return texts


def _measure_draft(
    case: DraftCase,
    draft: WrittenDraft,
    kb: KnowledgeBase,
    kb_numbers: set[str],
    figures: PlatformFigures,
    failures: list[str],
) -> None:
    figures.requests += 1
    for part, ok in limit_checks(draft.content, case.platform):
        figures.parts += 1
        figures.parts_within_limits += ok
        if not ok:
            failures.append(f"{case.id}: {part} over the {case.platform} limit")
    retrieved = {p.id for p in draft.passages}
    markers = {int(n) for text in draft_texts(draft.content) for n in CITATION_MARKER.findall(text)}
    for number, passage_id in enumerate(draft.content.citations, start=1):
        figures.citations += 1
        ok = passage_id in retrieved and kb.get(passage_id) is not None and number in markers
        figures.citations_resolved += ok
        if not ok:
            failures.append(f"{case.id}: citation [^{number}] {passage_id} does not resolve to a retrieved passage")
    for number in markers - set(range(1, len(draft.content.citations) + 1)):
        figures.citations += 1
        failures.append(f"{case.id}: marker [^{number}] has no citation")
    for text in draft_texts(draft.content):
        for invented in sorted(factual_numbers(text) - kb_numbers):
            figures.unsupported_numbers.append(f"{case.id}:{invented}")
            failures.append(f"{case.id}: number {invented} is not in the knowledge base ({text[:40]})")


def _measure_plan(
    case: PlanCase,
    plan: Plan,
    kb: KnowledgeBase,
    brand_text: str,
    recent: list[tuple[date, str]],
    report: dict[str, PlatformFigures],
    failures: list[str],
    embedder: object | None,
) -> None:
    end = case.start + timedelta(days=case.days - 1)
    nodes, _ = marketing_nodes(case.start, end)
    expected = {n.name for n in fitting_nodes(nodes, brand_text)} | set(case.hot_topics)
    covered = {i.node for i in plan.items if i.node}
    since = case.start - timedelta(days=90)
    matcher = TopicMatcher([title for when, title in recent if since <= when <= case.start], embedder)
    for platform in {i.platform for i in plan.items} | set(case.platforms):
        figures = report.setdefault(get_platform(platform).key, PlatformFigures())
        figures.requests += 1
    share = report[get_platform(case.platforms[0]).key]
    share.nodes_expected += len(expected)
    share.nodes_covered += len(expected & covered)
    for missing in sorted(expected - covered):
        failures.append(f"{case.id}: marketing node {missing} is not in the plan")
    for item in plan.items:
        figures = report[item.platform]
        figures.topics += 1
        worst, title = matcher.score(item.topic)
        figures.max_similarity = max(figures.max_similarity, worst)
        if worst >= matcher.threshold:
            failures.append(f"{case.id}: topic {item.topic} repeats recent content {title} ({worst:.2f})")
        for passage_id in item.citations:
            figures.citations += 1
            ok = kb.get(passage_id) is not None
            figures.citations_resolved += ok
            if not ok:
                failures.append(f"{case.id}: item {item.id} cites unknown passage {passage_id}")


def evaluate_planwrite(
    cases_dir: Path,
    kb: KnowledgeBase,
    *,
    prompts: PromptLibrary | None = None,
    gate: Gate | None = None,
    llm_factory: Callable[[], StructuredLLM] | None = None,
) -> PlanwriteReport:
    """Run every plan and draft case offline and with a scripted LLM; figures per platform.

    With a gate, each draft is checked, revised once offline when it fails, and checked again.
    """
    cases = load_cases(cases_dir)
    prompts = prompts or PromptLibrary.load()
    make_llm = llm_factory or ScriptedLLM
    profile = load_brand_profile(kb)
    kb_numbers: set[str] = set()
    for document in kb.documents():
        kb_numbers |= numbers_in(document.text)
    recent = [(date.fromisoformat(str(d.published_at)[:10]), d.title) for d in profile.past if d.published_at]
    report: dict[str, PlatformFigures] = {}
    failures: list[str] = []
    plans: dict[str, Plan] = {}
    embedder = knowledge_embedder(kb)
    similarity_check = TopicMatcher([], embedder)
    for plan_case in cases.plans:
        llm = make_llm() if plan_case.backend == "llm" else None
        planner = KnowledgePlanner(kb, llm, prompts, Clock(fixed=cases.today))
        request = PlanRequest(
            brief=plan_case.brief,
            platforms=plan_case.platforms,
            start=plan_case.start,
            days=plan_case.days,
            posts_per_week=plan_case.posts_per_week,
            goal=plan_case.goal,
            hot_topics=plan_case.hot_topics,
        )
        plan = planner.plan(request, plan_id=plan_case.id)
        plans[plan_case.id] = plan
        _measure_plan(plan_case, plan, kb, profile.brand_text, recent, report, failures, embedder)
    offline_writer = KnowledgeWriter(kb, None, prompts)
    for draft_case in cases.drafts:
        writer = KnowledgeWriter(kb, make_llm(), prompts) if draft_case.backend == "llm" else offline_writer
        if draft_case.plan:
            plan = plans[draft_case.plan]
            brief = brief_from_plan_item(plan, f"{plan.id}-{draft_case.item:02d}", variants=draft_case.variants)
        elif draft_case.adapt:
            source = Path(draft_case.adapt)
            text = source.read_text("utf-8") if source.is_file() else draft_case.adapt
            brief = DraftBrief(
                platform=draft_case.platform, topic=draft_case.topic, source_text=text, variants=draft_case.variants
            )
        else:
            brief = DraftBrief(platform=draft_case.platform, topic=draft_case.topic, variants=draft_case.variants)
        draft = writer.write(brief)
        figures = report.setdefault(get_platform(brief.platform).key, PlatformFigures())
        _measure_draft(draft_case, draft, kb, kb_numbers, figures, failures)
        if gate is not None:
            _measure_gate(draft_case, brief, draft, gate, offline_writer, figures, failures)
    total = len(cases.plans) + len(cases.drafts)
    return PlanwriteReport(
        platforms=report,
        failures=failures,
        requests=total,
        similarity_method=similarity_check.method,
        similarity_threshold=similarity_check.threshold,
    )


def _measure_gate(
    case: DraftCase,
    brief: DraftBrief,
    draft: WrittenDraft,
    gate: Gate,
    writer: KnowledgeWriter,
    figures: PlatformFigures,
    failures: list[str],
) -> None:
    result = gate.check(draft.text, platform=brief.platform, content=draft.content)
    figures.gate_checked += 1
    figures.gate_passed_first += result.passed
    if result.passed:
        figures.gate_passed_after_revision += 1
        return
    revised = writer.write(
        brief, RevisionRequest(previous=draft.content, previous_text=draft.text, findings=result.findings, round=1)
    )
    again = gate.check(revised.text, platform=brief.platform, content=revised.content)
    figures.gate_passed_after_revision += again.passed
    if not again.passed:
        failures.append(
            f"{case.id}: still blocked after one revision: "
            + "; ".join(f.rule_id for f in again.findings if f.blocking)
        )
