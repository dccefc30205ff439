"""The offline draft composer: a platform-native draft built from retrieved facts, pillars and templates.

Only sentences copied from passages carry facts (and so numbers); every one ends with a `[^n]` marker
pointing at its passage. Everything the templates add is number-free connective text. Facts are chosen for
the topic and must be valid on the publication date; sentences an earlier draft of the same plan used are
not used again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from nmo.composer.brand import BrandProfile, BrandVoice, pillar_type
from nmo.composer.facts import Fact, rank_facts, short_name
from nmo.composer.limits import enforce_limits
from nmo.composer.sentences import (
    NUMBER_RANGE_WITH_UNIT,
    end_sentence,
    first_clause,
    numbers_in,
    shorten,
    split_sentences,
)
from nmo.composer.validity import ValidityRules
from nmo.platforms import PlatformSpec, get_platform
from nmo.ports import KnowledgeBase
from nmo.schemas import DraftBrief, DraftContent, Passage, Shot, Variant, text_hash

# Neutral markers only: a fruit or a teapot would stand for some brand's product, not for this one's.
XHS_EMOJI = ("📌", "✨", "📝", "💡", "👉", "🔖", "🌟", "✅", "📍", "🙌")
# Below this, a fact shares (almost) nothing with the topic: padding, not content.
MIN_RELEVANCE = 0.1
# Fewer relevant facts than this and the draft says what is missing instead of filling up.
THIN_FACTS = 3
VARIANT_LABELS = "ABCDE"
CHINESE_ORDINALS = "一二三四五六七八九十"
# What the camera shows, by video format (the facts go in the voice-over).
SHOT_VISUALS: dict[str, tuple[str, ...]] = {
    "口播": ("出镜口播：正对镜头", "口播＋产品特写插入", "口播＋手部演示", "口播＋字幕强调要点"),
    "剧情": ("情景：工位上犯困的同事", "情景：同事递过产品", "情景：两人边用边聊", "情景：画面定格在产品"),
    "教程": ("手部特写：准备材料", "手部特写：演示步骤", "俯拍：静置或完成", "近景：成品展示"),
    "开箱": ("开箱：拆开包装", "细节特写：包装与配料表", "上手：第一次使用", "成品与包装同框"),
    "vlog": ("跟拍：出门", "场景：通勤路上", "场景：到达目的地", "空镜：窗外与杯子"),
    "直播预告": ("主播出镜：预告直播", "产品陈列", "主播试喝", "字幕：直播时间见主页"),
}


@dataclass
class Citations:
    """Passages cited so far, numbered in order of first use."""

    passages: list[Passage] = field(default_factory=list)

    def number(self, passage: Passage) -> int:
        """The footnote number of a passage, adding it on first use."""
        for index, known in enumerate(self.passages, start=1):
            if known.id == passage.id:
                return index
        self.passages.append(passage)
        return len(self.passages)

    def mark(self, fact: Fact) -> str:
        """The fact's sentence with its footnote marker."""
        return f"{fact.text}[^{self.number(fact.passage)}]"


@dataclass
class Material:
    """What a draft is composed from: the brief, ranked facts, the brand profile and a seed for choices."""

    brief: DraftBrief
    spec: PlatformSpec
    facts: list[Fact]
    profile: BrandProfile
    seed: int
    subject: str
    product: str
    cite: Citations = field(default_factory=Citations)
    avoid: set[str] = field(default_factory=set)

    @property
    def voice(self) -> BrandVoice:
        """The brand's words for its users and how its product is used."""
        return self.profile.voice

    def pick(self, options: Sequence[str], salt: int = 0) -> str:
        """Choose one option deterministically from the brief's seed, skipping ones an earlier draft said."""
        start = (self.seed + salt) % len(options)
        ordered = [*options[start:], *options[:start]]
        fresh = [o for o in ordered if not set(split_sentences(o)) & self.avoid]
        return (fresh or ordered)[0]

    @property
    def relevant(self) -> list[Fact]:
        """The facts that speak to the topic, best first."""
        return [f for f in self.facts if f.relevance >= MIN_RELEVANCE]

    @property
    def thin(self) -> bool:
        """True when the knowledge holds too little on the topic for a full draft."""
        return len(self.relevant) < THIN_FACTS

    def take(self, count: int, *, avoid: Sequence[Fact] = ()) -> list[Fact]:
        """The next `count` best relevant facts not used yet."""
        used = {f.text for f in avoid}
        return [f for f in self.relevant if f.text not in used][:count]

    def lead(self) -> Fact | None:
        """The fact that answers the topic most directly: the most relevant plain statement."""
        plain = [f for f in self.relevant if not labelled(f) and not f.row] or self.relevant
        return max(plain, key=lambda f: (f.relevance, f.score), default=None)


