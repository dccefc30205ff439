"""The drafts eval: each brand's plan drafted item by item on pinned dates, and its own piece adapted.

Measured against the brand's hand-written key (`evals/brands/<brand>.answer.yaml`), not the extracted
profile: facts outside their validity window on the publication date, sentences repeated across the drafts
of one plan, restated self-references of past pieces (a labelled list), numbers missing from the cited
passage, and for adapt the share of the source's facts each version keeps and its platform limits.
A reader's view (the drafts side by side, one Markdown file per brand) goes with the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from nmo.clock import Clock
from nmo.composer.sentences import NUMBER_WITH_UNIT, numbers_in, split_sentences
from nmo.evals.environment import EvalEnvironment, project_root
from nmo.evals.metrics import Metric, SuiteResult, SuiteUnavailable
from nmo.evals.planwrite import draft_texts, limit_checks
from nmo.planner import KnowledgePlanner
from nmo.ports import KnowledgeBase
from nmo.prompts import PromptLibrary
from nmo.render import CITATION_MARKER
from nmo.schemas import DraftBrief, Plan, PlanRequest, WrittenDraft
from nmo.writer import KnowledgeWriter

MIN_SENTENCE = 8  # shorter pieces (「评论区见。」) are formulae, not reused content
_MARKED = re.compile(r"([^。！？!?\n】]*[。！？!?]?)((?:\[\^\d+\])+)")


class BrandCase(BaseModel):
    """One brand: the plan brief and platforms, the publication dates to plan from, a piece to adapt."""

    brand: str
    brief: str
    platforms: list[str]
    dates: list[date]
    adapt: str


class DraftsCases(BaseModel):
    """The eval set."""

    brands: list[BrandCase]
    drafts: int = Field(default=6, ge=2)
    adapt_to: list[str]


@dataclass(frozen=True)
class Window:
    """A product or campaign of the key: its names and dates."""

    names: tuple[str, ...]
    start: date | None
    end: date | None


@dataclass
class BrandFigures:
    """Counts for one brand."""

    drafts: int = 0
    stale_facts: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    self_references: list[str] = field(default_factory=list)
    uncited_numbers: list[str] = field(default_factory=list)
    adapt_shares: list[float] = field(default_factory=list)
    adapt_parts: int = 0
    adapt_parts_within: int = 0
    outline_drafts: int = 0


def key_windows(key: dict[str, object]) -> list[Window]:
    """Products (launch / sale window) and campaigns (start / end) of a brand's answer key."""
    windows: list[Window] = []
    for product in key.get("products") or []:  # type: ignore[attr-defined]
        names = [product["name"], *product.get("aliases", [])]
        short = re.split(r"[（(]", str(product["name"]).split("·")[-1])[0].strip()
        starts = [d for d in (product.get("launch"), product.get("available_from")) if d]
        windows.append(Window(tuple({*map(str, names), short}), max(starts, default=None),
                              product.get("available_until")))
    for campaign in key.get("campaigns") or []:  # type: ignore[attr-defined]
        start = campaign.get("start")
        windows.append(Window((str(campaign["name"]),), start, campaign.get("end") or start))
    return windows


def stale(sentence: str, day: date, topic: str, windows: list[Window], time_words: list[str]) -> str:
    """Why a stated sentence is not valid on the day ("" when it is)."""
    word = next((w for w in time_words if w in sentence), "")
    if word:
        return f"time-bound 「{word}」"
    for window in windows:
        name = next((n for n in window.names if len(n) >= 2 and n in sentence), "")
        if not name:
            continue
        if window.end is not None and day > window.end:
            return f"{name} ended {window.end}"
        if window.start is not None and day < window.start and not any(n in topic for n in window.names):
            return f"{name} starts {window.start}"
    return ""


def cited_sentences(draft: WrittenDraft) -> list[tuple[str, list[str]]]:
    """(sentence, passage IDs it cites) for every marked sentence a reader sees."""
    out: list[tuple[str, list[str]]] = []
    for text in draft_texts(draft.content):
        for sentence, markers in _MARKED.findall(text):
            numbers = [int(n) - 1 for n in CITATION_MARKER.findall(markers)]
            ids = [draft.content.citations[n] for n in numbers if 0 <= n < len(draft.content.citations)]
            out.append((sentence.strip(" -·*📌✨📝💡👉🔖🌟✅📍🙌"), ids))
    return out


