"""The brand profile from a knowledge base: pillars, products, performance, gaps, and the brand's words."""

from __future__ import annotations

from datetime import date

from nmo.clock import Clock
from nmo.composer.brand import BrandVoice, engagement_rate, load_brand_profile
from nmo.planner import KnowledgePlanner
from nmo.prompts import PromptLibrary
from nmo.schemas import Passage, PlanRequest, SourceDocument

from tests.unit.planwrite_fakes import MemoryKnowledgeBase, folder_knowledge_base


def test_sample_brand_profile() -> None:
    profile = load_brand_profile(folder_knowledge_base())
    assert [p.name for p in profile.pillars] == ["冷泡小课堂", "一杯好茶的日常", "新品与活动", "茶友故事", "产地与匠心"]
    assert profile.pillars[1].share == 0.3 and "办公室" in profile.pillars[1].scenes
    assert "白桃乌龙" in profile.product_short_names()
    assert profile.best("douyin")[0].pillar == "冷泡小课堂"
    assert any("知识内容空白" in g.text for g in profile.gaps)
    assert profile.voice == BrandVoice(community="茶友", serving="一杯", prepare="泡", consume="喝")


def test_engagement_rate_needs_an_exposure_count() -> None:
    doc = SourceDocument(path="a.md", title="a", kind="content", metrics={"views": 1000, "likes": 50, "saves": 50})
    assert engagement_rate(doc) == 0.1
    assert engagement_rate(doc.model_copy(update={"metrics": {"likes": 5}})) is None


def test_another_brand_gets_its_own_words_not_tea_ones() -> None:
    guide = (
        "# 内容支柱\n\n## 护肤小课堂\n\n**描述**：讲清楚成分和用法。\n\n"
        "## 用户故事\n\n**描述**：真实用户：通勤、熬夜。\n"
    )
    products = "| 产品 | 规格 | 价格 |\n|---|---|---|\n| 清透防晒乳 | 50ml | 129元 |\n"
    docs = [
        SourceDocument(path="brand/pillars.md", title="内容支柱", kind="brand", text=guide),
        SourceDocument(path="brand/products.md", title="产品", kind="brand", text=products),
    ]
    passages = [Passage(id=d.path, text=d.text, source_path=d.path, title=d.title) for d in docs]
    kb = MemoryKnowledgeBase(passages, docs)
    profile = load_brand_profile(kb)
    assert profile.voice.serving == "" and profile.voice.consume == "用"
    plan = KnowledgePlanner(kb, None, PromptLibrary.load(), Clock(fixed=date(2026, 11, 26))).plan(
        PlanRequest(brief="清透防晒乳冬季护肤", platforms=["xiaohongshu"], start=date(2026, 12, 1), days=14),
        plan_id="S",
    )
    topics = " ".join(i.topic for i in plan.items)
    assert "清透防晒乳" in topics and "一杯" not in topics and "泡" not in topics and "茶友" not in topics
