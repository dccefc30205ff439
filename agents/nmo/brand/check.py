"""What a brand profile lacks or gets wrong: missing fields, contradictions, entries that cannot be used."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from nmo.brand.merge import Disagreement, describe
from nmo.brand.profile import BrandProfile, Product, SourceRef

Severity = Literal["error", "warning", "info"]


class ProfileIssue(BaseModel):
    """One problem with the profile: how serious it is, which field, what to do, and where it was read."""

    severity: Severity
    field: str
    message: str
    source: SourceRef | None = None


def check_profile(profile: BrandProfile, disagreements: Sequence[Disagreement] = ()) -> list[ProfileIssue]:
    """Missing, ambiguous or contradictory parts of a profile (and where the model read the documents
    differently from the offline rules), most serious first."""
    issues = [
        *_missing(profile),
        *_price_conflicts(profile.products),
        *_product_gaps(profile.products),
        *_pillar_gaps(profile),
        *(ProfileIssue(
            severity="warning", field="documents",
            message=f"{path}: no headings, tables or lists nmo recognises, so nothing in it reached the profile. "
                    "Give it headings such as 产品 / Products, 内容方向 / Pillars, 禁用词 / Don't say, 竞品 / "
                    "Competitors and ingest again, write what it says in the corrections file "
                    "(`nmo brand export FILE`, edit, `nmo brand import FILE`), or configure an LLM to read it.",
            source=SourceRef(source_path=path)) for path in profile.unstructured),
        *(ProfileIssue(severity="warning", field=d.field, message=describe(d), source=d.model_source)
          for d in disagreements),
    ]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(issues, key=lambda issue: order[issue.severity])


def _missing(profile: BrandProfile) -> list[ProfileIssue]:
    issues = []
    for name in profile.missing:
        severity: Severity = "warning" if name in ("pillars", "products", "competitors", "banned") else "info"
        what = "no competitor names were found: competitor mentions will not be blocked" \
            if name == "competitors" else f"nothing was found for {name}"
        issues.append(ProfileIssue(
            severity=severity, field=name,
            message=f"{what.capitalize()}; add it to the guide and ingest again, or write it in "
                    f"the corrections file (`nmo brand export FILE`, edit, `nmo brand import FILE`)."))
    return issues


def _price_conflicts(products: list[Product]) -> list[ProfileIssue]:
    """Two entries for one product (a name or alias in common) that state different prices."""
    issues = []
    for index, product in enumerate(products):
        for other in products[index + 1 :]:
            shared = set(product.names()) & set(other.names())
            if shared and product.price is not None and other.price is not None and product.price != other.price:
                where = " and ".join(_where(p.source) for p in (product, other))
                issues.append(ProfileIssue(
                    severity="error", field="products",
                    message=f"{product.name} has two prices: {product.price:g}元 and {other.price:g}元 ({where}); "
                            "fix the wrong document, or keep the right price in the corrections file.",
                    source=other.source))
    return issues


def _product_gaps(products: list[Product]) -> list[ProfileIssue]:
    issues = []
    for product in products:
        if product.price is None:
            issues.append(ProfileIssue(
                severity="warning", field="products",
                message=f"{product.name} has no price, so prices in drafts cannot be checked; "
                        "add it to the price list or the corrections file.", source=product.source))
        starts = product.available_from or product.launch
        if starts is not None and product.available_until is not None and product.available_until < starts:
            issues.append(ProfileIssue(
                severity="error", field="products",
                message=f"{product.name} stops selling on {product.available_until} before it starts on {starts}; "
                        "check the dates in the guide.", source=product.source))
    return issues


def _pillar_gaps(profile: BrandProfile) -> list[ProfileIssue]:
    return [
        ProfileIssue(severity="warning", field="pillars",
                     message=f"Pillar {pillar.name} has no example topics; the planner has only its name to go on — "
                             "add a few example topics under it.", source=pillar.source)
        for pillar in profile.pillars if not pillar.examples
    ]


def _where(source: SourceRef | None) -> str:
    if source is None:
        return "source unknown"
    if source.origin == "correction" and not source.source_path:
        return "the team's corrections"
    return f"{source.source_path}「{source.quote}」" if source.quote else source.source_path or "source unknown"
