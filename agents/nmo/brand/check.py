"""What is missing, ambiguous or contradictory in a brand profile (`nmo brand check`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from nmo.brand.profile import BrandProfile, SourceRef

IssueSeverity = Literal["error", "warning", "info"]


class ProfileIssue(BaseModel):
    """One problem with the profile, and the passage it concerns when there is one."""

    severity: IssueSeverity
    field: str
    message: str
    source: SourceRef | None = None


def check_profile(profile: BrandProfile) -> list[ProfileIssue]:
    """The profile's problems: two prices for one product (error), missing fields and pillars without examples."""
    issues = [ProfileIssue(severity="warning", field=name, message=f"Nothing found for {name}.")
              for name in profile.missing]
    for pillar in profile.pillars:
        if not pillar.examples:
            issues.append(ProfileIssue(severity="info", field="pillars", source=pillar.source,
                                       message=f"Pillar {pillar.name} has no example topics."))
    prices: dict[str, float] = {}
    for product in profile.products:
        if product.price is None:
            continue
        seen = prices.setdefault(product.name, product.price)
        if seen != product.price:
            issues.append(ProfileIssue(severity="error", field="products", source=product.source,
                                       message=f"{product.name} has two prices: {seen:g} and {product.price:g} yuan."))
    return issues
