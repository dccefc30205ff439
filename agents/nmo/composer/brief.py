"""An operator's free-text brief read as typed constraints, and the checker that holds plan items to them.

The reader knows no brand: products and competitors come from the brand profile (names and aliases).
The checker is the one the `plans` eval uses, so what the planner promises is what gets measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from nmo.ports import KnowledgeBase
from nmo.schemas import Goal, PlanItem

AvoidKind = Literal["price", "competitor", "term"]
READ_PREFIX = "已按简报："
UNREAD_PREFIX = "简报里没读懂："

# Phrases that rule out price-led, discount or promotion topics (不打价格战, 不提价格, 不做促销 …).
_NO_PRICE = re.compile(
    r"(?:不|别|勿|不要|避免|拒绝)\s*(?:打|搞|做|提|讲|谈|写|说|拼|卷|碰)?\s*"
    r"(?:价格战|价格|价钱|降价|打折|折扣|促销|优惠|低价|大促|满减|特价|比价)"
)
_NO_COMPETITOR = re.compile(
    r"(?:不|别|勿|不要|避免)\s*(?:提|点名|碰|写|说|讲|拉踩|对比|比较|和|跟|与)?\s*(?:竞品|同行|友商|别家|对手)"
    r"|(?:不|别|不要)\s*拉踩"
)
_SAY = r"(?:提到|提及|提|写|说|讲|出现|用|碰|发)"
# 不要X / 别提X / 避免X (also after 这期, 本周 …) rule X out;
# a bare 不 only with a verb of saying (不提X), never 不错 or 不用太正式.
_AVOID_TERM = re.compile(
    rf"(?:(?:不要|别|勿|避免|禁止)\s*(?:再|要)?\s*{_SAY}?|不\s*再?\s*(?:提到|提及|提|写|出现))\s*(.+)$"
)
_FOCUS = re.compile(r"(?:主推|主打|重点推|多推)\s*(.+)")
# 面向/针对/写给 name an audience outright; 给 only when a word for people ends the clause (给猫换粮 is not one).
_AUDIENCE = re.compile(
    r"^(?:(?:面向|针对|写给|瞄准)\s*(.+)|给\s*(.+(?:人群|群体|人|们|用户|读者|党|族|家庭|新手|学生|官)))$"
)
GOAL_WORDS: dict[Goal, tuple[str, ...]] = {
    "awareness": ("拉新", "涨粉", "曝光", "认知", "品牌认知", "种草"),
    "engagement": ("互动", "评论", "涨互动", "留言", "讨论"),
    "conversion": ("转化", "带货", "卖货", "下单", "成交", "销量"),
}
TONE_WORDS = ("轻松", "活泼", "口语", "正式", "专业", "严谨", "温暖", "走心", "幽默", "克制", "真诚", "有趣")
# A topic led by price or a deal: what 「不打价格战」 rules out.
PRICE_LED = re.compile(
    r"价格|价钱|售价|到手价|\d+\s*元|¥|￥|优惠|折扣|打折|\d+\s*折|满\s*\d+\s*减|满减|促销|降价|特价|秒杀|券|"
    r"划算|省钱|囤货|凑单|低价|便宜|性价比|入手|大促|福利价|包邮|买一送一|抢购|清仓"
)
COMPETITOR_WORDS = ("竞品", "吊打", "碾压", "拉踩", "友商")
_CLAUSE = re.compile(r"[，,。；;！!？?、\n]+|\s{2,}")


class ProductName(BaseModel):
    """A product as the brief may name it: its full name and aliases."""

    name: str
    aliases: list[str] = Field(default_factory=list)

    def names(self) -> list[str]:
        """Every way the product is written, longest first (so the longest match wins)."""
        return sorted({self.name, *[a for a in self.aliases if a]}, key=lambda n: (-len(n), n))


class BriefVocabulary(BaseModel):
    """What the reader may recognise in a brief, from the brand profile: products, competitors, its text."""

    products: list[ProductName] = Field(default_factory=list)
    competitors: list[str] = Field(default_factory=list)
    brand_text: str = ""

    def product_in(self, text: str) -> ProductName | None:
        """The product a piece of text names: by a full name or alias (the longest wins), else by a part of
        its name of three characters or more that no other product shares (生吐司 → 北海道生吐司), which then
        counts as one of its names."""
        found = [(len(n), p) for p in self.products for n in p.names() if len(n) >= 2 and n in text]
        if found:
            return max(found, key=lambda pair: pair[0])[1]
        parts = [(_shared_part(text, p.names()), p) for p in self.products]
        best = max((len(part) for part, _ in parts), default=0)
        matching = [(part, p) for part, p in parts if len(part) == best]
        if best < MIN_NAME_PART or len(matching) != 1:
            return None
        part, product = matching[0]
        return product.model_copy(update={"aliases": [*product.aliases, part]})


MIN_NAME_PART = 3


def _shared_part(text: str, names: Sequence[str]) -> str:
    """The longest piece (three characters or more) of any of the names that the text contains, or ""."""
    for length in range(max((len(n) for n in names), default=0), MIN_NAME_PART - 1, -1):
        for name in names:
            piece = next((name[i : i + length] for i in range(len(name) - length + 1) if name[i : i + length] in text),
                         "")
            if piece:
                return piece
    return ""


class Avoid(BaseModel):
    """Something the plan must not lead with: price/deals, competitors, or given words."""

    kind: AvoidKind
    words: list[str] = Field(default_factory=list, description="For kind=term: the words ruled out.")
    said: str = Field(description="The brief's own words, to show the operator.")


class BriefConstraints(BaseModel):
    """What nmo read from a brief: what to avoid, which products to focus on, the audience, goal and tone."""

    avoid: list[Avoid] = Field(default_factory=list)
    focus: list[ProductName] = Field(default_factory=list)
    audience: str = ""
    goal: Goal | None = None
    tone: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list, description="The rest of the brief: what it is about.")
    unread: list[str] = Field(default_factory=list, description="Parts of the brief nmo could not use, and why.")

    def avoids(self, kind: AvoidKind) -> bool:
        """Whether the brief rules out this kind of topic."""
        return any(a.kind == kind for a in self.avoid)

    def avoided_words(self) -> list[str]:
        """Every word the brief rules out by name."""
        return [w for a in self.avoid if a.kind == "term" for w in a.words]

    def summary(self) -> str:
        """One line for the operator: 不打价格战；主推 X；面向 Y (empty when the brief held no constraint)."""
        parts = [a.said for a in self.avoid]
        parts += [f"主推 {p.name}" for p in self.focus]
        if self.audience:
            parts.append(f"面向 {self.audience}")
        if self.goal:
            parts.append(f"目标 {self.goal}")
        if self.tone:
            parts.append(f"语气 {'、'.join(self.tone)}")
        return "；".join(parts)

    def operator_lines(self) -> list[str]:
        """The lines shown with a plan: what was read, and what was not understood."""
        lines = [READ_PREFIX + self.summary()] if self.summary() else []
        if self.unread:
            lines.append(UNREAD_PREFIX + "；".join(self.unread))
        return lines


def brief_vocabulary(kb: KnowledgeBase, product_names: Sequence[str] = (), brand_text: str = "") -> BriefVocabulary:
    """Products (with aliases) and competitors from the brand profile built at ingest; without one, the
    product names the composer read from the guide."""
    from nmo.composer.brand import stored_profile

    products = [ProductName(name=n, aliases=[_short(n)]) for n in product_names]
    competitors: list[str] = []
    stored = stored_profile(kb)
    if stored is not None:
        products = [ProductName(name=p.name, aliases=[*p.aliases, _short(p.name)]) for p in stored.products] or (
            products
        )
        competitors = [n for c in stored.competitors for n in (c.name, *c.aliases) if n]
    return BriefVocabulary(products=products, competitors=competitors, brand_text=brand_text)


def _short(name: str) -> str:
    from nmo.composer.facts import short_name

    return short_name(name)


def _clauses(brief: str) -> list[str]:
    return [c.strip() for c in _CLAUSE.split(brief) if c.strip()]


def _known(text: str, brand_text: str) -> bool:
    """Whether the brand's knowledge speaks of any two-character piece of the text."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    return any(p in brand_text for p in pairs if re.fullmatch(r"[\u4e00-\u9fff]{2}", p))


