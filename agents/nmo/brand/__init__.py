"""The brand profile: what nmo understood about one brand, built at ingest and correctable by the team."""

from nmo.brand.profile import BrandProfile
from nmo.brand.store import BrandStore

__all__ = ["BrandProfile", "BrandStore"]
