"""The gate: deterministic Chinese proofreading and compliance checks (plus an optional LLM pass)."""

from __future__ import annotations

from agents.checks.gate import ChineseGate, build_gate, build_lexicon, build_matcher

__all__ = ["ChineseGate", "build_gate", "build_lexicon", "build_matcher"]
