"""The optional LLM proofreader pass: findings kept only when their quoted span exists in the text."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nmo.ports import StructuredLLM
from nmo.prompts import PromptLibrary
from nmo.schemas import Category, Finding, Severity
from nmo.usage import LLMCall

_MAX_SEVERITY: dict[str, Severity] = {"blocking": "warning", "warning": "warning", "info": "info"}


class ProofreadIssue(BaseModel):
    """One problem the model found, quoted exactly from the draft."""

    quote: str = Field(description="The offending characters, copied exactly from the draft.")
    category: Category
    severity: Severity = "warning"
    message: str = Field(description="What is wrong, in Chinese, one sentence.")
    suggestion: str | None = Field(default=None, description="The replacement text, if there is one.")


class ProofreadAnswer(BaseModel):
    """The proofreader's answer: a possibly empty list of issues."""

    issues: list[ProofreadIssue] = Field(default_factory=list)


class Proofreading(BaseModel):
    """The proofreader pass's findings and the LLM calls it made (for the run's usage)."""

    findings: list[Finding] = Field(default_factory=list)
    llm_calls: list[LLMCall] = Field(default_factory=list)


def llm_findings(text: str, llm: StructuredLLM, prompts: PromptLibrary | None = None) -> Proofreading:
    """Ask the LLM for extra findings; keep those whose quote occurs in `text`, with offsets recomputed.

    LLM findings are capped at warning: they inform the reviewer but can never block or unblock a draft."""
    if not text.strip():
        return Proofreading()
    library = prompts or PromptLibrary.load()
    reply = llm.generate(library.get("proofreader", "proofread").render(text=text), ProofreadAnswer)
    answer = reply.value
    out: list[Finding] = []
    used: set[tuple[int, int]] = set()
    for issue in answer.issues:
        quote = issue.quote
        if not quote.strip():
            continue
        start = text.find(quote)
        while start >= 0 and (start, start + len(quote)) in used:
            start = text.find(quote, start + 1)
        if start < 0:
            continue
        used.add((start, start + len(quote)))
        out.append(
            Finding(
                rule_id=f"llm.{issue.category}",
                category=issue.category,
                severity=_MAX_SEVERITY[issue.severity],
                start=start,
                end=start + len(quote),
                text=quote,
                message=issue.message,
                suggestion=issue.suggestion,
                source="llm",
            )
        )
    return Proofreading(findings=out, llm_calls=[reply.call])
