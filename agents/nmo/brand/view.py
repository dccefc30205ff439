"""The profile as people read it (`nmo brand show`, the admin page): fields, entries, sources, what is missing."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from nmo.brand.profile import (
    PROFILE_FIELDS,
    BannedExpression,
    BrandProfile,
    Campaign,
    Competitor,
    Entry,
    Pillar,
    Positioning,
    Product,
    ProfileCorrections,
    SourceRef,
    Term,
    ToneRules,
)
from nmo.brand.store import BrandStore
from nmo.errors import UserInputError

FIELD_TITLES = {
    "brand": "品牌名", "positioning": "定位与受众", "pillars": "内容支柱", "products": "产品",
    "tone": "语气规则", "banned": "禁用表达", "terminology": "规范用语", "competitors": "竞品",
    "campaigns": "营销日历",
}
CORRECTION = "团队更正"
EXTRACTION = "自动提取"


class ProfileItem(BaseModel):
    """One entry: what nmo read, and where (file › heading)."""

    text: str
    source: str


class ProfileSection(BaseModel):
    """One profile field with its entries; `origin` says whether the team's corrections or extraction filled it."""

    field: str
    title: str
    origin: str
    items: list[ProfileItem]


class ProfileView(BaseModel):
    """The whole profile as shown: the fields found, then one plain sentence per field with nothing found."""

    brand: str
    sections: list[ProfileSection]
    missing: list[str]
    corrected: list[str]


class CorrectionChanges(BaseModel):
    """What importing corrections did: the fields now corrected, which fields' values changed, fields handed back."""

    corrected: list[str]
    changed: list[str]
    back_to_extraction: list[str]

    def summary(self) -> str:
        """One or two sentences for the CLI and the audit log."""
        if self.corrected:
            marked = [f"{name} ({'changed' if name in self.changed else 'unchanged'})" for name in self.corrected]
            text = f"Fields now corrected: {', '.join(marked)}."
        else:
            text = "The corrections fill no field: everything comes from extraction."
        if self.back_to_extraction:
            text += f" Back to extraction: {', '.join(self.back_to_extraction)}."
        return text


def import_with_changes(store: BrandStore, load: Callable[[], ProfileCorrections]) -> CorrectionChanges:
    """Run an import of corrections (`load` validates and keeps them) and say what it changed."""
    try:
        before = store.profile()
    except UserInputError:  # a corrections file broken by hand since: it is what this import replaces
        before = store.extracted()
    load()
    return correction_changes(before, store.profile())


def correction_changes(before: BrandProfile, after: BrandProfile) -> CorrectionChanges:
    """Compare the profile before and after an import of corrections."""
    return CorrectionChanges(
        corrected=after.corrected,
        changed=[name for name in PROFILE_FIELDS if getattr(before, name) != getattr(after, name)],
        back_to_extraction=[name for name in before.corrected if name not in after.corrected],
    )


def missing_message(field: str) -> str:
    """What to say when nothing was found for a field, and what the team can do about it."""
    return f"未找到：{FIELD_TITLES[field]} — 在品牌资料里补充，或用 nmo brand import 更正"


def profile_view(profile: BrandProfile) -> ProfileView:
    """The profile grouped by field, each entry with its source, in the order of the profile's fields."""
    sections = []
    for field in PROFILE_FIELDS:
        if field in profile.missing:
            continue
        items = _items(getattr(profile, field))
        origin = CORRECTION if field in profile.corrected else EXTRACTION
        sections.append(ProfileSection(field=field, title=FIELD_TITLES[field], origin=origin, items=items))
    return ProfileView(
        brand=profile.brand, sections=sections, missing=[missing_message(f) for f in profile.missing],
        corrected=list(profile.corrected),
    )


def cite(source: SourceRef | None) -> str:
    """Where an entry was read, as `file › heading`; entries the team wrote themselves say so."""
    if source is None or not source.source_path:
        return CORRECTION if source is not None and source.origin == "correction" else "—"
    return " › ".join(part for part in (source.source_path, source.heading) if part)


def _items(value: object) -> list[ProfileItem]:
    if isinstance(value, str):
        return [ProfileItem(text=value, source="—")]
    entries = value if isinstance(value, list) else [value]
    return [ProfileItem(text=describe(e), source=cite(e.source)) for e in entries if isinstance(e, Entry)]


def describe(entry: Entry) -> str:
    """One line saying what an entry holds."""
    match entry:
        case Product():
            parts = [entry.name]
            parts += [f"又名 {'、'.join(entry.aliases)}"] if entry.aliases else []
            parts += [entry.spec] if entry.spec else []
            parts += [f"{entry.price:g} 元"] if entry.price is not None else []
            parts += [f"原料 {'、'.join(entry.ingredients)}"] if entry.ingredients else []
            parts += [f"上市 {entry.launch}"] if entry.launch else []
            if entry.available_from or entry.available_until:
                parts.append(f"售卖 {entry.available_from or '…'} 至 {entry.available_until or '…'}")
            return " · ".join(parts)
        case Pillar():
            examples = f"（例：{'；'.join(entry.examples)}）" if entry.examples else "（没有示例选题）"
            share = f" · 占比 {entry.share:.0%}" if entry.share is not None else ""
            return f"{entry.name}{share}{examples}"
        case Positioning():
            return " · ".join(p for p in (entry.statement, f"受众：{entry.audience}" if entry.audience else "") if p)
        case ToneRules():
            parts = [f"称呼用户「{entry.address_term}」"] if entry.address_term else []
            parts += [f"不称呼「{'」「'.join(entry.avoid_address_terms)}」"] if entry.avoid_address_terms else []
            parts += [f"感叹号每篇最多 {entry.max_exclamations} 个"] if entry.max_exclamations is not None else []
            parts += [f"表情每篇最多 {entry.max_emoji} 个"] if entry.max_emoji is not None else []
            parts += [f"要：{'；'.join(entry.do)}"] if entry.do else []
            parts += [f"不要：{'；'.join(entry.dont)}"] if entry.dont else []
            return " · ".join(parts)
        case BannedExpression():
            instead = f" → {entry.replacement}" if entry.replacement else "（删去）"
            return f"{entry.term}{instead}" + (f"（{entry.reason}）" if entry.reason else "")
        case Term():
            avoid = f"，不写 {'、'.join(entry.avoid)}" if entry.avoid else ""
            return f"写 {entry.preferred}{avoid}" + (f"（{entry.note}）" if entry.note else "")
        case Competitor():
            parts = [entry.name + (f"（{'、'.join(entry.aliases)}）" if entry.aliases else "")]
            parts += [f"做什么：{entry.what_they_do}"] if entry.what_they_do else []
            parts += [f"我们的机会：{entry.our_opening}"] if entry.our_opening else []
            return " · ".join(parts)
        case Campaign():
            when = f"{entry.start or '…'} 至 {entry.end or '…'}" if entry.start or entry.end else ""
            products = f"产品：{'、'.join(entry.products)}" if entry.products else ""
            return " · ".join(p for p in (entry.name, when, products, entry.note) if p)
    return entry.model_dump_json(exclude={"source"})
