"""Offline and model extraction merged: the team's corrections win, then what the offline rules read from the
documents, then what the model read; where the two extractions disagree, `nmo brand check` says so."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from nmo.brand.profile import BrandProfile, Entry, SourceRef

E = TypeVar("E", bound=Entry)


class Disagreement(BaseModel):
    """One fact the documents' rules and the model read differently; the offline reading is the one used."""

    field: str
    name: str
    offline: str
    model: str
    offline_source: SourceRef | None = None
    model_source: SourceRef | None = None


def merge_extractions(offline: BrandProfile, model: BrandProfile) -> tuple[BrandProfile, list[Disagreement]]:
    """The offline profile plus the model's entries it lacks, and the facts on which the two disagree."""
    disagreements: list[Disagreement] = []
    for ours in offline.products:
        theirs = next((p for p in model.products if _same_names(ours.names(), p.names())), None)
        if theirs is not None and ours.price is not None and theirs.price is not None and ours.price != theirs.price:
            disagreements.append(Disagreement(
                field="products", name=ours.name, offline=f"{ours.price:g}元", model=f"{theirs.price:g}元",
                offline_source=ours.source, model_source=theirs.source))
    tone = offline.tone
    if model.tone.address_term and offline.tone.address_term and \
            _fold(model.tone.address_term) != _fold(offline.tone.address_term):
        disagreements.append(Disagreement(
            field="tone", name="address_term", offline=offline.tone.address_term, model=model.tone.address_term,
            offline_source=offline.tone.source, model_source=model.tone.source))
    elif model.tone.address_term and not offline.tone.address_term:
        tone = tone.model_copy(update={"address_term": model.tone.address_term,
                                       "avoid_address_terms": model.tone.avoid_address_terms,
                                       "source": model.tone.source})
    merged = offline.model_copy(update={
        "brand": offline.brand or model.brand,
        "pillars": _added(offline.pillars, model.pillars, lambda a, b: _fold(a.name) == _fold(b.name)),
        "products": _added(offline.products, model.products, lambda a, b: _same_names(a.names(), b.names())),
        "competitors": _added(offline.competitors, model.competitors,
                              lambda a, b: _same_names([a.name, *a.aliases], [b.name, *b.aliases])),
        "banned": _added(offline.banned, model.banned, lambda a, b: _fold(a.term) == _fold(b.term)),
        "terminology": _added(offline.terminology, model.terminology,
                              lambda a, b: _fold(a.preferred) == _fold(b.preferred)),
        "tone": tone,
    })
    return merged.with_missing(), disagreements


def _added(offline: Sequence[E], model: Sequence[E], same: Callable[[E, E], bool]) -> list[E]:
    return [*offline, *(entry for entry in model if not any(same(entry, ours) for ours in offline))]


def _same_names(first: Sequence[str], second: Sequence[str]) -> bool:
    return bool({_fold(n) for n in first if n} & {_fold(n) for n in second if n})


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def describe(disagreement: Disagreement) -> str:
    """The disagreement as a sentence saying what to do."""
    what = "price" if disagreement.field == "products" else "address term"
    return (f"{disagreement.name}: the documents give the {what} {disagreement.offline}, the model read "
            f"{disagreement.model}; nmo uses {disagreement.offline} — check the documents, or keep the right "
            "value in the corrections file.")

