"""The offline plan composer: a content calendar from the marketing calendar, pillars, past performance,
competitor gaps and hot topics, with every item's reason and the passages it rests on."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from nmo.calendar import fitting_nodes, marketing_nodes
from nmo.composer.brand import BrandProfile, BrandVoice, Gap, Pillar, pillar_type, stored_profile
from nmo.composer.brief import (
    BriefConstraints,
    BriefVocabulary,
    brief_vocabulary,
    check_item,
    is_placeholder,
    read_brief,
)
from nmo.composer.facts import short_name, table_rows
from nmo.composer.sentences import shorten
from nmo.composer.similarity import LEXICAL_THRESHOLD, TopicMatcher, knowledge_embedder, overlap, similarity
from nmo.platforms import get_platform
from nmo.ports import KnowledgeBase
from nmo.schemas import Goal, Kind, MarketingNode, PlanItem, PlanRequest, text_hash

if TYPE_CHECKING:
    from nmo.analyst.models import Insights  # typing only: planning never loads the analyst

CANDIDATE_BATCH = 8
WITHIN_PLAN_WINDOW = 30  # earlier topics of the same platform a new one is compared with
SIMILARITY_THRESHOLD = LEXICAL_THRESHOLD  # between topics of one plan, and for past content without an encoder
RECENT_DAYS = 90
# A new topic keeps this much below the repeat threshold: near-repeats read as repeats to a reader.
REPEAT_MARGIN = 0.1
PILLAR_ANGLES: dict[str, str] = {
    "tutorial": "讲步骤和常见误区",
    "lifestyle": "从一个具体场景和时间点切入",
    "promo": "写清产品、规格与活动规则",
    "story": "真实{community}的一段经历（发布前取得授权）",
    "origin": "产地、采收与工艺的细节",
}
# Under 不打价格战 / 不做促销 a promo pillar still speaks, about the product itself.
NO_PRICE_PROMO_ANGLE = "讲新品本身：原料、做法和适合谁"
NO_PRICE_GOAL_ANGLE = "讲清它适合谁、解决什么问题"
# What the weather of a season gives a node to talk about, by the node's month (any brand's seasons).
SEASON_WORDS: dict[int, tuple[str, ...]] = {
    **dict.fromkeys((12, 1, 2), ("冬", "冷", "寒", "保暖", "雪", "暖", "年")),
    **dict.fromkeys((3, 4, 5), ("春", "踏青", "换季", "花")),
    **dict.fromkeys((6, 7, 8), ("夏", "热", "冰", "清凉", "防晒", "暑")),
    **dict.fromkeys((9, 10, 11), ("秋", "凉", "换季", "干燥")),
}
GOAL_ANGLES: dict[Goal, str] = {
    "awareness": "讲清是什么、为什么",
    "engagement": "结尾抛问题引导评论和收藏",
    "conversion": "写清规格、价格与活动规则（只用资料中的数字）",
}
FORMAT_BY_PILLAR: dict[str, tuple[str, ...]] = {
    "tutorial": ("教程", "科普", "知识科普", "清单", "回答", "口播"),
    "lifestyle": ("图文笔记", "vlog", "清单", "故事", "图文", "剧情"),
    "promo": ("新品发布", "活动海报", "开箱", "直播预告", "抽奖", "话题互动", "主视觉", "图文笔记"),
    "story": ("故事", "剧情", "vlog", "图文笔记", "文章", "图文"),
    "origin": ("深度长文", "知识科普", "vlog", "文章", "故事"),
    "general": ("图文笔记", "图文", "文章", "口播"),
}
TOPIC_TEMPLATES: dict[str, tuple[str, ...]] = {
    "tutorial": ("{subject}怎么{prepare}才对", "关于{subject}，常被问到的几个问题", "{scene}｜{subject}篇"),
    "lifestyle": ("{scene}的{serving}{subject}", "把{subject}带去{scene}", "{scene}时光｜{subject}"),
    "promo": ("{subject}：规格、价格与购买方式", "{subject}｜现在入手看这篇", "{subject}上手第一周的使用笔记"),
    "story": ("{community}来信：{scene}里的{subject}", "一位{community}和{subject}的故事", "评论区里的{subject}故事"),
    "origin": ("{subject}的产地之旅", "{subject}背后的原料与工艺", "从产地到手中：{subject}"),
    "general": ("{subject}：常见问题一次讲清", "{subject}适合谁、怎么选"),
}
# For any pillar: what readers ask about a product, when the pillar's own templates are used up.
SUBJECT_TEMPLATES: tuple[str, ...] = (
    "第一次{consume}{subject}前要知道的三件事", "{community}最常问的{subject}问题", "{subject}适合谁、怎么选",
    "{subject}：常见问题一次讲清",
)
NODE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "commerce": ("{node}｜{subject}怎么买更划算", "{node}囤货前，先看懂{subject}的规格"),
    "statutory": ("{node}假期，带上{subject}", "{node}假期前，{subject}要备好的几件事"),
    "lunar": ("{node}，和家人分享{subject}", "{node}送礼，为什么选{subject}"),
    "social": ("{node}，把{subject}送给在乎的人", "{node}送礼，为什么选{subject}"),
    "season": ("{node}到了，换一种方式{consume}{subject}", "换季到{node}：{subject}要跟着调整什么"),
    "solar_term": ("{node}前后，{subject}要注意的几件事", "{node}天气变了，{subject}怎么{consume}更合适"),
    "hot_topic": ("从{node}说起：{subject}的三个细节", "{node}里，{subject}能帮上什么忙"),
}
# The brand's own campaigns (a dated table in its marketing calendar) read by what they do.
CAMPAIGN_TEMPLATES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("预热", "预告", "预约"), ("{subject}要来了，先来认识它", "先睹为快：{subject}即将上市")),
    (("上市", "上新", "首发", "新品"), ("{node}｜{subject}来了", "新品{subject}今天上市，先来认识它")),
)
NODE_PILLAR_KIND: dict[str, tuple[str, ...]] = {
    "commerce": ("promo", "lifestyle"),
    "statutory": ("lifestyle", "story", "promo"),
    "lunar": ("story", "lifestyle", "promo"),
    "social": ("story", "lifestyle", "promo"),
    "season": ("tutorial", "lifestyle"),
    "solar_term": ("lifestyle", "tutorial"),
    "hot_topic": ("lifestyle", "tutorial", "general"),
}


@dataclass
class Slot:
    """One posting slot before it gets a topic."""

    day: date
    time: str
    platform: str
    node: MarketingNode | None = None
    pillar: Pillar | None = None


@dataclass
class Campaign:
    """A dated campaign from the brand's own marketing calendar and the product it pushes ("" = 全店)."""

    node: MarketingNode
    subject: str = ""

    def templates(self) -> tuple[str, ...]:
        """Topic templates that fit what the campaign does (a preview, a launch), else none."""
        if not self.subject:
            return ()
        for words, templates in CAMPAIGN_TEMPLATES:
            if any(word in self.node.name for word in words):
                return templates
        return ()


