"""The retrieval targets on the sample knowledge base: recall@5 ≥ 0.90 and MRR ≥ 0.75 in the default mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.config import Settings
from nmo.knowledge import open_knowledge_base
from nmo.knowledge.evaluate import DEFAULT_CASES, evaluate_retrieval, load_cases

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge"


def test_eval_set_is_big_enough_and_points_at_real_files() -> None:
    cases = load_cases(DEFAULT_CASES)
    assert len(cases) >= 60 and len({c.id for c in cases}) == len(cases)
    for case in cases:
        for source in case.sources:
            assert (SAMPLE / source).is_file(), f"{case.id}: {source}"


def test_default_mode_meets_the_retrieval_targets(tmp_path: Path) -> None:
    if not SAMPLE.is_dir():
        pytest.skip("sample knowledge base knowledge/ is not in this checkout")
    kb = open_knowledge_base(Settings(home=tmp_path, chroma_url=None))
    kb.ingest([SAMPLE])
    report = evaluate_retrieval(kb, load_cases(DEFAULT_CASES), modes=(kb.retrieval_mode,))
    metrics = report.modes[kb.retrieval_mode]
    assert metrics.recall_at_k >= 0.90, report.table()
    assert metrics.mrr >= 0.75, report.table()
