"""The gate: every deterministic check over one text, assembled from settings and the brand's profile."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from nmo.brand.profile import BrandProfile, ToneRules
from nmo.brand.store import BrandStore
from nmo.checks.dictionary import use_cache_dir
from nmo.checks.exemptions import is_exempt
from nmo.checks.facts import FactChecker
from nmo.checks.lexicon import BUILTIN_LISTS, Lexicon, builtin_lexicon, lexicon_paths, load_lexicon_file
from nmo.checks.matcher import TermMatcher, lexicon_fingerprint, load_cached_matcher, save_cached_matcher
from nmo.checks.normalize import normalize
from nmo.checks.pii import pii_findings
from nmo.checks.platform_rules import (
    forbidden_rules,
    link_findings,
    offsite_contact_findings,
    platform_findings,
)
from nmo.checks.profile_rules import profile_lexicon, rules_text, with_profile_precedence
from nmo.checks.punctuation import punctuation_findings
from nmo.checks.tone import tone_findings
from nmo.checks.typos import TypoChecker
from nmo.config import Settings
from nmo.platforms import get_platform
from nmo.schemas import SEVERITY_ORDER, CheckResult, DraftContent, Finding, text_hash


class ChineseGate:
    """Deterministic proofreading and compliance checks; satisfies nmo.ports.Gate."""

    def __init__(
        self, matcher: TermMatcher, facts: FactChecker | None = None, typos: TypoChecker | None = None,
        tone: ToneRules | None = None,
    ) -> None:
        self.matcher = matcher
        self.facts = facts
        self.typos = typos
        self.tone = tone

    def findings(
        self, text: str, *, platform: str | None = None, content: DraftContent | None = None
    ) -> list[Finding]:
        """All findings for a text, most severe first, then in reading order."""
        with _cyclic_gc_paused():
            return self._findings(text, platform=platform, content=content)

    def _findings(self, text: str, *, platform: str | None, content: DraftContent | None) -> list[Finding]:
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
            if self.tone is not None:
                found.extend(tone_findings(text, self.tone))
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


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a long text makes tens of thousands of findings (no cycles),
    and each collection would walk the whole heap (the loaded lexicons) — ~35% of a 1 MB check."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (category, span): the most severe wins."""
    best: dict[tuple[str, int, int, str], tuple[int, Finding]] = {}
    for finding in findings:
        key = (finding.category, finding.start, finding.end, finding.rule_id if finding.end == 0 else "")
        rank = SEVERITY_ORDER[finding.severity]
        held = best.get(key)
        if held is None or rank < held[0]:
            best[key] = (rank, finding)
    # plain tuples sort without a key function; the index breaks ties before Finding is compared
    ordered = sorted(
        (rank, f.start, f.end, f.rule_id, index, f) for index, (rank, f) in enumerate(best.values())
    )
    return [row[-1] for row in ordered]


def lexicon_folders(settings: Settings) -> list[Path]:
    """Where lexicons live: the brand's (stored at ingest) and the user's imports (home/lexicons)."""
    return [settings.brand_path / "lexicons", settings.home / "lexicons"]


def build_lexicon(paths: Sequence[Path], profile: BrandProfile | None = None) -> Lexicon:
    """Built-in lists, platform forbidden phrases, then the brand profile's rules merged with every lexicon file
    (the profile's precedence over word lists: nmo.checks.profile_rules)."""
    lexicon = builtin_lexicon()
    lexicon.rules.extend(forbidden_rules())
    word_lists = Lexicon()
    for path in paths:
        word_lists.extend(load_lexicon_file(path))
    lexicon.extend(with_profile_precedence(profile_lexicon(profile), word_lists) if profile is not None else word_lists)
    return lexicon


def build_matcher(
    settings: Settings, extra_lexicons: Sequence[Path] = (), profile: BrandProfile | None = None
) -> TermMatcher:
    """The term matcher for these settings, from the pickled cache when no list (nor the profile) has changed."""
    if profile is None:
        profile = BrandStore.for_settings(settings).profile()
    paths = lexicon_paths(lexicon_folders(settings), extra_lexicons)
    data = resources.files("nmo.data")
    texts = [data.joinpath(name).read_text("utf-8") for name in (*BUILTIN_LISTS, "platforms.yaml")]
    texts.append(rules_text(profile_lexicon(profile)))
    cache_file = settings.home / "cache" / f"matcher-{lexicon_fingerprint(paths, texts)}.pickle"
    cached = load_cached_matcher(cache_file)
    if cached is not None:
        return cached
    matcher = TermMatcher(build_lexicon(paths, profile))
    save_cached_matcher(matcher, cache_file)
    return matcher


def build_gate(settings: Settings, extra_lexicons: Sequence[Path] = ()) -> ChineseGate:
    """The gate for the brand in use: built-in lists + its profile's rules, facts and tone + its and the user's
    lexicons + typo rules; nothing depends on the working directory."""
    use_cache_dir(settings.home / "cache")
    profile = BrandStore.for_settings(settings).profile()
    return ChineseGate(
        build_matcher(settings, extra_lexicons, profile),
        FactChecker(profile.products, settings.clock) if profile.products else None,
        TypoChecker(),
        profile.tone,
    )
