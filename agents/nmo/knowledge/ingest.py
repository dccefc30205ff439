"""Incremental ingest: parse what changed, embed only new chunks, then swap the snapshot in one step."""

from __future__ import annotations

import fcntl
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from nmo.errors import KnowledgeError
from nmo.knowledge.brand_lexicons import store_brand_lexicons
from nmo.knowledge.chunking import CHUNKER_VERSION
from nmo.knowledge.lexical import LEXICAL_VERSION, tokenize
from nmo.knowledge.models import ChunkRecord, FileProblem, IndexedFile, IngestReport
from nmo.knowledge.snapshot import Snapshot, build_snapshot, save_snapshot
from nmo.knowledge.sources import ChunkSettings, Discovery, FileProblemError, SourceFile, discover, load_file

if TYPE_CHECKING:
    from nmo.knowledge.embedding_jobs import EmbeddingJob, Vectors
    from nmo.knowledge.embeddings import Embedder
    from nmo.knowledge.vectors import VectorStore

EMBED_BATCH = 256
BYTES_PER_CHUNK = 400  # UTF-8 Chinese text in a 160-token chunk


class IngestProgress(Protocol):
    """Receives progress: a stage starts with a known total, then advances."""

    def start(self, stage: str, total: int) -> None:
        """A new stage ("files", "chunks") with `total` steps."""
        ...

    def advance(self, stage: str, steps: int = 1) -> None:
        """`steps` more of `stage` are done."""
        ...


class IngestTarget(Protocol):
    """The collection an ingest writes to (the knowledge base passes itself in, so ingest needs no import of it)."""

    collection_name: str
    directory: Path
    brand_directory: Path  # where the brand's word lists found in the ingested folders are kept
    chunk_settings: ChunkSettings
    embedder: Embedder

    def vector_store(self) -> VectorStore:
        """The collection's vector store."""
        ...

    def reload_snapshot(self) -> Snapshot | None:
        """The snapshot on disk now (the previous ingest's), or None before the first one."""
        ...

    def adopt_snapshot(self, snapshot: Snapshot) -> None:
        """Serve searches from the snapshot this ingest just wrote."""
        ...


class SilentProgress:
    """Progress that shows nothing (library use, tests)."""

    def start(self, stage: str, total: int) -> None:
        """Ignore."""

    def advance(self, stage: str, steps: int = 1) -> None:
        """Ignore."""


