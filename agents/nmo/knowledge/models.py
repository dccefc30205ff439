"""Records the knowledge base stores and reports: chunks, indexed files, ingest reports, stats."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from nmo.schemas import Kind, Passage, RetrievalMode, SourceDocument


class ChunkRecord(BaseModel):
    """One indexed chunk: the text a passage shows plus what search and filters need."""

    id: str
    text: str
    source_path: str
    title: str = ""
    heading: str = ""
    kind: Kind = "brand"
    position: int = 0
    platform: str | None = None
    published_at: str | None = None
    tokens: int = 0
    pillar: str | None = None
    tags: list[str] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)

    def embedding_text(self) -> str:
        """The text that is embedded and tokenised: title and heading path give the chunk its context."""
        context = " > ".join(part for part in (self.title, self.heading) if part)
        return f"{context}\n{self.text}" if context else self.text

    @classmethod
    def in_document(
        cls, document: SourceDocument, *, chunk_id: str, position: int, text: str, heading: str, tokens: int
    ) -> ChunkRecord:
        """A chunk of `document`, inheriting its path, title, kind and front matter."""
        return cls(
            id=chunk_id,
            text=text,
            heading=heading,
            position=position,
            tokens=tokens,
            source_path=document.path,
            title=document.title,
            kind=document.kind,
            platform=document.platform,
            published_at=document.published_at,
            pillar=document.pillar,
            tags=document.tags,
            metrics=document.metrics,
        )

    def source_document(self) -> SourceDocument:
        """The front matter of this chunk's file as a SourceDocument (text left empty)."""
        return SourceDocument(
            path=self.source_path,
            title=self.title,
            kind=self.kind,
            platform=self.platform,
            published_at=self.published_at,
            tags=self.tags,
            pillar=self.pillar,
            metrics=self.metrics,
        )

    def to_passage(self, score: float = 0.0) -> Passage:
        """The passage an agent receives for this chunk."""
        return Passage(
            id=self.id,
            text=self.text,
            source_path=self.source_path,
            title=self.title,
            heading=self.heading,
            kind=self.kind,
            platform=self.platform,
            published_at=self.published_at,
            score=score,
            metadata=self.passage_metadata(),
        )

    def passage_metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for a passage: position, size, pillar, tags and the piece's metrics."""
        meta: dict[str, str | int | float | bool] = {"position": self.position, "tokens": self.tokens}
        if self.pillar:
            meta["pillar"] = self.pillar
        if self.tags:
            meta["tags"] = ",".join(self.tags)
        meta.update({f"metric_{name}": value for name, value in self.metrics.items()})
        return meta

    def store_metadata(self) -> dict[str, str | int | float | bool]:
        """What Chroma keeps beside the vector: enough to filter and to rebuild the chunk elsewhere."""
        meta: dict[str, str | int | float | bool] = {
            "source_path": self.source_path,
            "title": self.title,
            "heading": self.heading,
            "kind": self.kind,
            "position": self.position,
            "tokens": self.tokens,
            "platform": self.platform or "",
            "published_at": self.published_at or "",
            "published_day": int(self.published_at.replace("-", "")) if self.published_at else 0,
            "pillar": self.pillar or "",
            "tags": "\n".join(self.tags),
        }
        meta.update({f"metric_{name}": value for name, value in self.metrics.items()})
        return meta

    def filter_metadata(self) -> dict[str, str | int | float | bool]:
        """The part of `store_metadata` that searches filter on (`retrieval.chroma_where`)."""
        meta = self.store_metadata()
        return {key: meta[key] for key in ("kind", "platform", "published_day")}

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> ChunkRecord:
        """Inverse of `store_metadata`."""
        return cls(
            id=chunk_id,
            text=text,
            source_path=str(meta.get("source_path", "")),
            title=str(meta.get("title", "")),
            heading=str(meta.get("heading", "")),
            kind=meta.get("kind", "brand"),
            position=int(meta.get("position", 0)),
            tokens=int(meta.get("tokens", 0)),
            platform=str(meta.get("platform") or "") or None,
            published_at=str(meta.get("published_at") or "") or None,
            pillar=str(meta.get("pillar") or "") or None,
            tags=[t for t in str(meta.get("tags") or "").split("\n") if t],
            metrics={k[len("metric_") :]: float(v) for k, v in meta.items() if k.startswith("metric_")},
        )


class IndexedFile(BaseModel):
    """One ingested file as the manifest remembers it: where it came from, its hash and its chunks."""

    source_path: str
    absolute_path: str
    sha256: str
    size: int
    document: SourceDocument
    chunk_ids: list[str] = Field(default_factory=list)

    @classmethod
    def from_chunk(cls, chunk: ChunkRecord) -> IndexedFile:
        """A manifest entry rebuilt from a stored chunk (no hash: the next ingest re-reads the file)."""
        return cls(
            source_path=chunk.source_path,
            absolute_path="",
            sha256="",
            size=0,
            document=chunk.source_document(),
        )


class FileProblem(BaseModel):
    """A file that could not be ingested (or was skipped), with where and how to fix it."""

    path: str
    line: int | None = None
    problem: str
    fix: str

    def describe(self) -> str:
        """`path:line: problem Fix: …` for terminals and logs."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem} Fix: {self.fix}"


class ProfileCounts(BaseModel):
    """What the brand profile holds after an ingest; `nmo brand show` has the entries and their sources."""

    pillars: int = 0
    products: int = 0
    competitors: int = 0
    missing: list[str] = Field(default_factory=list, description="Profile fields with nothing found.")
    corrected: list[str] = Field(default_factory=list, description="Fields the team's corrections fill.")


class IngestReport(BaseModel):
    """What one `nmo kb ingest` run did."""

    collection: str
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    failed: list[FileProblem] = Field(default_factory=list)
    skipped: list[FileProblem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    lexicons: list[str] = Field(default_factory=list, description="The brand word lists the gate now uses.")
    profile: ProfileCounts | None = Field(default=None, description="The brand profile now; None if not rebuilt.")
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, int | float | str]:
        """Counts for the one-line summary and `--json`."""
        return {
            "collection": self.collection,
            "files_added": len(self.added),
            "files_updated": len(self.updated),
            "files_unchanged": len(self.unchanged),
            "files_removed": len(self.removed),
            "files_failed": len(self.failed),
            "files_skipped": len(self.skipped),
            "chunks": self.chunks_total,
            "chunks_embedded": self.chunks_embedded,
            "chunks_removed": self.chunks_removed,
            "seconds": round(self.seconds, 2),
        }


class FileStats(BaseModel):
    """One row of `nmo kb list`."""

    source_path: str
    kind: Kind
    title: str
    chunks: int
    platform: str | None = None
    published_at: str | None = None


class KnowledgeStats(BaseModel):
    """What `nmo kb stats` shows: sizes per kind and where the index lives."""

    collection: str
    store: str
    embedding: str
    retrieval_mode: RetrievalMode
    files: int
    chunks: int
    per_kind: dict[str, dict[str, int]] = Field(default_factory=dict)
    ingested_at: str | None = None