def read_brief(brief: str, vocabulary: BriefVocabulary) -> BriefConstraints:
    """The brief's constraints, clause by clause; a clause that names an unknown product, or that nothing in
    the brand's knowledge speaks to, is reported as not understood instead of being guessed at."""
    read = BriefConstraints()
    for clause in _clauses(brief):
        if _NO_PRICE.search(clause):
            read.avoid.append(Avoid(kind="price", said=clause))
            continue
        if _NO_COMPETITOR.search(clause):
            read.avoid.append(Avoid(kind="competitor", said=clause))
            continue
        avoid = _AVOID_TERM.search(clause)
        if avoid:
            target = avoid.group(1).strip("「」“”\"' ")
            product = vocabulary.product_in(target)
            words = list(dict.fromkeys([target, *(product.names() if product else [])]))
            read.avoid.append(Avoid(kind="term", words=words, said=clause))
            continue
        audience = _AUDIENCE.match(clause)
        if audience:
            read.audience = (audience.group(1) or audience.group(2)).strip()
            continue
        goal = next((g for g, words in GOAL_WORDS.items() if any(w in clause for w in words)), None)
        tone = [w for w in TONE_WORDS if w in clause]
        focus = _FOCUS.search(clause)
        product = vocabulary.product_in(clause)
        if product is not None:
            if all(p.name != product.name for p in read.focus):
                read.focus.append(product)
        elif focus and not goal and not tone:
            read.unread.append(f"「{clause}」：品牌资料里没有叫「{focus.group(1)}」的产品")
            continue
        if goal or tone:
            read.goal = goal or read.goal
            read.tone += [t for t in tone if t not in read.tone]
            continue
        if product is None:
            if vocabulary.brand_text and not _known(clause, vocabulary.brand_text):
                read.unread.append(f"「{clause}」：品牌资料里没有相关内容，只按字面理解")
            read.themes.append(clause)
    return read


