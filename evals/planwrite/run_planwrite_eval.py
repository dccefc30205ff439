"""Run the plan/draft eval on the sample knowledge base and print the figures per platform.

Usage: python evals/planwrite/run_planwrite_eval.py [--json]   (exit 1 when a target is missed)
Targets: limits 100%, citations resolved 100%, unsupported numbers 0, node coverage 100%,
max topic similarity to the last 90 days below the planner's threshold.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from nmo.checks.gate import build_gate
from nmo.composer.evaluation import evaluate_planwrite
from nmo.config import Settings
from nmo.knowledge import open_knowledge_base

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    """Ingest the sample knowledge into a temporary home, evaluate, print, and fail on a missed target."""
    settings = Settings(
        home=Path(tempfile.mkdtemp(prefix="nmo-planwrite-eval-")), knowledge_dir=ROOT / "knowledge", backend="offline"
    )
    kb = open_knowledge_base(settings)
    kb.ingest([ROOT / "knowledge"])
    report = evaluate_planwrite(ROOT / "evals" / "planwrite", kb, gate=build_gate(settings))
    total = report.total().summary()
    if "--json" in sys.argv:
        print(
            json.dumps(
                {
                    "total": total,
                    "similarity": [report.similarity_method, report.similarity_threshold],
                    "platforms": {k: v.summary() for k, v in report.platforms.items()},
                    "failures": report.failures,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(
            f"{report.requests} requests (plans and drafts, offline composer and scripted LLM); topic "
            f"similarity: {report.similarity_method}, threshold {report.similarity_threshold}\n"
        )
        print(report.table())
        counts = report.total()
        print(f"\nchecked: {counts.parts} limited parts, {counts.citations} citations, "
              f"{counts.nodes_covered}/{counts.nodes_expected} marketing nodes, {counts.topics} plan topics, "
              f"{counts.gate_checked} drafts through the gate")
        for failure in report.failures:
            print("FAIL", failure)
    missed = (
        total["limit_adherence"] < 1
        or total["citations_resolved"] < 1
        or total["unsupported_numbers"]
        or total["node_coverage"] < 1
        or total["max_topic_similarity"] >= report.similarity_threshold
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
