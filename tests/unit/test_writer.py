"""Offline writer on the sample knowledge base: native shapes, limits, citations, numbers, revision."""

from __future__ import annotations

import itertools
import re

import pytest
from nmo.composer.sentences import factual_numbers, numbers_in
from nmo.errors import KnowledgeError, UserInputError
from nmo.platforms import get_platform, platform_keys
from nmo.prompts import PromptLibrary
from nmo.render import CITATION_MARKER
from nmo.schemas import DraftBrief, Finding, RevisionRequest
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import MemoryKnowledgeBase, folder_knowledge_base

KB = folder_knowledge_base()
KB_NUMBERS = set().union(*(numbers_in(p.text) for p in KB.passages))


@pytest.fixture(scope="module")
def writer() -> KnowledgeWriter:
    return KnowledgeWriter(KB, None, PromptLibrary({}))


def _parts(content: object) -> dict[str, str]:
    from nmo.schemas import DraftContent

    assert isinstance(content, DraftContent)
    return {
        "title": content.title,
        "digest": content.digest,
        "hook": content.hook,
        "body": content.body,
        "cta": content.cta,
    }


@pytest.mark.parametrize("platform", platform_keys())
def test_every_platform_gets_a_draft_within_its_limits(writer: KnowledgeWriter, platform: str) -> None:
    draft = writer.write(DraftBrief(platform=platform, topic="冬天怎么喝雪梨白茶", variants=2))
    spec = get_platform(platform)
    for part, value in _parts(draft.content).items():
        limit = spec.limit(part)
        assert limit is None or len(value) <= limit, (part, len(value), limit)
    for variant in draft.content.variants:
        assert len(variant.title) <= (spec.limit("title") or 10_000)
    assert [v.label for v in draft.content.variants] == ["A", "B"]
    assert draft.backend == "offline"
    assert draft.content.citations, "a draft with no cited fact"
    assert set(draft.content.citations) <= {p.id for p in KB.passages}
    assert len(draft.content.hashtags) <= max(spec.hashtag.max, 0)
    for part in spec.requires:
        assert getattr(draft.content, part), f"{platform} needs {part}"


@pytest.mark.parametrize("platform", ["wechat", "xiaohongshu", "douyin", "zhihu", "weibo", "bilibili"])
def test_numbers_in_a_draft_all_come_from_the_knowledge_base(writer: KnowledgeWriter, platform: str) -> None:
    draft = writer.write(DraftBrief(platform=platform, topic="雪梨白茶99元特价"))
    parts = [*_parts(draft.content).values(), *(s.voiceover + s.onscreen for s in draft.content.shots)]
    found = set().union(*(factual_numbers(p) for p in parts))
    assert found <= KB_NUMBERS, found - KB_NUMBERS
    assert "99" not in draft.content.title


def test_every_marker_points_at_a_citation_and_the_text_lists_them(writer: KnowledgeWriter) -> None:
    draft = writer.write(DraftBrief(platform="wechat", topic="山岚四季礼盒送礼指南"))
    numbers = {int(n) for n in CITATION_MARKER.findall(draft.content.body)}
    assert numbers == set(range(1, len(draft.content.citations) + 1))
    assert "## 引用" in draft.text
    for passage_id in draft.content.citations:
        assert passage_id in draft.text


def test_different_topics_give_different_relevant_drafts(writer: KnowledgeWriter) -> None:
    peach = writer.write(DraftBrief(platform="xiaohongshu", topic="白桃乌龙的冷泡方法"))
    osmanthus = writer.write(DraftBrief(platform="xiaohongshu", topic="桂花红茶的产地故事"))
    assert peach.text != osmanthus.text
    assert "白桃" in peach.content.body and "桂花" in osmanthus.content.body
    again = writer.write(DraftBrief(platform="xiaohongshu", topic="白桃乌龙的冷泡方法"))
    assert again.text == peach.text


def test_douyin_script_has_a_three_second_hook_shot(writer: KnowledgeWriter) -> None:
    draft = writer.write(DraftBrief(platform="douyin", topic="办公室没有冰箱怎么冷泡"))
    first = draft.content.shots[0]
    assert first.time == "0-3s" and first.voiceover == draft.content.hook
    assert len(draft.content.shots) >= 3 and "| 时间 | 画面 | 口播 | 字幕 |" in draft.text


