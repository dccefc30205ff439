"""The offline draft composer: a platform-native draft built from retrieved facts, pillars and templates.

Only sentences copied from passages carry facts (and so numbers); every one ends with a `[^n]` marker
pointing at its passage. Everything the templates add is number-free connective text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nmo.composer.brand import BrandProfile, BrandVoice, pillar_type
from nmo.composer.facts import Fact, rank_facts, short_name
from nmo.composer.limits import enforce_limits
from nmo.composer.sentences import NUMBER_RANGE_WITH_UNIT, end_sentence, first_clause, numbers_in, shorten
from nmo.platforms import PlatformSpec, get_platform
from nmo.ports import KnowledgeBase
from nmo.schemas import DraftBrief, DraftContent, Passage, Shot, Variant, text_hash

XHS_EMOJI = ("🍑", "🌼", "☁️", "🍂", "🫖", "🧊", "✨", "📝", "🌿", "🍐")
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

    @property
    def voice(self) -> BrandVoice:
        """The brand's words for its users and how its product is used."""
        return self.profile.voice

    def pick(self, options: Sequence[str], salt: int = 0) -> str:
        """Choose one option deterministically from the brief's seed."""
        return options[(self.seed + salt) % len(options)]

    def take(self, count: int, *, avoid: Sequence[Fact] = ()) -> list[Fact]:
        """The next `count` best facts not used yet."""
        used = {f.text for f in avoid}
        return [f for f in self.facts if f.text not in used][:count]


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
    brief: DraftBrief, kb: KnowledgeBase, profile: BrandProfile, *, k: int = 8
) -> tuple[DraftContent, list[Passage]]:
    """A draft in the platform's native shape, with the passages it cites."""
    spec = get_platform(brief.platform)
    passages = retrieve(kb, brief, k, product=topic_product(brief.topic, profile))
    supported: set[str] = set()
    for passage in passages:
        supported |= numbers_in(passage.text)
    topic = safe_topic(brief.topic, supported) or brief.topic
    clean = brief.model_copy(update={"topic": topic})
    query = " ".join(x for x in (topic, brief.pillar) if x)
    material = Material(
        brief=clean,
        spec=spec,
        facts=rank_facts(query, passages, products=profile.product_short_names()),
        profile=profile,
        seed=int(text_hash(f"{spec.key}|{topic}|{brief.angle}|{brief.pillar}"), 16),
        subject=topic_product(topic, profile) or first_clause(re.sub(r"^[^｜|]*[｜|]", "", topic), 14),
        product=topic_product(topic, profile),
    )
    shape = SHAPES[spec.shape]
    content = shape(material)
    content.hashtags = _hashtags(material) if spec.hashtag.style != "none" else []
    if brief.variants:
        content.variants = _variants(material, brief.variants)
    content.citations = [p.id for p in material.cite.passages]
    content = enforce_limits(content, spec)
    if not content.citations:
        # Say so rather than pad: a draft with no fact in it needs knowledge, not more templates.
        content.changes = (
            f"知识库里没有找到与「{topic}」相关、可以引用的资料，稿件只有结构和过渡句。"
            "请补充相关资料后重新入库（nmo kb ingest），或换一个选题。"
        )
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
            f"{m.product}，很多人第一口就喝错了",
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
        return "点击阅读原文，去旗舰店看看" if kind == "promo" else "觉得有用，欢迎点个在看"
    if m.spec.shape == "poster":
        return m.pick(("旗舰店同步上架", "点击了解详情", "现在去看看"))
    if m.spec.shape == "short_video":
        return "关注我们，下期接着聊"
    if m.spec.shape == "video":
        return "觉得有用的话，一键三连支持一下"
    return ""


