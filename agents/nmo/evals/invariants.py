"""The gate's invariants over stored drafts: every reviewed draft was checked, planted violations were
flagged, and no approval skipped a blocking finding without the reviewer's override note."""

from __future__ import annotations

from collections.abc import Iterable

from nmo.evals.cases import Planted
from nmo.schemas import DraftRecord

REVIEWED = ("pending_review", "approved", "rejected")


def drafts_without_check(records: Iterable[DraftRecord]) -> list[str]:
    """IDs of drafts that reached review (or beyond) without a stored check of their current text."""
    missing: list[str] = []
    for record in records:
        if record.status not in REVIEWED:
            continue
        latest = record.revisions[-1] if record.revisions else None
        if record.check is None or latest is None or latest.check is None or latest.text != record.text:
            missing.append(record.draft_id)
    return missing


def unflagged_planted(record: DraftRecord, planted: Iterable[Planted]) -> list[Planted]:
    """Planted violations present in the reviewed text that no finding of their category covers."""
    findings = record.check.findings if record.check else []
    missed: list[Planted] = []
    for violation in planted:
        spans = _occurrences(record.text, violation.text)
        for start, end in spans:
            covered = any(
                f.category == violation.category and f.start < end and start < f.end for f in findings
            )
            if not covered:
                missed.append(violation)
                break
    return missed


def approved_without_override(records: Iterable[DraftRecord]) -> list[str]:
    """IDs of approved drafts that still carry a blocking finding with no reviewer note on the approval."""
    bad: list[str] = []
    for record in records:
        if record.status != "approved" or record.check is None or record.check.passed:
            continue
        approvals = [d for d in record.decisions if d.action in ("approve", "edit")]
        if not approvals or not approvals[-1].note.strip():
            bad.append(record.draft_id)
    return bad


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = text.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans
