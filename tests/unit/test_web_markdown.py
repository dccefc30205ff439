"""The review page shows a draft's Markdown as HTML (tables, headings, lists, quotes, emphasis) with every
finding still highlighted on exactly its text, and nothing in a draft can inject markup."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient
from nmo.config import Settings
from nmo.editing import highlight_segments, mark_citations
from nmo.schemas import Finding, Severity
from nmo.web.app import create_app
from nmo.web.draft_html import draft_html

from tests.web_support import add_users, fake_service_factory

DOUYIN = (
    "# 冷泡茶三步走\n\n> 摘要：全网最好的夏日饮品\n\n**开头钩子**：你还在用热水泡茶？\n\n"
    "| 时间 | 画面 | 口播 | 字幕 |\n|---|---|---|---|\n| 0-3s | 茶叶入瓶 | 全网第一简单 | 三步 |\n\n"
    "## 做法\n\n- 冷水浸泡 8 小时\n- **不苦不涩**，清爽[^1]\n\n#冷泡茶# #夏日饮品#\n\n## 引用\n\n[^1]: brand-guide-3\n"
)


class Marks(HTMLParser):
    """Collects the text inside <mark> elements (by finding numbers) and the tags used."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: dict[str, str] = defaultdict(str)
        self.tags: list[str] = []
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "mark":
            self._open.append(dict(attrs).get("data-findings"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] is not None:
            self.marked[self._open[-1]] += data


def finding(text: str, term: str, severity: Severity = "blocking", nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(term, start + 1)
    return Finding(rule_id="t", category="ad_law", severity=severity, start=start, end=start + len(term), text=term,
                   message="m")


def render(text: str, findings: list[Finding]) -> Marks:
    parsed = Marks()
    parsed.feed(str(draft_html(text, mark_citations(highlight_segments(text, findings)))))
    return parsed


def test_a_douyin_script_renders_as_a_table_with_headings_and_lists_not_pipes() -> None:
    html = str(draft_html(DOUYIN, []))
    parsed = render(DOUYIN, [])
    for tag in ("h3", "h4", "blockquote", "table", "th", "td", "ul", "li", "strong"):  # # and ## under the page's h2
        assert tag in parsed.tags, tag
    assert "|" not in html and "##" not in html and "**" not in html
    assert '<a class="cite-ref" href="#cite-1"' in html  # the citation marker links to its passage
    assert "#冷泡茶#" in html  # hashtags are not headings


def test_findings_stay_on_their_own_text_in_tables_quotes_lists_and_across_emphasis() -> None:
    findings = [
        finding(DOUYIN, "最好"), finding(DOUYIN, "第一", "warning"), finding(DOUYIN, "不苦", "info"),
        finding(DOUYIN, "不涩**，清爽", "warning"), finding(DOUYIN, "冷泡茶三步"),
    ]
    marked = render(DOUYIN, findings).marked
    assert marked["0"] == "最好" and marked["1"] == "第一" and marked["2"] == "不苦"
    assert marked["3"] == "不涩，清爽"  # the bold ends inside the finding: the highlight follows the text
    assert marked["4"] == "冷泡茶三步"
    html = str(draft_html(DOUYIN, mark_citations(highlight_segments(DOUYIN, findings))))
    assert 'class="finding-mark sev-warning"' in html and 'data-findings="1"' in html


def test_offsets_hold_after_windows_line_ends() -> None:
    text = "第一行\r\n\r\n第二段有最好的茶\r\n- 列表里的第一"
    marked = render(text, [finding(text, "最好"), finding(text, "第一", nth=1)]).marked
    assert marked == {"0": "最好", "1": "第一"}


def test_draft_text_cannot_inject_markup_or_forge_a_highlight() -> None:
    text = ("标题<img src=x onerror=alert(1)>\n\n<script>alert(1)</script>\n\n"
            "[点我](javascript:alert(1)) \U000f0000假\U00100000")
    html = str(draft_html(text, mark_citations(highlight_segments(text, [finding(text, "<script>")]))))
    assert "<img" not in html and "<script>" not in html and 'href="javascript' not in html
    assert "&lt;img src=x" in html and "&lt;script&gt;" in html
    parsed = Marks()
    parsed.feed(html)
    assert dict(parsed.marked) == {"0": "<script>"}  # only the real finding, escaped inside its mark


def test_the_draft_page_shows_rendered_markdown_with_highlights(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", backend="offline")
    tokens = add_users(settings)
    with TestClient(create_app(settings, fake_service_factory(settings, body=DOUYIN))) as client:
        body = {"kind": "draft", "briefs": [{"platform": "douyin", "topic": "冷泡茶"}]}
        outcome = client.post("/api/requests?wait=true", json=body,
                              headers={"Authorization": f"Bearer {tokens['ops']}"}).json()
        client.post("/api/session", json={"token": tokens["lee"]})
        page = client.get(f"/review/{outcome['drafts'][0]['draft_id']}").text
    text_box = page.split('id="draft-text"', 1)[1].split('<div class="actions"', 1)[0]
    assert "<table>" in text_box and "<td>茶叶入瓶</td>" in text_box and "| 时间 |" not in text_box
    parsed = Marks()
    parsed.feed(text_box)
    assert set(parsed.marked.values()) == {"最好", "第一"}