@contextmanager
def ingest_lock(directory: Path) -> Iterator[None]:
    """One ingest per collection at a time; a second one fails fast instead of interleaving writes."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "ingest.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KnowledgeError(
                "Another `nmo kb ingest` is running on this collection.",
                "Wait for it to finish, then run the command again.",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_under(path: str, roots: list[Path]) -> bool:
    candidate = Path(path)
    return any(candidate == root or root in candidate.parents for root in roots)


def run_ingest(kb: IngestTarget, paths: list[Path], progress: IngestProgress) -> IngestReport:
    """Bring the collection in line with the files under `paths`; the old index stays usable on failure."""
    started = time.perf_counter()
    report = IngestReport(collection=kb.collection_name)
    found = discover(paths)
    report.failed.extend(found.failed)
    report.skipped.extend(found.skipped)
    report.warnings.extend(found.warnings)
    with ingest_lock(kb.directory):
        previous = kb.reload_snapshot() or Snapshot()
        settings = kb.chunk_settings
        settings_key = {
            "chunk_tokens": settings.chunk_tokens,
            "overlap_tokens": settings.overlap_tokens,
            "whole_content_tokens": settings.whole_content_tokens,
            "lexical": LEXICAL_VERSION,
            "chunker": CHUNKER_VERSION,
        }
        rechunk_all = previous.chunk_settings != settings_key
        # a new tokeniser version re-reads every file but leaves chunks, and so vectors, as they were
        new_chunks_everywhere = {k: v for k, v in previous.chunk_settings.items() if k != "lexical"} != {
            k: v for k, v in settings_key.items() if k != "lexical"
        }
        # The embedding job starts now, so a large ingest's worker processes load the model while files
        # are read, and embed each new file's chunks while the next files are read.
        with kb.embedder.embedding_job(_passages_to_expect(found.files, previous, new_chunks_everywhere)) as job:
            store = kb.vector_store()
            stored = store.ids()
            old_live = set(previous.positions)
            feed = _EmbeddingFeed(job, needs_vector=lambda chunk: chunk.id not in old_live or chunk.id not in stored)
            files, chunks_by_file = _load_changed(found, previous, settings, rechunk_all, report, progress, feed)
            chunks = [chunk for path in sorted(files) for chunk in chunks_by_file.get(path, [])]
            chunks = _without_duplicates(chunks, report)
            feed.add(chunks)  # vectors the store lost (its folder deleted, a server reset) are embedded again
            feed.flush()
            new_terms = _store_vectors(store, feed, job, report, progress)
            _refresh_metadata(store, chunks, previous, stored)
        report.chunks_total = len(chunks)

        snapshot = build_snapshot(
            files, chunks, kb.embedder.name, settings_key, previous=previous, term_counts=new_terms
        )
        save_snapshot(snapshot, kb.directory)
        kb.adopt_snapshot(snapshot)
        try:
            store.mark_generation(snapshot.generation)
        except KnowledgeError as error:
            report.warnings.append(f"Other machines may not see this ingest yet ({error.problem}).")
        live = {chunk.id for chunk in chunks}
        leftovers = sorted(stored - live)  # includes vectors of an earlier ingest that failed before its swap
        if leftovers:
            try:
                store.delete(leftovers)
                report.chunks_removed = len(leftovers)
            except KnowledgeError as error:
                report.warnings.append(
                    f"Old vectors could not be deleted yet ({error.problem}); they are ignored by search "
                    "and will be removed by the next ingest."
                )
        report.lexicons, problems = store_brand_lexicons(found.lexicons, found.roots, kb.brand_directory / "lexicons")
        report.failed.extend(problems)
    report.seconds = time.perf_counter() - started
    return report


def _passages_to_expect(files: list[SourceFile], previous: Snapshot, all_files: bool) -> int:
    """A cheap guess, before reading anything, of how many chunks this ingest embeds: new or resized
    files at about 400 bytes of text a chunk (an edit that keeps the size is missed; it is only a hint)."""
    changed = 0
    for source in files:
        old = previous.files.get(source.source_path)
        try:
            size = source.absolute.stat().st_size
        except OSError:
            continue
        if all_files or old is None or old.size != size:
            changed += size
    return changed // BYTES_PER_CHUNK


def _load_changed(
    found: Discovery,
    previous: Snapshot,
    settings: ChunkSettings,
    rechunk_all: bool,
    report: IngestReport,
    progress: IngestProgress,
    feed: _EmbeddingFeed,
) -> tuple[dict[str, IndexedFile], dict[str, list[ChunkRecord]]]:
    """The manifest and chunks after this ingest: changed files re-read, deleted ones dropped."""
    files: dict[str, IndexedFile] = dict(previous.files)
    chunks_by_file: dict[str, list[ChunkRecord]] = {}
    for chunk in previous.chunks:
        chunks_by_file.setdefault(chunk.source_path, []).append(chunk)
    seen: set[str] = set()

    progress.start("files", len(found.files))
    for source in found.files:
        progress.advance("files")
        if source.source_path in seen:
            continue
        seen.add(source.source_path)
        old = previous.files.get(source.source_path)
        try:
            if old is not None and not rechunk_all and old.sha256 == _sha256(source.absolute):
                report.unchanged.append(source.source_path)
                if old.absolute_path != str(source.absolute):
                    files[source.source_path] = old.model_copy(update={"absolute_path": str(source.absolute)})
                continue
            loaded = load_file(source, settings)
        except FileProblemError as error:
            report.failed.append(error.problem)
            continue
        except FileNotFoundError:
            report.failed.append(
                FileProblem(
                    path=source.source_path,
                    problem="File disappeared while ingesting.",
                    fix="Run `nmo kb ingest` again once the folder is no longer changing.",
                )
            )
            continue
        if loaded.encoding == "gb18030":
            report.warnings.append(f"{source.source_path}: read as GB18030; consider saving it as UTF-8.")
        (report.updated if old is not None else report.added).append(source.source_path)
        files[source.source_path] = loaded.indexed
        chunks_by_file[source.source_path] = loaded.chunks
        feed.add(loaded.chunks)

    failed_paths = {problem.path for problem in report.failed}
    for source_path, indexed in list(files.items()):
        if source_path in seen or source_path in failed_paths:
            continue
        gone = not Path(indexed.absolute_path).exists()
        if gone or _is_under(indexed.absolute_path, found.roots):
            report.removed.append(source_path)
            del files[source_path]
            chunks_by_file.pop(source_path, None)
    return files, chunks_by_file


class _EmbeddingFeed:
    """Submits chunks that need a vector to the embedding job in full batches, each chunk once."""

    def __init__(self, job: EmbeddingJob, needs_vector: Callable[[ChunkRecord], bool]) -> None:
        self._job = job
        self._needs_vector = needs_vector
        self._pending: list[ChunkRecord] = []
        self._submitted: set[str] = set()
        self.batches: list[list[ChunkRecord]] = []

    def add(self, chunks: list[ChunkRecord]) -> None:
        """Queue the chunks that need a vector; submit every full batch."""
        for chunk in chunks:
            if chunk.id not in self._submitted and self._needs_vector(chunk):
                self._submitted.add(chunk.id)
                self._pending.append(chunk)
        while len(self._pending) >= EMBED_BATCH:
            self._submit(self._pending[:EMBED_BATCH])
            del self._pending[:EMBED_BATCH]

    def flush(self) -> None:
        """Submit the last, partial batch."""
        if self._pending:
            self._submit(self._pending)
            self._pending = []

    def _submit(self, batch: list[ChunkRecord]) -> None:
        self.batches.append(list(batch))
        self._job.submit([chunk.embedding_text() for chunk in batch])

    @property
    def chunks(self) -> int:
        """How many chunks were submitted."""
        return len(self._submitted)


def _store_vectors(
    store: VectorStore, feed: _EmbeddingFeed, job: EmbeddingJob, report: IngestReport, progress: IngestProgress
) -> dict[str, Counter[str]]:
    """Store each batch's vectors as they arrive, tokenising the batch for BM25 while it is embedded;
    returns the new chunks' term counts."""
    new_terms: dict[str, Counter[str]] = {}
    if not feed.batches:
        return new_terms
    progress.start("chunks", feed.chunks)
    for batch, vectors in zip(feed.batches, _tokenising_ahead(feed.batches, new_terms, job), strict=True):
        store.upsert(batch, vectors)
        progress.advance("chunks", len(batch))
        report.chunks_embedded += len(batch)
    if job.fell_back:
        report.warnings.append(
            "An embedding worker process stopped; the remaining chunks were embedded in the nmo "
            "process (slower, same result). Set NMO_EMBEDDING_WORKERS=1 if this keeps happening."
        )
    return new_terms