def test_revision_applies_suggestions_and_deletes_blocking_terms(writer: KnowledgeWriter) -> None:
    draft = writer.write(DraftBrief(platform="xiaohongshu", topic="白桃乌龙的冷泡方法"))
    content = draft.content.model_copy(
        update={"body": draft.content.body.replace("\n", "\n这是最好喝的冷萃茶，喝了能减肥。\n", 1)}
    )
    from nmo.render import render_draft

    text = render_draft(content, "xiaohongshu")

    def finding(term: str, rule: str, suggestion: str | None) -> Finding:
        start = text.index(term)
        return Finding(
            rule_id=rule,
            category="ad_law",
            severity="blocking",
            start=start,
            end=start + len(term),
            text=term,
            message="测试",
            suggestion=suggestion,
        )

    findings = [
        finding("最好喝", "ad.best", "很多茶友回购的口味"),
        finding("冷萃茶", "brand.term", "冷泡茶"),
        finding("减肥", "health.weight", None),
    ]
    revised = writer.write(
        DraftBrief(platform="xiaohongshu", topic="白桃乌龙的冷泡方法"),
        RevisionRequest(previous=content, previous_text=text, findings=findings, round=1),
    )
    assert "最好喝" not in revised.text and "减肥" not in revised.text and "冷萃茶" not in revised.text
    assert "很多茶友回购的口味的冷泡茶" in revised.content.body
    assert "最好喝" in revised.content.changes and "减肥" in revised.content.changes
    assert revised.content.citations == [c for c in revised.content.citations if c in draft.content.citations]


def test_reviewer_note_retitles_and_adds_a_cited_fact(writer: KnowledgeWriter) -> None:
    draft = writer.write(DraftBrief(platform="wechat", topic="白桃乌龙的冷泡方法"))
    revised = writer.write(
        DraftBrief(platform="wechat", topic="白桃乌龙的冷泡方法"),
        RevisionRequest(
            previous=draft.content,
            previous_text=draft.text,
            note="标题改成「白桃乌龙冷泡指南」；补充保质期",
            round=1,
        ),
    )
    assert revised.content.title == "白桃乌龙冷泡指南"
    assert "保质期" in revised.content.body
    assert "审核意见" in revised.content.changes
    last_marker = int(re.findall(r"\[\^(\d+)\]", revised.content.body)[-1])
    assert last_marker <= len(revised.content.citations)


def test_empty_knowledge_base_says_how_to_ingest() -> None:
    writer = KnowledgeWriter(MemoryKnowledgeBase([]), None, PromptLibrary({}))
    with pytest.raises(KnowledgeError) as error:
        writer.write(DraftBrief(platform="wechat", topic="冷泡茶"))
    assert "ingest" in error.value.fix


def test_topic_in_another_language_and_unknown_platform_are_user_errors(writer: KnowledgeWriter) -> None:
    with pytest.raises(UserInputError, match="not in Chinese"):
        writer.write(DraftBrief(platform="wechat", topic="how to cold brew tea"))
    with pytest.raises(UserInputError, match="Unknown platform"):
        writer.write(DraftBrief(platform="myspace", topic="冷泡茶"))


def test_a_deleted_required_hook_comes_back_in_revision(writer: KnowledgeWriter) -> None:
    draft = writer.write(DraftBrief(platform="douyin", topic="办公室没有冰箱怎么冷泡"))
    hookless = draft.content.model_copy(update={"hook": ""})
    from nmo.render import render_draft

    revised = writer.write(
        DraftBrief(platform="douyin", topic="办公室没有冰箱怎么冷泡"),
        RevisionRequest(previous=hookless, previous_text=render_draft(hookless, "douyin"), round=1),
    )
    assert revised.content.hook and len(revised.content.hook) <= 30


def test_a_topic_the_knowledge_base_knows_nothing_about_says_so() -> None:
    from nmo.schemas import Passage

    kb = MemoryKnowledgeBase([Passage(id="x", text="## 配送\n\n下单后 48 小时内发货。", source_path="brand/faq.md",
                                      title="FAQ", kind="competitor")])
    draft = KnowledgeWriter(kb, None, PromptLibrary({})).write(DraftBrief(platform="xiaohongshu", topic="露营装备推荐"))
    assert draft.content.citations == []
    assert "没有找到" in draft.content.changes and "ingest" in draft.content.changes


def test_a_note_asking_for_more_adds_a_shot_to_a_video_script(writer: KnowledgeWriter) -> None:
    brief = DraftBrief(platform="douyin", topic="办公室没有冰箱怎么冷泡")
    draft = writer.write(brief)
    revised = writer.write(brief, RevisionRequest(previous=draft.content, previous_text=draft.text,
                                                  note="补充保质期", round=1))
    assert len(revised.content.shots) == len(draft.content.shots) + 1
    assert "保质期" in revised.content.shots[-2].voiceover
    times = [s.time for s in revised.content.shots]
    assert times[0] == "0-3s" and all(a.split("-")[1] == b.split("-")[0] + "s" for a, b in itertools.pairwise(times))
