"""Reviewer notes: read as typed instructions, applied offline on every draft shape, logged only when true."""

from __future__ import annotations

import itertools
import re

import pytest
from nmo.composer.notes import (
    AddElement,
    ChangeAngle,
    ChangeLength,
    ChangeTone,
    RemoveMentions,
    Reorder,
    ReplaceWording,
    SetTitle,
    ShortenTitle,
    parse_note,
)
from nmo.composer.notes_log import format_change_log, split_change_log
from nmo.composer.notes_verify import PRICE, Claim, holds
from nmo.composer.revise import revise
from nmo.platforms import get_platform
from nmo.prompts import PromptLibrary
from nmo.render import render_draft
from nmo.schemas import DraftBrief, DraftContent, Passage, RevisionRequest, Shot
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import MemoryKnowledgeBase, folder_knowledge_base, passage_script

KB = folder_knowledge_base()
PRODUCTS = ["山岚冷泡茶·白桃乌龙", "白桃乌龙", "山岚随行冷泡杯"]


def _revise(content: DraftContent, platform: str, note: str, kb: MemoryKnowledgeBase = KB,
            topic: str = "白桃乌龙的冷泡方法", products: list[str] = PRODUCTS):  # type: ignore[no-untyped-def]
    request = RevisionRequest(previous=content, previous_text=render_draft(content, platform), note=note, round=1)
    return revise(request, platform, kb, topic=topic, products=products)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("标题太长，换个角度；不要提价格", [ShortenTitle(), ChangeAngle(), RemoveMentions(target="price")]),
        ("标题改成「冬天喝一杯，暖到心里」", [SetTitle(text="冬天喝一杯，暖到心里")]),
        ("标题换成：周末露营清单", [SetTitle(text="周末露营清单")]),
        ("标题改成冬天喝茶，暖到心里", [SetTitle(text="冬天喝茶，暖到心里")]),
        ("标题改成：帐篷怎么搭？", [SetTitle(text="帐篷怎么搭？")]),
        ("标题控制在十五字以内", [ShortenTitle(max_chars=15)]),
        ("把“冷萃”换成“冷泡”", [ReplaceWording(old="冷萃", new="冷泡")]),
        ('把"您"改成"你"', [ReplaceWording(old="您", new="你")]),
        ("用「你」代替「您」", [ReplaceWording(old="您", new="你")]),
        ("不要说冷萃，用冷泡", [ReplaceWording(old="冷萃", new="冷泡")]),
        ("价格就别写了", [RemoveMentions(target="price")]),
        ("不要提白桃乌龙", [RemoveMentions(target="product", text="白桃乌龙", product="白桃乌龙")]),
        ("删掉「限定款」相关内容", [RemoveMentions(target="text", text="限定款")]),
        ("把「保质期」那句放到开头", [Reorder(text="保质期", to="start")]),
        ("加一个具体冲泡步骤", [AddElement(element="step", about="冲泡")]),
        ("结尾加互动问题，引导评论", [AddElement(element="question")]),
        ("结尾加一句话，引导关注", [AddElement(element="cta")]),
        ("开头先说一句：冷泡茶不是冷萃咖啡",
         [AddElement(element="sentence", about="冷泡茶不是冷萃咖啡", place="start")]),
        ("补充保质期", [AddElement(element="fact", about="保质期")]),
        ("emoji太多了，少用点", [ChangeTone(style="fewer_emoji")]),
        ("去掉感叹号！", [ChangeTone(style="no_exclamations")]),
        ("口语化一点", [ChangeTone(style="casual")]),
        ("正文控制在300字以内", [ChangeLength(direction="shorter", chars=300)]),
        ("内容太少，多写一点", [ChangeLength(direction="longer")]),
        ("其他都挺好，谢谢", []),
    ],
)
def test_notes_as_reviewers_write_them_become_instructions(note: str, expected: list[object]) -> None:
    parsed = parse_note(note, PRODUCTS)
    assert [i.model_dump(exclude={"source"}) for i in parsed.instructions] == [
        e.model_dump(exclude={"source"}) for e in expected  # type: ignore[attr-defined]
    ]
    assert parsed.unparsed == []


def test_a_request_nmo_does_not_know_is_kept_as_not_understood() -> None:
    parsed = parse_note("不要提价格；换个开头，读起来更有画面感")
    assert [i.kind for i in parsed.instructions] == ["remove"]
    assert parsed.unparsed == ["换个开头", "读起来更有画面感"]


def _sample_draft(platform: str, topic: str = "白桃乌龙的冷泡方法") -> DraftContent:
    return KnowledgeWriter(KB, None, PromptLibrary({})).write(DraftBrief(platform=platform, topic=topic)).content


