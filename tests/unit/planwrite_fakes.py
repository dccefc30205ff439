"""Test doubles for the planner and writer: an in-memory knowledge base, a folder reader, a scripted LLM."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from agents.composer.similarity import overlap
from agents.ports import Message, ModelT
from agents.schemas import Kind, Passage, SourceDocument

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


class MemoryKnowledgeBase:
    """A KnowledgeBase over given passages and documents; search ranks by bigram overlap."""

    def __init__(self, passages: list[Passage], documents: list[SourceDocument] | None = None) -> None:
        self.passages = passages
        self.docs = documents or []
        self.queries: list[str] = []

    def search(
        self,
        query: str,
        *,
        k: int = 6,
        kind: Kind | None = None,
        platform: str | None = None,
        since: date | None = None,
    ) -> list[Passage]:
        self.queries.append(query)
        pool = [p for p in self.passages if kind is None or p.kind == kind]
        if platform is not None:
            pool = [p for p in pool if p.platform in (None, platform)]
        scored = sorted(pool, key=lambda p: (-overlap(query, f"{p.title} {p.heading} {p.text}"), p.id))
        return [p.model_copy(update={"score": overlap(query, p.text)}) for p in scored[:k]]

    def get(self, passage_id: str) -> Passage | None:
        return next((p for p in self.passages if p.id == passage_id), None)

    def documents(self, kind: Kind | None = None) -> list[SourceDocument]:
        return [d for d in self.docs if kind is None or d.kind == kind]

    def count(self) -> int:
        return len(self.passages)


def _split_front_matter(raw: str) -> tuple[dict[str, Any], str]:
    if raw.startswith("---\n"):
        _, front, body = raw.split("---\n", 2)
        return dict(yaml.safe_load(front) or {}), body
    return {}, raw


def folder_knowledge_base(root: Path = KNOWLEDGE) -> MemoryKnowledgeBase:
    """Parse a knowledge folder directly: one passage per `##` section, one document per file."""
    passages: list[Passage] = []
    documents: list[SourceDocument] = []
    for path in sorted(root.glob("*/*.md")):
        if path.parent.name == "lexicons":
            continue
        meta, body = _split_front_matter(path.read_text("utf-8"))
        kind = meta.get(
            "kind", path.parent.name.rstrip("s") if path.parent.name == "competitors" else path.parent.name
        )
        rel = path.relative_to(root).as_posix()
        title = str(meta.get("title", path.stem))
        published = meta.get("published_at")
        documents.append(
            SourceDocument(
                path=rel,
                title=title,
                kind=kind,
                platform=meta.get("platform"),
                published_at=str(published) if published else None,
                tags=[str(t) for t in meta.get("tags", [])],
                pillar=meta.get("pillar"),
                metrics={k: float(v) for k, v in (meta.get("metrics") or {}).items()},
                text=body,
            )
        )
        sections = re.split(r"^(?=## )", body, flags=re.MULTILINE)
        for index, section in enumerate(s for s in sections if s.strip()):
            heading = section.splitlines()[0].lstrip("# ").strip() if section.startswith("##") else ""
            passages.append(
                Passage(
                    id=f"{rel}#{index}",
                    text=section.strip(),
                    source_path=rel,
                    title=title,
                    heading=heading,
                    kind=kind,
                    platform=meta.get("platform"),
                    published_at=str(published) if published else None,
                )
            )
    return MemoryKnowledgeBase(passages, documents)


class ScriptedLLM:
    """A StructuredLLM that answers from a script and fails on unexpected or leftover calls."""

    backend_name = "llm"

    def __init__(self, answers: list[BaseModel | Exception | Callable[[list[Passage]], BaseModel]]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[list[Message], type[BaseModel], list[Passage]]] = []

    def generate(
        self, messages: Sequence[Message], output: type[ModelT], *, passages: Sequence[Passage] = ()
    ) -> ModelT:
        self.calls.append((list(messages), output, list(passages)))
        if not self.answers:
            raise AssertionError(f"unexpected LLM call for {output.__name__}")
        answer = self.answers.pop(0)
        if callable(answer) and not isinstance(answer, BaseModel):
            answer = answer(list(passages))
        if isinstance(answer, Exception):
            raise answer
        if not isinstance(answer, output):
            raise AssertionError(f"scripted {type(answer).__name__}, asked for {output.__name__}")
        return answer

    def assert_done(self) -> None:
        assert not self.answers, f"{len(self.answers)} scripted answers left unused"
