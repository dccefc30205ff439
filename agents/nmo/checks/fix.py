"""Applying the unambiguous suggestions of a check and showing the change as a diff."""

from __future__ import annotations

import difflib

from nmo.schemas import Finding

FIXABLE_CATEGORIES = frozenset({"typo", "punctuation", "brand_term"})
_ADVICE_MARKS = ("删除", "，或", "改为", "写明", "确认", "补写", "保留", "删减", "按平台")


def is_unambiguous(finding: Finding) -> bool:
    """True when the suggestion is a literal replacement for the flagged span, not advice."""
    suggestion = finding.suggestion
    return (
        finding.category in FIXABLE_CATEGORIES
        and suggestion is not None
        and finding.end > finding.start
        and len(suggestion) <= 20
        and not any(mark in suggestion for mark in _ADVICE_MARKS)
    )


def apply_fixes(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """The text with every unambiguous, non-overlapping suggestion applied, and the findings used."""
    chosen: list[Finding] = []
    for finding in sorted((f for f in findings if is_unambiguous(f)), key=lambda f: (f.start, f.end)):
        if chosen and finding.start < chosen[-1].end:
            continue
        if text[finding.start : finding.end] != finding.text:
            continue
        chosen.append(finding)
    pieces: list[str] = []
    cursor = 0
    for finding in chosen:
        pieces.append(text[cursor : finding.start])
        pieces.append(finding.suggestion or "")
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces), chosen


def unified_diff(before: str, after: str, name: str) -> str:
    """A unified diff between two versions of a text."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=name,
            tofile=f"{name} (fixed)",
        )
    )
