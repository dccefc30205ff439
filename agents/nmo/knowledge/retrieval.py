"""Ranking: metadata filters, the lexical and dense candidate lists, and reciprocal rank fusion."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from nmo.knowledge.snapshot import Snapshot
from nmo.schemas import Kind

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

RRF_K = 60
CANDIDATES = 50


def filter_mask(
    snapshot: Snapshot, *, kind: Kind | None, platform: str | None, since: date | None
) -> NDArray[np.bool_]:
    """Which chunks pass the filters (all of them when no filter is given)."""
    import numpy as np

    mask = np.ones(len(snapshot.chunks), dtype=bool)
    if kind is not None:
        mask &= np.asarray([c.kind == kind for c in snapshot.chunks], dtype=bool)
    if platform is not None:
        mask &= np.asarray([c.platform == platform for c in snapshot.chunks], dtype=bool)
    if since is not None:
        mask &= snapshot.published_days() >= int(since.strftime("%Y%m%d"))
    return mask


def chroma_where(kind: Kind | None, platform: str | None, since: date | None) -> dict[str, Any] | None:
    """The same filters as a Chroma `where` clause."""
    clauses: list[dict[str, Any]] = []
    if kind is not None:
        clauses.append({"kind": kind})
    if platform is not None:
        clauses.append({"platform": platform})
    if since is not None:
        clauses.append({"published_day": {"$gte": int(since.strftime("%Y%m%d"))}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def lexical_ranking(
    snapshot: Snapshot, query_tokens: list[str], mask: NDArray[np.bool_], limit: int = CANDIDATES
) -> list[tuple[int, float]]:
    """(position, BM25 score) of the best matching chunks that pass the filters."""
    import numpy as np

    if snapshot.lexical is None or not query_tokens:
        return []
    scores = snapshot.lexical.scores(query_tokens)
    scores = np.where(mask, scores, 0.0)
    candidates = np.flatnonzero(scores > 0)
    if candidates.size == 0:
        return []
    if candidates.size > limit:
        candidates = candidates[np.argpartition(-scores[candidates], limit)[:limit]]
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return [(int(i), float(scores[i])) for i in ordered]


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked lists of positions: score = Σ 1 / (k + rank); ties keep first-list order."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, position in enumerate(ranking, start=1):
            fused[position] = fused.get(position, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])
