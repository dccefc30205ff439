"""Rendering drafts to Markdown: every part shown, hashtags in each platform's syntax, spans that map back."""

from __future__ import annotations

from nmo.render import render_draft, render_with_spans, strip_citation_markers
from nmo.schemas import DraftContent, Shot, Variant

CONTENT = DraftContent(
    title="冷泡茶怎么泡",
    digest="一篇讲清楚",
    hook="你泡对了吗？",
    body="一袋配五百毫升水。[^1]",
    shots=[Shot(time="0-3s", visual="特写|杯子", voiceover="你泡对了吗？", onscreen="冷泡")],
    hashtags=["冷泡茶", "#夏日饮品"],
    cta="去看看",
    variants=[Variant(label="A", title="冷泡茶怎么泡", hook="钩子A"), Variant(label="B", title="标题B")],
    citations=["brand/products.md#1"],
)


def test_every_part_is_shown_in_order() -> None:
    text = render_draft(CONTENT, "douyin")
    order = ["# 冷泡茶怎么泡", "> 摘要：一篇讲清楚", "**开头钩子**：你泡对了吗？",
             "| 时间 | 画面 | 口播 | 字幕 |", "一袋配五百毫升水。[^1]", "#冷泡茶 #夏日饮品", "**去看看**",
             "## A/B 测试版本", "版本A｜标题：冷泡茶怎么泡", "## 引用", "[^1]: brand/products.md#1"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "特写｜杯子" in text  # a pipe inside a cell does not break the table


def test_hashtag_syntax_follows_the_platform() -> None:
    assert "#冷泡茶# #夏日饮品#" in render_draft(CONTENT, "weibo")
    assert "标签：冷泡茶、夏日饮品" in render_draft(CONTENT, "bilibili")
    assert "| 时间 | 章节 | 口播 | 字幕 |" in render_draft(CONTENT, "bilibili")
    assert "**副标题**：你泡对了吗？" in render_draft(CONTENT, "poster")


def test_spans_point_back_at_the_parts() -> None:
    rendered = render_with_spans(CONTENT, "xiaohongshu")
    start = rendered.text.index("五百毫升")
    span = rendered.span_at(start, start + 4)
    assert span is not None and span.path == ("body",)
    assert rendered.text[span.start : span.end] == CONTENT.body
    title = rendered.span_at(2, 4)
    assert title is not None and title.path == ("title",)
    assert rendered.span_at(0, 1) is None


def test_rendering_is_deterministic_and_markers_can_be_stripped() -> None:
    assert render_draft(CONTENT, "wechat") == render_draft(CONTENT, "wechat")
    assert strip_citation_markers("一袋配水。[^1][^12]") == "一袋配水。"
