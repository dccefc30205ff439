"""Offline extraction of a brand profile from whatever the team ingested (structure, tables, lists, patterns)."""

from __future__ import annotations

from nmo.brand.entries import Corpus
from nmo.brand.outline import extract_campaigns, extract_competitors, extract_pillars, extract_positioning
from nmo.brand.products import calendar_products, extract_products
from nmo.brand.profile import BrandProfile
from nmo.brand.wording import extract_banned, extract_terminology, extract_tone
from nmo.schemas import SourceDocument


def extract_profile(documents: list[SourceDocument]) -> BrandProfile:
    """The profile the documents support; fields with nothing found are listed in `missing`."""
    corpus = Corpus.of(documents)
    brand, positioning = extract_positioning(corpus)
    products = extract_products(corpus)
    products += calendar_products(corpus, products)
    terminology = extract_terminology(corpus)
    tone = extract_tone(corpus, terminology)
    avoided = set(tone.avoid_address_terms)
    return BrandProfile(
        brand=brand,
        positioning=positioning,
        pillars=extract_pillars(corpus),
        products=products,
        tone=tone,
        banned=[b for b in extract_banned(corpus) if b.term not in avoided],
        terminology=terminology,
        competitors=extract_competitors(corpus),
        campaigns=extract_campaigns(corpus, products),
    ).with_missing()
