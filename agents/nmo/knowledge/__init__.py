"""Brand knowledge: ingest Markdown/text/Word/PDF files, chunk them, and search them (BM25 + dense, fused)."""

from __future__ import annotations

from nmo.knowledge.knowledge_base import BrandKnowledgeBase, open_knowledge_base
from nmo.knowledge.models import FileProblem, IngestReport, KnowledgeStats

__all__ = ["BrandKnowledgeBase", "FileProblem", "IngestReport", "KnowledgeStats", "open_knowledge_base"]
