"""Exports of approved drafts: WeChat-ready HTML and draft-API JSON, Markdown, and plain text with hashtags.

Drafts are stored as Markdown. The WeChat editor drops <style> blocks, classes and scripts, so the HTML
export styles every element inline and escapes all text; hashtags are rewritten in the platform's syntax.
公众号 takes the title and the digest (摘要) as fields of their own, so the WeChat exports carry them apart
from the article body. Every export is the approved text and nothing else: no part the reviewer did not see.
The one addition is the publisher's notes on disclosure duties (the AI declaration, the 「广告」 label): kept
apart from the text (a header field, a JSON field, a marked block after the text) and never pasted into it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Literal

from pydantic import BaseModel

from nmo.checks.disclosure import DutyNote, duty_notes
from nmo.errors import ConflictError, UserInputError
from nmo.platforms import PlatformSpec, get_platform
from nmo.render import DIGEST_PREFIX, TITLE_PREFIX, strip_citation_markers
from nmo.schemas import DraftRecord

ExportFormat = Literal["wechat", "wechat_api", "markdown", "text"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("wechat", "wechat_api", "markdown", "text")

FONT = "-apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei',sans-serif"
STYLES = {
    "section": f"font-family:{FONT};font-size:16px;line-height:1.75;color:#333;letter-spacing:0.5px;"
    "word-break:break-word;",
    "h1": "font-size:22px;font-weight:bold;line-height:1.4;margin:0 0 20px;color:#1f1f1f;",
    "h2": "font-size:19px;font-weight:bold;margin:28px 0 12px;padding-left:10px;border-left:4px solid #3f8f6b;"
    "color:#1f1f1f;",
    "h3": "font-size:17px;font-weight:bold;margin:22px 0 10px;color:#1f1f1f;",
    "p": "margin:0 0 16px;text-align:justify;",
    "ul": "margin:0 0 16px;padding-left:22px;",
    "ol": "margin:0 0 16px;padding-left:22px;",
    "li": "margin:0 0 6px;",
    "blockquote": "margin:0 0 16px;padding:10px 14px;border-left:3px solid #d0d7d4;background:#f6f8f7;color:#5a5a5a;",
    "hr": "border:none;border-top:1px solid #e5e5e5;margin:24px 0;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 16px;font-size:14px;",
    "tr": "border:none;",
    "td": "border:1px solid #dcdcdc;padding:6px 8px;vertical-align:top;",
    "th": "border:1px solid #dcdcdc;padding:6px 8px;background:#f3f5f4;font-weight:bold;text-align:left;",
    "strong": "font-weight:bold;color:#2b6e50;",
    "fields": f"font-family:{FONT};font-size:14px;line-height:1.6;color:#555;margin:0 0 24px;padding:10px 14px;"
    "border:1px dashed #c8c8c8;",
    "field": "margin:0 0 6px;",
}
HASHTAG_LINE = re.compile(r"^\s*(#[^#\s]+#?\s*)+$")
TAG_LINE_PREFIX = "标签："
REVIEW_ONLY_SECTIONS = ("引用", "A/B 测试版本")
HASHTAG = re.compile(r"#([^#\s]+)#?")


class Export(BaseModel):
    """One export ready to download: a file name, its media type and its text."""

    filename: str
    media_type: str
    body: str


class WechatArticle(BaseModel):
    """A 公众号 article as the platform takes it: title, digest (摘要) and content are separate fields."""

    title: str
    digest: str
    content: str


def export_draft(record: DraftRecord, fmt: ExportFormat) -> Export:
    """Export an approved draft in one format; other drafts are refused (they may still change)."""
    if record.status != "approved":
        raise ConflictError(
            f"Draft {record.draft_id} is {record.status}; only approved drafts can be exported.",
            "Approve it first (the review page or `nmo review approve`).",
        )
    if fmt == "wechat":
        return Export(filename=f"{record.draft_id}.html", media_type="text/html; charset=utf-8",
                      body=wechat_html(record))
    if fmt == "wechat_api":
        return Export(filename=f"{record.draft_id}.wechat.json", media_type="application/json; charset=utf-8",
                      body=wechat_api_json(record))
    if fmt == "markdown":
        return Export(filename=f"{record.draft_id}.md", media_type="text/markdown; charset=utf-8",
                      body=markdown(record))
    return Export(filename=f"{record.draft_id}.txt", media_type="text/plain; charset=utf-8",
                  body=plain_text(record))


# ---- hashtags ------------------------------------------------------------------------------------


def _spec(record: DraftRecord) -> PlatformSpec | None:
    try:
        return get_platform(record.platform)
    except UserInputError:  # an unknown platform exports without hashtag rules rather than failing
        return None


def publishable(record: DraftRecord) -> tuple[str, list[str]]:
    """The text as it will be published, and its topics (bare, in order, no repeats).

    Review-only parts go: `[^n]` citation markers, the 「引用」 list and the A/B variants section; hashtag
    lines are taken out wherever they are, so the export can write them once, in the platform's syntax.
    Topics come from the text only: ones the reviewer deleted are not added back from the writer's draft.
    """
    tags: list[str] = []
    kept: list[str] = []
    skipping = False
    for line in strip_citation_markers(record.text).splitlines():
        stripped = line.strip()
        if stripped.startswith("## "):
            skipping = stripped[3:].strip() in REVIEW_ONLY_SECTIONS
        if skipping:
            continue
        if HASHTAG_LINE.match(line):
            tags += HASHTAG.findall(line)
            continue
        if stripped.startswith(TAG_LINE_PREFIX):
            tags += re.split(r"[、,，\s]+", stripped[len(TAG_LINE_PREFIX):])
            continue
        kept.append(line.rstrip())
    bare: list[str] = []
    for tag in tags:
        clean = tag.strip().strip("#").strip()
        if clean and clean not in bare:
            bare.append(clean)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), bare


def hashtag_line(platform: PlatformSpec | None, tags: list[str]) -> str:
    """Topics written in the platform's syntax: #话题# (微博), #话题 (小红书, 抖音), 标签 (B站), none (公众号)."""
    if platform is None or not tags or platform.hashtag.style == "none":
        return ""
    if platform.hashtag.style == "tag":
        return TAG_LINE_PREFIX + "、".join(tags)
    return " ".join(platform.format_hashtag(tag) for tag in tags)


