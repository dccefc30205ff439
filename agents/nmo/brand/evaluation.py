"""How well an extracted profile matches a hand-written answer key: precision and recall per field."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel

from nmo.brand.profile import BrandProfile, Product
from nmo.schemas import SourceDocument

SCORED_FIELDS = ("pillars", "products", "competitors", "banned", "address_term")
T = TypeVar("T")
K = TypeVar("K")


class FieldScore(BaseModel):
    """Precision and recall of one field, with the counts behind them."""

    precision: float
    recall: float
    correct: int
    extracted: int
    expected: int


class ProfileScores(BaseModel):
    """Scores per field: pillars, products (name with price and spec), competitors, banned terms, address term."""

    fields: dict[str, FieldScore]

    def lowest(self) -> float:
        """The lowest precision or recall of any field (what a threshold is checked against)."""
        return min(min(s.precision, s.recall) for s in self.fields.values())


def load_key(path: Path) -> BrandProfile:
    """An answer key: a YAML of profile fields (the corrections shape, without sources)."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return BrandProfile.model_validate(data)


def load_documents(folder: Path) -> list[SourceDocument]:
    """The documents ingest would read from a folder (for measuring without building an index)."""
    from nmo.knowledge.sources import ChunkSettings, discover, load_file

    found = discover([folder])
    return [load_file(source, ChunkSettings()).indexed.document for source in found.files]


def score_profile(extracted: BrandProfile, key: BrandProfile) -> ProfileScores:
    """Precision and recall per scored field; an entry counts when it matches a key entry by name."""
    return ProfileScores(fields={
        "pillars": _score(extracted.pillars, key.pillars, lambda a, b: _same(a.name, b.name)),
        "products": _score(extracted.products, key.products, _same_product),
        "competitors": _score(extracted.competitors, key.competitors,
                              lambda a, b: bool(_names(a.name, *a.aliases) & _names(b.name, *b.aliases))),
        "banned": _score(extracted.banned, key.banned, lambda a, b: _same(a.term, b.term)),
        "address_term": _score([extracted.tone.address_term] if extracted.tone.address_term else [],
                               [key.tone.address_term] if key.tone.address_term else [], _same),
    })


def _score(extracted: Sequence[T], expected: Sequence[K], same: Callable[[T, K], bool]) -> FieldScore:
    """Each key entry is matched at most once; nothing extracted against a non-empty key scores 0, not 1."""
    unmatched = list(expected)
    correct = 0
    for item in extracted:
        hit = next((k for k in unmatched if same(item, k)), None)
        if hit is not None:
            unmatched.remove(hit)
            correct += 1
    precision = correct / len(extracted) if extracted else float(not expected)
    recall = correct / len(expected) if expected else float(not extracted)
    return FieldScore(precision=precision, recall=recall, correct=correct,
                      extracted=len(extracted), expected=len(expected))


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower().replace("×", "x").replace("*", "x")


def _same(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


def _names(*names: str) -> set[str]:
    return {_fold(n) for n in names if n}


def _same_product(extracted: Product, key: Product) -> bool:
    """Same product (a name or alias in common), same price, and a spec that states the key's figures."""
    if not _names(*extracted.names()) & _names(*key.names()):
        return False
    if (extracted.price is None) != (key.price is None):
        return False
    if extracted.price is not None and key.price is not None and abs(extracted.price - key.price) > 0.005:
        return False
    return _same_spec(extracted.spec, key.spec)


def _same_spec(extracted: str, key: str) -> bool:
    """The key's numbers all appear in the extracted spec; a spec without numbers must contain the key's words."""
    if not key:
        return True
    wanted = re.findall(r"\d+(?:\.\d+)?", _fold(key))
    if wanted:
        return bool(extracted) and set(wanted) <= set(re.findall(r"\d+(?:\.\d+)?", _fold(extracted)))
    return bool(extracted) and (_fold(key) in _fold(extracted) or _fold(extracted) in _fold(key))


def main(argv: list[str] | None = None) -> int:
    """`python -m nmo.brand.evaluation FOLDER KEY [FOLDER KEY …]`: print precision and recall per field."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) % 2:
        print("usage: python -m nmo.brand.evaluation FOLDER KEY.yaml [FOLDER KEY.yaml ...]", file=sys.stderr)
        return 2
    from nmo.brand.extract import extract_profile

    print(f"{'brand':<12}" + "".join(f"{name:>16}" for name in SCORED_FIELDS) + "   (precision/recall)")
    for folder, key in zip(args[::2], args[1::2], strict=True):
        scores = score_profile(extract_profile(load_documents(Path(folder))), load_key(Path(key)))
        cells = "".join(f"{s.precision:>10.2f}/{s.recall:.2f}" for s in scores.fields.values())
        print(f"{Path(folder).name:<12}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
