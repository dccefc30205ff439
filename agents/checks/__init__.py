"""The gate: deterministic Chinese proofreading and compliance checks (plus an optional LLM pass).

Names are imported on first use, so `import agents.checks.fix` (as `nmo check` does) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.checks.csc import evaluate_csc, load_csc
    from agents.checks.evaluation import evaluate_gate, load_gate_cases
    from agents.checks.gate import ChineseGate, build_gate, build_lexicon, build_matcher
    from agents.checks.proofreader import llm_findings

_HOMES = {
    "ChineseGate": "agents.checks.gate",
    "build_gate": "agents.checks.gate",
    "build_lexicon": "agents.checks.gate",
    "build_matcher": "agents.checks.gate",
    "evaluate_csc": "agents.checks.csc",
    "load_csc": "agents.checks.csc",
    "evaluate_gate": "agents.checks.evaluation",
    "load_gate_cases": "agents.checks.evaluation",
    "llm_findings": "agents.checks.proofreader",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'agents.checks' has no attribute {name!r}")
