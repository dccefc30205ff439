"""The gate: deterministic Chinese proofreading and compliance checks (plus an optional LLM pass).

Names are imported on first use, so `import nmo.checks.fix` (as `nmo check` does) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nmo.checks.csc import evaluate_csc, load_csc
    from nmo.checks.evaluation import evaluate_gate, load_gate_cases
    from nmo.checks.gate import ChineseGate, build_gate, build_lexicon, build_matcher
    from nmo.checks.proofreader import llm_findings

_HOMES = {
    "ChineseGate": "nmo.checks.gate",
    "build_gate": "nmo.checks.gate",
    "build_lexicon": "nmo.checks.gate",
    "build_matcher": "nmo.checks.gate",
    "evaluate_csc": "nmo.checks.csc",
    "load_csc": "nmo.checks.csc",
    "evaluate_gate": "nmo.checks.evaluation",
    "load_gate_cases": "nmo.checks.evaluation",
    "llm_findings": "nmo.checks.proofreader",
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
    raise AttributeError(f"module 'nmo.checks' has no attribute {name!r}")
