"""The brand profile as word rules for the gate: competitors block, banned expressions and avoided terms warn.

Precedence between the profile and a word list (the brand's own lists found at ingest, or `nmo lexicon import`)
for a term both know: the profile keeps its rule — category, message and suggestion — unless the list gives the
term a more specific category than the profile's `brand_term` (ad_law, health_claim, competitor,
platform_rule): then the list's category is used, with the profile's suggestion where the list has none. A
plain list that only says its terms are "sensitive" (敏感词.txt, no categories per term) never replaces the
profile's rule; either way the more severe of the two severities applies, so no list can weaken a rule.
"""

from __future__ import annotations

from nmo.brand.profile import BrandProfile, SourceRef, Term
from nmo.checks.lexicon import Lexicon, LexiconRule
from nmo.checks.normalize import normalize_term
from nmo.schemas import SEVERITY_ORDER, Category, Severity

PROFILE_SOURCE = "brand profile"
PRECEDENCE_VERSION = "precedence-v1"  # part of the matcher's cache key: matchers merged the old way are rebuilt
# categories that say more about a term than "the brand avoids it": a list giving one of them is heeded
SPECIFIC_CATEGORIES: frozenset[Category] = frozenset({"ad_law", "health_claim", "competitor", "platform_rule"})


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


def with_profile_precedence(profile_rules: Lexicon, word_lists: Lexicon) -> Lexicon:
    """The profile's rules and the word lists' rules merged, one rule per term both know (see the module
    docstring for who wins); terms only one side knows keep their own rule."""
    known: dict[str, list[int]] = {}
    merged = [rule.model_copy() for rule in profile_rules.rules]
    for index, rule in enumerate(merged):
        known.setdefault(normalize_term(rule.term), []).append(index)
    for rule in word_lists.rules:
        indices = known.get(normalize_term(rule.term))
        if not indices:
            merged.append(rule)
            continue
        for index in indices:
            own = merged[index]
            severity = _more_severe(own.severity, rule.severity)
            if own.category == "brand_term" and rule.category in SPECIFIC_CATEGORIES:
                merged[index] = rule.model_copy(update={
                    "severity": severity, "suggestion": rule.suggestion or own.suggestion,
                    "message": rule.message or own.message})
            else:
                merged[index] = own.model_copy(update={"severity": severity})
    return Lexicon(rules=merged, allow=[*profile_rules.allow, *word_lists.allow],
                   self_comparison_markers=[*profile_rules.self_comparison_markers,
                                            *word_lists.self_comparison_markers],
                   sources=[*profile_rules.sources, *word_lists.sources])


def _more_severe(first: Severity, second: Severity) -> Severity:
    return first if SEVERITY_ORDER[first] <= SEVERITY_ORDER[second] else second


def rules_text(lexicon: Lexicon) -> str:
    """The rules as one text, for the matcher's cache key: any change to the profile's rules (or to how they
    are merged with word lists) changes it."""
    return "\n".join([PRECEDENCE_VERSION, *(rule.model_dump_json() for rule in lexicon.rules)])
