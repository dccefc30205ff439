"""The planner: a content calendar grounded in the knowledge base, with an LLM or the offline composer.

Also the operator-facing helpers around plans: request validation, hot-topic files, export, and the
plan item → draft brief link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from nmo.clock import Clock
from nmo.composer.brand import BrandProfile, load_brand_profile
from nmo.composer.brief import READ_PREFIX, UNREAD_PREFIX, check_item
from nmo.composer.language import ensure_chinese, is_chinese
from nmo.composer.plan import PlanContext, PlanDraft, compose_plan, plan_context, recent_topics
from nmo.composer.similarity import TopicMatcher, knowledge_embedder
from nmo.errors import LLMMalformedAnswer, NotFoundError, UserInputError
from nmo.platforms import get_platform
from nmo.ports import KnowledgeBase, StructuredLLM
from nmo.prompts import PromptLibrary
from nmo.schemas import DraftBrief, Plan, PlanItem, PlanRequest
from nmo.usage import LLMCall
from nmo.writer import require_knowledge

if TYPE_CHECKING:
    from nmo.analyst.models import Insights  # typing only: quick commands never load the analyst

MAX_DAYS = 90
MAX_LEAD_DAYS = 366  # a plan starts within a year: the calendar and the brand's facts reach no further


def validate_plan_request(request: PlanRequest, today: date) -> None:
    """Raise UserInputError for a past or > 90-day window, an unknown platform, a non-Chinese brief."""
    if request.start < today:
        raise UserInputError(
            f"The plan window starts on {request.start.isoformat()}, which is in the past (today is "
            f"{today.isoformat()}).",
            f"Pass --from {today.isoformat()} or a later date.",
            zh_problem=f"计划的开始日期 {request.start.isoformat()} 已经过去（今天是 {today.isoformat()}）。",
            zh_fix=f"请把开始日期改为 {today.isoformat()} 或之后。",
        )
    if request.start > today + timedelta(days=MAX_LEAD_DAYS):
        raise UserInputError(
            f"The plan window starts on {request.start.isoformat()}, more than a year from today "
            f"({today.isoformat()}).",
            f"Plan at most {MAX_LEAD_DAYS} days ahead: pass --from {today.isoformat()} or a date within a year.",
            zh_problem=f"计划的开始日期 {request.start.isoformat()} 离今天（{today.isoformat()}）超过一年。",
            zh_fix="请选一年之内的开始日期。",
        )
    if not 1 <= request.days <= MAX_DAYS:
        raise UserInputError(
            f"A plan covers 1 to {MAX_DAYS} days; {request.days} were asked for.",
            f"Pass --days {MAX_DAYS} or fewer, and plan longer periods in several runs.",
            zh_problem=f"一份选题计划覆盖 1 到 {MAX_DAYS} 天，这次填的是 {request.days} 天。",
            zh_fix=f"请把天数改为 {MAX_DAYS} 或更少，更长的周期分几次计划。",
        )
    for platform in request.platforms:
        get_platform(platform)
    ensure_chinese(request.brief, "brief")
    for topic in request.hot_topics:
        if not topic.strip():
            raise UserInputError("A hot topic is empty.", "Remove empty lines from the hot-topics file.",
                                 zh_problem="有一个热点话题是空的。", zh_fix="请删掉空的热点话题。")


def load_hot_topics(path: Path) -> list[str]:
    """Read hot topics from .txt (one a line), .csv (a `topic` column or the first) or .yaml (a list)."""
    if not path.is_file():
        raise NotFoundError(f"Hot-topics file {path} does not exist.", "Check the path passed to --hot-topics.")
    try:
        raw = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise UserInputError(
            f"Hot-topics file {path} is not UTF-8 text (byte {error.start}).", "Save it as UTF-8 and retry."
        ) from error
    suffix = path.suffix.lower()
    if suffix in (".txt", ""):
        topics = [line.strip() for line in raw.splitlines() if line.strip()]
    elif suffix == ".csv":
        topics = _csv_topics(raw, path)
    elif suffix in (".yaml", ".yml"):
        topics = _yaml_topics(raw, path)
    else:
        raise UserInputError(
            f"Hot-topics file {path} has an unsupported type '{suffix}'.",
            "Use .txt (one topic a line), .csv (a 'topic' column) or .yaml (a list of strings).",
        )
    # Topics copied from a platform's trending list often keep their #…# marks.
    topics = [topic.strip().strip("#").strip() for topic in topics]
    if not any(topics):
        raise UserInputError(
            f"Hot-topics file {path} has no topics.", "Write one topic per line (or a list), or drop --hot-topics."
        )
    bad = [topic for topic in topics if len(topic) > 40]
    if bad:
        raise UserInputError(
            f"Hot-topics file {path}: topic '{bad[0][:50]}…' is longer than 40 characters.",
            "Write one short topic per entry (e.g. 「冬日暖饮」).",
        )
    return list(dict.fromkeys(topics))


def _csv_topics(raw: str, path: Path) -> list[str]:
    rows = list(csv.reader(io.StringIO(raw)))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(n) for n in ("topic", "话题", "热点", "title") if n in header), None)
    body = rows[1:] if column is not None else rows
    column = column or 0
    topics: list[str] = []
    for number, row in enumerate(body, start=2 if body is not rows else 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= column or not row[column].strip():
            raise UserInputError(
                f"Hot-topics file {path}, line {number}: no topic in column {column + 1}.",
                "Every row needs a topic; remove the line or fill it in.",
            )
        topics.append(row[column].strip())
    return topics


def _yaml_topics(raw: str, path: Path) -> list[str]:
    import yaml

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise UserInputError(
            f"Hot-topics file {path}{where}: not valid YAML.", "Write a YAML list, e.g. `- 冬日暖饮`."
        ) from error
    if isinstance(data, dict):
        data = data.get("topics", data.get("hot_topics"))
    if not isinstance(data, list):
        raise UserInputError(
            f"Hot-topics file {path} must hold a list of topics (or a `topics:` list).",
            "Write a YAML list, e.g. `- 冬日暖饮`.",
        )
    lines = raw.splitlines()
    topics: list[str] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, str | int | float) or not str(entry).strip():
            line = next(
                (
                    n
                    for n, text in enumerate(lines, start=1)
                    if text.lstrip().startswith("-")
                    and index == sum(1 for t in lines[:n] if t.lstrip().startswith("-")) - 1
                ),
                index + 1,
            )
            raise UserInputError(
                f"Hot-topics file {path}, line {line}: entry {index + 1} is not a topic string.",
                "Each entry must be one short text, e.g. `- 冬日暖饮`.",
            )
        topics.append(str(entry).strip())
    return topics


PLAN_COLUMNS = (
    "id",
    "date",
    "slot",
    "platform",
    "pillar",
    "topic",
    "angle",
    "format",
    "node",
    "reason",
    "citations",
)


def plan_rows(plan: Plan) -> list[dict[str, str]]:
    """The plan's items as flat rows (platform shown by its Chinese name)."""
    return [
        {
            "id": item.id,
            "date": item.date.isoformat(),
            "slot": item.slot,
            "platform": get_platform(item.platform).name,
            "pillar": item.pillar,
            "topic": item.topic,
            "angle": item.angle,
            "format": item.format,
            "node": item.node or "",
            "reason": item.reason,
            "citations": " ".join(item.citations),
        }
        for item in plan.items
    ]


