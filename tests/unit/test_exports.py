"""Exports of approved drafts: WeChat HTML styled inline and escaped, Markdown, plain text with platform hashtags."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from nmo.errors import ConflictError, UserInputError
from nmo.exports import NOTES_RULE, export_draft, markdown, plain_text, wechat_html
from nmo.schemas import DraftContent, DraftRecord

TEXT = """# 冷泡茶怎么泡

夏天来一杯**冷泡茶**，清爽不苦。

## 三步搞定

1. 取 5 克茶叶
2. 加 500 毫升冷水
3. 冷藏 6 小时

> 小贴士：用软水更甜。

| 步骤 | 时间 |
| --- | --- |
| 浸泡 | 6 小时 |

---
欢迎留言 <script>alert('x')</script>

#冷泡茶 #夏日饮品"""


def approved(platform: str = "weibo", text: str = TEXT, hashtags: list[str] | None = None) -> DraftRecord:
    content = DraftContent(title="冷泡茶怎么泡", body="", hashtags=hashtags if hashtags is not None else ["冷泡茶"])
    return DraftRecord(draft_id="Dabc-1", request_id="abc", platform=platform, topic="冷泡茶怎么泡",
                       requested_by="ops", status="approved", text=text, content=content)


def pasted(export: str) -> str:
    """The part of a text export the publisher pastes: everything before the publisher's notes."""
    return export.split(f"\n{NOTES_RULE}\n")[0]


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_only_approved_drafts_export() -> None:
    pending = approved().model_copy(update={"status": "pending_review"})
    with pytest.raises(ConflictError, match="only approved"):
        export_draft(pending, "wechat")
    assert export_draft(approved(), "text").filename == "Dabc-1.txt"


def _article(page: str) -> str:
    """The article body of a WeChat HTML export: its one <section>."""
    return page[page.index("<section") : page.rindex("</section>") + len("</section>")]


def test_wechat_html_styles_every_body_element_inline_and_escapes_scripts() -> None:
    page = wechat_html(approved("wechat"))
    parser = Collector()
    parser.feed(_article(page))
    body_tags = [(t, a) for t, a in parser.tags if t != "br"]
    assert {t for t, _ in body_tags} >= {"section", "h2", "p", "ol", "li", "blockquote", "table", "th", "td",
                                         "hr", "strong"}
    assert all(a.get("style") for _, a in body_tags), "the WeChat editor drops classes and <style>: style inline"
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "class=" not in page and "<style" not in page
    assert "冷泡茶怎么泡" in page and "清爽不苦" in page
    assert "#冷泡茶" not in page  # 公众号 has no hashtags


def test_plain_text_writes_hashtags_in_each_platforms_syntax() -> None:
    weibo = plain_text(approved("weibo"))
    assert pasted(weibo).rstrip().endswith("#冷泡茶# #夏日饮品#")
    assert "**" not in weibo and "## " not in weibo and "| --- |" not in weibo
    assert "三步搞定" in weibo and "• " not in weibo.split("三步搞定")[0]
    assert pasted(plain_text(approved("xiaohongshu"))).rstrip().endswith("#冷泡茶 #夏日饮品")
    assert pasted(plain_text(approved("bilibili"))).rstrip().endswith("标签：冷泡茶、夏日饮品")
    wechat = plain_text(approved("wechat"))
    assert "#冷泡茶" not in wechat and "标签" not in wechat


def test_hashtags_are_written_once_without_repeats() -> None:
    record = approved("douyin", text="# 冷泡茶\n\n三步做一杯。\n\n#冷泡茶 #夏天# #冷泡茶")
    assert pasted(plain_text(record)).rstrip().endswith("#冷泡茶 #夏天") and plain_text(record).count("#冷泡茶") == 1


def test_no_export_adds_a_part_the_reviewer_did_not_see() -> None:
    # The writer's draft had a digest and topics; the reviewer deleted both before approving.
    content = DraftContent(title="冷泡茶", digest="三步泡好一杯", body="冷水泡 6 小时。", hashtags=["冷泡茶", "夏日"])
    edited = "# 冷泡茶\n\n冷水泡 6 小时。\n"
    for platform in ("weibo", "xiaohongshu", "douyin", "bilibili", "wechat"):
        record = approved(platform, text=edited).model_copy(update={"content": content})
        for out in (plain_text(record), markdown(record), wechat_html(record)):
            assert "冷水泡 6 小时。" in out
            assert "夏日" not in out and "#冷泡茶" not in out and "标签" not in out, platform
            assert "三步泡好一杯" not in out, platform