@pytest.mark.parametrize("platform", ["wechat", "douyin", "zhihu", "bilibili"])
def test_no_price_removes_every_price_and_logs_it_only_then(platform: str) -> None:
    draft = _sample_draft(platform)
    assert PRICE.search(render_draft(draft, platform)), "the sample's draft states a price"
    revised = _revise(draft, platform, "不要提价格").content
    shown = render_draft(revised, platform).split("## 引用")[0]
    assert not re.search(r"\d+\s*元|价格|售价", shown)
    assert "删除了所有价格" in revised.changes and "未执行" not in revised.changes


def test_a_given_title_is_used_whole_or_refused_never_cut() -> None:
    draft = _sample_draft("xiaohongshu")
    fits = _revise(draft, "xiaohongshu", "标题改成「白桃乌龙冷泡一次就会」").content
    assert fits.title == "白桃乌龙冷泡一次就会"
    too_long = "白桃乌龙冷泡茶怎么泡才不苦不涩，一篇讲清楚给你"
    refused = _revise(draft, "xiaohongshu", f"标题改成「{too_long}」").content
    assert refused.title == draft.title
    assert "未执行" in refused.changes and "超过小红书标题上限 20 字" in refused.changes
    assert "over 小红书's limit of 20" in refused.changes


def test_title_too_long_shortens_the_title_and_leaves_the_body() -> None:
    draft = _sample_draft("wechat")
    revised = _revise(draft, "wechat", "标题太长，换个角度")
    assert len(revised.content.title) < len(draft.title) and draft.title.startswith(revised.content.title)
    assert revised.content.body == draft.body
    log = split_change_log(revised.content.changes)
    assert any("标题缩短为" in line for line in log.done)
    assert len(log.not_applied) == 1 and "换个角度" in log.not_applied[0]


def test_a_step_comes_from_a_passage_that_lists_steps_with_its_citation() -> None:
    draft = _sample_draft("wechat")
    revised = _revise(draft, "wechat", "加一个具体冲泡步骤")
    body = revised.content.body
    assert "具体步骤：" in body and "500ml 常温水或冰水" in body
    assert not PRICE.search(body.split("具体步骤：")[1]), "a price line is not a step"
    marker = int(re.findall(r"\[\^(\d+)\]", body.split("具体步骤：")[1])[0])
    cited = revised.content.citations[marker - 1]
    assert "500ml 常温水" in next(p.text for p in KB.passages if p.id == cited)


def test_no_step_is_invented_when_no_passage_lists_steps() -> None:
    kb = MemoryKnowledgeBase([Passage(id="p1", text="## 价格\n\n白桃乌龙 69元一盒。", source_path="brand/p.md",
                                      title="产品", heading="价格")])
    draft = DraftContent(title="白桃乌龙", body="白桃乌龙果香明显。")
    revised = _revise(draft, "weibo", "加一个具体冲泡步骤", kb=kb)
    assert revised.content.body == draft.body
    assert "未执行" in revised.content.changes and "没有编造步骤" in revised.content.changes


def test_a_question_ends_the_piece_in_a_body_and_in_a_script() -> None:
    for platform in ("wechat", "douyin"):
        revised = _revise(_sample_draft(platform), platform, "结尾加互动问题").content
        assert holds(Claim(check="ends_with_question"), revised)
        closing = revised.shots[-1].voiceover if revised.shots else revised.body.split("\n\n")[-1]
        assert "白桃乌龙的冷泡方法" in closing and "元" not in closing  # composed from the topic, not a price line


def test_punctuation_and_emoji_are_toned_down() -> None:
    draft = DraftContent(
        title="夏天来了！", body="冷泡一夜，早上直接喝！果香超明显🍑！你最想在哪喝？✨", hashtags=["冷泡茶"]
    )
    calm = _revise(draft, "xiaohongshu", "去掉感叹号；去掉所有表情").content
    assert "！" not in render_draft(calm, "xiaohongshu") and "🍑" not in calm.body and "✨" not in calm.body
    assert calm.title == "夏天来了" and calm.body.startswith("冷泡一夜，早上直接喝。果香超明显。")


def test_shorter_keeps_the_lead_and_the_closing() -> None:
    draft = _sample_draft("bilibili")
    revised = _revise(draft, "bilibili", "正文控制在250字以内").content
    plain = re.sub(r"\[\^\d+\]", "", revised.body)
    assert len(plain.strip()) <= 250
    first = re.sub(r"\[\^\d+\]", "", draft.body).strip().split("。")[0]
    assert plain.strip().startswith(first)


