"""What a reader sees in offline drafts: headings, 摘要 and specs in words, never the team's internal notes."""

from __future__ import annotations

import re
from datetime import date

from nmo.clock import Clock
from nmo.composer.brand import load_brand_profile
from nmo.composer.draft import clean_heading, compose_draft
from nmo.composer.facts import rank_facts, row_sentence
from nmo.composer.plan import brand_campaigns
from nmo.planner import KnowledgePlanner
from nmo.prompts import PromptLibrary
from nmo.schemas import DraftBrief, Passage, PlanRequest, SourceDocument

from tests.unit.planwrite_fakes import MemoryKnowledgeBase, folder_knowledge_base

KB = folder_knowledge_base()
ANGLE = "讲步骤和常见误区；长文分小标题讲透，结尾给明确行动；讲清是什么、为什么"
INTERNAL = ("讲清是什么", "长文分小标题", "常见误区", "口径", "客服", " > ", ".md", "上市日期", "冷泡小课堂")


def _faq_kb() -> MemoryKnowledgeBase:
    """Passages shaped like the real index: heading paths, a past post whose heading is its 【label】 title."""
    faq = "顾客常见问题（客服与评论回复口径）"
    passages = [
        Passage(id="faq1", kind="brand", source_path="brand/faq.md", title="顾客常见问题",
                heading=f"{faq} > 冷泡茶有咖啡因吗？晚上能喝吗？",
                text="茶叶本身含有咖啡因，冷泡时溶出比热泡少。对咖啡因敏感的茶友建议下午少喝，或选择桂花红茶。"),
        Passage(id="faq2", kind="brand", source_path="brand/faq.md", title="顾客常见问题",
                heading=f"{faq} > 从哪里发货？多久到？",
                text="全部订单从杭州仓发货，付款后 48 小时内发出。江浙沪一般次日达，其他地区 2–4 天。"),
        Passage(id="vlog", kind="content", source_path="content/2026-10-09-bilibili-guilin-vlog.md",
                title="【产地vlog】凌晨5点上山摇桂花", heading="【产地vlog】凌晨5点上山摇桂花",
                text="这期是山岚茶事的产地 vlog。桂花来自广西桂林，红茶是云南临沧的滇红工夫，采收后低温烘干。"),
        Passage(id="table", kind="brand", source_path="brand/products.md", title="山岚茶事产品资料",
                heading="山岚茶事产品资料",
                text="| 产品 | 规格 | 价格 | 上市日期 |\n|---|---|---|---|\n"
                     "| 山岚冷泡茶·桂花红茶 | 3g×15袋 | 65元 | 2023-09-01 |\n"),
    ]
    docs = [SourceDocument(path="brand/products.md", title="山岚茶事产品资料", kind="brand",
                           text=passages[3].text)]
    return MemoryKnowledgeBase(passages, docs)


def test_wechat_headings_are_short_and_reader_facing() -> None:
    kb = _faq_kb()
    brief = DraftBrief(platform="wechat", topic="关于桂花红茶，常被问到的几个问题", angle=ANGLE,
                       pillar="冷泡小课堂", format="清单")
    content, _ = compose_draft(brief, kb, load_brand_profile(kb))
    # Offline, a 公众号 article is a 要点稿: its sections are the numbered points of 结构与要点.
    headings = re.findall(r"^\d+\. \*\*(.+)\*\*$", content.body, flags=re.MULTILINE)
    lead = content.body.split("## 结构与要点")[0]
    assert "对咖啡因敏感的茶友建议下午少喝" in lead, "the lead answers a question about 桂花红茶, not a spec row"
    assert "桂花红茶从哪里来" in headings, "a past post's 【vlog】 title becomes a heading from what it says"
    # Shipping answers say nothing about 桂花红茶: they no longer pad a draft about it.
    assert not any(h.endswith("从哪里发货？多久到？") for h in headings)
    for heading in headings:
        assert not any(word in heading for word in (*INTERNAL, "【")), heading
        assert "凌晨5点" not in heading, "a past post's title is not a section heading"


def test_wechat_digest_summarises_the_drafts_facts_not_the_angle() -> None:
    kb = _faq_kb()
    brief = DraftBrief(platform="wechat", topic="关于桂花红茶，常被问到的几个问题", angle=ANGLE,
                       pillar="冷泡小课堂", format="清单")
    content, _ = compose_draft(brief, kb, load_brand_profile(kb))
    assert 0 < len(content.digest) <= 120
    assert not any(word in content.digest for word in INTERNAL), content.digest
    first = re.sub(r"\[\^\d+\]", "", content.digest).split("。")[0]
    assert first and first in content.body, "the 摘要 states a fact the article itself states"
    assert "[^" in content.digest, "a fact in the 摘要 cites its passage"


