"""The optional LLM proofreader pass: findings kept only when their quoted span exists in the text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from agents.errors import UserInputError
from agents.ports import Message, StructuredLLM
from agents.schemas import Category, Finding, Severity

PROMPT_PATH = Path(__file__).resolve().parents[2] / "prompts" / "proofreader" / "proofread.md"
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
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


def render_proofread_prompt(text: str, path: Path = PROMPT_PATH) -> str:
    """The prompt template with its front matter checked and {{text}} filled in."""
    raw = path.read_text("utf-8")
    _, front, body = raw.split("---", 2)
    declared = set((yaml.safe_load(front) or {}).get("variables", []))
    used = set(_PLACEHOLDER.findall(body))
    if declared != used or declared != {"text"}:
        raise UserInputError(
            f"Prompt {path} declares {sorted(declared)} but uses {sorted(used)}.",
            "Make the front matter `variables` match the template's {{placeholders}}.",
        )
    return _PLACEHOLDER.sub(lambda _: text, body.strip())


def llm_findings(text: str, llm: StructuredLLM) -> list[Finding]:
    """Ask the LLM for extra findings; keep those whose quote occurs in `text`, with offsets recomputed.

    LLM findings are capped at warning: they inform the reviewer but can never block or unblock a draft."""
    if not text.strip():
        return []
    answer = llm.generate([Message(role="user", content=render_proofread_prompt(text))], ProofreadAnswer)
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
    return out
