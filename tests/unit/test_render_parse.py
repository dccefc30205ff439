"""A rendered draft reads back into its parts, so a revision after a reviewer's edit starts from that edit."""

from __future__ import annotations

import pytest
from nmo.platforms import get_platform, platform_keys
from nmo.render import parse_draft, render_draft
from nmo.schemas import DraftContent, Shot, Variant

FULL = DraftContent(
    title="冬天也能喝的冷泡茶", digest="三步泡好一杯", hook="冷泡茶冬天也能喝？",
    body="第一段。[^1]\n\n第二段，**重点**在这里。",
    shots=[Shot(time="0-3s", visual="茶包入瓶", voiceover="冬天也能喝", onscreen="冷泡茶")],
    hashtags=["冷泡茶", "办公室"], cta="点击关注，下周见", citations=["p1"],
    variants=[Variant(label="A", title="标题甲", hook="开头甲"), Variant(label="B", title="标题乙")],
)


@pytest.mark.parametrize("platform", platform_keys())
def test_render_then_parse_gives_back_the_parts(platform: str) -> None:
    text = render_draft(FULL, platform)
    parsed = parse_draft(text, DraftContent(title="旧标题", body="旧正文"))
    assert render_draft(parsed, platform) == text
    spec = get_platform(platform)
    shown = FULL if spec.hashtag.style != "none" else FULL.model_copy(update={"hashtags": []})
    if "title" not in spec.parts:  # a part the text does not show keeps the fallback's value
        shown = shown.model_copy(update={"title": "旧标题"})
    assert parsed.model_dump(exclude={"changes"}) == shown.model_dump(exclude={"changes"})


def test_a_hand_edit_survives_into_the_parts() -> None:
    text = render_draft(FULL, "xiaohongshu").replace("第二段", "审核改过的第二段")
    parsed = parse_draft(text, FULL)
    assert "审核改过的第二段" in parsed.body and parsed.hashtags == ["冷泡茶", "办公室"]


def test_plain_text_without_layout_becomes_the_body() -> None:
    parsed = parse_draft("只有一段正文。", FULL)
    assert parsed.body == "只有一段正文。" and parsed.title == FULL.title and parsed.hashtags == []