def retrieve(kb: KnowledgeBase, brief: DraftBrief, k: int, *, product: str = "") -> list[Passage]:
    """Passages for a brief: topic search, brand facts, and the product table when a product is involved.

    The angle is an instruction to the writer ("长文分小标题讲透…"), not a subject: it is not searched for.
    """
    query = " ".join(x for x in (brief.topic, brief.pillar, brief.source_text[:200]) if x)
    found: dict[str, Passage] = {}
    # A draft about a product needs what is known about that product: its brand page and past posts on it.
    about_product = (
        kb.search(f"{product} 口味 产地 冲泡", k=max(3, k // 2)) + kb.search(product, k=3, kind="content")
        if product
        else []
    )
    for passage in (
        kb.search(query, k=k)
        + about_product
        + kb.search(brief.topic, k=max(3, k // 2), kind="brand")
        + kb.search(f"{brief.topic} 产品 规格 价格 上市日期", k=2, kind="brand")
    ):
        found.setdefault(passage.id, passage)
    return list(found.values())


def source_topic(source_text: str) -> str:
    """The title of a piece to adapt: its front matter `title`, else its first heading or line."""
    lines = source_text.strip().splitlines()
    if lines and lines[0].strip() == "---":
        for line in lines[1:]:
            if line.strip() == "---":
                break
            if line.startswith("title:"):
                return line.split(":", 1)[1].strip().strip("\"'")
        closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), 0)
        lines = lines[closing + 1 :]
    return next((line.lstrip("# ").strip() for line in lines if line.strip()), "")[:60]


def topic_product(topic: str, profile: BrandProfile) -> str:
    """The product a topic is about (its short name), or "" when it names none."""
    for product in profile.products:
        name = short_name(product)
        if name and name in topic:
            return name
    return ""


def safe_topic(topic: str, supported: set[str]) -> str:
    """The topic with any number the knowledge does not support (e.g. a made-up price) removed.

    A range goes whole when one of its ends is unsupported, so no 「5–」 is left behind.
    """

    def keep(match: re.Match[str]) -> str:
        return match.group(0) if numbers_in(match.group(0)) <= supported else ""

    return re.sub(r"\s{2,}", " ", NUMBER_RANGE_WITH_UNIT.sub(keep, topic)).strip(" ，,、")


def compose_draft(
    brief: DraftBrief,
    kb: KnowledgeBase,
    profile: BrandProfile,
    *,
    k: int = 8,
    day: date | None = None,
    avoid: set[str] | None = None,
) -> tuple[DraftContent, list[Passage]]:
    """A draft in the platform's native shape, with the passages it cites.

    `day` is the publication date (facts stale on it are left out); `avoid` holds sentences earlier drafts of
    the same plan used.
    """
    spec = get_platform(brief.platform)
    avoid = avoid or set()
    passages = retrieve(kb, brief, k, product=topic_product(brief.topic, profile))
    supported: set[str] = set()
    for passage in passages:
        supported |= numbers_in(passage.text)
    topic = safe_topic(brief.topic, supported) or brief.topic
    clean = brief.model_copy(update={"topic": topic})
    query = " ".join(x for x in (topic, brief.pillar) if x)
    ranked = rank_facts(query, passages, avoid=avoid, products=profile.product_short_names())
    # Without a publication date (no plan item, no clock) only time-bound wording can be judged.
    when = day or brief.publish_on
    rules = ValidityRules.from_profile(profile.stored if when else None, when or date.min)
    material = Material(
        brief=clean,
        spec=spec,
        facts=[f for f in ranked if not rules.stale_reason(f.text, f.passage, topic=topic)],
        profile=profile,
        seed=int(text_hash(f"{spec.key}|{topic}|{brief.angle}|{brief.pillar}"), 16),
        subject=topic_product(topic, profile) or first_clause(re.sub(r"^[^｜|]*[｜|]", "", topic), 14),
        product=topic_product(topic, profile),
        avoid=avoid,
    )
    shape = SHAPES[spec.shape]
    content = shape(material)
    stale = set(rules.stale_names())
    content.hashtags = (
        [t for t in _hashtags(material) if t not in stale] if spec.hashtag.style != "none" else []
    )
    if brief.variants:
        content.variants = _variants(material, brief.variants)
    content.citations = [p.id for p in material.cite.passages]
    content = enforce_limits(content, spec)
    stale_topic = rules.stale_reason(topic, None, topic="")
    if stale_topic and not stale_topic.startswith("时间性"):
        # The topic itself is over on the date (a product off sale): say so rather than sell it as current.
        content.changes = (
            f"{stale_topic}，稿件没有把它写成在售或进行中；请换一个选题，或改成回顾/预告的角度后由编辑改写。"
        )
    elif not content.citations:
        # Say so rather than pad: a draft with no fact in it needs knowledge, not more templates.
        content.changes = (
            f"知识库里没有找到与「{topic}」相关、可以引用的资料，稿件只有结构和过渡句。"
            "请补充相关资料后重新入库（nmo kb ingest），或换一个选题。"
        )
    elif material.thin:
        content.changes = missing_note(topic, len(material.relevant))
    cited = [p for p in material.cite.passages if p.id in content.citations]
    return content, cited


def _title(m: Material, salt: int = 0) -> str:
    topic = m.brief.topic
    kind = pillar_type(m.brief.pillar or "")
    shape = m.spec.shape
    if shape == "answer":
        return (
            topic
            if topic.endswith(("？", "?"))
            else m.pick((f"{topic}，是怎样一种体验？", f"如何看待{topic}？", f"{topic}，值得一试吗？"), salt)
        )
    if shape == "note":
        options = [f"{topic}{m.pick(XHS_EMOJI, salt)}", topic]
        if m.product:
            options += [
                f"{m.product}｜{m.pick(XHS_EMOJI, salt + 1)}我的真实体验",
                f"我的{m.product}喝法{m.pick(XHS_EMOJI, salt)}",
            ]
        return m.pick(options, salt)
    if shape == "video":
        return f"【{m.subject}】{topic}" if salt % 2 == 0 and m.subject not in topic else f"{topic}｜一期讲清楚"
    if shape == "short_video":
        if m.product:
            return m.pick((topic, f"{m.product}，原来要这样{m.voice.consume}", f"关于{m.product}你该知道的事"), salt)
        return m.pick((topic, f"{m.subject}｜一条讲清楚"), salt)
    if shape == "poster":
        return m.subject if salt % 2 == 0 else first_clause(topic, 16)
    if kind == "promo":
        titles = [topic] + ([] if re.search(r"[：｜|]", topic) else [f"{topic}：时间、规则一次看清"])
        titles += [] if m.subject in topic else [f"{m.subject}来了｜{topic}"]
        return m.pick(titles, salt)
    return m.pick((topic, f"{topic}｜{m.subject}" if m.subject not in topic else f"{topic}，一篇说清"), salt)


def _hook(m: Material, salt: int = 0) -> str:
    if m.product:
        options = (
            f"你知道{m.product}要怎么{m.voice.consume}才对吗？",
            f"{m.product}，很多人第一口就{m.voice.consume}错了",
            f"关于{m.product}，先说一个常被问到的问题",
            f"今天只讲一件事：{m.product}",
        )
    else:
        options = (
            f"{m.subject}？答案可能和你想的不一样",
            f"先说一个常被问到的问题：{m.subject}",
            f"今天只讲一件事：{m.subject}",
            f"{m.subject}，三十秒讲清楚",
        )
    return m.pick(options, salt)


def _closing_question(m: Material) -> str:
    if m.product:
        return m.pick(
            (
                f"你平时怎么{m.voice.consume}{m.product}？评论区聊聊。",
                f"你最想在什么场景{m.voice.consume}{m.product}？留言告诉我们。",
                "你还有什么想问的，评论区见。",
            ),
        )
    return m.pick(
        ("你是怎么做的？评论区聊聊。", "你还有什么想问的，评论区见。", "你遇到过这种情况吗？留言告诉我们。")
    )


def _cta(m: Material) -> str:
    kind = pillar_type(m.brief.pillar or "")
    if m.spec.shape == "article":
        if kind == "promo":
            return "点击阅读原文，去旗舰店看看"
        return m.pick(("觉得有用，欢迎点个在看", "欢迎转给同样关心这件事的朋友", "有想看的话题，留言告诉我们"))
    if m.spec.shape == "poster":
        return m.pick(("旗舰店同步上架", "点击了解详情", "现在去看看"))
    if m.spec.shape == "short_video":
        return m.pick(("关注我们，看更多实用内容", "觉得有用就点个关注", "收藏起来，用的时候翻出来"))
    if m.spec.shape == "video":
        return m.pick(("觉得有用的话，一键三连支持一下", "有问题欢迎在弹幕和评论里提", "收藏本视频，用的时候翻出来"))
    return ""


def missing_note(topic: str, found: int) -> str:
    """What the writer tells the team when the knowledge holds little on a topic."""
    # One sentence naming the topic, so two thin drafts of one plan never share a sentence.
    return (
        f"知识库里与「{topic}」直接相关的资料只有 {found} 条，稿件因此写短了、没有用无关内容凑字数，"
        f"可以为「{topic}」补充具体做法或步骤、产品参数、用户反馈或案例，重新入库（nmo kb ingest）后再生成。"
    )


OUTLINE_LABEL = (
    "> **要点稿**（离线写作）：下面是导语、按结构排好的要点（每条带出处）、开头与标签备选，"
    "供编辑据此成文；离线写作不把资料句子硬拼成{shape}。配置模型后可直接生成成稿。"
)


def _outline_sections(m: Material, lead: Fact | None, limit: int) -> list[tuple[str, list[Fact]]]:
    """The relevant facts after the lead, grouped under reader-facing headings in order of relevance."""
    by_heading: dict[str, list[Fact]] = {}
    for fact in m.take(limit, avoid=[lead] if lead else []):
        by_heading.setdefault(section_heading(fact, m.subject), []).append(fact)
    return list(by_heading.items())[:4]


# 公众号 articles and 知乎 answers are long prose: stitched knowledge sentences read as a pseudo-article
# (no argument, no transitions), so offline they are delivered as an honest 要点稿. Short shapes (note,
# post, script, poster) are a lead plus a few points by nature, and read well as drafts.
def _outline(m: Material, shape_name: str, lead_heading: str) -> DraftContent:
    lead = m.lead()
    parts = [OUTLINE_LABEL.format(shape=shape_name)]
    if lead is not None:
        parts.append(f"## {lead_heading}\n\n{m.cite.mark(lead)}")
    else:
        parts.append(f"## {lead_heading}\n\n资料里没有能直接回答「{m.brief.topic}」的内容，需要编辑补充后再写。")
    sections = _outline_sections(m, lead, 10)
    if sections:
        lines = ["## 结构与要点"]
        for number, (heading, facts) in enumerate(sections, start=1):
            lines.append(f"{number}. **{heading}**")
            lines += [f"    - {m.cite.mark(f)}" for f in facts[:3]]
        parts.append("\n".join(lines))
    hooks = list(dict.fromkeys(_hook(m, salt) for salt in range(3)))
    parts.append("## 开头备选\n\n" + "\n".join(f"- {h}" for h in hooks))
    tags = _hashtags(m)
    if tags:
        parts.append("## 话题标签备选\n\n" + " ".join(f"#{t}" for t in tags))
    if m.thin:
        parts.append("## 资料缺口\n\n" + missing_note(m.brief.topic, len(m.relevant)))
    return DraftContent(title=_title(m), body="\n\n".join(parts), outline=True)


def _wechat(m: Material) -> DraftContent:
    content = _outline(m, "公众号长文", "导语（先回答题目）")
    lead = m.lead()
    content.digest = _digest(m, [lead] if lead else [])
    content.cta = _cta(m)
    return content


FIELD_LABEL = re.compile(r"^[\w·]{1,6}[：:]")


def labelled(fact: Fact) -> bool:
    """True for a field of a spec sheet (口味：…, 冲泡：…), which reads badly as a lead or a headline."""
    return FIELD_LABEL.match(fact.text) is not None


def _paragraphs(lines: list[str]) -> str:
    """Sentences of one section: run together, but a labelled one (口味：…) starts its own paragraph."""
    out = ""
    for line in lines:
        out += ("\n\n" if out and FIELD_LABEL.match(line) else "") + line
    return out


def _digest(m: Material, facts: list[Fact]) -> str:
    """The 摘要: the draft's own first facts, whole sentences, within the platform's digest limit."""
    limit = m.spec.limit("digest") or 120
    digest = ""
    # A labelled field (口味：…) reads as a spec sheet in a summary: plain statements only, when there are any.
    plain = [f for f in facts if not labelled(f)]
    for fact in plain or facts:
        sentence = m.cite.mark(fact)
        if len(digest) + len(sentence) > limit:
            continue
        digest += sentence
    return digest or shorten(m.brief.topic, limit)


# Words of internal file structure that a reader must not see in a heading.
INTERNAL_HEADING_WORDS = (
    "口径", "客服", "资料", "规范", "复盘", "日历", "本页", "说明", "内部", "话术", "即将进行", "通用规则",
)


def clean_heading(heading: str) -> str:
    """A heading path's last segment for readers: no 【label】, no internal (…) note, no numbering."""
    last = re.split(r"\s*[>›]\s*", heading)[-1]
    last = re.sub(r"【[^】]*】|\[[^\]]*\]", "", last)
    last = re.sub(r"（[^）]*）|\([^)]*\)", "", last)
    last = re.sub(r"^(\d+[.、]|[一二三四五六七八九十]+、)\s*", "", last).strip(" ：:·-")
    return last


# Reader-facing headings for a paragraph, by what it talks about (first match wins).
HEADING_THEMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("故事", "留言", "来信"), "茶友们的故事"),
    (("礼盒", "送礼", "祝福卡", "团购"), "送礼怎么选"),
    (("元", "规格", "上市", "减"), "规格、价格与上市"),
    (("产地", "采收", "采摘", "合作社", "窨制", "烘干", "冻干", "拼配", "工艺", "萎凋"), "{subject}从哪里来"),
    (("保存", "冷藏", "保质", "密封"), "怎么保存"),
    (("冲泡", "冷泡", "常温水", "冰水", "小时"), "怎么泡更好喝"),
    (("口味", "口感", "香", "甜", "涩"), "喝起来是什么味道"),
)


