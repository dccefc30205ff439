"""Similarity of short Chinese texts (topics, titles) by character bigrams: deterministic, no deps."""

from __future__ import annotations

import math
import re
from collections import Counter

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of a text with punctuation, spaces and emoji removed."""
    cleaned = _NOISE.sub("", text.lower())
    if len(cleaned) < 2:
        return Counter(cleaned)
    return Counter(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the bigram profiles of two texts, 0..1."""
    va, vb = bigrams(a), bigrams(b)
    if not va or not vb:
        return 0.0
    dot = sum(count * vb[gram] for gram, count in va.items())
    norm = math.sqrt(sum(c * c for c in va.values())) * math.sqrt(sum(c * c for c in vb.values()))
    return dot / norm if norm else 0.0


def overlap(query: str, text: str) -> float:
    """Share of the query's bigrams that occur in the text, 0..1 (how much of the query a text covers)."""
    vq, vt = bigrams(query), bigrams(text)
    if not vq:
        return 0.0
    return sum(1 for gram in vq if gram in vt) / len(vq)
