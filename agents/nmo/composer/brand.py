"""What the knowledge base says about the brand: pillars, products, past performance, competitor gaps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from nmo.composer.facts import product_names, short_name
from nmo.ports import KnowledgeBase
from nmo.schemas import SourceDocument

if TYPE_CHECKING:
    from nmo.brand.profile import BrandProfile as StoredProfile

INTERACTIONS = (
    "likes",
    "comments",
    "shares",
    "saves",
    "collects",
    "favorites",
    "coins",
    "danmaku",
    "reposts",
)
EXPOSURES = ("views", "reads", "impressions", "plays", "exposure")
GAP_HEADINGS = ("机会", "空白", "差异", "gap", "opportunit")
_HEADING = re.compile(r"^##\s+(?:\d+[.、]\s*)?(.+?)\s*$", re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.、])\s+(.+)$", re.MULTILINE)

PillarType = str  # tutorial | lifestyle | promo | story | origin | general
PILLAR_TYPE_WORDS: tuple[tuple[PillarType, tuple[str, ...]], ...] = (
    ("promo", ("新品", "活动", "促销", "大促", "上新", "福利")),
    ("tutorial", ("课堂", "科普", "知识", "教程", "小课", "干货", "方法")),
    ("story", ("故事", "用户", "茶友", "粉丝", "来信", "UGC")),
    ("origin", ("产地", "匠心", "工艺", "溯源", "原料", "品控")),
    ("lifestyle", ("日常", "生活", "场景", "一杯", "陪伴")),
)


def pillar_type(name: str) -> PillarType:
    """Classify a pillar by the words in its name, so templates fit any brand's pillars."""
    for kind, words in PILLAR_TYPE_WORDS:
        if any(word in name for word in words):
            return kind
    return "general"


@dataclass
class Pillar:
    """One content pillar with what the brand guide says about it."""

    name: str
    kind: PillarType
    share: float = 0.0
    description: str = ""
    examples: list[str] = field(default_factory=list)
    scenes: list[str] = field(default_factory=list)


@dataclass
class Performance:
    """Average engagement rate of past pieces for one platform and pillar."""

    platform: str
    pillar: str
    rate: float
    pieces: int


@dataclass
class Gap:
    """A content gap noted in a competitor file."""

    competitor: str
    text: str
    source_path: str


@dataclass
class BrandVoice:
    """The few words templates need that depend on what the brand sells (tea is 泡 and 喝 by the 杯)."""

    community: str = "用户"
    serving: str = ""
    prepare: str = "用"
    consume: str = "用"

    @classmethod
    def from_text(cls, text: str) -> BrandVoice:
        """Read the brand's own habits from its knowledge: what it calls its users, how its product is used."""
        friends = [w for w in re.findall(r"(\w友)", text) if w not in ("朋友", "好友", "网友", "亲友")]
        community = max(set(friends), key=lambda w: (friends.count(w), w)) if len(friends) >= 3 else "用户"
        serving = next((u for u in ("一杯", "一碗", "一盒", "一份") if text.count(u) >= 3), "")
        prepare = next((v for v in ("泡", "煮", "冲", "做") if text.count(v) >= 10), "用")
        consume = next((v for v in ("喝", "吃") if text.count(v) >= 10), "用")
        return cls(community=community, serving=serving, prepare=prepare, consume=consume)


@dataclass
class BrandProfile:
    """Everything the planner and composer know about the brand, read once from the knowledge base."""

    pillars: list[Pillar]
    products: list[str]
    performance: list[Performance]
    gaps: list[Gap]
    past: list[SourceDocument]
    brand_text: str
    voice: BrandVoice = field(default_factory=BrandVoice)
    stored: StoredProfile | None = None  # the ingest-built profile: sale windows and campaign dates

    def product_short_names(self) -> list[str]:
        """Distinguishing product names (白桃乌龙, 随行冷泡杯 …)."""
        return [short_name(p) for p in self.products]

    def pillar(self, name: str) -> Pillar | None:
        """A pillar by name."""
        return next((p for p in self.pillars if p.name == name), None)

    def best(self, platform: str) -> list[Performance]:
        """This platform's pillars by past engagement rate, best first."""
        rows = [p for p in self.performance if p.platform == platform]
        return sorted(rows, key=lambda p: (-p.rate, p.pillar))

    def recent_titles(self, before: date, days: int = 90) -> list[str]:
        """Titles and tags of past pieces published in the `days` before a date."""
        since = before - timedelta(days=days)
        out: list[str] = []
        for doc in self.past:
            published = _parse_date(doc.published_at)
            if published is not None and since <= published <= before + timedelta(days=days):
                out.append(doc.title)
        return out

    def best_pieces(self, platform: str, limit: int = 5) -> list[SourceDocument]:
        """The past pieces of a platform with the highest engagement rate (examples for the writer)."""
        pieces = [d for d in self.past if d.platform == platform and engagement_rate(d) is not None]
        return sorted(pieces, key=lambda d: (-(engagement_rate(d) or 0.0), d.path))[:limit]

    def tag_counts(self, platform: str) -> dict[str, int]:
        """How often each tag occurs on the platform's best past pieces (all pieces if it has none)."""
        counts: dict[str, int] = {}
        for doc in self.best_pieces(platform, limit=8) or self.past:
            for tag in doc.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return counts


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def engagement_rate(doc: SourceDocument) -> float | None:
    """Interactions per exposure of a past piece, or None when its metrics lack an exposure count."""
    exposure = next((doc.metrics[k] for k in EXPOSURES if doc.metrics.get(k)), 0.0)
    if not exposure:
        return None
    return sum(doc.metrics.get(k, 0.0) for k in INTERACTIONS) / exposure


