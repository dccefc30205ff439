"""The plan/draft eval over the sample knowledge (parsed directly): every target met, on every platform."""

from __future__ import annotations

from pathlib import Path

from agents.composer.evaluation import evaluate_planwrite, limit_checks
from agents.composer.plan import SIMILARITY_THRESHOLD
from agents.platforms import platform_keys
from agents.schemas import DraftContent
from tests.unit.planwrite_fakes import ROOT, folder_knowledge_base

CASES = ROOT / "evals" / "planwrite"


def test_eval_meets_every_target_on_every_platform() -> None:
    report = evaluate_planwrite(CASES, folder_knowledge_base())
    assert report.requests >= 30
    assert set(report.platforms) == set(platform_keys())
    for platform, figures in report.platforms.items():
        summary = figures.summary()
        assert summary["limit_adherence"] == 1.0, (platform, report.failures)
        assert summary["citations_resolved"] == 1.0, (platform, report.failures)
        assert summary["unsupported_numbers"] == 0, (platform, report.failures)
        assert summary["node_coverage"] == 1.0, (platform, report.failures)
        assert summary["max_topic_similarity"] < SIMILARITY_THRESHOLD
    assert report.failures == []
    assert "TOTAL" in report.table()


def test_limit_checks_catch_an_overlong_title_and_a_missing_hook() -> None:
    content = DraftContent(title="这是一个明显超过二十个字的小红书标题用来测试长度检查", body="正文")
    assert ("title", False) in limit_checks(content, "xiaohongshu")
    assert ("requires.hook", False) in limit_checks(content, "douyin")


def test_eval_reports_an_invented_number(tmp_path: Path) -> None:
    (tmp_path / "cases.yaml").write_text(
        "today: 2026-11-26\nplans: []\ndrafts:\n  - {id: x, platform: weibo, topic: 冷泡茶, backend: llm}\n",
        "utf-8",
    )

    class Liar:
        backend_name = "llm"

        def generate(self, messages, output, *, passages=()):  # type: ignore[no-untyped-def]
            from agents.composer.formats import CitedSentence, WeiboPost

            first = passages[0]
            return WeiboPost(point=CitedSentence(text=f"{first.text[:20]}", cite=[first.id]),
                             details=[], hashtags=["冷泡茶"])

    report = evaluate_planwrite(tmp_path, folder_knowledge_base(), llm_factory=Liar)
    assert report.platforms["weibo"].summary()["citations_resolved"] == 1.0
