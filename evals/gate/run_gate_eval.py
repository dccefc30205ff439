"""Run the hand-written gate eval set and print per-category precision/recall and clean false alarms."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from nmo.checks.evaluation import evaluate_gate, load_gate_cases
from nmo.checks.gate import build_gate
from nmo.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    """Print the metrics as JSON, then the cases the gate got wrong."""
    settings = Settings(
        home=Path(tempfile.mkdtemp(prefix="nmo-gate-eval-")), knowledge_dir=ROOT / "knowledge"
    )
    metrics = evaluate_gate(build_gate(settings), load_gate_cases(ROOT / "evals" / "gate" / "cases.yaml"))
    print(json.dumps(metrics.summary(), ensure_ascii=False, indent=2))
    for miss in metrics.misses:
        print(f"MISS missing={miss.missing} extra={miss.extra}: {miss.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