def _theme_heading(fact: Fact, subject: str) -> str:
    """A heading from what the paragraph says, for sources whose own heading is internal or a post title."""
    for words, heading in HEADING_THEMES:
        if any(word in fact.text for word in words):
            return heading.format(subject=subject)
    return f"关于{subject}，还想告诉你"


def section_heading(fact: Fact, subject: str) -> str:
    """A short reader-facing heading for a fact's section.

    Brand files and sections of past articles give the last segment of their heading path (no 【label】,
    no internal note); past posts' titles and top-level sections of a file get a heading from what the
    sentence says.
    """
    passage = fact.passage
    segment = clean_heading(passage.heading or passage.title)
    top_level = not passage.heading or segment == clean_heading(passage.title)
    if passage.kind == "content" and ">" not in passage.heading and "›" not in passage.heading:
        top_level = True  # the heading is the post's own title
    if segment and not top_level and not any(word in segment for word in INTERNAL_HEADING_WORDS):
        return segment
    return _theme_heading(fact, subject)


def _xiaohongshu(m: Material) -> DraftContent:
    lead = m.lead()
    facts = m.take(5, avoid=[lead] if lead else [])
    opener = m.pick(
        (f"{m.brief.topic}，先说答案👇", f"关于{m.brief.topic}，整理成一篇📝", f"{m.subject}，要点都在这里👇")
    )
    lines = [opener] + ([m.cite.mark(lead)] if lead else [])
    for index, fact in enumerate(facts):
        lines.append(f"{XHS_EMOJI[(m.seed + index) % len(XHS_EMOJI)]} {m.cite.mark(fact)}")
    lines.append(_closing_question(m))
    return DraftContent(title=_title(m), body="\n".join(lines))


