"""One Aho–Corasick automaton over every term list, with allow-list and self-comparison exemptions."""

from __future__ import annotations

import hashlib
import pickle
import re
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from agents.checks.lexicon import Lexicon
from agents.checks.normalize import SEPARATORS, NormalizedText, fold
from agents.schemas import SEVERITY_ORDER, Category, Finding, Severity

CACHE_VERSION = "matcher-v1"
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


class RuleRow(NamedTuple):
    """A lexicon rule in a compact, fast-to-unpickle form."""

    term: str
    category: Category
    severity: Severity
    suggestion: str | None
    message: str
    group: str
    platforms: tuple[str, ...]


class TermHit(NamedTuple):
    """A raw automaton hit in normalised coordinates."""

    start: int
    end: int
    rules: tuple[int, ...]


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class TermMatcher:
    """Matches every lexicon term at once over normalised text and turns hits into findings."""

    def __init__(self, lexicon: Lexicon) -> None:
        import ahocorasick

        self.rows: list[RuleRow] = []
        self.markers = tuple(lexicon.self_comparison_markers)
        automaton: Any = ahocorasick.Automaton()
        terms = [r.term for r in lexicon.rules]
        keys = _matching_forms([*terms, *lexicon.allow])
        entries: dict[str, tuple[list[int], bool]] = {}
        for rule, key in zip(lexicon.rules, keys, strict=False):
            if not key:
                continue
            self.rows.append(
                RuleRow(
                    rule.term,
                    rule.category,
                    rule.severity,
                    rule.suggestion,
                    rule.message,
                    rule.group,
                    tuple(rule.platforms),
                )
            )
            entries.setdefault(key, ([], False))[0].append(len(self.rows) - 1)
        for key in keys[len(terms) :]:
            if key:
                ids, _ = entries.get(key, ([], False))
                entries[key] = (ids, True)
        for key, (ids, allowed) in entries.items():
            automaton.add_word(key, (len(key), tuple(ids), allowed))
        self.size = len(entries)
        if entries:
            automaton.make_automaton()
        self._automaton = automaton if entries else None

    def hits(self, norm: NormalizedText) -> tuple[list[TermHit], list[tuple[int, int]]]:
        """Rule hits and allowed spans, in normalised coordinates."""
        if self._automaton is None:
            return [], []
        text = norm.text
        hits: list[TermHit] = []
        allowed: list[tuple[int, int]] = []
        for end_index, (length, ids, is_allowed) in self._automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if _is_word_char(text[start]) and start > 0 and _is_word_char(text[start - 1]):
                continue
            if _is_word_char(text[end - 1]) and end < len(text) and _is_word_char(text[end]):
                continue
            if is_allowed:
                allowed.append((start, end))
            if ids:
                hits.append(TermHit(start, end, ids))
        return hits, allowed

    def findings(self, norm: NormalizedText, platform: str | None = None) -> list[Finding]:
        """Findings for every term hit not exempted by an allow entry or a longer hit of its category."""
        hits, allowed = self.hits(norm)
        starts, ends = _merge_spans(allowed)
        kept: list[tuple[int, int, RuleRow]] = []
        for hit in hits:
            # exempt when an allowed span covers the hit's last character (最后 over 最; 第一次 over 全网第一)
            index = bisect_right(starts, hit.end - 1) - 1
            if index >= 0 and ends[index] >= hit.end:
                continue
            rows = [
                self.rows[i]
                for i in hit.rules
                if not self.rows[i].platforms or (platform is not None and platform in self.rows[i].platforms)
            ]
            if rows:
                best = min(reversed(rows), key=lambda r: SEVERITY_ORDER[r.severity])
                kept.append((hit.start, hit.end, best))
        kept = _drop_contained(kept)
        boundaries = [m.end() for m in _SENTENCE_END.finditer(norm.original)] if self.markers else []
        out: list[Finding] = []
        for start, end, row in kept:
            o_start, o_end = norm.span(start, end)
            severity, message = row.severity, row.message or f"词表命中：{row.group}"
            if row.category == "ad_law" and self._self_comparison(norm.original, o_start, boundaries):
                severity, message = "info", message + "（句中为与自家产品比较，通常豁免，请确认）"
            out.append(
                Finding(
                    rule_id=f"{row.category}.{row.group}",
                    category=row.category,
                    severity=severity,
                    start=o_start,
                    end=o_end,
                    text=norm.original[o_start:o_end],
                    message=message,
                    suggestion=row.suggestion,
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


def _drop_contained(hits: list[tuple[int, int, RuleRow]]) -> list[tuple[int, int, RuleRow]]:
    """Within one category, a hit inside a longer hit is dropped (最好喝 wins over 最好)."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, RuleRow]] = []
    reach: dict[str, int] = {}
    for start, end, row in hits:
        if reach.get(row.category, -1) >= end:
            continue
        kept.append((start, end, row))
        reach[row.category] = max(reach.get(row.category, -1), end)
    return kept


def _matching_forms(terms: Sequence[str]) -> list[str]:
    """Normalised form of many terms at once (one OpenCC call), separators removed."""
    if not terms:
        return []
    cleaned = [t.replace("\n", " ") for t in terms]
    folded = fold("\n".join(cleaned)).split("\n")
    return [SEPARATORS.sub("", f) for f in folded]


def lexicon_fingerprint(paths: Sequence[Path], builtin_texts: Sequence[str]) -> str:
    """A key that changes whenever any list the matcher is built from changes."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for text in builtin_texts:
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
