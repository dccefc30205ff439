"""Exports of approved drafts: WeChat-ready HTML with inline styles, Markdown, and plain text with hashtags.

Drafts are stored as Markdown. The WeChat editor drops <style> blocks, classes and scripts, so the HTML
export styles every element inline and escapes all text; hashtags are rewritten in the platform's syntax.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from pydantic import BaseModel

from nmo.errors import ConflictError, UserInputError
from nmo.platforms import PlatformSpec, get_platform
from nmo.render import strip_citation_markers
from nmo.schemas import DraftRecord

ExportFormat = Literal["wechat", "markdown", "text"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("wechat", "markdown", "text")

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
    """
    tags: list[str] = list(record.content.hashtags) if record.content else []
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
    return f"{body}\n\n{line}\n" if line else f"{body}\n"


# ---- Markdown and plain text ---------------------------------------------------------------------


def markdown(record: DraftRecord) -> str:
    """The approved Markdown with raw HTML neutralised and hashtags in the platform's syntax."""
    body, tags = publishable(record)
    return _with_tags(record, body.replace("<", "&lt;").replace(">", "&gt;"), tags)


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


def wechat_html(record: DraftRecord) -> str:
    """A self-contained HTML fragment for the 公众号 editor: one <section>, every element styled inline."""
    body, _ = publishable(record)
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
    title = html.escape(record.topic)
    section = f'<section style="{STYLES["section"]}">' + "".join(blocks) + "</section>"
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title></head><body>\n{section}\n</body></html>\n"
    )
