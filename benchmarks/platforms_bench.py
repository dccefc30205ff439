"""Every platform in the table, drafted offline on the sample brand and each test brand, then gated.

    .venv/bin/python benchmarks/platforms_bench.py

For each brand (knowledge/ and evals/brands/*), ingests the folder into a throwaway data folder, drafts one
piece per platform for two of the brand's own topics (a product and a pillar), and prints per brand: drafts
within every platform limit (no blocking platform_rule finding), drafts with their shape's required parts,
drafts that owe and lack the AI declaration (every one, until a label or the platform switch is set), and
drafts that give a purchase path without a 「广告」 label. Baseline in the same run: the same drafts before
this registry existed had no disclosure findings at all (the gate's other categories are not counted here).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nmo.checks import build_gate  # noqa: E402
from nmo.composer.brand import load_brand_profile  # noqa: E402
from nmo.config import Settings  # noqa: E402
from nmo.errors import NmoError  # noqa: E402
from nmo.knowledge import open_knowledge_base  # noqa: E402
from nmo.platforms import get_platform, platform_keys  # noqa: E402
from nmo.prompts import PromptLibrary  # noqa: E402
from nmo.schemas import DraftBrief  # noqa: E402
from nmo.writer import KnowledgeWriter  # noqa: E402


def brand_folders() -> dict[str, Path]:
    """The sample brand and every test brand with a hand key."""
    folders = {"knowledge": ROOT / "knowledge"}
    for key in sorted((ROOT / "evals" / "brands").glob("*.answer.yaml")):
        name = key.name.removesuffix(".answer.yaml")
        if (ROOT / "evals" / "brands" / name).is_dir():
            folders[name] = ROOT / "evals" / "brands" / name
    return folders


def main() -> None:
    header = f"{'brand':<10} {'drafts':>6} {'in limits':>9} {'parts':>6} {'owe AI':>7} {'owe 广告':>8} {'s/draft':>8}"
    print(header)
    totals = [0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as home:
        for brand, folder in brand_folders().items():
            settings = Settings(home=Path(home) / brand, knowledge_dir=folder, collection=f"bench-{brand}")
            kb = open_knowledge_base(settings)
            kb.ingest([folder])
            gate = build_gate(settings)
            writer = KnowledgeWriter(kb, None, PromptLibrary.load())
            profile = load_brand_profile(kb)
            topics = [t for t in (
                f"{profile.products[0]}怎么选" if profile.products else "",
                profile.pillars[0].examples[0] if profile.pillars and profile.pillars[0].examples else "",
            ) if t] or ["新手入门指南"]
            counts = [0, 0, 0, 0, 0]
            started = time.perf_counter()
            for platform in platform_keys():
                spec = get_platform(platform)
                for topic in topics:
                    try:
                        draft = writer.write(DraftBrief(platform=platform, topic=topic))
                    except NmoError as error:
                        print(f"  {brand}/{platform}/{topic}: {error.problem}")
                        continue
                    findings = gate.check(draft.text, platform=platform, content=draft.content).findings
                    counts[0] += 1
                    counts[1] += not any(f.category == "platform_rule" and f.blocking for f in findings)
                    counts[2] += all(getattr(draft.content, part) for part in spec.requires)
                    counts[3] += any(f.rule_id == "disclosure.ai_label" for f in findings)
                    counts[4] += any(f.rule_id == "disclosure.ad_label" for f in findings)
            seconds = (time.perf_counter() - started) / max(counts[0], 1)
            print(f"{brand:<10} {counts[0]:>6} {counts[1]:>9} {counts[2]:>6} {counts[3]:>7} {counts[4]:>8} "
                  f"{seconds:>8.2f}")
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
    drafts = max(totals[0], 1)
    print(f"{'all':<10} {totals[0]:>6} {totals[1]:>9} {totals[2]:>6} {totals[3]:>7} {totals[4]:>8}")
    print(f"within limits {totals[1] / drafts:.3f}; required parts {totals[2] / drafts:.3f}; "
          f"AI declaration owed {totals[3] / drafts:.3f} (baseline before the registry: 0 flagged)")


if __name__ == "__main__":
    main()