_CAMPAIGN_DATES = re.compile(
    r"(20\d{2})-(\d{1,2})-(\d{1,2})(?:\s*(?:至|到|~|～|–)\s*(?:(20\d{2})-)?(\d{1,2})-(\d{1,2}))?\s*(起)?"
)


def _campaign_span(cell: str) -> tuple[date, date | None] | None:
    """The dates of a campaign cell: 2026-12-08 至 12-12 → both ends; 2026-11-25 起 → open end (None)."""
    match = _CAMPAIGN_DATES.search(cell)
    if not match:
        return None
    year, month, day, end_year, end_month, end_day, open_end = match.groups()
    try:
        start = date(int(year), int(month), int(day))
        if end_month:
            return start, date(int(end_year or year), int(end_month), int(end_day))
    except ValueError:
        return None
    return (start, None) if open_end else (start, start)


def brand_campaigns(profile: BrandProfile) -> list[Campaign]:
    """Campaigns from the brand's dated marketing-calendar tables (columns like 日期 | 节点 | 主推 | 规则)."""
    found: list[tuple[date, date | None, dict[str, str]]] = []
    for row in table_rows(profile.brand_text):
        keys = list(row)
        when = next((k for k in keys if "日期" in k or "时间" in k), None)
        name = next((k for k in keys if any(w in k for w in ("节点", "活动", "名称"))), None)
        span = _campaign_span(row[when]) if when else None
        if span and name and row[name]:
            found.append((span[0], span[1], row))
    found.sort(key=lambda x: x[0])
    names = [n for n in profile.product_short_names() if n]
    campaigns: list[Campaign] = []
    for index, (start, end, row) in enumerate(found):
        if end is None:  # "… 起": runs until the next campaign starts, a week at most
            following = found[index + 1][0] if index + 1 < len(found) else start + timedelta(days=7)
            end = max(start, min(following, start + timedelta(days=7)) - timedelta(days=1))
        keys = list(row)
        name = next(row[k] for k in keys if any(w in k for w in ("节点", "活动", "名称")))
        focus = next((row[k] for k in keys if "主推" in k or "产品" in k), "")
        rules = next((row[k] for k in keys if "规则" in k or "要点" in k), "")
        subject = next((n for n in names if n in focus), "")
        note = "品牌营销日历" + (f"：主推{focus}" if focus else "") + (f"；{rules}" if rules else "")
        node = MarketingNode(name=name, start=start, end=end, kind="commerce", note=note)
        campaigns.append(Campaign(node=node, subject=subject))
    return campaigns


