"""Mine typo confusion pairs from the CSC *train* files into agents/nmo/data/confusions_mined.yaml.

Run: .venv/bin/python benchmarks/gate_mine_csc.py   (reads ../shared/benchmarks/csc/*_train.tsv only)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from nmo.checks.csc import load_csc, mine_confusion_pairs
from nmo.checks.dictionary import word_tags

ROOT = Path(__file__).resolve().parents[1]
CSC = ROOT.parent / "shared" / "benchmarks" / "csc"
TRAIN = ("sighan15_train.tsv", "ecspell_odw_train.tsv")


def main() -> int:
    """Mine, filter against clean train text, write the YAML, print counts."""
    if not CSC.is_dir():
        print(f"skip: {CSC} is absent")
        return 0
    train = [pair for name in TRAIN for pair in load_csc(CSC / name)]
    clean = [p.target for p in train] + [p.source for p in train if p.label == 0]
    pairs = mine_confusion_pairs(
        train, frozenset(w for w, t in word_tags().items() if not t.startswith("rare:")), clean
    )
    out = ROOT / "agents" / "nmo" / "data" / "confusions_mined.yaml"
    header = (
        "# Confusion pairs mined by benchmarks/gate_mine_csc.py from the CSC train splits (SIGHAN-15 train,\n"
        "# ECSpell odw train; aopolin-lv/ECSpell, MIT). Kept only when the right form is a jieba dictionary\n"
        "# word, the wrong form is not, and the wrong form never occurs in the clean train text.\n"
    )
    words = [{"wrong": w, "right": r} for w, r in sorted(pairs.items())]
    out.write_text(
        header + yaml.safe_dump({"words": words}, allow_unicode=True, default_flow_style=None, width=200),
        "utf-8",
    )
    print(f"train pairs: {len(train)}; mined confusion pairs kept: {len(pairs)} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
