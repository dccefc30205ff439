"""Find knowledge files under the paths a user gives and load each into a document with its chunks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from nmo.errors import UserInputError
from nmo.input_files import LIMIT_ENV, oversize_problem
from nmo.knowledge.brand_lexicons import is_lexicon_file
from nmo.knowledge.chunking import chunk_markdown
from nmo.knowledge.frontmatter import KIND_ALIASES, FrontMatterError, parse_front_matter
from nmo.knowledge.models import ChunkRecord, FileProblem, IndexedFile
from nmo.knowledge.readers import SUPPORTED_SUFFIXES, UnreadableFile, read_source
from nmo.schemas import Kind, SourceDocument, text_hash

IGNORED_DIRS = frozenset({"lexicons", "__pycache__", "node_modules"})
SUPPORTED_LIST = "Markdown (.md), text (.txt), Word (.docx) or PDF (.pdf)"


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest: where it is on disk and the stable path it is cited by."""

    absolute: Path
    source_path: str
    folder_kind: Kind | None


@dataclass
class Discovery:
    """What a walk over the given paths found."""

    files: list[SourceFile] = field(default_factory=list)
    failed: list[FileProblem] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    lexicons: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChunkSettings:
    """How big chunks are; content files up to `whole_content_tokens` stay one chunk."""

    chunk_tokens: int = 160
    overlap_tokens: int = 24
    whole_content_tokens: int = 900


def _kind_root(path: Path) -> tuple[Path, Kind] | None:
    """The knowledge-base root above a file (the parent of its brand/content/competitors folder)."""
    for ancestor in path.parents:
        kind = KIND_ALIASES.get(ancestor.name.lower())
        if kind is not None and ancestor.parent != ancestor:
            return ancestor.parent, kind
    return None


def _source_for(file: Path, root: Path | None) -> SourceFile:
    """Cite a file as `<kb root name>/<relative path>`, whichever path was given on the command line."""
    found = _kind_root(file)
    if found is not None:
        kb_root, kind = found
        return SourceFile(file, f"{kb_root.name}/{file.relative_to(kb_root).as_posix()}", kind)
    base = root if root is not None and root != file else file.parent
    return SourceFile(file, f"{base.name}/{file.relative_to(base).as_posix()}", None)


def discover(paths: list[Path]) -> Discovery:
    """Walk the given files and folders; missing paths and unsupported files are reported, not raised."""
    found = Discovery()
    seen: set[Path] = set()
    for given in paths:
        path = given.expanduser()
        if not path.exists():
            found.failed.append(
                FileProblem(
                    path=str(given),
                    problem="Path does not exist.",
                    fix="Check the spelling, or run `ls` on it; give a folder such as knowledge/ or a file.",
                )
            )
            continue
        path = path.resolve()
        if path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                found.failed.append(
                    FileProblem(
                        path=str(given),
                        problem=f"Unsupported file type '{path.suffix or '(none)'}'.",
                        fix=f"Give a {SUPPORTED_LIST} file.",
                    )
                )
                continue
            if path not in seen:
                seen.add(path)
                found.files.append(_source_for(path, None))
            continue
        found.roots.append(path)
        before = len(found.files) + len(found.lexicons)
        for file in sorted(path.rglob("*")):
            relative = file.relative_to(path).parts
            if any(part.startswith(".") or part in ("__pycache__", "node_modules") for part in relative[:-1]):
                continue
            if not file.is_file() or file.name.startswith((".", "~$")) or file.name.lower() == "readme.md":
                continue
            if file.is_symlink() and not file.resolve().is_relative_to(path):
                found.warnings.append(
                    f"{file}: a link to {file.resolve()}, outside the folder; not read. nmo reads only what "
                    "is inside the folder you give: copy the file in if it belongs to the brand."
                )
                continue
            if is_lexicon_file(file):
                found.lexicons.append(file)
                continue
            if any(part in IGNORED_DIRS for part in relative[:-1]):
                continue
            if file.suffix.lower() not in SUPPORTED_SUFFIXES:
                found.skipped.append(
                    FileProblem(
                        path=str(file),
                        problem="Not a supported file type; skipped.",
                        fix=f"Convert it to {SUPPORTED_LIST} if it should be searchable.",
                    )
                )
                continue
            if file not in seen:
                seen.add(file)
                found.files.append(_source_for(file, path))
        if len(found.files) + len(found.lexicons) == before:
            found.failed.append(
                FileProblem(
                    path=str(given),
                    problem=f"Folder contains no {SUPPORTED_LIST} files.",
                    fix="Add files in brand/, content/ or competitors/ folders (see knowledge/README.md).",
                )
            )
    return found