def _with_tags(record: DraftRecord, body: str, tags: list[str]) -> str:
    line = hashtag_line(_spec(record), tags)
    text = f"{body}\n\n{line}\n" if line else f"{body}\n"
    notes = publish_notes(record)
    if not notes:
        return text
    return text + f"\n{NOTES_RULE}\n{NOTES_HEADING}\n" + "".join(f"- {note.line()}\n" for note in notes)


# ---- disclosure notes for the publisher ----------------------------------------------------------

NOTES_RULE = "————————"
NOTES_HEADING = "发布须知（给发布的同事，不属于正文，不要粘贴）："


def publish_notes(record: DraftRecord) -> list[DutyNote]:
    """The disclosure duties of an approved draft on its platform, each saying which switch to set or label to add.

    Every draft on the desk started from nmo's writer, so each owes the AI declaration, even after a human edit.
    """
    spec = _spec(record)
    if spec is None:
        return []
    body, _ = publishable(record)
    return duty_notes(body, spec, ai_written=True)


# ---- Markdown and plain text ---------------------------------------------------------------------


_QUOTE_MARKERS = re.compile(r"^(\s*(?:>\s?)*)(.*)$")


def _neutralise_html(line: str) -> str:
    """Escape angle brackets so no raw HTML survives, keeping the `>` markers that make a blockquote."""
    match = _QUOTE_MARKERS.match(line)
    markers, rest = (match.group(1), match.group(2)) if match else ("", line)
    return markers + rest.replace("<", "&lt;").replace(">", "&gt;")


def markdown(record: DraftRecord) -> str:
    """The approved Markdown with raw HTML neutralised and hashtags in the platform's syntax."""
    body, tags = publishable(record)
    return _with_tags(record, "\n".join(_neutralise_html(line) for line in body.splitlines()), tags)


INLINE_MARKS = re.compile(r"(\*\*|__|`)")


def plain_text(record: DraftRecord) -> str:
    """Text to paste into an app: Markdown marks removed, list items bulleted, hashtags in platform syntax."""
    body, tags = publishable(record)
    out: list[str] = []
    for line in body.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"[-*_]{3,}", stripped) or (re.fullmatch(r"\|?[\s:|-]+\|?", stripped) and "-" in stripped):
            continue
        stripped = re.sub(r"^#{1,6}\s+", "", stripped)
        stripped = re.sub(r"^>\s?", "", stripped)
        stripped = re.sub(r"^[-*+]\s+", "• ", stripped)
        if stripped.startswith("|"):
            stripped = "  ".join(cell.strip() for cell in stripped.strip("|").split("|"))
        out.append(INLINE_MARKS.sub("", stripped))
    return _with_tags(record, re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip(), tags)


# ---- WeChat HTML ---------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Escape a line and turn **bold** into a styled <strong>."""
    escaped = html.escape(text, quote=True)
    return re.sub(r"\*\*(.+?)\*\*", lambda m: f'<strong style="{STYLES["strong"]}">{m.group(1)}</strong>', escaped)


def _tag(name: str, inner: str) -> str:
    return f'<{name} style="{STYLES[name]}">{inner}</{name}>'


def _table(rows: list[str]) -> str:
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    body = [r for r in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]
    if not body:
        return ""
    head, *rest = body
    out = _tag("tr", "".join(_tag("th", _inline(c)) for c in head))
    out += "".join(_tag("tr", "".join(_tag("td", _inline(c)) for c in row)) for row in rest)
    return _tag("table", out)


