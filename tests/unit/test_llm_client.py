"""The real `openai` client path against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from nmo.config import Settings
from nmo.errors import LLMMalformedAnswer, LLMRefused, LLMUnavailable
from nmo.llm import OpenAIStructuredLLM
from nmo.ports import Message
from nmo.schemas import Passage
from nmo.scripted_server import ScriptedReply, ScriptedServer
from pydantic import BaseModel, Field


class Headline(BaseModel):
    title: str = Field(max_length=20)
    citations: list[str]


GOOD = json.dumps({"title": "冬天也要喝冷泡茶", "citations": ["p1"]}, ensure_ascii=False)
MESSAGES = [Message(role="system", content="你是写手。"), Message(role="user", content="写一个标题。")]
PASSAGES = [Passage(id="p1", text="茉莉银毫 3g×15袋 59元", source_path="brand/products.md", heading="产品")]


def make_llm(server: ScriptedServer, **overrides: object) -> OpenAIStructuredLLM:
    options: dict[str, object] = {"llm_max_retries": 2, "llm_timeout_s": 5, **overrides}
    settings = Settings(llm_base_url=server.base_url, llm_api_key="test", **options)  # type: ignore[arg-type]
    return OpenAIStructuredLLM(settings.llm_target("writer"), "writer")


def test_structured_answer_with_passages_in_a_delimited_block() -> None:
    with ScriptedServer([ScriptedReply(content=GOOD)]).running() as server:
        llm = make_llm(server)
        answer = llm.generate(MESSAGES, Headline, passages=PASSAGES)
    assert answer.value.title == "冬天也要喝冷泡茶"
    sent = server.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    knowledge = sent["messages"][1]["content"]
    assert "<knowledge>" in knowledge and 'id="p1"' in knowledge and "59元" in knowledge
    assert answer.call.ok and answer.call.prompt_tokens > 0 and answer.call.attempts == 1


def test_429_is_retried_then_succeeds() -> None:
    replies = [ScriptedReply(status=429, headers={"retry-after": "0"}), ScriptedReply(content=GOOD)]
    with ScriptedServer(replies).running() as server:
        result = make_llm(server).generate(MESSAGES, Headline).value
    assert result.citations == ["p1"]
    assert len(server.requests) == 2


def test_malformed_answer_gets_one_repair_round() -> None:
    too_long = json.dumps({"title": "一个远远超过二十个字符限制的非常非常长的标题啊啊啊", "citations": []})
    replies = [ScriptedReply(content=too_long), ScriptedReply(content=GOOD)]
    with ScriptedServer(replies).running() as server:
        llm = make_llm(server)
        answer = llm.generate(MESSAGES, Headline)
    assert answer.value.title == "冬天也要喝冷泡茶"
    repair = server.requests[1]["messages"][-1]["content"]
    assert "did not validate" in repair and "title" in repair
    assert answer.call.attempts == 2


def test_malformed_twice_is_a_typed_error() -> None:
    replies = [ScriptedReply(content="not json"), ScriptedReply(content="{still not json")]
    with ScriptedServer(replies).running() as server, pytest.raises(LLMMalformedAnswer) as info:
        make_llm(server).generate(MESSAGES, Headline)
    assert "NMO_LLM_MODE" in info.value.fix or "stronger model" in info.value.fix


def test_endpoint_without_json_schema_falls_back_to_json_object_then_text() -> None:
    def responder(body: dict[str, object]) -> ScriptedReply:
        fmt = body.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") in ("json_schema", "json_object"):
            return ScriptedReply(status=400, content=f"response_format {fmt['type']} is not supported")
        return ScriptedReply(content="好的，结果如下：\n```json\n" + GOOD + "\n```")

    with ScriptedServer(responder=responder).running() as server:
        result = make_llm(server).generate(MESSAGES, Headline).value
    assert result.title == "冬天也要喝冷泡茶"
    assert [r.get("response_format", {}).get("type") for r in server.requests] == ["json_schema", "json_object", None]
    assert "JSON Schema" in server.requests[-1]["messages"][0]["content"]


def test_refusal_is_not_retried() -> None:
    with ScriptedServer([ScriptedReply(refusal="I can't help with that.")]).running() as server, \
            pytest.raises(LLMRefused):
        make_llm(server).generate(MESSAGES, Headline)
    assert len(server.requests) == 1


def test_server_errors_after_retries_say_how_to_fix() -> None:
    replies = [ScriptedReply(status=500, headers={"retry-after": "0"})] * 3
    with ScriptedServer(replies).running() as server, pytest.raises(LLMUnavailable) as info:
        make_llm(server).generate(MESSAGES, Headline)
    assert len(server.requests) == 3
    assert "HTTP 500" in info.value.problem and "NMO_BACKEND=offline" in info.value.fix


def test_unreachable_endpoint() -> None:
    settings = Settings(llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k", llm_max_retries=0, llm_timeout_s=2)
    llm = OpenAIStructuredLLM(settings.llm_target("writer"), "writer")
    with pytest.raises(LLMUnavailable) as info:
        llm.generate(MESSAGES, Headline)
    assert "Cannot reach" in info.value.problem and "NMO_LLM_BASE_URL" in info.value.fix


def test_timeout_is_reported_as_unavailable() -> None:
    with ScriptedServer([ScriptedReply(content=GOOD, delay_s=1.5)]).running() as server, \
            pytest.raises(LLMUnavailable):
        make_llm(server, llm_timeout_s=0.5, llm_max_retries=0).generate(MESSAGES, Headline)
