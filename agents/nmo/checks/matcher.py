"""One Aho–Corasick automaton over every term list, with allow-list and self-comparison exemptions."""

from __future__ import annotations

import hashlib
import pickle
import re
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from nmo.checks.lexicon import Lexicon
from nmo.checks.normalize import SEPARATORS, NormalizedText, fold
from nmo.schemas import SEVERITY_ORDER, Category, Finding, Severity

CACHE_VERSION = "matcher-v3"
_ALLOWED = 1
_ASCII_EDGE = 2
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


class RuleKind(NamedTuple):
    """What a hit means: the fields lexicon rules share (one per list/group, not one per term)."""

    category: Category
    severity: Severity
    suggestion: str | None
    message: str
    group: str
    platforms: tuple[str, ...]


class TermHit(NamedTuple):
    """A raw automaton hit in normalised coordinates, with the rule kinds of its term."""

    start: int
    end: int
    kinds: tuple[int, ...]


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class TermMatcher:
    """Matches every lexicon term at once over normalised text and turns hits into findings.

    One double-array Aho–Corasick automaton (daachorse) over the matching forms; pattern i's rule kinds
    are `entry_kinds[i]` and its flags `entry_flags[i]` (allowed, has an ASCII edge). Rules sharing
    category, severity and advice share one RuleKind, so a 50k-term list pickles and loads quickly."""

    def __init__(self, lexicon: Lexicon) -> None:
        import daachorse

        self.kinds: list[RuleKind] = []
        self.markers = tuple(lexicon.self_comparison_markers)
        kind_ids: dict[RuleKind, int] = {}
        terms = [r.term for r in lexicon.rules]
        keys = _matching_forms([*terms, *lexicon.allow])
        entries: dict[str, tuple[dict[int, None], bool]] = {}
        for rule, key in zip(lexicon.rules, keys, strict=False):
            if not key:
                continue
            kind = RuleKind(
                rule.category, rule.severity, rule.suggestion, rule.message, rule.group, tuple(rule.platforms)
            )
            kind_id = kind_ids.setdefault(kind, len(kind_ids))
            if kind_id == len(self.kinds):
                self.kinds.append(kind)
            ids = entries.setdefault(key, ({}, False))[0]
            ids.pop(kind_id, None)  # keep rule order: the last rule of a kind decides ties
            ids[kind_id] = None
        for key in keys[len(terms) :]:
            if key:
                ids, _ = entries.get(key, ({}, False))
                entries[key] = (ids, True)
        shared: dict[tuple[int, ...], tuple[int, ...]] = {}
        self.entry_kinds: list[tuple[int, ...]] = []
        flags = bytearray()
        for key, (ids, allowed) in entries.items():
            kinds = tuple(ids)
            self.entry_kinds.append(shared.setdefault(kinds, kinds))  # one object per distinct tuple
            ascii_edge = _is_word_char(key[0]) or _is_word_char(key[-1])
            flags.append(_ALLOWED * allowed | _ASCII_EDGE * ascii_edge)
        self.entry_flags = bytes(flags)
        self.size = len(entries)
        self._automaton = daachorse.CharwiseDoubleArrayAhoCorasick(list(entries)) if entries else None

    def hits(self, norm: NormalizedText) -> tuple[list[TermHit], list[tuple[int, int]]]:
        """Rule hits and allowed spans, in normalised coordinates."""
        if self._automaton is None:
            return [], []
        text = norm.text
        size = len(text)
        flags, entry_kinds = self.entry_flags, self.entry_kinds
        hits: list[TermHit] = []
        allowed: list[tuple[int, int]] = []
        for start, end, entry in self._automaton.find_overlapping(text):
            flag = flags[entry]
            if flag & _ASCII_EDGE and (
                (start > 0 and _is_word_char(text[start]) and _is_word_char(text[start - 1]))
                or (end < size and _is_word_char(text[end - 1]) and _is_word_char(text[end]))
            ):
                continue
            if flag & _ALLOWED:
                allowed.append((start, end))
            kinds = entry_kinds[entry]
            if kinds:
                hits.append(TermHit(start, end, kinds))
        return hits, allowed

    def _best_kind(self, kinds: tuple[int, ...], platform: str | None) -> int | None:
        """The most severe kind that applies on this platform (the latest rule wins ties)."""
        best: int | None = None
        for kind_id in kinds:
            kind = self.kinds[kind_id]
            if kind.platforms and (platform is None or platform not in kind.platforms):
                continue
            if best is None or SEVERITY_ORDER[kind.severity] <= SEVERITY_ORDER[self.kinds[best].severity]:
                best = kind_id
        return best

    def findings(self, norm: NormalizedText, platform: str | None = None) -> list[Finding]:
        """Findings for every term hit not exempted by an allow entry or a longer hit of its category."""
        hits, allowed = self.hits(norm)
        starts, ends = _merge_spans(allowed)
        best_for: dict[tuple[int, ...], int | None] = {}
        kept: list[tuple[int, int, RuleKind]] = []
        for hit in hits:
            # exempt when an allowed span covers the hit's last character (最后 over 最; 第一次 over 全网第一)
            if starts:
                index = bisect_right(starts, hit.end - 1) - 1
                if index >= 0 and ends[index] >= hit.end:
                    continue
            if hit.kinds in best_for:
                best = best_for[hit.kinds]
            else:
                best = best_for[hit.kinds] = self._best_kind(hit.kinds, platform)
            if best is not None:
                kept.append((hit.start, hit.end, self.kinds[best]))
        kept = _drop_contained(kept)
        boundaries = [m.end() for m in _SENTENCE_END.finditer(norm.original)] if self.markers else []
        labels: dict[RuleKind, tuple[str, str]] = {}
        out: list[Finding] = []
        for start, end, kind in kept:
            o_start, o_end = norm.span(start, end)
            label = labels.get(kind)
            if label is None:
                label = labels[kind] = (f"{kind.category}.{kind.group}", kind.message or f"词表命中：{kind.group}")
            rule_id, message = label
            severity = kind.severity
            if kind.category == "ad_law" and self._self_comparison(norm.original, o_start, boundaries):
                severity, message = "info", message + "（句中为与自家产品比较，通常豁免，请确认）"
            out.append(
                Finding(
                    rule_id=rule_id,
                    category=kind.category,
                    severity=severity,
                    start=o_start,
                    end=o_end,
                    text=norm.original[o_start:o_end],
                    message=message,
                    suggestion=kind.suggestion,
                )
            )
        return out

    def _self_comparison(self, text: str, offset: int, boundaries: list[int]) -> bool:
        if not self.markers:
            return False
        index = bisect_right(boundaries, offset)
        start = boundaries[index - 1] if index else 0
        end = boundaries[index] if index < len(boundaries) else len(text)
        sentence = text[start:end]
        return any(marker in sentence for marker in self.markers)


