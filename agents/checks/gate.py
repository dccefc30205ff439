"""The gate: every deterministic check over one text, assembled from settings."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from agents.checks.dictionary import use_cache_dir
from agents.checks.exemptions import is_exempt
from agents.checks.facts import FactChecker, load_product_facts
from agents.checks.lexicon import BUILTIN_LISTS, Lexicon, builtin_lexicon, lexicon_paths, load_lexicon_file
from agents.checks.matcher import TermMatcher, lexicon_fingerprint, load_cached_matcher, save_cached_matcher
from agents.checks.normalize import normalize
from agents.checks.pii import pii_findings
from agents.checks.platform_rules import (
    forbidden_rules,
    link_findings,
    offsite_contact_findings,
    platform_findings,
)
from agents.checks.punctuation import punctuation_findings
from agents.checks.typos import TypoChecker
from agents.config import Settings
from agents.platforms import get_platform
from agents.schemas import SEVERITY_ORDER, CheckResult, DraftContent, Finding, text_hash


class ChineseGate:
    """Deterministic proofreading and compliance checks; satisfies agents.ports.Gate."""

    def __init__(
        self, matcher: TermMatcher, facts: FactChecker | None = None, typos: TypoChecker | None = None
    ) -> None:
        self.matcher = matcher
        self.facts = facts
        self.typos = typos

    def findings(
        self, text: str, *, platform: str | None = None, content: DraftContent | None = None
    ) -> list[Finding]:
        """All findings for a text, most severe first, then in reading order."""
        spec = get_platform(platform) if platform else None
        if not text and content is None:
            return []
        found: list[Finding] = []
        if text:
            found.extend(
                f
                for f in self.matcher.findings(normalize(text), spec.key if spec else None)
                if not is_exempt(text, f)
            )
            pii = pii_findings(text)
            found.extend(pii)
            found.extend(offsite_contact_findings(pii, spec))
            found.extend(punctuation_findings(text))
            found.extend(link_findings(text, spec))
            if self.facts is not None:
                found.extend(self.facts.findings(text))
            if self.typos is not None:
                found.extend(self.typos.findings(text))
        if spec is not None:
            found.extend(platform_findings(text, spec, content))
        return _dedupe(found)

    def check(
        self, text: str, *, platform: str | None = None, content: DraftContent | None = None
    ) -> CheckResult:
        """Check a text (and, when given, the draft's parts against the platform's rules)."""
        key = get_platform(platform).key if platform else None
        return CheckResult(
            findings=self.findings(text, platform=key, content=content),
            text_hash=text_hash(text),
            platform=key,
        )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (category, span): the most severe wins."""
    best: dict[tuple[str, int, int, str], Finding] = {}
    for finding in findings:
        key = (finding.category, finding.start, finding.end, finding.rule_id if finding.end == 0 else "")
        held = best.get(key)
        if held is None or SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[held.severity]:
            best[key] = finding
    return sorted(best.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.start, f.end, f.rule_id))


def lexicon_folders(settings: Settings) -> list[Path]:
    """Where lexicons live: the brand's (knowledge/lexicons) and the user's imports (home/lexicons)."""
    return [settings.knowledge_dir / "lexicons", settings.home / "lexicons"]


def build_lexicon(paths: Sequence[Path]) -> Lexicon:
    """Built-in lists, platform forbidden phrases, then every lexicon file in order."""
    lexicon = builtin_lexicon()
    lexicon.rules.extend(forbidden_rules())
    for path in paths:
        lexicon.extend(load_lexicon_file(path))
    return lexicon


def build_matcher(settings: Settings, extra_lexicons: Sequence[Path] = ()) -> TermMatcher:
    """The term matcher for these settings, from the pickled cache when no list has changed."""
    paths = lexicon_paths(lexicon_folders(settings), extra_lexicons)
    data = resources.files("agents.data")
    builtin_texts = [data.joinpath(name).read_text("utf-8") for name in (*BUILTIN_LISTS, "platforms.yaml")]
    cache_file = settings.home / "cache" / f"matcher-{lexicon_fingerprint(paths, builtin_texts)}.pickle"
    cached = load_cached_matcher(cache_file)
    if cached is not None:
        return cached
    matcher = TermMatcher(build_lexicon(paths))
    save_cached_matcher(matcher, cache_file)
    return matcher


def build_gate(settings: Settings, extra_lexicons: Sequence[Path] = ()) -> ChineseGate:
    """The gate for a brand: built-in lists + brand and user lexicons + product facts + typo rules."""
    use_cache_dir(settings.home / "cache")
    facts = load_product_facts(settings.knowledge_dir / "brand" / "products.md")
    return ChineseGate(
        build_matcher(settings, extra_lexicons), FactChecker(facts) if facts else None, TypoChecker()
    )
