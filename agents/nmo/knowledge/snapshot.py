"""The local index snapshot: manifest, chunk texts and the BM25 arrays in one file, replaced atomically."""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from nmo.errors import StorageError
from nmo.knowledge.lexical import LexicalIndex, tokenize
from nmo.knowledge.models import ChunkRecord, IndexedFile

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

SNAPSHOT_FILE = "snapshot.npz"
FORMAT_VERSION = 1
_FILES = TypeAdapter(dict[str, IndexedFile])
_CHUNKS = TypeAdapter(list[ChunkRecord])


@dataclass
class Snapshot:
    """Everything one collection's searches need besides the vectors; position i = chunk i = BM25 doc i."""

    files: dict[str, IndexedFile] = field(default_factory=dict)
    chunks: list[ChunkRecord] = field(default_factory=list)
    lexical: LexicalIndex | None = None
    embedder: str = ""
    ingested_at: str | None = None
    generation: str = ""
    chunk_settings: dict[str, int] = field(default_factory=dict)
    _positions: dict[str, int] | None = None
    _published_days: NDArray[np.int32] | None = None

    @property
    def positions(self) -> dict[str, int]:
        """Chunk ID → position."""
        if self._positions is None:
            self._positions = {chunk.id: i for i, chunk in enumerate(self.chunks)}
        return self._positions

    def chunk(self, chunk_id: str) -> ChunkRecord | None:
        """A chunk by ID, or None."""
        position = self.positions.get(chunk_id)
        return None if position is None else self.chunks[position]

    def published_days(self) -> NDArray[np.int32]:
        """Publication date per chunk as YYYYMMDD (0 when undated), for `--since` filters."""
        import numpy as np

        if self._published_days is None:
            self._published_days = np.asarray(
                [int(c.published_at.replace("-", "")) if c.published_at else 0 for c in self.chunks],
                dtype=np.int32,
            )
        return self._published_days


def build_snapshot(
    files: dict[str, IndexedFile],
    chunks: list[ChunkRecord],
    embedder: str,
    chunk_settings: dict[str, int],
    previous: Snapshot | None = None,
    term_counts: Mapping[str, Counter[str]] | None = None,
) -> Snapshot:
    """A snapshot with a fresh BM25 index over `chunks`; chunks already in `previous` or in `term_counts`
    (tokenised by the ingest while it waited for vectors) are not tokenised again."""
    old_terms: list[Counter[str]] = []
    if previous is not None and previous.lexical is not None and previous.chunk_settings == chunk_settings:
        old_terms = previous.lexical.term_counts()
    old_positions = previous.positions if previous is not None else {}

    tokenised = term_counts or {}

    def counts_per_chunk() -> Iterator[Counter[str]]:
        for chunk in chunks:
            position = old_positions.get(chunk.id)
            if position is not None and position < len(old_terms):
                yield old_terms[position]
            elif chunk.id in tokenised:
                yield tokenised[chunk.id]
            else:
                yield Counter(tokenize(chunk.embedding_text()))

    return Snapshot(
        files=files,
        chunks=chunks,
        lexical=LexicalIndex.build(counts_per_chunk()),
        embedder=embedder,
        ingested_at=datetime.now().isoformat(timespec="seconds"),
        generation=uuid.uuid4().hex,
        chunk_settings=chunk_settings,
    )


def save_snapshot(snapshot: Snapshot, directory: Path) -> Path:
    """Write to a temporary file and rename over the old one, so readers never see half an index."""
    import numpy as np

    directory.mkdir(parents=True, exist_ok=True)
    header = {
        "format": FORMAT_VERSION,
        "embedder": snapshot.embedder,
        "ingested_at": snapshot.ingested_at,
        "generation": snapshot.generation,
        "chunk_settings": snapshot.chunk_settings,
    }
    arrays: dict[str, Any] = {
        "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        "files": np.frombuffer(_FILES.dump_json(snapshot.files), dtype=np.uint8),
        "chunks": np.frombuffer(_CHUNKS.dump_json(snapshot.chunks), dtype=np.uint8),
    }
    if snapshot.lexical is not None:
        arrays.update(snapshot.lexical.to_arrays())
    target = directory / SNAPSHOT_FILE
    temporary = directory / f".{SNAPSHOT_FILE}.{os.getpid()}.tmp"
    try:
        with temporary.open("wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StorageError(
            f"Cannot write the index snapshot in {directory} ({error.strerror or error}).",
            "Check free disk space and permissions of the data directory (NMO_HOME).",
        ) from None
    return target


def load_snapshot(directory: Path) -> Snapshot | None:
    """The saved snapshot, or None when nothing was ever ingested into this collection."""
    import zipfile

    import numpy as np

    path = directory / SNAPSHOT_FILE
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            header = json.loads(bytes(arrays["header"]))
            files = _FILES.validate_json(bytes(arrays["files"]))
            chunks = _CHUNKS.validate_json(bytes(arrays["chunks"]))
            lexical = LexicalIndex.from_arrays({k: arrays[k] for k in arrays.files if k.startswith("lex_")})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise StorageError(
            f"The index snapshot {path} is unreadable ({type(error).__name__}).",
            f"Delete {path} and run `nmo kb ingest knowledge/` again.",
        ) from None
    return Snapshot(
        files=files,
        chunks=chunks,
        lexical=lexical,
        embedder=str(header.get("embedder", "")),
        ingested_at=header.get("ingested_at"),
        generation=str(header.get("generation", "")),
        chunk_settings=dict(header.get("chunk_settings", {})),
    )