def reader_sentences(draft: WrittenDraft) -> set[str]:
    """Sentences a reader sees, markers removed."""
    sentences: set[str] = set()
    for text in draft_texts(draft.content.model_copy(update={"hashtags": []})):  # a tag is not a sentence
        # Headings and the 要点稿 notice are labels, not sentences.
        lines = [line for line in text.splitlines()
                 if not line.lstrip().startswith(("#", ">")) and not re.fullmatch(r"\s*\d+\.\s+\*\*.+\*\*\s*", line)]
        for sentence in split_sentences(CITATION_MARKER.sub("", "\n".join(lines))):
            if len(sentence) >= MIN_SENTENCE:
                sentences.add(sentence)
    return sentences


def source_facts(text: str, product_names: list[str]) -> list[str]:
    """What an adapted version must keep: the source's numbers (with units) and the products it names."""
    body = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.DOTALL)
    lines = [line for line in body.splitlines()[1:] if not re.match(r"^(发布|数据|标签)[：:]", line.strip())]
    body = "\n".join(lines)
    numbers = {re.sub(r"\s+", "", m) for m in NUMBER_WITH_UNIT.findall(body)}
    products = {p for p in product_names if len(p) >= 2 and p in body}
    return sorted(numbers | products)


def fact_share(facts: list[str], version: WrittenDraft) -> float:
    """Share of the source's facts the version states."""
    if not facts:
        return 1.0
    seen = re.sub(r"\s+", "", " ".join(draft_texts(version.content)))
    return sum(1 for f in facts if f in seen) / len(facts)


def _briefs(plan: Plan, count: int) -> list[DraftBrief]:
    """The first plan items as briefs, each carrying the earlier ones (as the graph's fan-out does)."""
    briefs = [DraftBrief.for_plan_item(item) for item in plan.items[:count]]
    return [b.model_copy(update={"earlier": briefs[:i]}) for i, b in enumerate(briefs)]


def measure_brand(
    case: BrandCase, cases: DraftsCases, kb: KnowledgeBase, key: dict[str, object], labels: dict[str, object],
    root: Path,
) -> tuple[BrandFigures, list[str], str]:
    """Figures, failures and the reader's view (Markdown) for one brand."""
    figures, failures = BrandFigures(), []
    phrasings = [str(p["text"]) for p in labels["phrasings"]]  # type: ignore[attr-defined]
    time_words = [str(w) for w in labels["time_words"]]  # type: ignore[attr-defined]
    windows = key_windows(key)
    product_names = sorted({n for w in windows[: len(key.get("products") or [])] for n in w.names})  # type: ignore[arg-type]
    prompts = PromptLibrary.load()
    view = [f"# {case.brand}：一个计划的稿件（离线）\n"]
    for day in case.dates:
        clock = Clock(fixed=day)
        planner = KnowledgePlanner(kb, None, prompts, clock)
        plan = planner.plan(PlanRequest(brief=case.brief, platforms=case.platforms, start=day, days=14),
                            plan_id=f"drafts-{case.brand}-{day.isoformat()}")
        writer = KnowledgeWriter(kb, None, prompts, clock=clock)
        seen: dict[str, str] = {}
        view.append(f"\n## 计划 {plan.id}（简报：{case.brief}）\n")
        for brief in _briefs(plan, cases.drafts):
            draft = writer.write(brief)
            label = f"{plan.id} {brief.plan_item_id} {brief.platform}"
            figures.drafts += 1
            figures.outline_drafts += draft.content.outline
            publish = brief.publish_on or day
            for sentence, ids in cited_sentences(draft):
                reason = stale(sentence, publish, brief.topic, windows, time_words)
                if reason:
                    figures.stale_facts.append(f"{label}: {reason}: {sentence}")
                backing: set[str] = set()
                for passage_id in ids:
                    passage = kb.get(passage_id)
                    backing |= numbers_in(passage.text) if passage is not None else set()
                for number in sorted(numbers_in(sentence) - backing):
                    figures.uncited_numbers.append(f"{label}: {number} not in the cited passage: {sentence}")
            for sentence in reader_sentences(draft):
                if sentence in seen:
                    figures.repeated.append(f"{label}: also in {seen[sentence]}: {sentence}")
                seen.setdefault(sentence, label)
            text = " ".join(draft_texts(draft.content))
            figures.self_references += [f"{label}: 「{p}」" for p in phrasings if p in text]
            view.append(f"\n### {brief.plan_item_id}｜{brief.platform}｜{publish}｜{brief.topic}\n\n"
                        f"{draft.text.strip()}\n")
    source = root / case.adapt
    text = source.read_text("utf-8")
    facts = source_facts(text, product_names)
    view.append(f"\n## 一稿多发：{case.adapt}\n\n原文要保留的事实：{'、'.join(facts)}\n")
    writer = KnowledgeWriter(kb, None, prompts, clock=Clock(fixed=case.dates[0]))
    for platform in cases.adapt_to:
        version = writer.write(DraftBrief(platform=platform, topic=source.stem[:40], source_text=text))
        share = fact_share(facts, version)
        figures.adapt_shares.append(share)
        if share < 0.8:
            failures.append(f"{case.brand} adapt → {platform}: keeps {share:.0%} of the source's facts")
        for part, ok in limit_checks(version.content, platform):
            figures.adapt_parts += 1
            figures.adapt_parts_within += ok
            if not ok:
                failures.append(f"{case.brand} adapt → {platform}: {part} over the limit")
        view.append(f"\n### → {platform}（保留 {share:.0%}）\n\n{version.text.strip()}\n")
    failures += figures.stale_facts + figures.repeated + figures.self_references + figures.uncited_numbers
    return figures, [f"{case.brand}: {f}" for f in failures], "\n".join(view)