def _weibo(m: Material) -> DraftContent:
    # A post that fits before the feed folds (about 140 characters) reads whole; add details only while
    # the post, with its topics, still fits there.
    fold = m.spec.folds["body"].at if "body" in m.spec.folds else 140
    room = fold - sum(len(m.spec.format_hashtag(t)) + 1 for t in _hashtags(m))
    lead = m.lead()
    facts = ([lead] if lead else []) + m.take(3, avoid=[lead] if lead else [])
    point = f"【{shorten(m.brief.topic, 30)}】"
    if facts:
        point += m.cite.mark(facts[0])
    lines = [point]
    closing = _closing_question(m)
    if m.brief.format == "投票" and len(m.profile.products) >= 2:
        options = [short_name(p) for p in m.profile.products[:4]]
        closing = "【投票】你更想先试哪一款？" + " / ".join(options)
    for fact in facts[1:]:
        line = f"{fact.text}[^{len(m.cite.passages) + 1}]"
        if len("\n".join([*lines, line, closing])) <= room:
            lines.append(m.cite.mark(fact))
    if len("\n".join([*lines, closing])) <= room:
        lines.append(closing)
    return DraftContent(title="", body="\n".join(lines))  # a 微博 post has no title


def _short_video(m: Material) -> DraftContent:
    lead = m.lead()
    facts = ([lead] if lead else []) + m.take(3, avoid=[lead] if lead else [])
    hook = _hook(m)
    shots = [
        Shot(
            time="0-3s",
            visual=f"特写：{m.product or '主角'}入镜，字幕弹出问题",
            voiceover=hook,
            onscreen=shorten(hook, 14),  # the spoken hook on screen: the title already carries the topic
        )
    ]
    cursor = 3
    visuals = SHOT_VISUALS.get(m.brief.format, SHOT_VISUALS["口播"])
    for index, fact in enumerate(facts):
        seconds = max(4, min(10, len(fact.text) // 5))
        shots.append(
            Shot(
                time=f"{cursor}-{cursor + seconds}s",
                visual=visuals[index % len(visuals)],
                voiceover=m.cite.mark(fact),
                onscreen=first_clause(FIELD_LABEL.sub("", fact.text), 14),
            )
        )
        cursor += seconds
    shots.append(
        Shot(
            time=f"{cursor}-{cursor + 3}s",
            visual="收尾：产品全家福",
            voiceover=_cta(m),
            onscreen=shorten(_cta(m), 14),
        )
    )
    opening = m.pick((f"{m.brief.topic}。", f"这条讲{m.brief.topic}。", f"{m.brief.topic}，看完就懂。"))
    caption = opening + (m.cite.mark(facts[0]) if facts else "") + _closing_question(m)
    return DraftContent(title=_title(m), hook=hook, shots=shots, body=caption, cta=_cta(m))


def _bilibili(m: Material) -> DraftContent:
    groups: dict[str, list[Fact]] = {}
    for fact in m.take(10):
        groups.setdefault(section_heading(fact, m.subject), []).append(fact)
    shots = [Shot(time="00:00", visual="开场", voiceover=_hook(m), onscreen=shorten(m.brief.topic, 20))]
    minute = 0
    for chapter, facts in list(groups.items())[:5]:
        minute += 1
        shots.append(
            Shot(
                time=f"{minute:02d}:00",
                visual=chapter,
                voiceover="".join(m.cite.mark(f) for f in facts[:3]),
                onscreen=shorten(chapter, 20),
            )
        )
    shots.append(Shot(time=f"{minute + 1:02d}:00", visual="结尾", voiceover=_cta(m), onscreen="感谢观看"))
    chapters = "\n".join(f"{s.time} {s.visual}" for s in shots)
    lead = m.lead()
    summary = f"这期视频聊{m.brief.topic}。" + (m.cite.mark(lead) if lead else "")
    return DraftContent(
        title=_title(m), body=f"{summary}\n\n本期章节：\n{chapters}", shots=shots, cta=_cta(m)
    )


def _zhihu(m: Material) -> DraftContent:
    return _outline(m, "知乎回答", "结论（第一段直接回答问题）")


def _poster(m: Material) -> DraftContent:
    short = sorted((f for f in m.relevant if len(f.text) <= 24), key=labelled)
    hook = m.cite.mark(short[0]) if short else shorten(m.brief.topic, 30)
    return DraftContent(title=shorten(_title(m), 16), hook=hook, body="", cta=_cta(m))


SHAPES = {  # the offline composer per shape (platforms.yaml shapes); a platform is found by its shape
    "article": _wechat,
    "note": _xiaohongshu,
    "post": _weibo,
    "short_video": _short_video,
    "video": _bilibili,
    "answer": _zhihu,
    "poster": _poster,
}


def _hashtags(m: Material) -> list[str]:
    spec = m.spec
    limit = spec.hashtag.advised or spec.hashtag.max or 5
    others = {short_name(p) for p in m.profile.products} - {m.subject}
    counts = m.profile.tag_counts(spec.key)
    topical = " ".join([m.brief.topic, m.brief.angle, *(f.text for f in m.relevant[:6])])
    everywhere: dict[str, int] = {}
    for doc in m.profile.past:
        for tag in doc.tags:
            everywhere[tag] = everywhere.get(tag, 0) + 1
    # Tags this topic's facts mention (this platform's first), then the platform's habitual ones.
    spoken = sorted((t for t in everywhere if t in topical), key=lambda t: (-counts.get(t, 0), -everywhere[t], t))
    habitual = sorted((t for t in counts if counts[t] >= 2), key=lambda t: (-counts[t], t))
    lead = m.subject if m.product or len(m.subject) <= 8 else ""
    candidates = [lead, *spoken, *habitual]
    tags: list[str] = []
    for tag in candidates:
        tag = re.sub(r"[#\s]", "", tag or "")
        if not tag or len(tag) > 20 or tag in tags or tag in others or numbers_in(tag):
            continue
        tags.append(tag)
        if len(tags) >= limit:
            break
    return tags


def _variants(m: Material, count: int) -> list[Variant]:
    variants: list[Variant] = []
    seen: set[str] = set()
    salt = 0
    while len(variants) < count and salt < count * 6:
        title = _title(m, salt)
        hook = _hook(m, salt) if m.spec.shape_rules.variant_hooks else ""
        if title not in seen:
            seen.add(title)
            variants.append(Variant(label=VARIANT_LABELS[len(variants)], title=title, hook=hook))
        salt += 1
    while len(variants) < count:
        label = VARIANT_LABELS[len(variants)]
        variants.append(Variant(label=label, title=end_sentence(m.subject)[:-1] + f"｜版本{label}", hook=""))
    return variants


def draft_sentences(content: DraftContent) -> set[str]:
    """Every sentence a reader sees in a draft, without citation markers (what a later draft must not repeat)."""
    parts = [content.title, content.digest, content.hook, content.body, content.cta]
    parts += [text for shot in content.shots for text in (shot.voiceover, shot.onscreen)]
    # Headings, labels and the 要点稿 notice are structure, not sentences a later draft must avoid.
    prose = [line for part in parts for line in part.splitlines()
             if not line.lstrip().startswith(("#", ">")) and not re.fullmatch(r"\s*\d+\.\s+\*\*.+\*\*\s*", line)]
    return {s for line in prose for s in split_sentences(re.sub(r"\[\^\d+\]", "", line)) if len(s) >= 8}