def _with_campaigns(
    nodes: list[MarketingNode], campaigns: list[Campaign], start: date, end: date
) -> tuple[list[MarketingNode], list[MarketingNode]]:
    """Calendar nodes with the brand's campaign notes added, and the campaigns the calendar lacks."""
    extra: list[MarketingNode] = []
    notes: dict[str, str] = {}
    names = {n.name for n in nodes}
    for campaign in campaigns:
        node = campaign.node
        if node.end < start or node.start > end:
            continue
        if node.name in names:
            notes[node.name] = node.note
        else:
            extra.append(node)
    # Copies, not edits: the calendar's nodes may be shared between plans.
    merged = [
        n.model_copy(update={"note": "；".join(x for x in (n.note, notes[n.name]) if x)}) if n.name in notes else n
        for n in nodes
    ]
    return merged, extra


def _in_brief(campaign: Campaign | None, brief: str) -> bool:
    """Whether the operator's brief asks for a campaign: its name, its product or a word of its name."""
    if campaign is None:
        return False
    name = campaign.node.name
    words = {name[i : i + 2] for i in range(len(name) - 1)} - {"活动", "限定", "上市", "预热"}
    return name in brief or bool(campaign.subject and campaign.subject in brief) or any(w in brief for w in words)


@dataclass
class PlanInsights:
    """What the analyst found works best per platform: posting times, weekdays (0 = Monday), pillars."""

    best_slots: dict[str, list[str]] = field(default_factory=dict)
    best_weekdays: dict[str, list[int]] = field(default_factory=dict)
    best_pillars: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, insights: Insights | None) -> PlanInsights:
        """The fields the planner uses from the analyst's latest insights; none without an analysis."""
        if insights is None:
            return cls()
        return cls(
            best_slots=insights.best_slots,
            best_weekdays=insights.best_weekdays,
            best_pillars=insights.best_pillars,
        )


@dataclass
class PlanDraft:
    """The composed items with the nodes and warnings of the window."""

    items: list[PlanItem]
    nodes: list[MarketingNode]
    warnings: list[str] = field(default_factory=list)


def _preferred_day(day: date, weekdays: list[int], used: set[date], first: date, last: date) -> date:
    """The day itself, or the nearest free day within three days that falls on a preferred weekday."""
    if not weekdays or day.weekday() in weekdays:
        return day
    for shift in (1, -1, 2, -2, 3, -3):
        candidate = day + timedelta(days=shift)
        if first <= candidate <= last and candidate not in used and candidate.weekday() in weekdays:
            return candidate
    return day


def _slots(request: PlanRequest, insights: PlanInsights) -> list[Slot]:
    slots: list[Slot] = []
    first, last = request.start, request.start + timedelta(days=request.days - 1)
    for platform in request.platforms:
        spec = get_platform(platform)
        count = max(1, round(request.posts_per_week * request.days / 7))
        times = insights.best_slots.get(spec.key) or spec.default_slots or ["12:00"]
        weekdays = insights.best_weekdays.get(spec.key, [])
        used: set[date] = set()
        for index in range(count):
            offset = min(request.days - 1, int((index + 0.5) * request.days / count))
            day = _preferred_day(request.start + timedelta(days=offset), weekdays, used, first, last)
            while day in used and day < last:
                day += timedelta(days=1)
            used.add(day)
            slots.append(Slot(day=day, time=times[index % len(times)], platform=spec.key))
    return slots


def _node_day(node: MarketingNode, request: PlanRequest) -> date:
    """The best posting day for a node inside the window: a warm-up day before a sale, the day itself else."""
    end = request.start + timedelta(days=request.days - 1)
    target = node.end - timedelta(days=2) if node.kind == "commerce" and node.end > node.start else node.start
    return min(max(target, request.start, node.start), end, node.end)


def _assign_nodes(slots: list[Slot], nodes: list[MarketingNode], request: PlanRequest) -> list[str]:
    warnings: list[str] = []
    node_count: dict[str, int] = {p: 0 for p in request.platforms}
    for node in nodes:
        day = _node_day(node, request)
        free = [s for s in slots if s.node is None]
        if not free:
            spec = get_platform(request.platforms[len(slots) % len(request.platforms)])
            slot = Slot(day=day, time=(spec.default_slots or ["12:00"])[0], platform=spec.key)
            slots.append(slot)
            warnings.append(f"{node.name} 在窗口内但排期已满，额外加了一条 {spec.name} 内容。")
        else:
            has_node = {s.platform for s in slots if s.node is not None and s.node.name == node.name}
            slot = min(
                free,
                key=lambda s: (s.platform in has_node, node_count[s.platform], abs((s.day - day).days), s.platform),
            )
        slot.node = node
        slot.day = day
        node_count[slot.platform] += 1
    return warnings