def _merge_spans(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, merged [start, end) spans as two parallel lists for bisecting."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _drop_contained(hits: list[tuple[int, int, RuleKind]]) -> list[tuple[int, int, RuleKind]]:
    """Within one category, a hit inside a longer hit is dropped (最好喝 wins over 最好)."""
    # (start, -end) is unique per hit (one automaton key per normalised span), so plain tuples sort fast
    ordered = sorted((start, -end, kind) for start, end, kind in hits)
    kept: list[tuple[int, int, RuleKind]] = []
    reach: dict[str, int] = {}
    for start, negative_end, kind in ordered:
        end = -negative_end
        if reach.get(kind.category, -1) >= end:
            continue
        kept.append((start, end, kind))
        reach[kind.category] = max(reach.get(kind.category, -1), end)
    return kept


def _matching_forms(terms: Sequence[str]) -> list[str]:
    """Normalised form of many terms at once (one OpenCC call), separators removed."""
    if not terms:
        return []
    cleaned = [t.replace("\n", " ") for t in terms]
    folded = fold("\n".join(cleaned)).split("\n")
    return [SEPARATORS.sub("", f) for f in folded]


def lexicon_fingerprint(paths: Sequence[Path], texts: Sequence[str]) -> str:
    """A key that changes whenever any list the matcher is built from changes: the files (by path, time
    and size) and the lists given as text (built-in lists, the brand profile's rules)."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for text in texts:
        digest.update(text.encode("utf-8"))
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}".encode())
    return digest.hexdigest()[:20]


def load_cached_matcher(cache_file: Path) -> TermMatcher | None:
    """A matcher pickled by an earlier run, or None when absent or unreadable."""
    try:
        with cache_file.open("rb") as handle:
            matcher = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return matcher if isinstance(matcher, TermMatcher) else None


def save_cached_matcher(matcher: TermMatcher, cache_file: Path) -> None:
    """Pickle a matcher for the next cold start; an unwritable data dir only costs speed."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        for stale in cache_file.parent.glob("matcher-*.pickle"):
            stale.unlink(missing_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(matcher, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
    except OSError:
        return
