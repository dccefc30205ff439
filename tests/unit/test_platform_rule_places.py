"""Platform-rule findings point at something: a real span of the text, or the whole draft (整篇) on the page."""

from __future__ import annotations

import pytest
from nmo.checks.platform_rules import platform_findings
from nmo.desk import draft_view
from nmo.platforms import get_platform, platform_keys
from nmo.render import render_draft
from nmo.schemas import CheckResult, DraftContent, DraftRecord, Finding, Shot, text_hash

TAGS = ["冷泡茶", "夏日", "办公室", "上班族", "白桃乌龙", "好物"]
SHOT = Shot(time="0-3s", visual="特写", voiceover="冷泡茶冬天也能喝？", onscreen="冬天喝冷泡")


def _findings(platform: str, content: DraftContent) -> tuple[str, dict[str, Finding]]:
    text = render_draft(content, platform)
    found = platform_findings(text, get_platform(platform), content)
    return text, {f.rule_id.removeprefix("platform_rule."): f for f in found}


def test_too_many_topics_points_at_the_line_of_topics() -> None:
    content = DraftContent(title="冷泡茶", hook="冬天也能喝", body="冷水泡一夜。", shots=[SHOT], hashtags=TAGS)
    _, found = _findings("douyin", content)
    finding = found["hashtag_count"]
    assert not finding.whole_draft
    assert finding.text == " ".join(f"#{t}" for t in TAGS)


def test_a_missing_part_and_the_feed_fold_are_whole_draft_findings() -> None:
    _, found = _findings("douyin", DraftContent(title="冷泡茶", hook="冬天也能喝", body="冷水泡一夜。"))
    assert found["requires_shots"].whole_draft and found["requires_shots"].scope == "draft"
    _, found = _findings("weibo", DraftContent(title="", body="冷水泡一夜，第二天清爽不苦。" * 15))
    assert found["fold"].whole_draft and "140" in found["fold"].message


def test_a_missing_digest_points_at_the_body_text_shown_in_its_place() -> None:
    body = ("冷泡茶不用烧水，一袋原叶茶包配常温水，放进冰箱一夜，第二天早上就是一瓶清爽不苦的茶。"
            "带去办公室，一天都有好茶喝。")
    _, found = _findings("wechat", DraftContent(title="冷泡茶", body=body))
    finding = found["digest_fallback"]
    assert not finding.whole_draft and finding.text == body[:54]


def test_a_title_over_the_limit_points_at_the_title() -> None:
    title = "上班第三年终于把奶茶换成了白桃乌龙冷泡茶真香"
    text, found = _findings("xiaohongshu", DraftContent(title=title, body="冷水泡一夜。"))
    finding = found["title_length"]
    assert text[finding.start : finding.end] == title


@pytest.mark.parametrize("platform", platform_keys())
def test_no_platform_rule_finding_is_an_empty_highlight(platform: str) -> None:
    crowded = DraftContent(title="冷泡茶" * 30, digest="", body="冷水泡一夜。" * 400, hashtags=TAGS * 3)
    text, found = _findings(platform, crowded)
    assert found
    for finding in found.values():
        assert finding.scope == "draft" or (
            finding.start < finding.end and text[finding.start : finding.end] == finding.text
        ), finding


def test_the_review_page_lists_whole_draft_findings_apart_from_the_highlights() -> None:
    content = DraftContent(title="冷泡茶", hook="冬天也能喝", body="这是最好的冷泡茶。", hashtags=TAGS)
    text = render_draft(content, "douyin")
    word = text.index("最好")
    findings = [
        Finding.in_text(text, word, word + 2, rule_id="ad_law.zui", category="ad_law", severity="blocking",
                        message="绝对化用语"),
        *platform_findings(text, get_platform("douyin"), content),
    ]
    record = DraftRecord(
        draft_id="Dx-1", request_id="x", platform="douyin", topic="冷泡茶", requested_by="ops",
        status="pending_review", text=text, content=content,
        check=CheckResult(findings=findings, text_hash=text_hash(text), platform="douyin"),
    )
    view = draft_view(record)
    whole = {item.finding.rule_id for item in view.whole_draft}
    # The script lacks its shots, and (like every draft nmo writes) owes the AI-content declaration.
    assert whole == {"platform_rule.requires_shots", "disclosure.ai_label"}
    marked = {i for segment in view.segments for i in segment.findings}
    for missing in view.whole_draft:
        assert view.findings[missing.index].finding.rule_id in whole
        assert missing.index not in marked, "a whole-draft finding is not a highlight"
    highlighted = [i for i, f in enumerate(findings) if not f.whole_draft]
    assert set(highlighted) <= marked, "every finding with a span is highlighted"
    assert all(segment.text for segment in view.segments)
