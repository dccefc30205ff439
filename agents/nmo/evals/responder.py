"""The scripted endpoint's answers: any output model filled from the request's JSON Schema, plus faults.

The scripted backend cannot know the writer's or planner's output model in advance, so it reads the
schema the client sends (response_format, or the schema instruction in text mode) and fills it:
named fields from the case (title, body, hashtags …), citations from the passages in the prompt,
everything else with neutral values that validate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from nmo.evals.cases import Fault, ScriptedCase
from nmo.scripted_server import ScriptedReply

PASSAGE_ID = re.compile(r'<passage id="([^"]+)"')
SCHEMA_MARK = "validates against this JSON Schema:\n"
MALFORMED = '{"title": "冷泡茶", "body": '


def request_schema(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema the client asked for (json_schema mode, or the instruction in text modes)."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        if isinstance(schema, dict):
            return schema
    for message in body.get("messages", []):
        content = message.get("content") or ""
        if isinstance(content, str) and SCHEMA_MARK in content:
            try:
                parsed = json.loads(content.split(SCHEMA_MARK, 1)[1].strip())
            except json.JSONDecodeError:
                continue
            if isinstance(parsed, dict):
                return parsed
    return {"type": "object", "properties": {}}


def prompt_passage_ids(body: dict[str, Any]) -> list[str]:
    """Passage IDs offered to the model in the <knowledge> block, in order."""
    ids: list[str] = []
    for message in body.get("messages", []):
        content = message.get("content") or ""
        if isinstance(content, str):
            ids.extend(PASSAGE_ID.findall(content))
    return ids


SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")
NEUTRAL_SENTENCE = "冷泡茶做法简单，口感清爽。"
LIST_ALIASES = {"tags": "hashtags", "topics": "hashtags"}


def split_sentences(text: str) -> list[str]:
    """A body as its sentences (kept with their end punctuation), blank ones dropped."""
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


class SchemaFiller:
    """Builds an instance of a JSON Schema from named values and neutral defaults.

    Writers that answer sentence by sentence (objects with `text` and a citation list) get the case's
    body spread over those sentence slots, each citing the first passage offered in the prompt, so
    the answer passes the writer's own grounding the way a well-behaved model's would.
    """

    def __init__(
        self, schema: dict[str, Any], values: dict[str, Any], passage_ids: list[str], today: date
    ) -> None:
        self.defs: dict[str, Any] = {**schema.get("$defs", {}), **schema.get("definitions", {})}
        self.schema = schema
        self.values = values
        self.passage_ids = passage_ids
        self.today = today
        self.sentences = split_sentences(str(values.get("body", "")))

    def build(self) -> Any:
        """The filled instance of the root schema."""
        return self._fill(self.schema, "")

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._resolve(self.defs.get(ref.rsplit("/", 1)[-1], {}))
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if options:
                usable = [o for o in options if o.get("type") != "null"] or options
                return self._resolve(usable[0])
        all_of = schema.get("allOf")
        if all_of and len(all_of) == 1:
            return self._resolve(all_of[0])
        return schema

    def _citation_field(self, schema: dict[str, Any]) -> str | None:
        """The citation list of a sentence slot (an object with `text` and a `cite…` array), if it is one."""
        properties = schema.get("properties", {})
        if "text" not in properties:
            return None
        return next((k for k, v in properties.items()
                     if k.startswith("cit") and self._resolve(v).get("type") == "array"), None)

    def _holds_sentences(self, schema: dict[str, Any], depth: int = 0) -> bool:
        schema = self._resolve(schema)
        if self._citation_field(schema) is not None:
            return True
        if depth > 3:
            return False
        children = list(schema.get("properties", {}).values())
        if schema.get("type") == "array":
            children.append(schema.get("items", {}))
        return any(self._holds_sentences(child, depth + 1) for child in children)

    def _sentence(self, schema: dict[str, Any], text: str) -> dict[str, Any]:
        citation = self._citation_field(schema) or "cite"
        slot = {key: self._fill(sub, key) for key, sub in schema.get("properties", {}).items()
                if key not in ("text", citation)}
        return {**slot, "text": text, citation: self.passage_ids[:1]}

    def _fill(self, raw: dict[str, Any], name: str) -> Any:
        schema = self._resolve(raw)
        if name in self.values and self._citation_field(schema) is None:
            return self.values[name]
        if name in LIST_ALIASES and LIST_ALIASES[name] in self.values:
            return self.values[LIST_ALIASES[name]]
        if name == "citations":
            return self.passage_ids[:2]
        if self._citation_field(schema) is not None:
            return self._sentence(schema, self.sentences.pop(0) if self.sentences else NEUTRAL_SENTENCE)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        if "default" in raw and raw["default"] is not None:
            return raw["default"]
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if kind == "object" or "properties" in schema:
            return {key: self._fill(sub, key) for key, sub in schema.get("properties", {}).items()}
        if kind == "array":
            return self._array(schema, name)
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
            return low + 1 if "exclusiveMinimum" in schema else low
        if kind == "boolean":
            return False
        return self._string(schema, name)

    def _array(self, schema: dict[str, Any], name: str) -> list[Any]:
        items = self._resolve(schema.get("items", {}))
        count = int(schema.get("minItems", 0))
        if self._citation_field(items) is not None:
            texts = self.sentences or [NEUTRAL_SENTENCE]
            self.sentences = []
            filled = [self._sentence(items, text) for text in texts]
            return filled + [self._sentence(items, NEUTRAL_SENTENCE) for _ in range(count - len(filled))]
        if self._holds_sentences(items):
            count = max(count, 1)
        return [self._fill(items, name) for _ in range(count)]

    def _string(self, schema: dict[str, Any], name: str) -> str:
        if schema.get("format") == "date":
            return (self.today + timedelta(days=1)).isoformat()
        if schema.get("format") == "date-time":
            return f"{self.today.isoformat()}T12:00:00"
        text = {"time": "0-3s", "slot": "12:00"}.get(name, "冷泡茶")
        low = int(schema.get("minLength", 0))
        return text if len(text) >= low else text + "茶" * (low - len(text))


def answer_for(body: dict[str, Any], values: dict[str, Any], today: date) -> str:
    """A JSON answer to one request, filled from `values`; dates in the schema are around `today`."""
    filled = SchemaFiller(request_schema(body), values, prompt_passage_ids(body), today).build()
    return json.dumps(filled, ensure_ascii=False)


def fault_replies(faults: list[Fault], timeout_s: float) -> list[ScriptedReply]:
    """The failures a case serves before its answers, in order."""
    replies: list[ScriptedReply] = []
    for fault in faults:
        for _ in range(fault.times):
            if fault.kind == "http":
                headers = {"retry-after": "0"} if fault.status == 429 else {}
                replies.append(ScriptedReply(status=fault.status, content="scripted fault", headers=headers))
            elif fault.kind == "timeout":
                replies.append(ScriptedReply(content="{}", delay_s=timeout_s + 0.5))
            elif fault.kind == "malformed":
                replies.append(ScriptedReply(content=MALFORMED))
            else:
                replies.append(ScriptedReply(refusal="I can't help with that."))
    return replies


def case_responder(case: ScriptedCase, today: date) -> Callable[[dict[str, Any]], ScriptedReply]:
    """Answers for one case after its faults: the case's answer, then (unless stubborn) a clean one."""
    served = 0

    def respond(body: dict[str, Any]) -> ScriptedReply:
        nonlocal served
        served += 1
        values = case.answer.values() if case.stubborn or served == 1 else clean_values(case)
        return ScriptedReply(content=answer_for(body, values, today))

    return respond


def clean_values(case: ScriptedCase) -> dict[str, Any]:
    """The case's answer with every planted violation removed (what a compliant revision would say)."""
    values = case.answer.values()
    for planted in case.planted:
        values = {k: v.replace(planted.text, "") if isinstance(v, str) else v for k, v in values.items()}
    return values
