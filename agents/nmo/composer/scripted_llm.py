"""A deterministic stand-in for the writer and planner models, for evals and demos without an endpoint.

It answers every output model from the passages it is given, and on purpose makes the mistakes real
models make — an invented price, a citation of a passage it was not given, an over-long title, a plan item
outside the window, a missed marketing node — so the evals measure the code that catches them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel

from nmo.composer.facts import rank_facts
from nmo.composer.formats import (
    BilibiliVideo,
    Chapter,
    CitedSentence,
    PosterCopy,
    ScriptShot,
    Section,
    ShortVideoScript,
    WechatArticle,
    WeiboPost,
    XiaohongshuNote,
    ZhihuAnswer,
)
from nmo.ports import LLMReply, Message, ModelT
from nmo.schemas import Passage, Variant
from nmo.usage import LLMCall

INVENTED = CitedSentence(text="限时到手价只要 9.9 元。", cite=[])
UNKNOWN_CITATION = "passage-that-was-not-given"
_TOPIC = re.compile(r"选题：(.+)")
_PLAN_LINE = re.compile(r"^- (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) (\w+) (.+?)：(.+?)(?:（(.+)）)?$", re.MULTILINE)
_WINDOW = re.compile(r"时间窗口：(\d{4}-\d{2}-\d{2}) 至 (\d{4}-\d{2}-\d{2})")
_RECENT = re.compile(r"近 90 天已发内容（不要重复）：\n((?:- .+\n?)+)")


class ScriptedLLM:
    """A StructuredLLM that composes answers from the given passages, with typical model mistakes."""

    backend_name = "llm"

    def __init__(self) -> None:
        self.calls = 0

    def generate(
        self, messages: Sequence[Message], output: type[ModelT], *, passages: Sequence[Passage] = ()
    ) -> LLMReply[ModelT]:
        """An instance of `output` built from the passages and the prompt (a call that costs no tokens)."""
        self.calls += 1
        call = LLMCall(role="scripted", model="scripted", mode="json_schema", prompt_tokens=0, completion_tokens=0,
                       latency_ms=0.0, attempts=1, ok=True)
        return LLMReply(value=self._answer(messages, output, passages), call=call)

    def _answer(self, messages: Sequence[Message], output: type[ModelT], passages: Sequence[Passage]) -> ModelT:
        prompt = "\n".join(m.content for m in messages)
        if "draft" in output.model_fields and "changes" in output.model_fields:
            inner = output.model_fields["draft"].annotation
            assert isinstance(inner, type) and issubclass(inner, BaseModel)
            draft = self._draft(inner, prompt, list(passages))
            return output.model_validate({"draft": draft, "changes": "按检查发现和审核意见修改了相应句子"})
        if output.__name__ == "LLMPlan":
            return output.model_validate(self._plan(prompt))
        return output.model_validate(self._draft(output, prompt, list(passages)).model_dump())

    def _sentences(self, topic: str, passages: list[Passage], count: int) -> list[CitedSentence]:
        facts = rank_facts(topic, passages)[:count]
        cited = [CitedSentence(text=f.text, cite=[f.passage.id]) for f in facts]
        stray = CitedSentence(text=facts[0].text, cite=[UNKNOWN_CITATION]) if facts else INVENTED
        return [*cited[:2], INVENTED, *cited[2:], stray]

    def _draft(self, output: type[BaseModel], prompt: str, passages: list[Passage]) -> BaseModel:
        match = _TOPIC.search(prompt)
        topic = match.group(1).strip() if match else "品牌日常"
        facts = self._sentences(topic, passages, 6)
        long_title = f"{topic}：关于它你需要知道的一切，一篇讲清楚所有细节和常见问题，建议收藏慢慢看"
        variants = [Variant(label="1", title=topic, hook=f"先说结论：{topic}"),
                    Variant(label="2", title=long_title, hook="你可能一直喝错了")]
        answer: BaseModel
        if output is WechatArticle:
            answer = WechatArticle(title=long_title, digest=f"{topic}，一篇讲清楚。", intro=facts[:1],
                                   sections=[Section(heading="要点", sentences=facts[1:4]),
                                             Section(heading="细节", sentences=facts[4:])],
                                   cta="阅读原文了解更多", variants=variants)
        elif output is XiaohongshuNote:
            answer = XiaohongshuNote(title=long_title, opener=f"今天聊聊{topic}～", points=facts,
                                     closing="你怎么看？", hashtags=[f"#{topic[:8]}", "日常", "好物分享"],
                                     variants=variants)
        elif output is WeiboPost:
            answer = WeiboPost(point=facts[0], details=facts[1:], hashtags=[topic[:10]], variants=variants)
        elif output is ShortVideoScript:
            shots = [ScriptShot(time=f"{i * 4}-{i * 4 + 4}s", visual="近景", voiceover=f, onscreen=f.text[:12])
                     for i, f in enumerate(facts)]
            answer = ShortVideoScript(title=long_title, hook=f"{topic}？三秒告诉你答案，看完你就明白了", shots=shots,
                                      caption=facts[:2], hashtags=["冷泡茶", topic[:8]], cta="关注看下期",
                                      variants=variants)
        elif output is BilibiliVideo:
            chapters = [Chapter(time=f"0{i}:00", name=f"第{i + 1}部分", narration=[f]) for i, f in enumerate(facts)]
            answer = BilibiliVideo(title=long_title, chapters=chapters, description=facts[:2],
                                   tags=[topic[:10], "知识分享"], cta="一键三连", variants=variants)
        elif output is ZhihuAnswer:
            answer = ZhihuAnswer(title=f"{topic}？", conclusion=facts[0], evidence=facts[1:4], how_to=facts[4:],
                                 closing="以上。", variants=variants)
        elif output is PosterCopy:
            answer = PosterCopy(headline=long_title, subheadline=facts[0], cta="立即购买享受优惠价格",
                                variants=variants)
        else:
            raise AssertionError(f"the scripted model cannot answer {output.__name__}")
        return answer

    def _plan(self, prompt: str) -> dict[str, Any]:
        window = _WINDOW.search(prompt)
        if window is None:
            raise AssertionError("the scripted model plans only from a prompt that states the plan window")
        end = date.fromisoformat(window.group(2))
        recent = _RECENT.search(prompt)
        repeat = recent.group(1).splitlines()[0][2:] if recent else "重复的选题"
        items: list[dict[str, Any]] = []
        for day, slot, platform, pillar, topic, node in _PLAN_LINE.findall(prompt):
            if node:
                continue  # a real model forgets nodes now and then; the planner must put them back
            items.append({"id": "x", "date": day, "slot": slot, "platform": platform, "pillar": pillar,
                          "topic": f"{topic}（升级版）", "angle": "真实场景 + 清单", "format": "图文",
                          "reason": "延续离线草案并加强场景感", "citations": [UNKNOWN_CITATION]})
        if items:
            first = items[0]
            items.append({**first, "date": (end + timedelta(days=5)).isoformat(), "topic": "窗口之外的选题"})
            items.append({**first, "topic": repeat})
            items.append({**first, "platform": "myspace", "topic": "不存在的平台"})
        return {"items": items}
