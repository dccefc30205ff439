"""Offline extraction of a brand profile from whatever the team ingested (structure, tables, lists, patterns)."""

from __future__ import annotations

from nmo.brand.entries import Corpus
from nmo.brand.outline import extract_campaigns, extract_competitors, extract_pillars, extract_positioning
from nmo.brand.products import calendar_products, extract_products
from nmo.brand.profile import BrandProfile
from nmo.brand.wording import extract_banned, extract_terminology, extract_tone
from nmo.schemas import SourceDocument

# the fields a brand guide is read for: with all but one of them missing, nmo did not understand the guide
KEY_FIELDS = ("pillars", "products", "banned", "competitors")


def extract_profile(documents: list[SourceDocument]) -> BrandProfile:
    """The profile the documents support; fields with nothing found are listed in `missing`."""
    corpus = Corpus.of(documents)
    brand, positioning = extract_positioning(corpus)
    products = extract_products(corpus)
    products += calendar_products(corpus, products)
    terminology = extract_terminology(corpus)
    tone = extract_tone(corpus, terminology)
    avoided = set(tone.avoid_address_terms)
    profile = BrandProfile(
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
    return profile.model_copy(update={"unstructured": _unstructured(corpus, profile)})


def _unstructured(corpus: Corpus, profile: BrandProfile) -> list[str]:
    """The brand's documents nmo found no structure in (no section it could classify, no table), named when
    most of the profile is missing: the team should know which file to give headings to."""
    if len(set(profile.missing) & set(KEY_FIELDS)) < len(KEY_FIELDS) - 1:
        return []
    # a title alone (关于我们 reads as positioning) is no structure: a heading inside the document or a table is
    structured = {s.path for s in corpus.sections if s.level and s.topic is not None}
    structured |= {t.section.path for t in corpus.tables}
    paths = dict.fromkeys(s.path for s in corpus.sections if s.document.kind == "brand")
    return [path for path in paths if path not in structured]
