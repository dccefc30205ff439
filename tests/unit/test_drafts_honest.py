"""Offline drafts written for the topic, the date and the platform (issue 18): what a reviewer would catch."""

from __future__ import annotations

from datetime import date

from nmo.brand.profile import BrandProfile as StoredProfile
from nmo.brand.profile import Campaign, Product
from nmo.composer.brand import load_brand_profile
from nmo.composer.draft import compose_draft, draft_sentences
from nmo.platforms import get_platform
from nmo.prompts import PromptLibrary
from nmo.render import CITATION_MARKER
from nmo.schemas import DraftBrief, Passage, SourceDocument
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import MemoryKnowledgeBase

TABLE = (
    "| 产品 | 规格 | 价格 | 上市日期 |\n|---|---|---|---|\n"
    "| 麦田·可可布朗尼 | 4块装 | 48元 | 2024-03-01 |\n"
    "| 麦田·栗子蒙布朗（秋季限定） | 2个装 | 58元 | 2026-09-01 |\n"
)
PASSAGES = [
    Passage(id="table", kind="brand", source_path="brand/products.md", title="产品资料", heading="产品资料",
            text=TABLE),
    Passage(id="brownie", kind="brand", source_path="brand/products.md", title="产品资料",
            heading="产品资料 > 可可布朗尼",
            text="可可布朗尼用 70% 黑巧克力，烤到边缘酥、中心湿润。"
                 "可可布朗尼冷藏后口感更扎实，室温回软 10 分钟更好吃。"),
    Passage(id="storage", kind="brand", source_path="brand/storage.md", title="保存",
            heading="保存 > 冷藏还是常温",
            text="可可布朗尼常温密封可放 2 天。冷藏可放 5 天，吃之前室温回软。冷冻可放 1 个月，前一晚移到冷藏解冻。"),
    Passage(id="chestnut", kind="brand", source_path="brand/products.md", title="产品资料",
            heading="产品资料 > 栗子蒙布朗",
            text="栗子蒙布朗用丹东板栗现煮成泥，和可可布朗尼同一条产线。栗子泥要过筛两次才够细。"),
    Passage(id="post", kind="content", source_path="posts/2026-09-20-video.md", title="可可布朗尼盲测",
            heading="可可布朗尼盲测",
            text="视频最后我们做了一次盲品，可可布朗尼赢了。本周可可布朗尼第二份半价。"
                 "发布：抖音 2026-09-20｜播放 3.1 万。可可布朗尼切块时刀要先温热，切面才整齐。"),
]
DOCS = [SourceDocument(path="brand/products.md", title="产品资料", kind="brand", text=TABLE)]
KB = MemoryKnowledgeBase(PASSAGES, DOCS)
STORED = StoredProfile(
    products=[
        Product(name="麦田·可可布朗尼", aliases=["可可布朗尼"], launch=date(2024, 3, 1)),
        Product(name="麦田·栗子蒙布朗（秋季限定）", aliases=["栗子蒙布朗"], launch=date(2026, 9, 1),
                available_until=date(2026, 11, 30)),
    ],
    campaigns=[Campaign(name="开学季", start=date(2026, 9, 1), end=date(2026, 9, 10))],
)


def _profile():  # type: ignore[no-untyped-def]
    profile = load_brand_profile(KB)
    profile.stored = STORED
    return profile


def _text(brief: DraftBrief, day: date) -> str:
    content, _ = compose_draft(brief, KB, _profile(), day=day)
    return CITATION_MARKER.sub("", "\n".join([content.title, content.body, content.hook,
                                              *(s.voiceover for s in content.shots)]))


def test_a_limited_product_off_sale_on_the_publication_date_is_not_offered() -> None:
    brief = DraftBrief(platform="xiaohongshu", topic="布朗尼和蒙布朗，秋冬怎么选")
    assert "栗子蒙布朗" in _text(brief, date(2026, 10, 15))
    assert "栗子蒙布朗" not in _text(brief, date(2026, 12, 15))
    about_it, _ = compose_draft(DraftBrief(platform="weibo", topic="栗子蒙布朗的吃法"), KB, _profile(),
                                day=date(2026, 12, 15))
    assert "已下架或已结束" in about_it.changes, "a topic about an off-sale product is flagged, not sold"


