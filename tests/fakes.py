"""Fakes for unit tests: a scripted LLM that fails on unexpected or leftover calls, and small stand-ins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from nmo.ports import LLMReply, Message, ModelT, StructuredLLM
from nmo.schemas import (
    CheckResult,
    DraftBrief,
    DraftContent,
    Finding,
    Kind,
    Passage,
    Plan,
    PlanItem,
    PlanRequest,
    RevisionRequest,
    SourceDocument,
    WrittenDraft,
    text_hash,
)
from nmo.usage import LLMCall
from pydantic import BaseModel

Answer = BaseModel | dict[str, Any] | Exception | Callable[[Sequence[Message]], Any]


class ScriptedLLM:
    """A StructuredLLM that replays scripted answers in order; an unexpected call or a leftover answer fails."""

    backend_name = "llm"

    def __init__(self, answers: Sequence[Answer], role: str = "writer") -> None:
        self.answers = list(answers)
        self.role = role
        self.calls: list[tuple[list[Message], type[BaseModel], list[Passage]]] = []

    def generate(
        self, messages: Sequence[Message], output: type[ModelT], *, passages: Sequence[Passage] = ()
    ) -> LLMReply[ModelT]:
        self.calls.append((list(messages), output, list(passages)))
        if not self.answers:
            raise AssertionError(f"unexpected LLM call #{len(self.calls)} asking for {output.__name__}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, BaseModel):
            answer = answer(messages)
        if isinstance(answer, BaseModel):
            answer = answer.model_dump()
        # tokens grow with the prompt, as a real endpoint's would, so tests can tell calls apart
        return reply(output.model_validate(answer), self.role, sum(len(m.content) for m in messages))

    def assert_done(self) -> None:
        assert not self.answers, f"{len(self.answers)} scripted answer(s) left unused"


def reply(value: ModelT, role: str = "writer", prompt_tokens: int = 10) -> LLMReply[ModelT]:
    """A fake model's answer with the usage a real call would report."""
    call = LLMCall(role=role, model="scripted", mode="json_schema", prompt_tokens=prompt_tokens,
                   completion_tokens=5, latency_ms=1.0, attempts=1, ok=True)
    return LLMReply(value=value, call=call)


class MemoryKB:
    """A tiny in-memory knowledge base for node tests (the real one is exercised in integration tests)."""

    def __init__(self, passages: Sequence[Passage], documents: Sequence[SourceDocument] = ()) -> None:
        self.passages = list(passages)
        self.docs = list(documents)

    def search(self, query: str, *, k: int = 6, kind: Kind | None = None, platform: str | None = None,
               since: date | None = None) -> list[Passage]:
        hits = [p for p in self.passages if kind is None or p.kind == kind]
        scored = sorted(hits, key=lambda p: -sum(ch in p.text for ch in set(query)))
        return scored[:k]

    def get(self, passage_id: str) -> Passage | None:
        return next((p for p in self.passages if p.id == passage_id), None)

    def documents(self, kind: Kind | None = None) -> list[SourceDocument]:
        return [d for d in self.docs if kind is None or d.kind == kind]

    def count(self) -> int:
        return len(self.passages)


class TermGate:
    """A gate that blocks on given terms (real gate tests live with the checks)."""

    def __init__(self, blocked: Sequence[str] = ("最好",), whole_draft: str | None = None) -> None:
        self.blocked = list(blocked)
        self.whole_draft = whole_draft  # a warning about the whole draft, with no span, when set
        self.checked: list[str] = []

    def check(self, text: str, *, platform: str | None = None, content: DraftContent | None = None) -> CheckResult:
        self.checked.append(text)
        findings = []
        for term in self.blocked:
            start = text.find(term)
            if start >= 0:
                findings.append(Finding(rule_id=f"test.{term}", category="ad_law", severity="blocking",
                                        start=start, end=start + len(term), text=term,
                                        message="absolute term", suggestion="很好"))
        if self.whole_draft:
            findings.append(Finding.on_draft(rule_id="test.whole", category="platform_rule", severity="warning",
                                             message=self.whole_draft))
        return CheckResult(findings=findings, text_hash=text_hash(text), platform=platform)


class EchoWriter:
    """A writer that writes the topic (plus a blocked term when asked) and applies suggestions on revision."""

    def __init__(self, first_body: str = "这是一杯最好的冷泡茶。") -> None:
        self.first_body = first_body
        self.calls: list[tuple[DraftBrief, RevisionRequest | None]] = []

    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        self.calls.append((brief, revision))
        body = self.first_body
        if revision is not None:
            body = revision.previous.body
            for finding in revision.findings:
                if finding.suggestion:
                    body = body.replace(finding.text, finding.suggestion)
            if revision.note:
                body += f"\n（按审核意见修改：{revision.note}）"
        content = DraftContent(title=brief.topic[:20], body=body, changes="revised" if revision else "")
        text = f"# {content.title}\n\n{body}"
        return WrittenDraft(content=content, text=text, backend="offline")


class LLMEchoWriter:
    """A writer that asks the LLM seam for a DraftContent about the topic and reports the call's usage."""

    def __init__(self, llm: StructuredLLM, after_call: Callable[[], object] = lambda: None) -> None:
        self.llm = llm
        self.after_call = after_call

    def write(self, brief: DraftBrief, revision: RevisionRequest | None = None) -> WrittenDraft:
        answer = self.llm.generate([Message(role="user", content=f"选题：{brief.topic}")], DraftContent)
        self.after_call()
        content = answer.value
        return WrittenDraft(content=content, text=f"# {content.title}\n\n{content.body}", backend="llm",
                            llm_calls=[answer.call])


class StaticPlanner:
    """A planner returning a fixed-size plan over the requested platforms."""

    def plan(self, request: PlanRequest, *, plan_id: str) -> Plan:
        items = [
            PlanItem(id=f"{plan_id}-{n + 1:02d}", date=request.start, slot="12:00", platform=platform,
                     pillar="冷泡小课堂", topic=f"{request.brief} {n + 1}", angle="科普", format="图文",
                     reason="test")
            for n, platform in enumerate(request.platforms * 2)
        ]
        return Plan(id=plan_id, brief=request.brief, platforms=request.platforms, start=request.start,
                    days=request.days, items=items, backend="offline")