def wechat_parts(record: DraftRecord) -> tuple[str, str, str]:
    """The approved text split as 公众号 takes it: title, digest (摘要) and the article body (Markdown).

    The title is the text's first line when that is a `# ` heading and the digest its `> 摘要：` line;
    a text without them (e.g. a reviewer deleted the digest) has none.
    """
    body, _ = publishable(record)
    lines = body.splitlines()
    title = ""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith(TITLE_PREFIX):
        title = lines.pop(first).removeprefix(TITLE_PREFIX).strip()
    digest_at = next((i for i, line in enumerate(lines) if line.strip().startswith(DIGEST_PREFIX)), None)
    digest = lines.pop(digest_at).strip().removeprefix(DIGEST_PREFIX).strip() if digest_at is not None else ""
    return title, digest, re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def wechat_api_json(record: DraftRecord) -> str:
    """The article as the 公众号 draft API (draft/add) takes it: `{"articles": [{title, digest, content}]}`.

    The API's limits are stricter than the editor's; an article over them is refused here with what to
    change, rather than cut (an export is the approved text, whole). `declarations` beside `articles` lists
    the disclosure duties for whoever publishes (the API has no field for them; WeChat asks at publish).
    """
    title, digest, body = wechat_parts(record)
    if not title:
        raise UserInputError(
            f"Draft {record.draft_id} has no title line, and the 公众号 draft API needs a title.",
            "Start the text with `# 标题` in review, or export `wechat` (HTML) and type the title in the editor.",
        )
    article = WechatArticle(title=title, digest=digest, content=_article_html(body))
    spec = _spec(record)
    for field, value in (("title", title), ("digest", digest), ("content", article.content)):
        limit = spec.limit(f"api_{field}") if spec else None
        if limit is not None and len(value) > limit:
            raise UserInputError(
                f"Draft {record.draft_id}: the {field} is {len(value)} characters; the 公众号 draft API takes "
                f"at most {limit}.",
                f"Shorten the {field} in review (edit, then approve again), or export `wechat` (HTML) for the web "
                "editor, whose limits are looser.",
            )
    declarations = [note.line() for note in publish_notes(record)]
    payload = {"articles": [article.model_dump()], "declarations": declarations}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def wechat_html(record: DraftRecord) -> str:
    """A page for the 公众号 editor: the title and digest as fields of their own, then the article.

    Only the <section> is the article body to paste; the title and 摘要 above it go into the editor's own
    fields (and sit in <title> and <meta name="description">), so the digest never lands in the body.
    """
    title, digest, body = wechat_parts(record)
    fields = (
        f'<header id="wechat-fields" data-part="fields" style="{STYLES["fields"]}">'
        f'<p style="{STYLES["field"]}">标题（填入编辑器的「标题」栏）：'
        f'<span data-field="title">{html.escape(title)}</span></p>'
        f'<p style="{STYLES["field"]}">摘要（填入「摘要」栏，不属于正文）：'
        f'<span data-field="digest">{html.escape(digest)}</span></p>'
        + "".join(
            f'<p style="{STYLES["field"]}" data-field="declaration" data-duty="{note.duty}">'
            f"发布声明（发表时设置，不属于正文）：{html.escape(note.line())}</p>"
            for note in publish_notes(record)
        )
        + "</header>"
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title or record.topic)}</title>"
        f'<meta name="description" content="{html.escape(digest, quote=True)}"></head><body>\n'
        f"{fields}\n{_article_html(body)}\n</body></html>\n"
    )


def _article_html(body: str) -> str:
    """The article body as one <section> with every element styled inline (what the editor keeps)."""
    blocks: list[str] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            level = min(len(heading.group(1)), 3)
            blocks.append(_tag(f"h{level}", _inline(heading.group(2))))
            i += 1
        elif re.fullmatch(r"[-*_]{3,}", line):
            blocks.append(f'<hr style="{STYLES["hr"]}">')
            i += 1
        elif line.startswith("|"):
            start = i
            while i < len(lines) and lines[i].strip().startswith("|"):
                i += 1
            blocks.append(_table(lines[start:i]))
        elif re.match(r"^([-*+]|\d+[.、)])\s+", line):
            ordered = bool(re.match(r"^\d", line))
            items = []
            while i < len(lines) and re.match(r"^\s*([-*+]|\d+[.、)])\s+", lines[i]):
                items.append(_tag("li", _inline(re.sub(r"^\s*([-*+]|\d+[.、)])\s+", "", lines[i]))))
                i += 1
            blocks.append(_tag("ol" if ordered else "ul", "".join(items)))
        elif line.startswith(">"):
            quoted = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                quoted.append(_inline(re.sub(r"^\s*>\s?", "", lines[i])))
                i += 1
            blocks.append(_tag("blockquote", "<br>".join(quoted)))
        else:
            para = []
            while i < len(lines) and lines[i].strip() and not re.match(r"^(#{1,6}\s|[-*+]\s|\d+[.、)]\s|>|\|)",
                                                                         lines[i].strip()):
                para.append(_inline(lines[i].strip()))
                i += 1
            if not para:  # a line that only looks like the start of another block
                para.append(_inline(line))
                i += 1
            blocks.append(_tag("p", "<br>".join(para)))
    return f'<section style="{STYLES["section"]}">' + "".join(blocks) + "</section>"