def _pillar_sequence(
    profile: BrandProfile, platform: str, count: int, favoured: list[str] | None = None
) -> list[Pillar]:
    """Pillars for a platform's slots: brand shares weighted up by past engagement and the analyst's picks."""
    pillars = profile.pillars
    if not pillars:
        return []
    best = profile.best(platform)
    top = best[0].rate if best else 0.0
    weights: dict[str, float] = {}
    for pillar in pillars:
        base = pillar.share or 1.0 / len(pillars)
        rate = next((b.rate for b in best if b.pillar == pillar.name), None)
        boost = 1.0 + (rate / top if rate is not None and top else 0.0)
        weights[pillar.name] = base * boost * (1.5 if pillar.name in (favoured or []) else 1.0)
    total = sum(weights.values())
    credit = dict.fromkeys(weights, 0.0)
    sequence: list[Pillar] = []
    for _ in range(count):
        for name in credit:
            credit[name] += weights[name] / total
        chosen = max(credit, key=lambda n: (credit[n], n))
        credit[chosen] -= 1.0
        sequence.append(next(p for p in pillars if p.name == chosen))
    return sequence


def _node_pillar(node: MarketingNode, profile: BrandProfile) -> Pillar | None:
    for kind in NODE_PILLAR_KIND.get(node.kind, ("general",)):
        found = next((p for p in profile.pillars if p.kind == kind), None)
        if found:
            return found
    return profile.pillars[0] if profile.pillars else None


def _subjects(
    request: PlanRequest, profile: BrandProfile, seed: int, context: PlanContext, day: date, focus_led: bool
) -> list[str]:
    """Products to write about on a day: the brief's focus first on focus-led items, the others rotated;
    never a product off sale that day or one the brief rules out."""
    barred = context.off_sale(day) | set(context.constraints.avoided_words())
    # A product's first alias is how the team writes it (鲜鸡粮, not 呼噜研究所 鲜鸡全价猫粮).
    names = [p.aliases[0] for p in context.vocabulary.products if p.aliases and p.aliases[0] not in barred]
    focus = [p.aliases[0] if p.aliases else p.name for p in context.constraints.focus]
    focus = [n for n in focus if n not in barred] or [n for n in names if n in request.brief]
    rest = [n for n in names if n not in focus]
    if rest:
        shift = seed % len(rest)
        rest = rest[shift:] + rest[:shift]
    return focus + rest if focus_led else rest + focus


@dataclass
class _Choice:
    topic: str
    subject: str
    template: str


NO_PILLAR = "未定"


def _brief_subject(brief: str) -> str:
    """A plan without pillars writes about the brief's first phrase, never an invented pillar name."""
    return re.split(r"[：:，,。；;！!？?\s]", brief.strip())[0][:12] or brief.strip()[:12]