def _wechat_record(digest: str = "冷水泡六小时，清爽不苦。", title: str = "冷泡茶怎么泡") -> DraftRecord:
    from nmo.render import render_draft

    content = DraftContent(title=title, digest=digest, body="## 三步搞定\n\n取茶、加水、冷藏。[^1]",
                           cta="觉得有用，点个在看", citations=["p1"])
    return approved("wechat", text=render_draft(content, "wechat"), hashtags=[])


def test_markdown_writes_the_digest_as_a_quote_not_escaped() -> None:
    out = markdown(_wechat_record())
    assert "\n> 摘要：冷水泡六小时，清爽不苦。\n" in out
    assert "&gt;" not in out


def test_wechat_html_carries_the_digest_in_its_own_field_outside_the_article() -> None:
    page = wechat_html(_wechat_record())
    article = _article(page)
    assert "冷水泡六小时" not in article and "摘要" not in article, "the digest is not part of the body"
    assert "取茶、加水、冷藏。" in article and "觉得有用，点个在看" in article
    assert '<span data-field="digest">冷水泡六小时，清爽不苦。</span>' in page
    assert '<meta name="description" content="冷水泡六小时，清爽不苦。">' in page
    assert '<span data-field="title">冷泡茶怎么泡</span>' in page and "冷泡茶怎么泡" not in article
    assert page.count("冷水泡六小时") == 2  # the field and the meta, nothing appended


def test_wechat_api_json_keeps_digest_apart_from_content() -> None:
    export = export_draft(_wechat_record(), "wechat_api")
    assert export.filename == "Dabc-1.wechat.json" and export.media_type.startswith("application/json")
    [article] = json.loads(export.body)["articles"]
    assert article["title"] == "冷泡茶怎么泡" and article["digest"] == "冷水泡六小时，清爽不苦。"
    assert "冷水泡六小时" not in article["content"] and "取茶、加水、冷藏。" in article["content"]
    assert "[^1]" not in article["content"] and "p1" not in article["content"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_wechat_record(title="冷泡茶怎么泡才不苦不涩：三步、两种水温和一个常被忽略的冷藏保存细节"), "title is 33"),
        (_wechat_record(digest="冷泡" * 65), "digest is 130"),
        (approved("wechat", text="没有标题行的正文。"), "no title line"),
    ],
)
def test_wechat_api_json_refuses_what_the_draft_api_would_reject(record: DraftRecord, message: str) -> None:
    with pytest.raises(UserInputError, match=message) as caught:
        export_draft(record, "wechat_api")
    assert "wechat" in caught.value.fix  # says what to do instead


def test_markdown_keeps_structure_and_neutralises_html() -> None:
    out = markdown(approved("weibo"))
    assert out.startswith("# 冷泡茶怎么泡\n") and "## 三步搞定" in out and "**冷泡茶**" in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert re.search(r"#冷泡茶# #夏日饮品#\n$", pasted(out))


def test_review_only_parts_are_left_out_of_every_export() -> None:
    from nmo.render import render_draft
    from nmo.schemas import Variant

    content = DraftContent(title="冷泡茶", body="冷水泡 6 小时。[^1]\n不苦不涩。[^2]", hashtags=["冷泡茶", "夏日"],
                           cta="评论区见", citations=["p1", "p2"],
                           variants=[Variant(label="A", title="标题A"), Variant(label="B", title="标题B")])
    record = approved("xiaohongshu", text=render_draft(content, "xiaohongshu"), hashtags=content.hashtags)
    for out in (plain_text(record), markdown(record), wechat_html(record)):
        assert "[^1]" not in out and "引用" not in out and "p1" not in out and "标题A" not in out
        assert "冷水泡 6 小时。" in out and "评论区见" in out
    assert pasted(plain_text(record)).rstrip().endswith("#冷泡茶 #夏日")
    assert plain_text(record).count("#冷泡茶") == 1
    bilibili = approved("bilibili", text=render_draft(content, "bilibili"), hashtags=content.hashtags)
    assert plain_text(bilibili).count("标签：") == 1
    assert pasted(plain_text(bilibili)).rstrip().endswith("标签：冷泡茶、夏日")
