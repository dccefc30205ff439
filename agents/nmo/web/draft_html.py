"""A draft's Markdown as safe HTML for the review page, with each finding highlighted where it sits.

Findings are character offsets into the original text. The text is parsed once into blocks; every
block's inline text (and code) is located in the original, markers for the highlighted runs are put
into it, and only then is its inline Markdown converted. Markers are private-use characters that the
renderer passes through as text; they become <mark> elements afterwards, closed and reopened around
every tag so that the HTML stays well nested. Raw HTML in a draft is shown as text, never as markup.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from nmo.editing import Segment
from nmo.render import CITATION_MARKER

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# One code point per highlighted run (Supplementary Private Use Area-A) and one to close it; text that
# already holds such characters has them replaced first, so they can only be ours.
MARK_OPEN_BASE = 0xF0000
MARK_OPEN_LIMIT = 0xFFFFD
MARK_CLOSE = "\U00100000"
OURS = re.compile("[\U000f0000-\U000ffffd\U00100000]")
HTML_PIECES = re.compile(r"(<[^>]*>)")
SENTINELS = re.compile("([\U000f0000-\U000ffffd\U00100000])")
HEADING_SHIFT = 2


@cache
def _markdown() -> MarkdownIt:
    """CommonMark plus tables and strikethrough; raw HTML, links, images and reference definitions off.

    Links and images would hide a URL the gate may have flagged (and images would load remote files);
    reference definitions would swallow the draft's `[^n]: passage` citation lines.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["link", "image", "autolink", "reference", "html_inline", "html_block"])
    return md


def _same_length_source(text: str) -> str:
    """The text as the parser should see it, with every character at its original offset.

    markdown-it turns CR LF into LF (shifting offsets), so CR becomes a space before LF and a line
    break elsewhere; our marker characters are replaced so that a draft cannot forge a highlight.
    """
    text = OURS.sub("\ufffd", text)
    return re.sub(r"\r(?=\n)", " ", text).replace("\r", "\n")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    starts.append(len(text))
    return starts


def _locate(source: str, content: str, start: int, end: int) -> list[int] | None:
    """The offset in `source` of each character of `content`, a block's text with its Markdown markers
    (indentation, `>`, list bullets, `#`, table pipes) removed line by line; None when it cannot be found."""
    offsets: list[int] = []
    cursor = start
    for piece in content.split("\n"):
        found = source.find(piece, cursor, end) if piece else cursor
        if found < 0:
            return None
        offsets.extend(range(found, found + len(piece)))
        cursor = found + len(piece)
        if len(offsets) < len(content):  # the line break between two pieces
            newline = source.find("\n", cursor, end)
            if newline < 0:
                return None
            offsets.append(newline)
            cursor = newline + 1
    return offsets


def _with_markers(content: str, offsets: list[int], runs: Sequence[tuple[int, int, int]]) -> str:
    """`content` with an open marker before and a close marker after each highlighted run inside it.

    `runs` are (number, start, end), sorted and not overlapping (highlight segments never overlap).
    """
    starts = [start for _, start, _ in runs]
    out: list[str] = []
    open_run: int | None = None
    for index, char in enumerate(content):
        at = offsets[index]
        found = bisect_right(starts, at) - 1
        run = runs[found][0] if found >= 0 and at < runs[found][2] else None
        if run != open_run:
            if open_run is not None:
                out.append(MARK_CLOSE)
            if run is not None:
                out.append(chr(MARK_OPEN_BASE + run))
            open_run = run
        out.append(char)
    if open_run is not None:
        out.append(MARK_CLOSE)
    return "".join(out)


def _mark_tag(segment: Segment) -> str:
    findings = " ".join(str(i) for i in segment.findings)
    return (f'<mark class="finding-mark sev-{escape(segment.severity or "info")}" tabindex="0" '
            f'data-findings="{escape(findings)}" aria-describedby="tip">')


def _citation_links(text: str) -> str:
    """`[^n]` markers in (already escaped) text as links to the cited passage."""
    return CITATION_MARKER.sub(
        lambda m: f'<a class="cite-ref" href="#cite-{m.group(1)}" title="查看引用 {m.group(1)}">[{m.group(1)}]</a>',
        text,
    )


def _marks_to_html(html: str, highlighted: Sequence[Segment]) -> str:
    """Turn the markers in rendered HTML into <mark> elements, closed before and reopened after every tag."""
    out: list[str] = []
    current: Segment | None = None
    opened = False
    for piece in HTML_PIECES.split(html):
        if not piece:
            continue
        if piece.startswith("<"):
            if opened:
                out.append("</mark>")
                opened = False
            if piece == "<table>":
                piece = '<div class="table-scroll"><table>'
            elif piece == "</table>":
                piece = "</table></div>"
            out.append(piece)
            continue
        for part in SENTINELS.split(piece):
            if not part:
                continue
            if part == MARK_CLOSE:
                if opened:
                    out.append("</mark>")
                current, opened = None, False
            elif len(part) == 1 and MARK_OPEN_BASE <= ord(part) <= MARK_OPEN_LIMIT:
                current, opened = highlighted[ord(part) - MARK_OPEN_BASE], False
            else:
                if current is not None and not opened and part.strip():  # no <mark> between table rows
                    out.append(_mark_tag(current))
                    opened = True
                out.append(_citation_links(part))
    if opened:
        out.append("</mark>")
    return "".join(out)


def draft_html(text: str, segments: Sequence[Segment]) -> Markup:
    """The draft rendered from Markdown (headings, lists, tables, quotes, emphasis) with findings marked."""
    md = _markdown()
    source = _same_length_source(text)
    highlighted = [s for s in segments if s.findings and s.citation is None][: MARK_OPEN_LIMIT - MARK_OPEN_BASE]
    runs = [(number, s.start, s.start + len(s.text)) for number, s in enumerate(highlighted)]
    env: dict[str, object] = {}
    tokens = md.parse(source, env)
    lines = _line_starts(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            # Inside the page (h1 topic, h2 「正文」) the draft's own title and sections sit two levels down.
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"
        if token.map is None or token.type not in ("inline", "fence", "code_block"):
            continue
        start, end = lines[token.map[0]], lines[min(token.map[1], len(lines) - 1)]
        _mark_token(md, token, source, start, end, runs, env)
    return Markup(_marks_to_html(md.renderer.render(tokens, md.options, env), highlighted))


def _mark_token(
    md: MarkdownIt, token: Token, source: str, start: int, end: int,
    runs: Sequence[tuple[int, int, int]], env: dict[str, object],
) -> None:
    """Put the highlight markers into one block's text; inline text is parsed again with them in place."""
    if token.type == "fence":  # the code starts on the line after the opening fence
        start = source.find("\n", start, end) + 1
    offsets = _locate(source, token.content, start, end)
    if offsets is None or not any(s < end and e > start for _, s, e in runs):
        return
    token.content = _with_markers(token.content, offsets, runs)
    if token.type == "inline":
        token.children = md.parseInline(token.content, env)[0].children
