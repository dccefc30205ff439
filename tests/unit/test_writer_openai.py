"""The LLM writer through the real `openai` client and a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import re
from typing import Any

from nmo.config import Settings
from nmo.llm import OpenAIStructuredLLM
from nmo.prompts import PromptLibrary
from nmo.schemas import DraftBrief
from nmo.scripted_server import ScriptedReply, ScriptedServer
from nmo.writer import KnowledgeWriter

from tests.unit.planwrite_fakes import folder_knowledge_base

PASSAGE = re.compile(r'<passage id="([^"]+)"[^>]*>\n(.*?)\n</passage>', re.DOTALL)


def answer_from_knowledge(body: dict[str, Any]) -> ScriptedReply:
    """A well-formed 小红书 note that cites the first passage the writer sent and quotes a price from it."""
    knowledge = next(m["content"] for m in body["messages"] if "<knowledge>\n<passage" in m["content"])
    passages = PASSAGE.findall(knowledge)
    cited_id, text = next((pid, t) for pid, t in passages if "元" in t)
    price = re.search(r"\d+元", text)
    assert price is not None
    note = {
        "title": "白桃乌龙｜我的工位日常",
        "opener": "上班第三年，终于把奶茶换成了冷泡茶",
        "points": [{"text": f"一盒是 {price.group(0)}。", "cite": [cited_id]}],
        "closing": "你平时喝什么？",
        "hashtags": ["白桃乌龙", "冷泡茶"],
    }
    return ScriptedReply(content=json.dumps(note, ensure_ascii=False))


def test_llm_writer_over_the_openai_client() -> None:
    with ScriptedServer(responder=answer_from_knowledge).running() as server:
        settings = Settings(llm_base_url=server.base_url, llm_api_key="test", llm_max_retries=0, llm_timeout_s=5)
        llm = OpenAIStructuredLLM(settings.llm_target("writer"), "writer")
        writer = KnowledgeWriter(folder_knowledge_base(), llm, PromptLibrary.load())
        draft = writer.write(DraftBrief(platform="xiaohongshu", topic="白桃乌龙的价格和规格"))
    sent = server.requests[0]
    assert sent["response_format"]["json_schema"]["name"] == "XiaohongshuNote"
    assert "小红书" in sent["messages"][0]["content"]
    assert draft.backend == "llm"
    assert re.search(r"一盒是 \d+元。\[\^1\]", draft.content.body)
    assert draft.content.citations and draft.passages[0].id == draft.content.citations[0]
