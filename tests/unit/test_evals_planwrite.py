"""The plan/draft eval over the sample knowledge (parsed directly): every target met, on every platform."""

from __future__ import annotations

from pathlib import Path

from nmo.evals.planwrite import evaluate_planwrite, limit_checks
from nmo.platforms import platform_keys
from nmo.schemas import DraftContent

from tests.fakes import reply
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
        assert summary["max_topic_similarity"] < report.similarity_threshold
    assert report.failures == []


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
            from nmo.composer.formats import CitedSentence, WeiboPost

            first = passages[0]
            return reply(WeiboPost(point=CitedSentence(text=f"{first.text[:20]}", cite=[first.id]),
                             details=[], hashtags=["冷泡茶"]))

    report = evaluate_planwrite(tmp_path, folder_knowledge_base(), llm_factory=Liar)
    assert report.platforms["weibo"].summary()["citations_resolved"] == 1.0


def test_topic_matcher_uses_an_encoder_when_the_knowledge_base_has_one() -> None:
    import numpy as np
    from nmo.composer.similarity import SEMANTIC_THRESHOLD, TopicMatcher

    class Encoder:
        """Maps texts about the same thing to the same axis, like a sentence encoder would."""

        def embed_passages(self, texts: list[str]) -> np.ndarray:
            return np.array([[1.0, 0.0] if "冰箱" in t else [0.0, 1.0] for t in texts])

    matcher = TopicMatcher(["办公室没冰箱，冷泡茶怎么放"], Encoder())
    assert matcher.method == "semantic" and matcher.threshold == SEMANTIC_THRESHOLD
    assert matcher.score("没有冰箱也能冷泡")[0] == 1.0
    assert matcher.score("桂林桂花采收")[0] == 0.0
    lexical = TopicMatcher(["办公室没冰箱，冷泡茶怎么放"])
    assert lexical.method == "lexical" and lexical.score("办公室没冰箱冷泡茶怎么放")[0] > 0.9