def test_no_part_of_any_platform_leaks_the_angle_or_file_structure() -> None:
    profile = load_brand_profile(KB)
    for platform in ("wechat", "xiaohongshu", "weibo", "douyin", "kuaishou", "bilibili", "zhihu", "poster"):
        brief = DraftBrief(platform=platform, topic="茉莉银毫怎么泡才对", angle=ANGLE, pillar="冷泡小课堂",
                           format="教程")
        content, _ = compose_draft(brief, KB, profile)
        parts = [content.title, content.digest, content.hook, content.body, content.cta]
        parts += [t for s in content.shots for t in (s.visual, s.voiceover, s.onscreen)]
        for part in parts:
            assert not any(word in part for word in INTERNAL), (platform, part)
            assert "视频里" not in part and "标签：" not in part, (platform, part)


def test_table_rows_read_as_sentences() -> None:
    row = {"产品": "山岚冷泡茶·茉莉银毫", "规格": "3g×15袋", "价格": "59元", "上市日期": "2022-04-01"}
    assert row_sentence(row) == "山岚冷泡茶·茉莉银毫，一盒 15 袋、每袋 3g，59 元，2022-04-01 上市。"
    gift = {"产品": "山岚四季礼盒", "规格": "4种口味×10袋", "价格": "198元"}
    assert row_sentence(gift) == "山岚四季礼盒，4 种口味、每种 10 袋，198 元。"
    assert row_sentence({"产品": "山岚随行冷泡杯", "规格": "500ml"}) == "山岚随行冷泡杯，容量 500ml。"


def test_heading_paths_lose_labels_and_internal_notes() -> None:
    assert clean_heading("顾客常见问题（客服与评论回复口径） > 保质期多久？") == "保质期多久？"
    assert clean_heading("【产地vlog】凌晨5点上山摇桂花") == "凌晨5点上山摇桂花"
    assert clean_heading("一、为什么是白茶") == "为什么是白茶"


def test_the_brands_own_campaigns_become_plan_items() -> None:
    campaigns = {c.node.name: c for c in brand_campaigns(load_brand_profile(KB))}
    launch = campaigns["冬季限定上市"]
    assert (launch.node.start, launch.subject) == (date(2026, 12, 1), "雪梨白茶")
    assert campaigns["雪梨白茶预热"].node.start == date(2026, 11, 25)
    request = PlanRequest(brief="冬季上新与双12：让更多上班族在冬天也爱上冷泡茶",
                          platforms=["xiaohongshu", "wechat"], start=date(2026, 11, 27), days=14)
    plan = KnowledgePlanner(KB, None, PromptLibrary({}), Clock(fixed=date(2026, 11, 26))).plan(request, plan_id="P")
    launches = [i for i in plan.items if i.node == "冬季限定上市"]
    # The brief asks for 冬季上新: the launch gets an item on every platform, on launch day, about the product.
    assert {i.platform for i in launches} == {"xiaohongshu", "wechat"}
    assert all(i.date == date(2026, 12, 1) and "雪梨白茶" in i.topic for i in launches)
    assert any("品牌营销日历" in i.reason for i in launches)
    assert {i.platform for i in plan.items if i.node == "双12"} == {"xiaohongshu", "wechat"}


def test_plan_rows_and_other_products_are_not_stated_in_a_product_draft() -> None:
    calendar = Passage(
        id="cal", kind="brand", source_path="brand/campaigns.md", title="2026 营销日历",
        heading="2026 营销日历 > 即将进行",
        text="| 日期 | 节点 | 主推 | 规则与要点 |\n|---|---|---|---|\n"
        "| 2026-11-25 起 | 雪梨白茶预热 | 雪梨白茶 | 小红书预告 |\n",
    )
    gift = Passage(id="gift", kind="brand", source_path="brand/products.md", title="山岚茶事产品资料",
                   heading="山岚茶事产品资料 > 山岚四季礼盒", text="礼盒附冲泡卡片和手写祝福卡，适合节日送礼。")
    pear = Passage(id="pear", kind="brand", source_path="brand/products.md", title="山岚茶事产品资料",
                   heading="山岚茶事产品资料 > 山岚冷泡茶·雪梨白茶", text="白茶来自福建福鼎，雪梨来自安徽砀山。")
    facts = [f.text for f in rank_facts("雪梨白茶即将上市", [calendar, gift, pear], products=["雪梨白茶", "四季礼盒"])]
    assert facts == ["白茶来自福建福鼎，雪梨来自安徽砀山。"]