def drafts_suite(env: EvalEnvironment) -> SuiteResult:
    """Drafts of a plan on every brand: validity on the publication date, no repeats, no borrowed
    self-references, numbers in their cited passage; adapt keeps the source's facts within limits."""
    from nmo.knowledge import open_knowledge_base

    folder = env.evals_dir / "drafts"
    if not (folder / "cases.yaml").exists():
        raise SuiteUnavailable(f"no cases: {folder / 'cases.yaml'} does not exist")
    cases = DraftsCases.model_validate(yaml.safe_load((folder / "cases.yaml").read_text("utf-8")))
    labels = yaml.safe_load((folder / "self_references.yaml").read_text("utf-8"))
    root = project_root()
    metrics: list[Metric] = []
    failures: list[str] = []
    attachments: dict[str, str] = {}
    totals = BrandFigures()
    for case in cases.brands:
        brands = env.evals_dir / "brands"
        brand_folder = env.settings.knowledge_dir if case.brand == "knowledge" else brands / case.brand
        key = yaml.safe_load((env.evals_dir / "brands" / f"{case.brand}.answer.yaml").read_text("utf-8"))
        settings = env.settings.model_copy(update={"collection": f"eval-drafts-{case.brand}"})
        kb = open_knowledge_base(settings)
        kb.ingest([brand_folder])
        figures, brand_failures, view = measure_brand(case, cases, kb, key, labels, root)
        failures += brand_failures
        attachments[f"drafts-{case.brand}.md"] = view
        metrics += _figures(figures, f"{case.brand}.")
        totals.drafts += figures.drafts
        totals.outline_drafts += figures.outline_drafts
        for name in ("stale_facts", "repeated", "self_references", "uncited_numbers", "adapt_shares"):
            getattr(totals, name).extend(getattr(figures, name))
        totals.adapt_parts += figures.adapt_parts
        totals.adapt_parts_within += figures.adapt_parts_within
    metrics += _figures(totals, "")
    return SuiteResult(suite="drafts", backend=env.backend, status="ok", metrics=metrics,
                       cases=totals.drafts + len(totals.adapt_shares), failures=failures, attachments=attachments)


def _figures(figures: BrandFigures, prefix: str) -> list[Metric]:
    shares = figures.adapt_shares
    return [
        Metric(name=f"{prefix}stale_facts", value=len(figures.stale_facts)),
        Metric(name=f"{prefix}repeated_sentences", value=len(figures.repeated)),
        Metric(name=f"{prefix}self_references", value=len(figures.self_references)),
        Metric(name=f"{prefix}uncited_numbers", value=len(figures.uncited_numbers)),
        Metric(name=f"{prefix}adapt_min_fact_share", value=round(min(shares), 4) if shares else 1.0),
        Metric(name=f"{prefix}adapt_limit_adherence",
               value=round(figures.adapt_parts_within / figures.adapt_parts, 4) if figures.adapt_parts else 1.0),
        Metric(name=f"{prefix}outline_share",
               value=round(figures.outline_drafts / figures.drafts, 4) if figures.drafts else 0.0),
    ]