def _wechat(m: Material) -> DraftContent:
    # The lead sentence is a plain statement when one of the best three is (not a 口味：… field).
    best = m.take(3)
    lead = [next((f for f in best if not labelled(f)), best[0])] if best else []
    used = list(lead)
    by_heading: dict[str, list[Fact]] = {}
    for fact in m.take(12, avoid=used):
        by_heading.setdefault(section_heading(fact, m.subject), []).append(fact)
    groups = list(by_heading.items())[:4]
    sections: list[str] = []
    for number, (heading, facts) in enumerate(groups):
        # A 清单 article numbers its sections; the others use plain headings.
        prefix = f"{CHINESE_ORDINALS[number]}、" if m.brief.format == "清单" else ""
        sections.append(f"## {prefix}{heading}\n\n" + _paragraphs([m.cite.mark(f) for f in facts[:3]]))
    intro = m.pick(
        (
            f"这篇想和你聊聊{m.brief.topic}。",
            f"常有{m.voice.community}问起{m.subject}，这次一次说清楚。",
            f"{m.brief.topic}，我们把知道的都写在这里。",
        ),
    )
    if lead:
        intro += m.cite.mark(lead[0])
    outro = "## 写在最后\n\n" + m.pick(
        (
            f"如果你也有自己的{m.voice.consume}法，欢迎在留言区告诉我们。",
            f"希望这篇能帮你找到适合自己的{m.voice.serving or '那一款'}。",
        ),
    )
    summary_facts = lead + [f for _, facts in groups for f in facts[:1]]
    return DraftContent(
        title=_title(m),
        digest=_digest(m, summary_facts),
        body="\n\n".join([intro, *sections, outro]),
        cta=_cta(m),
    )


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
    facts = m.take(6)
    openers = [
        f"最近被问了好多次「{m.subject}」，整理一下我的经验{m.pick(XHS_EMOJI, 3)}",
        f"关于{m.brief.topic}，我自己的做法是这样的～",
    ]
    if m.product:
        openers.append(f"{m.product}我已经回购好几次了，说说真实感受")
    opener = m.pick(openers)
    lines = [opener]
    for index, fact in enumerate(facts):
        emoji = XHS_EMOJI[(m.seed + index) % len(XHS_EMOJI)] if index < 5 else "·"
        lines.append(f"{emoji} {m.cite.mark(fact)}")
    lines.append(_closing_question(m))
    return DraftContent(title=_title(m), body="\n".join(lines))


def _weibo(m: Material) -> DraftContent:
    # A post that fits before the feed folds (about 140 characters) reads whole; add details only while
    # the post, with its topics, still fits there.
    fold = m.spec.folds["body"].at if "body" in m.spec.folds else 140
    room = fold - sum(len(m.spec.format_hashtag(t)) + 1 for t in _hashtags(m))
    facts = m.take(4)
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
    facts = m.take(4)
    hook = _hook(m)
    shots = [
        Shot(
            time="0-3s",
            visual=f"特写：{m.product or '主角'}入镜，字幕弹出问题",
            voiceover=hook,
            onscreen=shorten(m.brief.topic, 14),
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
    caption = f"{m.brief.topic}。" + (m.cite.mark(facts[0]) if facts else "") + _closing_question(m)
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
    summary = f"这期视频聊{m.brief.topic}。" + (m.cite.mark(m.facts[0]) if m.facts else "")
    return DraftContent(
        title=_title(m), body=f"{summary}\n\n本期章节：\n{chapters}", shots=shots, cta=_cta(m)
    )


def _zhihu(m: Material) -> DraftContent:
    facts = m.take(8)
    # A plain statement makes the better conclusion; a spec-sheet field loses its label there.
    facts = sorted(facts[:4], key=labelled) + facts[4:]
    conclusion = "**先说结论**：" + (
        FIELD_LABEL.sub("", m.cite.mark(facts[0])) if facts else f"{m.subject}值得一试。"
    )
    why = [m.cite.mark(f) for f in facts[1:5]]
    how = [m.cite.mark(f) for f in facts[5:8]]
    parts = [conclusion]
    if why:
        parts.append("## 为什么这么说\n\n" + "\n\n".join(why))
    if how:
        parts.append("## 具体怎么做\n\n" + "\n\n".join(how))
    parts.append(m.pick(("以上是我们的经验，欢迎补充。", "有问题可以在评论区继续问。")))
    return DraftContent(title=_title(m), body="\n\n".join(parts))


def _poster(m: Material) -> DraftContent:
    short = sorted((f for f in m.facts if len(f.text) <= 24), key=labelled)
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
    topical = " ".join([m.brief.topic, m.brief.angle, *(f.text for f in m.facts[:6])])
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