def _pillars_from_guide(docs: list[SourceDocument]) -> list[Pillar]:
    guide = next(
        (d for d in docs if "支柱" in d.title or "pillar" in d.path.lower() or "栏目" in d.title), None
    )
    if guide is None:
        return []
    pillars: list[Pillar] = []
    sections = _HEADING.split(guide.text)
    for name, body in zip(sections[1::2], sections[2::2], strict=False):
        name = name.strip()
        share = re.search(re.escape(name) + r"\s*(\d+)\s*%", guide.text)
        description = re.search(r"描述\**[：:]\s*(.+)", body)
        examples = [m.strip() for m in _LIST_ITEM.findall(body)]
        scenes: list[str] = []
        if description:
            tail = re.split(r"[：:]", description.group(1))[-1]
            scenes = [
                s.strip("。 ")
                for s in re.split(r"[、，,]", tail)
                if 1 < len(s.strip("。 ")) <= 6 and not set(s) & set("（）()")
            ]
        pillars.append(
            Pillar(
                name=name,
                kind=pillar_type(name),
                share=float(share.group(1)) / 100 if share else 0.0,
                description=description.group(1).strip() if description else "",
                examples=examples,
                scenes=scenes,
            )
        )
    return pillars


def _gaps(docs: list[SourceDocument]) -> list[Gap]:
    gaps: list[Gap] = []
    for doc in docs:
        sections = _HEADING.split(doc.text)
        for heading, body in zip(sections[1::2], sections[2::2], strict=False):
            if any(word in heading.lower() for word in GAP_HEADINGS):
                for item in _LIST_ITEM.findall(body):
                    text = re.sub(r"\*\*", "", item).strip()
                    gaps.append(Gap(competitor=doc.title, text=text, source_path=doc.path))
    return gaps


def _voice(brand_text: str, stored: StoredProfile | None) -> BrandVoice:
    """The brand's habits read from its text; the address term its tone rules name wins when there is one."""
    voice = BrandVoice.from_text(brand_text)
    if stored is not None and stored.tone.address_term:
        voice.community = stored.tone.address_term
    return voice


def stored_profile(kb: KnowledgeBase) -> StoredProfile | None:
    """The brand profile built at ingest (with the team's corrections), when the knowledge base has one."""
    from nmo.brand.store import BrandStore
    from nmo.errors import UserInputError

    folder = getattr(kb, "brand_directory", None)  # the real knowledge base has one; test fakes need not
    if folder is None:
        return None
    try:
        return BrandStore(folder).profile()
    except UserInputError:
        return None  # unreadable corrections: `nmo brand show` says why; plans fall back to the guide's text


def load_brand_profile(kb: KnowledgeBase) -> BrandProfile:
    """Read the brand's pillars, products, past performance and competitor gaps from the knowledge base."""
    from nmo.schemas import Passage

    # A published piece is past content whatever folder it sits in (posts/, 往期内容/): it has a date and a platform.
    past = [d for d in kb.documents() if d.kind == "content" or (d.published_at and d.platform)]
    brand_docs = [d for d in kb.documents("brand") if d not in past]
    stored = stored_profile(kb)
    pillars = [
        Pillar(name=p.name, kind=pillar_type(p.name), share=p.share or 0.0, description=p.description,
               examples=list(p.examples))
        for p in (stored.pillars if stored is not None else [])
    ] or _pillars_from_guide(brand_docs)
    if not pillars:
        names = sorted({d.pillar for d in past if d.pillar})
        pillars = [Pillar(name=n, kind=pillar_type(n)) for n in names]
    as_passages = [Passage(id=d.path, text=d.text, source_path=d.path, title=d.title) for d in brand_docs]
    products = [p.name for p in stored.products] if stored is not None and stored.products else []
    products = list(dict.fromkeys(products)) or product_names(as_passages)
    sums: dict[tuple[str, str], list[float]] = {}
    for doc in past:
        rate = engagement_rate(doc)
        if rate is not None and doc.platform and doc.pillar:
            sums.setdefault((doc.platform, doc.pillar), []).append(rate)
    performance = [
        Performance(platform=k[0], pillar=k[1], rate=sum(v) / len(v), pieces=len(v)) for k, v in sums.items()
    ]
    brand_text = "\n".join(d.text for d in brand_docs + past)
    return BrandProfile(
        pillars=pillars,
        products=products,
        performance=performance,
        gaps=_gaps(kb.documents("competitor")),
        past=past,
        brand_text=brand_text,
        voice=_voice(brand_text, stored),
        stored=stored,
    )
