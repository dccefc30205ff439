"""The dense side: a Chroma collection, embedded on disk or on a Chroma server (NMO_CHROMA_URL)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from nmo.errors import KnowledgeError
from nmo.knowledge.embeddings import Embedder, chroma_embedding_function
from nmo.knowledge.models import ChunkRecord

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

UPSERT_BATCH = 1000


def collection_name(profile: str, embedder: str) -> str:
    """A valid Chroma collection name for a profile and embedding model (3–512 chars of [A-Za-z0-9._-])."""
    raw = f"{profile}--{embedder}"
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip("-._")
    name = re.sub(r"\.\.+", ".", name)
    if len(name) < 3:
        name = f"nmo-{name}"
    return name[:512].strip("-._")


def _server_unreachable(url: str, detail: str) -> KnowledgeError:
    parsed = urlparse(url)
    return KnowledgeError(
        f"Cannot reach the Chroma server at {url} ({detail}).",
        f"Start it with `chroma run --path DIR --host {parsed.hostname or '127.0.0.1'} "
        f"--port {parsed.port or 8000}`, check NMO_CHROMA_URL, or unset it to use the embedded store.",
    )


class VectorStore:
    """One Chroma collection; the client is created on first use."""

    def __init__(self, name: str, embedder: Embedder, *, path: Path, url: str | None) -> None:
        self.name = name
        self.embedder = embedder
        self.path = path
        self.url = url
        self._collection: Any = None
        self._opening = threading.Lock()  # parallel draft branches must not race on the first open
        self._chroma: Any = None

    @property
    def location(self) -> str:
        """Where the vectors live, for `nmo kb stats`."""
        return f"chroma server {self.url}" if self.url else f"embedded chroma {self.path}"

    def _client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if not self.url:
            self.path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)
        parsed = urlparse(self.url if "://" in self.url else f"http://{self.url}")
        if not parsed.hostname:
            raise KnowledgeError(f"NMO_CHROMA_URL '{self.url}' is not a URL.", "Set it like http://127.0.0.1:8000.")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except (ValueError, ConnectionError, OSError) as error:
            raise _server_unreachable(self.url, str(error).splitlines()[0]) from None

    def collection(self) -> Any:
        """The Chroma collection (created with cosine space and nmo's explicit embedding function)."""
        with self._opening:
            if self._collection is None:
                self._chroma = client = self._client()
                try:
                    self._collection = client.get_or_create_collection(
                        name=self.name,
                        configuration={"hnsw": {"space": "cosine"}},
                        embedding_function=chroma_embedding_function(self.embedder),
                    )
                except Exception as error:  # chromadb raises many transport types; report them all alike
                    raise self._failure("open the collection", error) from None
        return self._collection

    def _failure(self, action: str, error: Exception) -> KnowledgeError:
        detail = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        if self.url:
            return _server_unreachable(self.url, f"could not {action}; {detail}")
        return KnowledgeError(
            f"The embedded Chroma store at {self.path} failed to {action} ({detail}).",
            "Check disk space and permissions of NMO_HOME; if the store is damaged, delete it, ingest again.",
        )

    def upsert(self, chunks: Sequence[ChunkRecord], vectors: NDArray[np.float32]) -> None:
        """Add or replace chunks with their vectors.

        A Chroma server gets each chunk's text and full metadata, from which another machine rebuilds its
        snapshot. The embedded store sits beside the local snapshot that already holds both, so it keeps
        only what searches filter on: that skips Chroma's full-text index and most metadata rows, 40 %
        of the store's share of ingest time."""
        collection = self.collection()
        for start in range(0, len(chunks), UPSERT_BATCH):
            batch = chunks[start : start + UPSERT_BATCH]
            try:
                collection.upsert(
                    ids=[c.id for c in batch],
                    embeddings=vectors[start : start + len(batch)],
                    documents=[c.text for c in batch] if self.url else None,
                    metadatas=[self._metadata(c) for c in batch],
                )
            except Exception as error:
                raise self._failure("store vectors", error) from None

    def _metadata(self, chunk: ChunkRecord) -> dict[str, str | int | float | bool]:
        return chunk.store_metadata() if self.url else chunk.filter_metadata()

    def update_metadata(self, chunks: Sequence[ChunkRecord]) -> None:
        """Replace the stored metadata of chunks whose vectors stay valid."""
        collection = self.collection()
        for start in range(0, len(chunks), UPSERT_BATCH):
            batch = chunks[start : start + UPSERT_BATCH]
            try:
                collection.update(ids=[c.id for c in batch], metadatas=[self._metadata(c) for c in batch])
            except Exception as error:
                raise self._failure("update metadata", error) from None

    def query(self, vector: NDArray[np.float32], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        """IDs of the `n` nearest chunks with cosine similarity, best first."""
        collection = self.collection()
        try:
            result = collection.query(
                query_embeddings=[vector], n_results=n, where=where or None, include=["distances"]
            )
        except Exception as error:
            raise self._failure("search", error) from None
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result.get("distances") else [1.0] * len(ids)
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(ids, distances, strict=False)]

    def ids(self) -> set[str]:
        """Every chunk ID stored in the collection."""
        collection = self.collection()
        found: set[str] = set()
        offset = 0
        try:
            while True:
                page = collection.get(include=[], limit=5000, offset=offset)
                found.update(page["ids"])
                if len(page["ids"]) < 5000:
                    return found
                offset += 5000
        except Exception as error:
            raise self._failure("list stored chunks", error) from None

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by ID."""
        collection = self.collection()
        for start in range(0, len(ids), UPSERT_BATCH):
            try:
                collection.delete(ids=list(ids[start : start + UPSERT_BATCH]))
            except Exception as error:
                raise self._failure("delete stale vectors", error) from None

    def generation(self) -> str:
        """The ID of the snapshot the last ingest into this collection wrote ("" if none recorded)."""
        self.collection()
        try:
            fresh = self._chroma.get_collection(self.name, embedding_function=chroma_embedding_function(self.embedder))
            metadata = fresh.metadata or {}
        except Exception as error:
            raise self._failure("read the collection", error) from None
        return str(metadata.get("nmo_generation", ""))

    def mark_generation(self, generation: str) -> None:
        """Record which snapshot matches the vectors, so other machines know to rebuild theirs."""
        collection = self.collection()
        try:
            collection.modify(metadata={"nmo_generation": generation})
        except Exception as error:
            raise self._failure("record the ingest", error) from None

    def count(self) -> int:
        """Number of vectors stored."""
        try:
            return int(self.collection().count())
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._failure("count vectors", error) from None