def _topic_candidates(
    slot: Slot,
    pillar: Pillar,
    subjects: list[str],
    seed: int,
    brand_voice: BrandVoice,
    campaign_templates: tuple[str, ...] = (),
    themes: list[str] | None = None,
) -> list[_Choice]:
    themes = themes or []
    scenes = pillar.scenes or ["日常"]
    voice = asdict(brand_voice)
    node_templates = campaign_templates or (NODE_TEMPLATES.get(slot.node.kind, ()) if slot.node else ())
    pillar_templates = TOPIC_TEMPLATES.get(pillar.kind, TOPIC_TEMPLATES["general"])
    node = slot.node.name if slot.node else ""
    out: list[_Choice] = []
    # Node templates first (a node slot must read as that node), then the pillar's; subjects in order.
    for group in (node_templates, pillar_templates, SUBJECT_TEMPLATES):
        for index in range(len(group)):
            template = group[(seed // 7 + index) % len(group)]
            for subject in subjects or [pillar.name]:
                scene = scenes[(seed + len(out)) % len(scenes)]
                out.append(
                    _Choice(
                        topic=template.format(subject=subject, scene=scene, node=node, **voice),
                        subject=subject,
                        template=template,
                    )
                )
    # Long plans run out of these: every scene of the pillar's scene templates comes last.
    seen = {c.topic for c in out}
    for template in (t for t in pillar_templates if "{scene}" in t):
        for subject in subjects or [pillar.name]:
            for scene in scenes:
                topic = template.format(subject=subject, scene=scene, node=node, **voice)
                if topic not in seen:
                    seen.add(topic)
                    out.append(_Choice(topic=topic, subject=subject, template=template))
    examples = [e for e in pillar.examples if not slot.node and not _dated_elsewhere(e, slot.day)]
    # The pillar's own example topics are the brand's real material: they lead, those that speak to the
    # brief's theme (冬季换粮 → 老猫换粮记录) first; templated product topics follow.
    examples.sort(key=lambda e: -_theme_overlap(e, themes))
    return [_Choice(topic=e, subject="", template="example") for e in examples] + out


def _theme_overlap(topic: str, themes: list[str]) -> float:
    """How much of the brief's themes a topic speaks to (0 when none)."""
    return max((overlap(theme, topic) for theme in themes), default=0.0)


DATED_GRACE_DAYS = 3  # an example dated a few days back still reads as current
_YEAR = re.compile(r"(20\d{2})\s*年?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _dated_elsewhere(text: str, day: date) -> bool:
    """True when an example topic names a year, a date more than a month ahead of the posting day, or a date
    already past (「12 月 1 日上市」 is stale news on 12 月 12 日)."""
    years = {int(y) for y in _YEAR.findall(text)}
    if years and day.year not in years:
        return True
    for month, dom in _MONTH_DAY.findall(text):
        try:
            named = date(day.year, int(month), int(dom))
        except ValueError:
            return True
        if not -DATED_GRACE_DAYS <= (named - day).days <= 31:
            return True
    return False


def _gap_for(pillar: Pillar, platform: str, gaps: list[Gap], used: dict[str, int]) -> Gap | None:
    """The competitor gap that speaks most to this pillar and platform, preferring ones not cited yet."""
    name = get_platform(platform).name

    def relevance(gap: Gap) -> float:
        return overlap(pillar.name, gap.text) + overlap(name, gap.text)

    relevant = [g for g in gaps if relevance(g) > 0]
    if not relevant:
        return None
    best = min(relevant, key=lambda g: (used.get(g.text, 0), -relevance(g), g.source_path, g.text))
    used[best.text] = used.get(best.text, 0) + 1
    return best


@dataclass
class PlanContext:
    """What every item of one plan is held to: the brief's constraints and the names topics may not hide behind."""

    constraints: BriefConstraints
    vocabulary: BriefVocabulary
    names: list[str]
    off_sale: Callable[[date], set[str]]
    openings: list[Gap] = field(default_factory=list)

    def keeps_brief(self, text: str) -> bool:
        """Whether a topic or a suggested fact keeps what the brief rules out (price, competitors, words)."""
        probe = PlanItem(id="", date=date.min, slot="", platform="", pillar="", topic=text, angle="", format="",
                         reason="")
        checked = check_item(probe, self.constraints, self.vocabulary.competitors)
        return all(v.constraint == "audience" for v in checked)

    def allows(self, topic: str, focus_led: bool) -> bool:
        """A topic that keeps the brief, says something beyond names, and leads with the focus when asked."""
        if is_placeholder(topic, self.names) or not self.keeps_brief(topic):
            return False
        return not focus_led or any(n in topic for p in self.constraints.focus for n in p.names())


def plan_context(request: PlanRequest, kb: KnowledgeBase, profile: BrandProfile) -> PlanContext:
    """The brief read against the brand profile, with the names and sale windows the topics are checked with."""
    vocabulary = brief_vocabulary(kb, profile.products, profile.brand_text)
    stored = stored_profile(kb)
    names = [n for p in vocabulary.products for n in p.names()] + [p.name for p in profile.pillars]
    names += [stored.brand] if stored is not None and stored.brand else []

    def off_sale(day: date) -> set[str]:
        if stored is None:
            return set()
        return {n for p in stored.products if not p.on_sale(day) for n in (*p.names(), short_name(p.name))}

    # The brand's openings against each competitor, as the profile states them, join the gaps read from notes.
    openings = [
        Gap(competitor=c.name, text=c.our_opening, source_path=c.source.source_path if c.source else "")
        for c in (stored.competitors if stored is not None else [])
        if c.our_opening
    ]
    return PlanContext(constraints=read_brief(request.brief, vocabulary), vocabulary=vocabulary, names=names,
                       off_sale=off_sale, openings=openings)


def _node_meaning(node: MarketingNode) -> list[str]:
    """What a node means for content, for the operator: its note's phrases, else its season's weather."""
    phrases = [w for w in re.split(r"[、，,；;（）()\s]", node.note) if 1 < len(w) <= 8 and w != "节气"]
    if not phrases and node.kind in ("season", "solar_term"):
        phrases = list(SEASON_WORDS.get(node.start.month, ()))
    return phrases


def _node_words(node: MarketingNode) -> list[str]:
    """What a node is about: its name, its note's phrases, the words that make it fit, and its season."""
    words = [node.name, *node.fit, *[w for w in re.split(r"[、，,；;（）()\s]", node.note) if 1 < len(w) <= 6]]
    if node.kind in ("season", "solar_term"):
        words += SEASON_WORDS.get(node.start.month, ())
    return [w for w in dict.fromkeys(words) if w not in ("节气",)]


@dataclass
class NodeMaterial:
    """What a node gives one item: the product it bears on, a fact to use and the passage it comes from."""

    subject: str = ""
    fact: str = ""
    passage_id: str = ""


def _node_material(node: MarketingNode, context: PlanContext, kb: KnowledgeBase, day: date) -> NodeMaterial:
    """The brand passage that speaks most to the node (its season, its occasion), with a sentence to use."""
    words = _node_words(node)
    best: tuple[int, NodeMaterial] | None = None
    for passage in kb.search(" ".join(words[:8]), k=6):
        for sentence in re.split(r"(?<=[。！？!?；;\n])", passage.text):
            sentence = sentence.replace("*", "").strip(" -#|\n")
            hits = sum(1 for w in words if w in sentence)
            if not hits or len(sentence) < 8 or not context.keeps_brief(sentence):
                continue
            product = context.vocabulary.product_in(sentence) or context.vocabulary.product_in(passage.text)
            subject = short_name(product.name) if product else ""
            if subject in context.off_sale(day) or subject in context.constraints.avoided_words():
                subject = ""
            if best is None or hits > best[0]:
                best = (hits, NodeMaterial(subject=subject, fact=shorten(sentence, 50), passage_id=passage.id))
    return best[1] if best else NodeMaterial()


_FIRST_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*$", re.MULTILINE)


def recent_topics(profile: BrandProfile, start: date) -> list[str]:
    """What the brand published in the last RECENT_DAYS: titles, and each piece's own first heading (a file
    named in English, 2026-09-12-wechat-factory-48h.md, says its topic only there)."""
    titles = profile.recent_titles(start, RECENT_DAYS)
    listed = set(titles)
    headings = [m.group(1) for d in profile.past if d.title in listed and (m := _FIRST_HEADING.search(d.text))]
    return list(dict.fromkeys(titles + headings))


def compose_plan(
    request: PlanRequest,
    plan_id: str,
    kb: KnowledgeBase,
    profile: BrandProfile,
    insights: Insights | None = None,
    context: PlanContext | None = None,
) -> PlanDraft:
    """The offline plan: slots per platform, fitting marketing nodes placed first, then pillars and topics,
    all held to the brief's constraints."""
    context = context or plan_context(request, kb, profile)
    constraints = context.constraints
    learned = PlanInsights.read(insights)
    end = request.start + timedelta(days=request.days - 1)
    nodes, warnings = marketing_nodes(request.start, end)
    campaigns = {c.node.name: c for c in brand_campaigns(profile)}
    nodes, own = _with_campaigns(nodes, list(campaigns.values()), request.start, end)
    hot = [
        MarketingNode(name=topic, start=request.start, end=end, kind="hot_topic", note="热点（运营提供）")
        for topic in request.hot_topics
    ]
    for node in nodes:
        if node.risk:
            warnings.append(f"{node.start.isoformat()} {node.name}：{node.note}")
    must = fitting_nodes(nodes, profile.brand_text) + own + hot
    skipped = [n.name for n in nodes if n not in must and not n.risk]
    if skipped:
        warnings.append(f"未排期的节点（品牌资料里没有相关内容）：{'、'.join(skipped)}")
    if constraints.avoids("price"):
        sales = [n for n in must if n.kind == "commerce"]
        must = [n for n in must if n.kind != "commerce"]
        if sales:
            warnings.append(f"简报要求不谈价格和促销，没有为这些大促/活动节点排期：{'、'.join(n.name for n in sales)}")
    # A node the operator names in the brief gets an item on every platform, not just one.
    focus = [n for n in must if n.name in request.brief or _in_brief(campaigns.get(n.name), request.brief)]
    must = [n for n in focus for _ in request.platforms] + [n for n in must if n not in focus]
    slots = _slots(request, learned)
    warnings += _assign_nodes(slots, must, request)
    if not profile.pillars:
        warnings.append("品牌资料里没有找到内容支柱，这些选题只按需求、产品和节点安排（支柱一栏写「未定」）。"
                        "在品牌手册里写明内容方向并重新导入，或用 nmo brand import 补上。")
    by_platform: dict[str, list[Slot]] = {}
    for slot in slots:
        by_platform.setdefault(slot.platform, []).append(slot)
    for platform, platform_slots in by_platform.items():
        sequence = _pillar_sequence(profile, platform, len(platform_slots), learned.best_pillars.get(platform))
        for index, slot in enumerate(sorted(platform_slots, key=lambda s: s.day)):
            slot.pillar = _node_pillar(slot.node, profile) if slot.node else (sequence[index] if sequence else None)
    recent = TopicMatcher(recent_topics(profile, request.start), knowledge_embedder(kb))
    search = CachedSearch(kb)
    items: list[PlanItem] = []
    taken: list[str] = []
    taken_by_platform: dict[str, list[str]] = {}
    window = WITHIN_PLAN_WINDOW * len(request.platforms)  # topics differ across platforms too
    empty = 0
    for slot in sorted(slots, key=lambda s: (s.day, s.time, request.platforms.index(s.platform))):
        pillar = slot.pillar or Pillar(name=NO_PILLAR, kind=pillar_type(request.brief))
        seed = int(text_hash(f"{request.brief}|{slot.platform}|{slot.day}|{pillar.name}"), 16)
        # Every other item leads with the product the brief focuses on; the others keep the pillars covered.
        focus_led = bool(constraints.focus) and len(items) % 2 == 0
        here = taken_by_platform.setdefault(slot.platform, [])
        material = _node_material(slot.node, context, kb, slot.day) if slot.node else NodeMaterial()
        subjects = _subjects(request, profile, seed, context, slot.day, focus_led)
        if not subjects and not slot.pillar:
            subjects = [_brief_subject(request.brief)]
        campaign = campaigns.get(slot.node.name) if slot.node else None
        lead = campaign.subject if campaign and campaign.subject else material.subject
        # The same product may be written differently (雪梨白茶 in the calendar, 冷泡茶·雪梨白茶 as its alias).
        lead = next((name for name in subjects if lead and (lead in name or name in lead)), "")
        if campaign and campaign.subject and lead:
            subjects = [lead]  # a campaign's items are about the product it pushes, on every platform
        elif lead and not focus_led:
            # A node's item is about what the node bears on: here, the product its passage names.
            subjects = [lead] + [s for s in subjects if s != lead]
        extra = campaign.templates() if campaign else ()
        choice = _pick_topic(slot, pillar, subjects, seed, recent, taken, window, profile.voice, here, extra,
                             allowed=partial(context.allows, focus_led=focus_led), fresh_only=focus_led,
                             themes=constraints.themes)
        if choice is None and focus_led:  # the focus has run out of fresh topics here: keep the pillar's
            choice = _pick_topic(slot, pillar, subjects, seed, recent, taken, window, profile.voice, here, extra,
                                 allowed=partial(context.allows, focus_led=False), themes=constraints.themes)
        if choice is None:
            empty += 1
            continue
        taken.append(choice.topic)
        here.append(choice.topic)
        item = _item(request, plan_id, len(items) + 1, slot, pillar, choice, profile, search, context, material)
        if slot.time in learned.best_slots.get(slot.platform, []):
            item.reason += f"；数据分析：{get_platform(slot.platform).name}在 {slot.time} 发布表现最好"
        items.append(item)
    if empty:
        warnings.append(f"有 {empty} 个排期位找不到既守住简报、又有真实内容的选题，已留空，没有用套话补位；"
                        "补充品牌资料（内容支柱的示例选题、产品资料）后重新计划。")
    return PlanDraft(items=items, nodes=nodes + own + hot, warnings=warnings + context.constraints.operator_lines())


def _pick_topic(
    slot: Slot,
    pillar: Pillar,
    subjects: list[str],
    seed: int,
    recent: TopicMatcher,
    taken: list[str],
    window: int,
    voice: BrandVoice,
    taken_here: list[str],
    campaign_templates: tuple[str, ...] = (),
    allowed: Callable[[str], bool] = lambda topic: True,
    fresh_only: bool = False,
    themes: list[str] | None = None,
) -> _Choice | None:
    """The first allowed candidate that repeats neither recent content nor a topic of the plan's last `window`;
    when all do (a long plan on thin knowledge), one that repeats no recent content and that this platform
    (then the plan) has not used yet;
    None when no candidate is allowed (never a placeholder or a topic that breaks the brief), or, with
    fresh_only, when none is fresh."""
    candidates = [c for c in _topic_candidates(slot, pillar, subjects, seed, voice, campaign_templates, themes)
                  if allowed(c.topic)]
    if not candidates:
        return None

    latest = taken[-window:]

    def inside(topic: str) -> float:
        return max((similarity(topic, old) for old in latest), default=0.0)

    fresh = [c for c in candidates if inside(c.topic) < SIMILARITY_THRESHOLD and c.topic not in taken]
    # Compare with past content a few candidates at a time: the first batch almost always has a fit.
    for start in range(0, len(fresh), CANDIDATE_BATCH):
        batch = fresh[start : start + CANDIDATE_BATCH]
        for choice, (score, _) in zip(batch, recent.scores([c.topic for c in batch]), strict=True):
            if score < recent.threshold - REPEAT_MARGIN:
                return choice
    if fresh_only and not fresh:
        return None
    scored = zip(candidates, recent.scores([c.topic for c in candidates]), strict=True)
    ranked = sorted(
        scored, key=lambda pair: (pair[1][0] >= recent.threshold - REPEAT_MARGIN, pair[0].topic in taken_here[-3:],
                                  pair[0].topic in taken_here, pair[0].topic in taken,
                                  pair[1][0] / recent.threshold + inside(pair[0].topic) / SIMILARITY_THRESHOLD)
    )
    return ranked[0][0]


class CachedSearch:
    """Knowledge search with repeated queries answered from memory (plans ask the same things often)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._memo: dict[tuple[str, int, str | None], list[str]] = {}
        self.gaps_used: dict[str, int] = {}

    def ids(self, query: str, k: int, kind: Kind | None = None) -> list[str]:
        """IDs of the top passages for a query."""
        key = (query, k, kind)
        if key not in self._memo:
            self._memo[key] = [p.id for p in self.kb.search(query, k=k, kind=kind)]
        return self._memo[key]


def _item(
    request: PlanRequest,
    plan_id: str,
    number: int,
    slot: Slot,
    pillar: Pillar,
    choice: _Choice,
    profile: BrandProfile,
    search: CachedSearch,
    context: PlanContext,
    material: NodeMaterial,
) -> PlanItem:
    spec = get_platform(slot.platform)
    formats = [f for f in FORMAT_BY_PILLAR.get(pillar.kind, ()) if f in spec.formats] or spec.formats or ["图文"]
    item_format = formats[number % len(formats)] if pillar.kind != "promo" else formats[0]
    reasons: list[str] = []
    citations: list[str] = []
    if slot.node:
        span = slot.node.start.isoformat() + (
            f"～{slot.node.end.isoformat()}" if slot.node.end != slot.node.start else ""
        )
        reasons.append(
            f"营销节点「{slot.node.name}」（{span}）在窗口内" + (f"：{slot.node.note}" if slot.node.note else "")
        )
        if material.fact:
            reasons.append(f"品牌资料里和这个节点相关的内容：「{material.fact}」")
            citations.append(material.passage_id)
        else:
            citations += search.ids(f"{slot.node.name} {choice.subject}", k=1)
    best = profile.best(slot.platform)
    rank = next((i for i, b in enumerate(best) if b.pillar == pillar.name), None)
    if rank is not None:
        perf = best[rank]
        reasons.append(
            f"「{pillar.name}」在{spec.name}的历史平均互动率 {perf.rate:.1%}（{perf.pieces} 篇），"
            f"在该平台支柱中排第 {rank + 1}"
        )
    elif pillar.share:
        reasons.append(f"品牌内容支柱「{pillar.name}」建议占比 {pillar.share:.0%}")
    known = {g.text for g in profile.gaps}
    gaps = profile.gaps + [g for g in context.openings if g.text not in known]
    gap = _gap_for(pillar, slot.platform, gaps, search.gaps_used)
    angle = _angle(request, slot, pillar, profile, context, material)
    if gap:
        reasons.append(f"竞品空白（{gap.competitor}）：{shorten(gap.text, 60).rstrip('。')}")
        citations += search.ids(gap.text, k=1, kind="competitor")
    theme = next((t for t in context.constraints.themes if overlap(t, choice.topic) > 0), None)
    if theme:
        reasons.append(f"呼应简报「{theme}」")
    if choice.template == "example":
        reasons.append("来自品牌支柱的示例选题，近期未发过")
    citations += search.ids(f"{pillar.name} {pillar.description}", k=1)
    if choice.subject:
        citations += search.ids(f"{choice.subject} 产品", k=1, kind="brand")
    return PlanItem(
        id=f"{plan_id}-{number:02d}",
        date=slot.day,
        slot=slot.time,
        platform=spec.key,
        pillar=pillar.name,
        topic=choice.topic,
        angle=angle,
        format=item_format,
        reason="；".join(reasons) or "保持发布节奏",
        node=slot.node.name if slot.node else None,
        citations=list(dict.fromkeys(citations)),
    )


def _angle(
    request: PlanRequest,
    slot: Slot,
    pillar: Pillar,
    profile: BrandProfile,
    context: PlanContext,
    material: NodeMaterial,
) -> str:
    """How to write the item: who it is for, what the node brings, the pillar's, platform's and goal's way."""
    constraints = context.constraints
    no_price = constraints.avoids("price")
    pillar_angle = NO_PRICE_PROMO_ANGLE if no_price and pillar.kind == "promo" else PILLAR_ANGLES.get(pillar.kind, "")
    goal = constraints.goal or request.goal
    goal_angle = NO_PRICE_GOAL_ANGLE if no_price and goal == "conversion" else GOAL_ANGLES[goal]
    node_angle = ""
    if slot.node:
        about = "、".join([w for w in _node_meaning(slot.node) if context.keeps_brief(w)][:3])
        node_angle = f"借「{slot.node.name}」" + (f"（{about}）" if about else "") + "切入"
        if material.fact:
            node_angle += f"，可用资料：{material.fact}"
    parts = (
        f"面向{constraints.audience}" if constraints.audience else "",
        node_angle,
        pillar_angle.format(**asdict(profile.voice)),
        get_platform(slot.platform).plan_angle,
        goal_angle,
        f"语气{'、'.join(constraints.tone)}" if constraints.tone else "",
    )
    return "；".join(x for x in parts if x)
