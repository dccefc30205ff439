"""CSC detection figures for the gate's typo checks on SIGHAN-15 and ECSpell odw (test and train).

Run: .venv/bin/python benchmarks/gate_csc.py
Pairs were mined and rules tuned on *_train only; *_test rows are the reported figures.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from nmo.checks.csc import evaluate_csc, load_csc
from nmo.checks.particles import particle_findings
from nmo.checks.typos import TypoChecker

ROOT = Path(__file__).resolve().parents[1]
CSC = ROOT.parent / "shared" / "benchmarks" / "csc"
FILES = ("sighan15_test.tsv", "ecspell_odw_test.tsv", "sighan15_train.tsv", "ecspell_odw_train.tsv")


def main() -> int:
    """Print precision, recall and false alarms per file: full checker, curated rules only, and the
    的/地/得 part-of-speech rules alone (their false alarms on the correct sentences)."""
    if not CSC.is_dir():
        print(f"skip: {CSC} is absent")
        return 0
    full = TypoChecker()
    variants = {
        "full": full.findings,
        "curated_only": TypoChecker(use_mined=False).findings,
        "de_di_de_only": particle_findings,
    }
    for name in FILES:
        pairs = load_csc(CSC / name)
        for label, detect in variants.items():
            started = time.perf_counter()
            metrics = evaluate_csc(detect, pairs)
            row = {
                "file": name,
                "checker": label,
                **metrics.summary(),
                "seconds": round(time.perf_counter() - started, 2),
            }
            print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
