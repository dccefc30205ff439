"""The brand profile's contract: every entry keeps the passage it came from; corrections win over extraction.

One profile per brand (per collection). Extraction (offline rules, or a model with this schema) fills it
from whatever the team ingested; the team corrects it with a YAML of the same shape (`nmo brand export` /
`nmo brand import`). The planner, the writer, the gate and the community desk read it, never file names.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Origin = Literal["extracted", "llm", "correction"]
PROFILE_FIELDS = (
    "brand", "positioning", "pillars", "products", "tone", "banned", "terminology", "competitors", "campaigns",
)


class SourceRef(BaseModel):
    """Where an entry was read: the file (as cited by the knowledge base), its heading and the words used."""

    model_config = ConfigDict(extra="forbid")

    source_path: str = ""
    heading: str = ""
    quote: str = Field(default="", description="The passage (or table row) the entry was read from.")
    origin: Origin = "extracted"


class Entry(BaseModel):
    """Base of every profile entry: unknown keys in a correction file are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    source: SourceRef | None = None


class Positioning(Entry):
    """Who the brand is and who it speaks to."""

    statement: str = ""
    audience: str = ""


class Pillar(Entry):
    """A content pillar (栏目 / 内容方向) with the example topics the guide gives for it."""

    name: str = Field(min_length=1)
    description: str = ""
    share: float | None = Field(default=None, ge=0, le=1, description="Planned share of posts, when stated.")
    examples: list[str] = Field(default_factory=list)


class Product(Entry):
    """A product with its facts; dates bound when it may be offered (a limited or seasonal product)."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Short names and other ways it is written.")
    spec: str = ""
    price: float | None = Field(default=None, ge=0, description="Price in yuan.")
    ingredients: list[str] = Field(default_factory=list, description="Ingredients or materials.")
    launch: date | None = None
    available_from: date | None = None
    available_until: date | None = None

    def names(self) -> list[str]:
        """The name and every alias, longest first (for matching in text)."""
        return sorted({self.name, *self.aliases}, key=lambda n: (-len(n), n))

    def on_sale(self, day: date) -> bool:
        """Whether the product may be offered on a day (launched, and inside its sale window)."""
        starts = max((d for d in (self.launch, self.available_from) if d is not None), default=None)
        return (starts is None or starts <= day) and (self.available_until is None or day <= self.available_until)


class ToneRules(Entry):
    """How the brand talks: the address term, limits on exclamation marks and emoji, do and don't."""

    address_term: str = Field(default="", description="How users are addressed (茶友, 宝子们 …).")
    avoid_address_terms: list[str] = Field(default_factory=list)
    max_exclamations: int | None = Field(default=None, ge=0, description="Per piece.")
    max_emoji: int | None = Field(default=None, ge=0, description="Per piece.")
    do: list[str] = Field(default_factory=list)
    dont: list[str] = Field(default_factory=list)


class BannedExpression(Entry):
    """An expression the brand never uses, with what to write instead."""

    term: str = Field(min_length=1)
    replacement: str | None = None
    reason: str = ""


class Term(Entry):
    """Preferred terminology: write `preferred`, never the `avoid` forms."""

    preferred: str = Field(min_length=1)
    avoid: list[str] = Field(default_factory=list)
    note: str = ""


class Competitor(Entry):
    """A competitor: what it does, and the brand's opening against it."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    what_they_do: str = ""
    our_opening: str = ""


class Campaign(Entry):
    """A campaign on the brand's own calendar."""

    name: str = Field(min_length=1)
    start: date | None = None
    end: date | None = None
    products: list[str] = Field(default_factory=list)
    note: str = ""


class BrandProfile(BaseModel):
    """What nmo understood about one brand; `missing` names the parts where nothing was found."""

    model_config = ConfigDict(extra="forbid")

    brand: str = ""
    positioning: Positioning | None = None
    pillars: list[Pillar] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    tone: ToneRules = Field(default_factory=ToneRules)
    banned: list[BannedExpression] = Field(default_factory=list)
    terminology: list[Term] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)
    campaigns: list[Campaign] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Profile fields with nothing found.")
    corrected: list[str] = Field(default_factory=list, description="Fields that come from the team's corrections.")
    unstructured: list[str] = Field(
        default_factory=list,
        description="Brand documents in which no heading, table or list was recognised, when most fields are missing.",
    )

    def product(self, name: str) -> Product | None:
        """A product by its name or an alias."""
        return next((p for p in self.products if name in p.names()), None)

    def with_missing(self) -> BrandProfile:
        """The profile with `missing` recomputed from what is empty."""
        empty = [name for name in PROFILE_FIELDS if not _filled(getattr(self, name))]
        return self.model_copy(update={"missing": empty})


def _filled(value: Any) -> bool:
    if isinstance(value, ToneRules):
        return bool(value.address_term or value.max_exclamations is not None or value.max_emoji is not None
                    or value.do or value.dont)
    return bool(value)


class ProfileCorrections(BaseModel):
    """The team's corrections: each field present replaces what extraction found for that field, wholesale."""

    model_config = ConfigDict(extra="forbid")

    brand: str | None = None
    positioning: Positioning | None = None
    pillars: list[Pillar] | None = None
    products: list[Product] | None = None
    tone: ToneRules | None = None
    banned: list[BannedExpression] | None = None
    terminology: list[Term] | None = None
    competitors: list[Competitor] | None = None
    campaigns: list[Campaign] | None = None


def apply_corrections(extracted: BrandProfile, corrections: ProfileCorrections) -> BrandProfile:
    """The profile the product uses: corrected fields from the team, the rest from extraction."""
    given = {name: getattr(corrections, name) for name in PROFILE_FIELDS if name in corrections.model_fields_set}
    marked = {name: _as_correction(value) for name, value in given.items()}
    merged = extracted.model_copy(update={**marked, "corrected": sorted(given)})
    return merged.with_missing()


def _as_correction(value: Any) -> Any:
    """Entries from a correction file cite the correction itself unless they kept their source."""
    if isinstance(value, list):
        return [_as_correction(item) for item in value]
    if isinstance(value, Entry) and value.source is None:
        return value.model_copy(update={"source": SourceRef(origin="correction")})
    return value