def plan_markdown(plan: Plan) -> str:
    """The plan as a Markdown document: header (with how the brief was read), warnings, nodes and items."""
    end = plan.start + timedelta(days=plan.days - 1)
    reading = [w for w in plan.warnings if w.startswith((READ_PREFIX, UNREAD_PREFIX))]
    lines = [
        f"# 内容排期 {plan.id}",
        "",
        f"- 需求：{plan.brief}",
        *[f"- {line}" for line in reading],
        f"- 时间：{plan.start.isoformat()} 至 {end.isoformat()}（{plan.days} 天）",
        f"- 平台：{'、'.join(get_platform(p).name for p in plan.platforms)}",
        f"- 目标：{plan.goal}",
        f"- 生成方式：{plan.backend}",
        "",
    ]
    if plan.nodes:
        lines += ["## 营销节点", ""]
        lines += [
            f"- {n.start.isoformat()}"
            + (f"～{n.end.isoformat()}" if n.end != n.start else "")
            + f" {n.name}（{n.kind}）{'⚠ ' if n.risk else ''}{n.note}"
            for n in plan.nodes
        ]
        lines.append("")
    reminders = [w for w in plan.warnings if w not in reading]
    if reminders:
        lines += ["## 提醒", "", *[f"- {w}" for w in reminders], ""]
    headers = ("编号", "日期", "时间", "平台", "支柱", "选题", "角度", "形式", "节点", "理由", "依据")
    lines += ["## 排期", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in plan_rows(plan):
        cells = [row[c].replace("|", "｜").replace("\n", " ") for c in PLAN_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def export_plan(plan: Plan, path: Path) -> None:
    """Write the plan to .csv (UTF-8 with BOM, opens in Excel) or .md; written whole or not at all."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=PLAN_COLUMNS)
        writer.writeheader()
        writer.writerows(plan_rows(plan))
        text, encoding = buffer.getvalue(), "utf-8-sig"
    elif suffix in (".md", ".markdown"):
        text, encoding = plan_markdown(plan), "utf-8"
    else:
        raise UserInputError(
            f"Cannot export a plan to '{path.name}': unknown file type.", "Use a .csv or .md file name."
        )
    if not path.parent.is_dir():
        raise UserInputError(f"Folder {path.parent} does not exist.", "Create it or choose another path.")
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding=encoding)
    partial.replace(path)


def find_plan_item(plan: Plan, item_id: str) -> PlanItem:
    """A plan item by ID; a missing one is a NotFoundError listing the IDs that exist."""
    for item in plan.items:
        if item.id == item_id:
            return item
    known = ", ".join(i.id for i in plan.items[:5]) + (" …" if len(plan.items) > 5 else "")
    raise NotFoundError(
        f"Plan {plan.id} has no item '{item_id}'.",
        f"Use one of its item IDs ({known}); `nmo plan --json` lists them.",
    )


def brief_from_plan_item(plan: Plan, item_id: str, *, variants: int = 0) -> DraftBrief:
    """The draft brief for one plan item, so a plan can be worked through item by item."""
    return DraftBrief.for_plan_item(find_plan_item(plan, item_id), variants=variants)


class KnowledgePlanner:
    """A Planner grounded in the knowledge base; llm=None uses the offline composer."""

    def __init__(
        self,
        kb: KnowledgeBase,
        llm: StructuredLLM | None,
        prompts: PromptLibrary,
        clock: Clock,
        insights_loader: Callable[[], Insights | None] | None = None,
        *,
        k: int = 8,
    ) -> None:
        self.kb = kb
        self.k = k
        self.llm = llm
        self.prompts = prompts
        self.clock = clock
        self.insights_loader = insights_loader

    def plan(self, request: PlanRequest, *, plan_id: str) -> Plan:
        """A plan whose item IDs start with plan_id."""
        validate_plan_request(request, self.clock.today())
        request = request.model_copy(update={"platforms": [get_platform(p).key for p in request.platforms]})
        require_knowledge(self.kb)
        profile = load_brand_profile(self.kb)
        insights = self.insights_loader() if self.insights_loader else None
        context = plan_context(request, self.kb, profile)
        draft = compose_plan(request, plan_id, self.kb, profile, insights, context)
        warnings = list(draft.warnings)
        items = draft.items
        calls: list[LLMCall] = []
        if self.llm is not None:
            items, extra, call = llm_plan_items(
                self.llm, self.prompts, self.kb, request, plan_id, profile, draft, k=self.k, context=context
            )
            warnings += extra
            calls.append(call)
        if insights is not None:
            warnings.append("已参考最近一次数据分析的最佳发布时段、星期和内容支柱。")
        return Plan(
            id=plan_id,
            brief=request.brief,
            platforms=request.platforms,
            start=request.start,
            days=request.days,
            goal=request.goal,
            items=items,
            nodes=draft.nodes,
            warnings=warnings,
            backend="offline" if self.llm is None else "llm",
            llm_calls=calls,
        )

    def profile(self) -> BrandProfile:
        """The brand profile the planner reads (pillars, products, performance, gaps)."""
        return load_brand_profile(self.kb)


class LLMPlan(BaseModel):
    """The planner model's answer: the calendar items (their IDs are reassigned in order)."""

    items: list[PlanItem]


def _plan_prompt_variables(
    request: PlanRequest, profile: BrandProfile, draft: PlanDraft, context: PlanContext | None = None
) -> dict[str, object]:
    end = request.start + timedelta(days=request.days - 1)
    read = context.constraints.summary() if context else ""
    performance = "\n".join(
        f"- {get_platform(p.platform).name} / {p.pillar}: {p.rate:.1%}（{p.pieces} 篇）"
        for p in sorted(profile.performance, key=lambda p: (p.platform, -p.rate))
    )
    return {
        # The constraints read from the brief travel with it, so the model keeps what the offline plan keeps.
        "brief": request.brief + (f"\n（{READ_PREFIX}{read}）" if read else ""),
        "platforms": "、".join(f"{get_platform(p).name}（{p}）" for p in request.platforms),
        "window": f"{request.start.isoformat()} 至 {end.isoformat()}（{request.days} 天）",
        "goal": request.goal,
        "posts": f"每周 {request.posts_per_week} 条",
        "nodes": "\n".join(
            f"- {n.name}（{n.kind}）{n.start.isoformat()}～{n.end.isoformat()} {n.note}"
            + ("（风险日，不做促销）" if n.risk else "")
            for n in draft.nodes
        )
        or "（无）",
        "pillars": "\n".join(f"- {p.name}：{p.description}" for p in profile.pillars) or "（无）",
        "performance": performance or "（无往期数据）",
        "gaps": "\n".join(f"- {g.competitor}：{g.text}" for g in profile.gaps) or "（无）",
        "recent": "\n".join(f"- {t}" for t in profile.recent_titles(request.start)) or "（无）",
        "draft_plan": "\n".join(
            f"- {i.date.isoformat()} {i.slot} {i.platform} {i.pillar}：{i.topic}" + (f"（{i.node}）" if i.node else "")
            for i in draft.items
        ),
    }


def llm_plan_items(
    llm: StructuredLLM,
    prompts: PromptLibrary,
    kb: KnowledgeBase,
    request: PlanRequest,
    plan_id: str,
    profile: BrandProfile,
    draft: PlanDraft,
    *,
    k: int = 8,
    context: PlanContext | None = None,
) -> tuple[list[PlanItem], list[str], LLMCall]:
    """Plan items from the LLM, validated: window, platforms, citations, repeats; missing nodes filled in;
    with the usage of the call."""
    end = request.start + timedelta(days=request.days - 1)
    passages = kb.search(request.brief, k=k)
    for item in draft.items:
        passages += [p for c in item.citations if (p := kb.get(c)) is not None]
    passages = list({p.id: p for p in passages}.values())
    messages = prompts.get("planner", "plan").render(**_plan_prompt_variables(request, profile, draft, context))
    reply = llm.generate(messages, LLMPlan, passages=passages)
    answer = reply.value
    given = {p.id for p in passages}
    recent = TopicMatcher(recent_topics(profile, request.start), knowledge_embedder(kb))
    warnings: list[str] = []
    kept: list[PlanItem] = []
    for proposed in answer.items:
        platform = next((p for p in request.platforms if p == proposed.platform), None)
        if platform is None:
            try:
                platform = get_platform(proposed.platform).key
            except UserInputError:
                platform = None
        if platform not in request.platforms or not request.start <= proposed.date <= end:
            warnings.append(f"舍弃了模型给出的窗口或平台之外的选题「{proposed.topic}」")
            continue
        if recent.score(proposed.topic)[0] >= recent.threshold:
            warnings.append(f"舍弃了与近期内容重复的选题「{proposed.topic}」")
            continue
        if not is_chinese(proposed.topic):
            continue
        if context is not None and not context.allows(proposed.topic, focus_led=False):
            warnings.append(f"舍弃了不符合简报或只是套话的选题「{proposed.topic}」")
            continue
        broken = check_item(proposed, context.constraints, context.vocabulary.competitors) if context else []
        if broken:
            # The model's angle may break the brief where its topic does not: the offline angle keeps it.
            warnings.append(f"模型给「{proposed.topic}」的角度不符合简报（{broken[0].detail}），已改写角度")
            proposed = proposed.model_copy(update={"angle": _kept_angle(proposed, draft, context)})
        kept.append(
            proposed.model_copy(
                update={
                    "platform": platform,
                    "citations": [c for c in proposed.citations if c in given],
                }
            )
        )
    if not kept:
        raise LLMMalformedAnswer(
            "The planner model proposed no usable item inside the window and platforms asked for.",
            "Retry, or pick a stronger planner model (NMO_PLANNER__MODEL); NMO_BACKEND=offline plans offline.",
        )
    covered = {i.node for i in kept if i.node}
    for item in draft.items:
        if item.node and item.node not in covered:
            kept.append(item)
            covered.add(item.node)
            warnings.append(f"模型漏掉了营销节点「{item.node}」，已补上离线排期的选题")
    kept.sort(key=lambda i: (i.date, i.slot, request.platforms.index(i.platform)))
    items = [item.model_copy(update={"id": f"{plan_id}-{n:02d}"}) for n, item in enumerate(kept, start=1)]
    return items, warnings, reply.call


def _kept_angle(item: PlanItem, draft: PlanDraft, context: PlanContext | None) -> str:
    """An angle for a model's item that keeps the brief: the offline plan's angle for the same platform."""
    offline = next((i.angle for i in draft.items if i.platform == item.platform and i.pillar == item.pillar), None)
    offline = offline or next((i.angle for i in draft.items if i.platform == item.platform), "")
    if context is not None and context.constraints.audience and context.constraints.audience not in offline:
        offline = f"面向{context.constraints.audience}；{offline}"
    return offline
