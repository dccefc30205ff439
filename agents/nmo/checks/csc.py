"""Chinese spelling check (CSC) data: mining confusion pairs from train splits and scoring detection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from nmo.schemas import Finding

Detector = Callable[[str], list[Finding]]


class CscPair(BaseModel):
    """One line of a CSC file: label (0 = correct, n = n errors), the source and its correction."""

    label: int
    source: str
    target: str

    def error_positions(self) -> set[int]:
        """Character positions where source and target differ (same-length pairs only)."""
        if len(self.source) != len(self.target):
            return set()
        return {i for i, (a, b) in enumerate(zip(self.source, self.target, strict=True)) if a != b}


def load_csc(path: Path) -> list[CscPair]:
    """Pairs from a `label<TAB>source<TAB>target` file; malformed lines are skipped."""
    pairs: list[CscPair] = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].strip().isdigit():
            pairs.append(CscPair(label=int(parts[0]), source=parts[1], target=parts[2]))
    return pairs


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def mine_confusion_pairs(
    train: Sequence[CscPair], dictionary: frozenset[str], clean_texts: Iterable[str]
) -> dict[str, str]:
    """Wrong→right n-grams from train corrections, kept only when the right form is a dictionary word,
    the wrong form is not, and the wrong form never occurs in clean text."""
    candidates: dict[str, str] = {}
    for pair in train:
        if pair.label == 0:
            continue
        for i in sorted(pair.error_positions()):
            for lo, hi in ((i - 1, i + 1), (i, i + 2), (i - 1, i + 2), (i - 2, i + 1), (i, i + 3)):
                if lo < 0 or hi > len(pair.source):
                    continue
                wrong, right = pair.source[lo:hi], pair.target[lo:hi]
                if _is_cjk(wrong) and _is_cjk(right) and right in dictionary and wrong not in dictionary:
                    candidates.setdefault(wrong, right)
                    break
    clean = "\n".join(clean_texts)
    return {wrong: right for wrong, right in candidates.items() if wrong not in clean}


class CscMetrics(BaseModel):
    """Sentence-level detection scores; a detection is correct only when a flagged span covers an error."""

    sentences: int
    positives: int
    negatives: int
    flagged: int
    true_positives: int
    false_alarms_on_correct: int

    @property
    def precision(self) -> float:
        """Correct detections / flagged sentences."""
        return self.true_positives / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        """Correct detections / sentences with errors."""
        return self.true_positives / self.positives if self.positives else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """Flagged correct sentences / correct sentences."""
        return self.false_alarms_on_correct / self.negatives if self.negatives else 0.0

    def summary(self) -> dict[str, float | int]:
        """Plain numbers for printing."""
        return {
            "sentences": self.sentences,
            "positives": self.positives,
            "negatives": self.negatives,
            "flagged": self.flagged,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
        }


def evaluate_csc(detect: Detector, pairs: Sequence[CscPair]) -> CscMetrics:
    """Score a typo detector (text → typo findings) on CSC pairs at sentence level."""
    flagged = tp = false_alarms = positives = 0
    for pair in pairs:
        findings = [f for f in detect(pair.source) if f.category == "typo" and f.severity != "info"]
        errors = pair.error_positions()
        is_error = pair.label > 0
        positives += is_error
        if not findings:
            continue
        flagged += 1
        if not is_error:
            false_alarms += 1
        elif any(f.start <= pos < f.end for f in findings for pos in errors):
            tp += 1
    return CscMetrics(
        sentences=len(pairs),
        positives=positives,
        negatives=len(pairs) - positives,
        flagged=flagged,
        true_positives=tp,
        false_alarms_on_correct=false_alarms,
    )