@dataclass(frozen=True)
class LoadedFile:
    """A file read, parsed and chunked, ready to index."""

    indexed: IndexedFile
    chunks: list[ChunkRecord]
    encoding: str


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("# "):
            return stripped[2:].strip()
    return None


def chunk_id(source_path: str, position: int, text: str) -> str:
    """Deterministic chunk ID from path, position and content (title, heading, text): unchanged text keeps it."""
    return text_hash(f"{source_path}\n{position}\n{text}")[:12]


def _canonical_platform(value: str | None) -> str | None:
    if not value:
        return None
    from nmo.platforms import get_platform

    try:
        return get_platform(value).key
    except UserInputError:
        return value.strip().lower()


def load_file(source: SourceFile, chunking: ChunkSettings) -> LoadedFile:
    """Read, parse front matter and chunk one file; raises FileProblemError with path, line and fix."""
    oversize = oversize_problem(source.absolute)
    if oversize:
        raise FileProblemError(FileProblem(
            path=source.source_path, problem=f"{oversize}; what was indexed from it before is kept.",
            fix=f"Split it into smaller files, or raise {LIMIT_ENV} if a file that large is right.",
        ))
    try:
        data = source.absolute.read_bytes()
        raw = read_source(source.absolute, data)
    except FileNotFoundError:
        raise FileProblemError(
            FileProblem(
                path=source.source_path,
                problem="File disappeared while ingesting.",
                fix="Run `nmo kb ingest` again once the folder is no longer changing.",
            )
        ) from None
    except UnreadableFile as error:
        raise FileProblemError(FileProblem(path=source.source_path, problem=error.problem, fix=error.fix)) from None
    except OSError as error:
        raise FileProblemError(
            FileProblem(
                path=source.source_path,
                problem=f"Cannot read the file ({error.strerror or error}).",
                fix="Check its permissions (`ls -l`) and that the disk is readable.",
            )
        ) from None
    try:
        front, body, _ = parse_front_matter(raw.text)
    except FrontMatterError as error:
        raise FileProblemError(
            FileProblem(path=source.source_path, line=error.line, problem=error.problem, fix=error.fix)
        ) from None
    kind: Kind = front.kind or source.folder_kind or "brand"
    title = front.title or raw.title or _first_heading(body) or source.absolute.stem
    platform = _canonical_platform(front.platform)
    document = SourceDocument(
        path=source.source_path,
        title=title,
        kind=kind,
        platform=platform,
        published_at=front.published_at,
        tags=front.tags,
        pillar=front.pillar,
        metrics=front.metrics,
        text=body.strip(),
    )
    drafts = chunk_markdown(
        body,
        chunk_tokens=chunking.chunk_tokens,
        overlap_tokens=chunking.overlap_tokens,
        whole_below_tokens=chunking.whole_content_tokens if kind == "content" else 0,
    )
    chunks = [
        ChunkRecord.in_document(
            document,
            chunk_id=chunk_id(source.source_path, position, f"{title}\n{draft.heading}\n{draft.text}"),
            position=position,
            text=draft.text,
            heading=draft.heading,
            tokens=draft.tokens,
        )
        for position, draft in enumerate(drafts)
    ]
    if not chunks:
        raise FileProblemError(
            FileProblem(
                path=source.source_path,
                problem="File has no text to index.",
                fix="Add content below the front matter, or delete the empty file.",
            )
        )
    indexed = IndexedFile(
        source_path=source.source_path,
        absolute_path=str(source.absolute),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        document=document,
        chunk_ids=[chunk.id for chunk in chunks],
    )
    return LoadedFile(indexed, chunks, raw.encoding)


class FileProblemError(Exception):
    """Carries a FileProblem out of `load_file`; the ingest loop records it and moves on."""

    def __init__(self, problem: FileProblem) -> None:
        super().__init__(problem.describe())
        self.problem = problem