class Violation(BaseModel):
    """A brief constraint an item (or the plan as a whole) does not keep."""

    item: str = Field(description="Item ID, or 'plan' for a plan-wide constraint.")
    constraint: str
    detail: str


def item_text(item: PlanItem) -> str:
    """What an operator reads as the item's content: topic and angle."""
    return f"{item.topic}\n{item.angle}"


def check_item(item: PlanItem, constraints: BriefConstraints, competitors: Sequence[str] = ()) -> list[Violation]:
    """The constraints one item breaks: a price-led topic under 不打价格战, a competitor under 不提竞品, a
    ruled-out word, an audience the angle does not address."""
    text = item_text(item)
    out: list[Violation] = []
    if constraints.avoids("price"):
        hit = PRICE_LED.search(text)
        if hit:
            out.append(Violation(item=item.id, constraint="price", detail=f"价格/促销导向：「{hit.group(0)}」"))
    if constraints.avoids("competitor"):
        hit_word = next((w for w in (*competitors, *COMPETITOR_WORDS) if w and w in text), None)
        if hit_word:
            out.append(Violation(item=item.id, constraint="competitor", detail=f"提到了「{hit_word}」"))
    for word in constraints.avoided_words():
        if word and word in text:
            out.append(Violation(item=item.id, constraint="term", detail=f"提到了「{word}」"))
    if constraints.audience and constraints.audience not in item.angle:
        out.append(Violation(item=item.id, constraint="audience", detail=f"角度没有写明面向「{constraints.audience}」"))
    return out


FOCUS_SHARE = 1 / 3  # a focus product leads at least this share of items; the rest keep the pillars covered


def check_plan(
    items: Sequence[PlanItem], constraints: BriefConstraints, competitors: Sequence[str] = ()
) -> list[Violation]:
    """Every constraint the plan breaks: per item, and a focus product named in too few topics."""
    out = [v for item in items for v in check_item(item, constraints, competitors)]
    for product in constraints.focus:
        naming = sum(1 for i in items if any(n in i.topic for n in product.names()))
        if items and naming < FOCUS_SHARE * len(items):
            out.append(Violation(item="plan", constraint="focus",
                                 detail=f"主推 {product.name}：只有 {naming}/{len(items)} 条选题写到它"))
    return out


# Words that carry no content of their own in a topic: templates made of these around a name are filler.
FILLER = (
    "聊聊", "说说", "谈谈", "一起", "日常", "品牌", "时令", "分享", "你想知道的都在这里", "你想知道的", "都在这里",
    "清单", "来了", "一图看懂", "看这篇", "现在入手", "这样", "怎么", "才对", "关于", "常被问到的几个问题", "篇",
    "时光", "的", "和", "与", "了", "是", "在", "把", "带去", "心意", "限定", "故事", "一位", "我们",
    "好物", "推荐", "介绍", "上新", "新品", "活动", "福利", "专题", "系列", "合集", "更新",
)
MIN_CONTENT_CHARS = 4


def is_placeholder(topic: str, names: Sequence[str]) -> bool:
    """A placeholder topic says nothing beyond names: with the brand's names (brand, products, pillars,
    nodes) and filler words (聊聊, 日常, 时令, 清单 …) removed, fewer than four characters are left."""
    rest = topic
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        rest = rest.replace(name, "")
    for word in sorted(FILLER, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", rest)) < MIN_CONTENT_CHARS
