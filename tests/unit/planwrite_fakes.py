"""Test doubles for the planner and writer: a ranked in-memory knowledge base and a reader of knowledge/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from nmo.composer.similarity import overlap
from nmo.schemas import Kind, Passage, SourceDocument
from pydantic import BaseModel

from tests.fakes import MemoryKB, ScriptedLLM

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


class MemoryKnowledgeBase(MemoryKB):
    """The shared in-memory knowledge base, ranking by bigram overlap so that topics find their facts."""

    def __init__(self, passages: list[Passage], documents: list[SourceDocument] | None = None) -> None:
        super().__init__(passages, documents or [])

    def search(
        self, query: str, *, k: int = 6, kind: Kind | None = None, platform: str | None = None,
        since: date | None = None,
    ) -> list[Passage]:
        pool = [p for p in self.passages if kind is None or p.kind == kind]
        scored = sorted(pool, key=lambda p: (-overlap(query, f"{p.title} {p.heading} {p.text}"), p.id))
        return scored[:k]


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


def passage_script(*builders: Callable[[list[Passage]], BaseModel]) -> ScriptedLLM:
    """The shared ScriptedLLM, each answer built from the passages its call was given (a model can only
    cite what it was shown)."""
    llm = ScriptedLLM([])
    llm.answers = [lambda _messages, build=build: build(llm.calls[-1][2]) for build in builders]
    return llm