def _refresh_metadata(store: VectorStore, chunks: list[ChunkRecord], previous: Snapshot, stored: set[str]) -> None:
    """Same text, new front matter (e.g. updated metrics): refresh what Chroma keeps, keep the vector."""
    retagged = [
        chunk
        for chunk in chunks
        if chunk.id in stored
        and (old_chunk := previous.chunk(chunk.id)) is not None
        and old_chunk.store_metadata() != chunk.store_metadata()
    ]
    if retagged:
        store.update_metadata(retagged)


def _tokenising_ahead(
    batches: list[list[ChunkRecord]], terms: dict[str, Counter[str]], job: EmbeddingJob
) -> Iterator[Vectors]:
    """Each batch's vectors, tokenising the batch for BM25 while the embedding workers compute them."""
    vectors = iter(job)
    for batch in batches:
        for chunk in batch:
            terms[chunk.id] = Counter(tokenize(chunk.embedding_text()))
        yield next(vectors)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _without_duplicates(chunks: list[ChunkRecord], report: IngestReport) -> list[ChunkRecord]:
    """Identical chunk IDs can only come from identical path+position+text; keep the first."""
    seen: set[str] = set()
    unique: list[ChunkRecord] = []
    for chunk in chunks:
        if chunk.id in seen:
            report.warnings.append(f"{chunk.source_path}: duplicate chunk {chunk.id} skipped.")
            continue
        seen.add(chunk.id)
        unique.append(chunk)
    return unique
