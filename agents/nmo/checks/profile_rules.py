"""The brand profile as word rules for the gate: competitors block, banned expressions and avoided terms warn."""

from __future__ import annotations

from nmo.brand.profile import BrandProfile, SourceRef, Term
from nmo.checks.lexicon import Lexicon, LexiconRule
from nmo.schemas import Severity

PROFILE_SOURCE = "brand profile"


def _source(ref: SourceRef | None) -> str:
    """The file a rule was read from, so a reviewer can trace it; the profile itself when unknown."""
    return ref.source_path if ref is not None and ref.source_path else PROFILE_SOURCE


def profile_lexicon(profile: BrandProfile) -> Lexicon:
    """Rules from the profile: each competitor name and alias (blocking), each banned expression with its
    replacement, and each avoided form of a preferred term (brand_term, suggesting the preferred one)."""
    rules: list[LexiconRule] = []
    for competitor in profile.competitors:
        for name in dict.fromkeys([competitor.name, *competitor.aliases]):
            if name.strip():
                rules.append(LexiconRule(
                    term=name, category="competitor", severity="blocking", group="profile_competitors",
                    message=f"点名竞品「{competitor.name}」：品牌内容不提竞品", suggestion="删除，或改为“同类产品”",
                    source=_source(competitor.source),
                ))
    for banned in profile.banned:
        reason = f"（{banned.reason}）" if banned.reason else ""
        rules.append(LexiconRule(
            term=banned.term, category="brand_term", severity="warning", group="profile_banned",
            message=f"品牌禁用「{banned.term}」{reason}", suggestion=banned.replacement or "删除",
            source=_source(banned.source),
        ))
    for term in profile.terminology:
        for avoided in term.avoid:
            if avoided.strip() and avoided != term.preferred:
                rules.append(LexiconRule(
                    term=avoided, category="brand_term", severity=_avoid_severity(avoided, term),
                    group="profile_terminology",
                    message=f"品牌用语写作「{term.preferred}」", suggestion=term.preferred,
                    source=_source(term.source),
                ))
    return Lexicon(rules=rules, sources=[PROFILE_SOURCE] if rules else [])


def _avoid_severity(avoided: str, term: Term) -> Severity:
    """A nudge (info) where the guide itself lets the form pass: a shortening of the brand's own term
    (茶包 for 原叶茶包), or a note that allows it somewhere (口语中可以说「茶包」); otherwise a warning."""
    if avoided in term.preferred:
        return "info"
    allowed = any(word in term.note for word in ("可以说", "可以用", "可用", "允许", "也行", "没关系"))
    return "info" if allowed and avoided in term.note else "warning"


def rules_text(lexicon: Lexicon) -> str:
    """The rules as one text, for the matcher's cache key: any change to the profile's rules changes it."""
    return "\n".join(rule.model_dump_json() for rule in lexicon.rules)