def test_removing_a_product_removes_its_sentences_shots_and_hashtags() -> None:
    # written out, not composed: the offline writer keeps a draft to its topic's product
    draft = DraftContent(
        title="白桃乌龙的冷泡方法", hook="白桃乌龙，很多人第一口就喝错了", body="",
        shots=[Shot(time="0-3s", visual="特写：白桃乌龙入镜", voiceover="白桃乌龙冷泡 6 小时更香。"),
               Shot(time="3-8s", visual="随行冷泡杯装瓶", voiceover="装进随行冷泡杯，出门也能喝。"),
               Shot(time="8-12s", visual="收尾", voiceover="你平时怎么喝？评论区聊聊。")],
        hashtags=["冷泡茶", "随行冷泡杯"],
    )
    assert "随行冷泡杯" in render_draft(draft, "douyin")
    revised = _revise(draft, "douyin", "不要提随行冷泡杯").content
    assert "随行冷泡杯" not in render_draft(revised, "douyin")
    times = [s.time for s in revised.shots]
    assert times[0].startswith("0-")
    assert all(a.split("-")[1].rstrip("s") == b.split("-")[0] for a, b in itertools.pairwise(times))


def test_replace_reorder_and_own_sentence() -> None:
    draft = DraftContent(title="冷泡指南", body="冷萃一夜就好。保质期 18 个月。开封后冷藏。")
    note = "把「冷萃」改成「冷泡」；把「保质期」那句放到开头；结尾加一句「有问题评论区见」"
    revised = _revise(draft, "zhihu", note).content
    sentences = [s for s in re.split(r"(?<=。)|\n+", revised.body) if s.strip()]
    assert sentences[0].startswith("保质期") and "冷泡一夜就好。" in revised.body and "冷萃" not in revised.body
    assert sentences[-1] == "有问题评论区见。"


def test_a_replacement_of_missing_words_is_refused_not_claimed() -> None:
    draft = DraftContent(title="冷泡指南", body="冷泡一夜就好。")
    revised = _revise(draft, "zhihu", "把「冷萃」改成「冷泡」").content
    assert revised.body == draft.body
    assert split_change_log(revised.changes).done == ["没有可自动修改的问题，内容未变"]
    assert "稿件里没有「冷萃」" in split_change_log(revised.changes).not_applied[0]


def test_a_poster_says_what_it_cannot_hold() -> None:
    poster = _sample_draft("poster")
    revised = _revise(poster, "poster", "结尾加互动问题；多写一点").content
    assert revised.model_dump(exclude={"changes"}) == poster.model_dump(exclude={"changes"})
    assert len(split_change_log(revised.changes).not_applied) == 2


def test_change_log_reads_back_into_done_and_not_applied() -> None:
    text = format_change_log(2, ["按审核意见：标题改为「A」"], ["「换个角度」离线写作不会换角度重写（cannot）"])
    log = split_change_log(text)
    assert log.done == ["按审核意见：标题改为「A」"]
    assert log.not_applied == ["「换个角度」离线写作不会换角度重写（cannot）"]
    assert "NMO_LLM_BASE_URL" in text and split_change_log(format_change_log(1, ["x"], [])).not_applied == []


def test_a_video_step_is_said_on_camera_in_a_new_shot() -> None:
    draft = DraftContent(
        title="白桃乌龙冷泡", hook="先看这一步",
        shots=[Shot(time="0-3s", visual="特写", voiceover="白桃乌龙怎么冷泡？"),
               Shot(time="3-6s", visual="收尾", voiceover="关注我们")],
        body="白桃乌龙冷泡。",
    )
    revised = _revise(draft, "douyin", "加一个具体冲泡步骤").content
    assert len(revised.shots) == 3 and "500ml 常温水" in revised.shots[1].voiceover
    assert revised.shots[-1].voiceover.startswith("关注我们")


def test_the_llm_gets_the_note_its_instructions_the_platform_rules_and_the_topic() -> None:
    draft = _sample_draft("xiaohongshu")

    def answer(passages: list[Passage]) -> object:
        from nmo.composer.formats import CitedSentence, XiaohongshuNote
        from nmo.writer import revision_model

        note = XiaohongshuNote(title="白桃乌龙冷泡", opener="说说冷泡。",
                               points=[CitedSentence(text="冷泡 4–6 小时。", cite=[passages[0].id])],
                               closing="你怎么泡？", hashtags=["冷泡茶"])
        return revision_model(XiaohongshuNote)(draft=note, changes="标题改短")

    llm = passage_script(answer)
    KnowledgeWriter(KB, llm, PromptLibrary.load()).write(
        DraftBrief(platform="xiaohongshu", topic="白桃乌龙的冷泡方法"),
        RevisionRequest(previous=draft, previous_text=render_draft(draft, "xiaohongshu"),
                        note="标题太长；不要提价格", round=1),
    )
    system, user = llm.calls[0][0][0].content, llm.calls[0][0][1].content
    assert "白桃乌龙的冷泡方法" in system
    assert f"标题不超过 {get_platform('xiaohongshu').limit('title')} 字" in system
    assert "标题太长；不要提价格" in user
    assert "- 标题改短（原话：标题太长）" in user and "- 删除所有价格及含价格的句子（原话：不要提价格）" in user
