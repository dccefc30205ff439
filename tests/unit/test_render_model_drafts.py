"""Drafts a capable model wrote, rendered: no invented 微博 title, one call to action, no half-cut lines."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from nmo.composer.draft import safe_topic
from nmo.composer.formats import CitedSentence, ScriptShot, ShortVideoScript, WeiboPost
from nmo.composer.sentences import first_clause, shorten
from nmo.prompts import PromptLibrary
from nmo.schemas import DraftBrief, Passage
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import folder_knowledge_base, passage_script

KB = folder_knowledge_base()
PROMPTS = PromptLibrary.load()
LONG_POINT = "冷泡茶想要不苦不涩，前一晚用3克茶叶配500毫升常温水泡好放进冰箱，第二天一早就能喝。"


def _having(passages: list[Passage], words: str) -> str:
    return next(p.id for p in passages if words in p.text)


def test_a_weibo_post_gets_no_title_cut_from_its_first_sentence() -> None:
    def post(passages: list[Passage]) -> WeiboPost:
        return WeiboPost(
            point=CitedSentence(text=LONG_POINT.replace("3克", "").replace("500毫升", "")),
            details=[CitedSentence(text="一袋原叶茶包配 500ml 常温水或冰水，冷泡 4–6 小时。",
                                   cite=[_having(passages, "500ml 常温水")])],
            hashtags=["冷泡茶"],
        )

    draft = KnowledgeWriter(KB, passage_script(post), PROMPTS).write(DraftBrief(platform="weibo", topic="冷泡茶"))
    point = LONG_POINT.replace("3克", "").replace("500毫升", "")
    assert not draft.text.startswith("#"), "a 微博 post has no title line"
    assert draft.text.startswith(point), "the post opens with its point, whole"
    assert draft.text.count(point[:12]) == 1, "no part of the first sentence is repeated as a title"


def test_the_offline_weibo_post_has_no_title_either() -> None:
    draft = KnowledgeWriter(KB, None, PROMPTS).write(DraftBrief(platform="weibo", topic="冷泡茶"))
    assert draft.content.title == "" and not draft.text.startswith("# ")


def _script(
    caption: list[CitedSentence], cta: str, onscreen: str = "冷泡就这么简单"
) -> Callable[[list[Passage]], ShortVideoScript]:
    def build(passages: list[Passage]) -> ShortVideoScript:
        brewing = CitedSentence(text="一袋原叶茶包配 500ml 常温水或冰水，冷泡 4–6 小时。",
                                cite=[_having(passages, "500ml 常温水")])
        return ShortVideoScript(
            title="办公室冷泡，三步就够",
            hook="没冰箱也能喝冷泡茶？",
            shots=[ScriptShot(time="0-3s", visual="工位", voiceover=brewing, onscreen=onscreen)],
            caption=caption,
            hashtags=["冷泡茶"],
            cta=cta,
        )

    return build


def test_a_douyin_call_to_action_already_in_the_caption_is_printed_once() -> None:
    script = _script([CitedSentence(text="冷泡就这么简单。"), CitedSentence(text="关注我们，下期教你做冷泡柠檬茶！")],
                     cta="关注我们，下期教你做冷泡柠檬茶")
    draft = KnowledgeWriter(KB, passage_script(script), PROMPTS).write(
        DraftBrief(platform="douyin", topic="办公室冷泡")
    )
    assert draft.text.count("关注我们，下期教你做冷泡柠檬茶") == 1
    assert "**关注我们" not in draft.text


def test_a_call_to_action_said_nowhere_else_keeps_its_own_line() -> None:
    script = _script([CitedSentence(text="冷泡就这么简单。")], cta="关注看下期")
    draft = KnowledgeWriter(KB, passage_script(script), PROMPTS).write(
        DraftBrief(platform="douyin", topic="办公室冷泡")
    )
    assert draft.text.count("关注看下期") == 1 and "**关注看下期**" in draft.text


def test_the_offline_douyin_script_prints_its_call_to_action_once() -> None:
    draft = KnowledgeWriter(KB, None, PROMPTS).write(DraftBrief(platform="douyin", topic="桂花红茶怎么泡"))
    cta = draft.content.cta
    assert cta and draft.text.count(f"**{cta}**") == 0
    table = [line for line in draft.text.splitlines() if line.startswith("|")]
    assert sum(line.count(cta) for line in table) >= 1, "the closing shot says it"


def test_a_subtitle_is_never_cut_inside_a_number_range() -> None:
    assert first_clause("500ml 常温水冷泡 5–6 小时，桂花香更完整；", 14) == "500ml 常温水冷泡 5–6 小时"
    # A range with one unsupported end goes whole rather than leaving 「冷泡5–」.
    assert safe_topic("冷泡5–8小时", {"5"}) == "冷泡"
    assert safe_topic("冷泡 4–6 小时，65元", {"4", "6"}) == "冷泡 4–6 小时"


def test_a_model_subtitle_with_an_unsupported_range_end_is_not_left_dangling() -> None:
    script = _script([CitedSentence(text="冷泡就这么简单。")], cta="关注看下期", onscreen="常温水冷泡4–97小时")
    draft = KnowledgeWriter(KB, passage_script(script), PROMPTS).write(
        DraftBrief(platform="douyin", topic="办公室冷泡")
    )
    assert draft.content.shots[0].onscreen == "常温水冷泡"


@pytest.mark.parametrize(
    "text, limit",
    [
        ("500ml 常温水冷泡 5–6 小时桂花香更完整", 14),
        ("活动时间12:30开始，先到先得", 8),
        ("白桃乌龙冷泡茶，一袋配500ml常温水，冷泡4–6小时", 20),
        ("一盒 1,280 元的礼盒，送礼体面", 8),
    ],
)
def test_shortening_keeps_whole_clauses_or_the_whole_text(text: str, limit: int) -> None:
    out = shorten(text, limit)
    assert text.startswith(out)
    if out != text:
        assert len(out) <= limit
        rest = text[len(out):]
        assert re.match(r"[，,、：:。！？!?；;]", rest), f"cut mid-clause: {out!r} | {rest!r}"
        assert not re.search(r"[\d–~-]$", out) or not re.match(r"[\d–~-]", rest)
