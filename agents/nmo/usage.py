"""LLM usage records: what one model call cost, carried back with the answer it produced."""

from __future__ import annotations

from pydantic import BaseModel


class LLMCall(BaseModel):
    """Usage of one call: which role and model, tokens, latency, attempts and outcome."""

    role: str
    model: str
    mode: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    attempts: int
    ok: bool
