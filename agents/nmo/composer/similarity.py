"""Similarity of short Chinese texts (topics, titles) by character bigrams: deterministic, no deps."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of a text with punctuation, spaces and emoji removed."""
    cleaned = _NOISE.sub("", text.lower())
    if len(cleaned) < 2:
        return Counter(cleaned)
    return Counter(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


@lru_cache(maxsize=8192)
def _profile(text: str) -> tuple[dict[str, int], float]:
    """A text's bigram counts and their norm, cached: plans compare the same topics many times."""
    grams = dict(bigrams(text))
    return grams, math.sqrt(sum(c * c for c in grams.values()))


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the bigram profiles of two texts, 0..1."""
    (va, na), (vb, nb) = _profile(a), _profile(b)
    if not na or not nb:
        return 0.0
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(count * vb.get(gram, 0) for gram, count in va.items()) / (na * nb)


def overlap(query: str, text: str) -> float:
    """Share of the query's bigrams that occur in the text, 0..1 (how much of the query a text covers)."""
    vq, vt = bigrams(query), bigrams(text)
    if not vq:
        return 0.0
    return sum(1 for gram in vq if gram in vt) / len(vq)


LEXICAL_THRESHOLD = 0.6
SEMANTIC_THRESHOLD = 0.8


class TopicMatcher:
    """How close a topic comes to known titles: semantic when an embedder is at hand, else bigram cosine.

    Thresholds differ by method: with the in-process sentence encoder, repeats of a past topic score about
    0.85 and related-but-new topics 0.4–0.7; bigram cosine scores the same repeats about 0.45–0.6.
    """

    def __init__(self, references: Sequence[str], embedder: object | None = None) -> None:
        embed = getattr(embedder, "embed_passages", None)
        self._embed: Callable[[Sequence[str]], Any] | None = embed if callable(embed) else None
        self.method = "semantic" if self._embed else "lexical"
        self.threshold = SEMANTIC_THRESHOLD if self._embed else LEXICAL_THRESHOLD
        self.references: list[str] = []
        self._vectors: list[Any] = []
        self._cache: dict[str, Any] = {}
        self.add(references)

    def _vectors_of(self, texts: Sequence[str]) -> list[Any]:
        assert self._embed is not None
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self._embed(missing), strict=True))
        return [self._cache[t] for t in texts]

    def add(self, titles: Sequence[str]) -> None:
        """Remember more titles to compare against (e.g. topics already in the plan)."""
        titles = [t for t in titles if t.strip()]
        if not titles:
            return
        self.references += titles
        if self._embed is not None:
            self._vectors += self._vectors_of(titles)

    def scores(self, topics: Sequence[str]) -> list[tuple[float, str]]:
        """For each topic, its highest similarity to a known title and that title (0 and "" when none)."""
        if not self.references or not topics:
            return [(0.0, "") for _ in topics]
        if self._embed is None:
            out = []
            for topic in topics:
                best = max(self.references, key=lambda ref: similarity(topic, ref))
                out.append((similarity(topic, best), best))
            return out
        import numpy as np

        matrix = np.asarray(self._vectors_of(list(topics))) @ np.asarray(self._vectors).T
        return [(float(row.max()), self.references[int(row.argmax())]) for row in matrix]

    def score(self, topic: str) -> tuple[float, str]:
        """The highest similarity of one topic to a known title, and that title."""
        return self.scores([topic])[0]


def knowledge_embedder(kb: object) -> object | None:
    """The knowledge base's sentence encoder, when it exposes one (the embedded index does)."""
    embedder = getattr(kb, "embedder", None)
    return embedder if callable(getattr(embedder, "embed_passages", None)) else None
