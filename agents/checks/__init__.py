"""The gate: deterministic Chinese proofreading and compliance checks (plus an optional LLM pass)."""

from __future__ import annotations

from agents.checks.csc import evaluate_csc, load_csc
from agents.checks.evaluation import evaluate_gate, load_gate_cases
from agents.checks.gate import ChineseGate, build_gate, build_lexicon, build_matcher
from agents.checks.proofreader import llm_findings

__all__ = [
    "ChineseGate",
    "build_gate",
    "build_lexicon",
    "build_matcher",
    "evaluate_csc",
    "evaluate_gate",
    "llm_findings",
    "load_csc",
    "load_gate_cases",
]