def test_time_bound_wording_self_references_and_header_lines_of_past_posts_are_not_restated() -> None:
    text = _text(DraftBrief(platform="xiaohongshu", topic="可可布朗尼怎么切怎么吃"), date(2026, 12, 15))
    assert "刀要先温热" in text, "a lasting fact of the same post is still usable"
    for borrowed in ("本周", "视频最后我们", "盲品", "发布：", "播放"):
        assert borrowed not in text, borrowed


def test_a_product_draft_holds_neither_another_products_facts_nor_the_whole_price_sheet() -> None:
    text = _text(DraftBrief(platform="weibo", topic="可可布朗尼的吃法"), date(2026, 10, 15))
    assert "可可布朗尼" in text
    assert "过筛" not in text and "58 元" not in text


def test_drafts_of_one_plan_share_no_sentence() -> None:
    writer = KnowledgeWriter(KB, None, PromptLibrary.load())
    writer._profile, writer._profile_count = _profile(), KB.count()
    first = DraftBrief(platform="weibo", topic="可可布朗尼怎么保存", plan_item_id="p-01",
                       publish_on=date(2026, 10, 15))
    second = DraftBrief(platform="xiaohongshu", topic="可可布朗尼冷藏还是常温", plan_item_id="p-02",
                        publish_on=date(2026, 10, 16), earlier=[first])
    one, two = writer.write(first), writer.write(second)
    assert one.content.citations and two.content.citations
    assert not draft_sentences(one.content) & draft_sentences(two.content)


def test_long_shapes_are_a_labelled_outline_and_short_ones_carry_no_fruit_emoji() -> None:
    article, _ = compose_draft(DraftBrief(platform="wechat", topic="可可布朗尼怎么吃"), KB, _profile())
    assert article.outline and article.body.startswith("> **要点稿**")
    assert "## 导语" in article.body and "## 开头备选" in article.body
    note, _ = compose_draft(DraftBrief(platform="xiaohongshu", topic="可可布朗尼怎么吃"), KB, _profile())
    assert not note.outline
    assert not any(fruit in note.body for fruit in "🍑🍐🍓🍋🍊🍎🫖🧊")


def test_thin_knowledge_gives_a_short_draft_that_says_what_is_missing() -> None:
    content, _ = compose_draft(DraftBrief(platform="xiaohongshu", topic="门店的包装回收计划"), KB, _profile())
    assert "门店的包装回收计划" in content.changes and "补充" in content.changes
    assert len(content.body) < 200


SOURCE = """---
title: 一盒布朗尼的一天
---
# 一盒布朗尼的一天

凌晨 4 点，烘焙师开始融化 70% 黑巧克力。

## 烤制
可可布朗尼 170℃ 烤 25 分钟，出炉后静置 2 小时再切。

## 出餐
每盒 4 块，当天 10 点前送到 12 家门店。视频最后我们做了一次盲品。
"""


def test_adapt_keeps_the_sources_facts_and_structure_within_each_platforms_limits() -> None:
    writer = KnowledgeWriter(KB, None, PromptLibrary.load())
    for platform in ("weibo", "xiaohongshu", "douyin", "wechat", "bilibili"):
        draft = writer.write(DraftBrief(platform=platform, topic="一盒布朗尼的一天", source_text=SOURCE))
        text = " ".join([draft.content.title, draft.content.body, *(s.voiceover for s in draft.content.shots)])
        for fact in ("4 点", "70%", "170℃", "25 分钟", "2 小时", "4 块", "12 家"):
            assert fact in text, (platform, fact)
        assert "盲品" not in text, "the source's own video anecdote does not carry over"
        assert draft.content.citations == [], "nothing was added from the knowledge base"
        spec = get_platform(platform)
        for part in ("title", "body", "hook"):
            limit = spec.limit(part)
            assert limit is None or len(getattr(draft.content, part)) <= limit, (platform, part)
    article = writer.write(DraftBrief(platform="wechat", topic="一盒布朗尼的一天", source_text=SOURCE))
    assert "## 烤制" in article.content.body and "## 出餐" in article.content.body
