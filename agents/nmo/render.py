"""DraftContent → the Markdown text the gate checks and the reviewer reads, one layout for every platform.

Facts in a draft carry Markdown footnote markers (`[^1]`) that point into DraftContent.citations; the
「引用」 list at the end resolves them to passage IDs. Rendering also records where each part of the draft
landed in the text, so a finding's character offsets can be traced back to the part it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nmo.platforms import get_platform
from nmo.schemas import DraftContent, Shot, Variant

CITATION_MARKER = re.compile(r"\[\^(\d+)\]")
TITLE_PREFIX = "# "
DIGEST_PREFIX = "> 摘要："
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldSpan:
    """Where one part of a draft (e.g. ("body",) or ("shots", 2, "voiceover")) sits in the rendered text."""

    path: FieldPath
    start: int
    end: int


@dataclass
class RenderedDraft:
    """The rendered text and the spans of the draft's editable parts inside it."""

    text: str = ""
    spans: list[FieldSpan] = field(default_factory=list)

    def add(self, literal: str) -> None:
        """Append layout text that belongs to no part of the draft."""
        self.text += literal

    def add_field(self, path: FieldPath, value: str) -> None:
        """Append a part's text and remember where it went."""
        start = len(self.text)
        self.text += value
        self.spans.append(FieldSpan(path, start, len(self.text)))

    def span_at(self, start: int, end: int) -> FieldSpan | None:
        """The part that contains the character range [start, end), if one does."""
        for span in self.spans:
            if span.start <= start and end <= span.end:
                return span
        return None


def strip_citation_markers(text: str) -> str:
    """Text without `[^n]` markers, for export to a platform."""
    return CITATION_MARKER.sub("", text)


def _cell(value: str) -> str:
    return value.replace("|", "｜").replace("\n", " ")


def render_with_spans(content: DraftContent, platform: str) -> RenderedDraft:
    """Render a draft and record where each part landed."""
    spec = get_platform(platform)
    out = RenderedDraft()
    if "title" in spec.parts:  # a 微博 post has no title: none is shown, so none is published
        out.add(TITLE_PREFIX)
        out.add_field(("title",), content.title)
        out.add("\n\n")
    if content.digest:
        out.add(DIGEST_PREFIX)
        out.add_field(("digest",), content.digest)
        out.add("\n\n")
    if content.hook:
        out.add("**副标题**：" if spec.shape == "poster" else "**开头钩子**：")
        out.add_field(("hook",), content.hook)
        out.add("\n\n")
    if content.shots:
        chapters = spec.shape == "video"
        out.add("| 时间 | 章节 | 口播 | 字幕 |\n" if chapters else "| 时间 | 画面 | 口播 | 字幕 |\n")
        out.add("|---|---|---|---|\n")
        for index, shot in enumerate(content.shots):
            out.add("| ")
            out.add_field(("shots", index, "time"), _cell(shot.time))
            out.add(" | ")
            out.add_field(("shots", index, "visual"), _cell(shot.visual))
            out.add(" | ")
            out.add_field(("shots", index, "voiceover"), _cell(shot.voiceover))
            out.add(" | ")
            out.add_field(("shots", index, "onscreen"), _cell(shot.onscreen))
            out.add(" |\n")
        out.add("\n")
    if content.body:
        out.add_field(("body",), content.body)
        out.add("\n\n")
    if content.hashtags and spec.hashtag.style != "none":  # platforms without topics show none
        if spec.hashtag.style == "tag":
            out.add("标签：")
        for index, tag in enumerate(content.hashtags):
            if index:
                out.add("、" if spec.hashtag.style == "tag" else " ")
            out.add_field(("hashtags", index), spec.format_hashtag(tag))
        out.add("\n\n")
    if content.cta and not said_already(content.cta, content):
        out.add("**")
        out.add_field(("cta",), content.cta)
        out.add("**\n\n")
    if content.variants:
        out.add("## A/B 测试版本\n\n")
        for index, variant in enumerate(content.variants):
            out.add(f"- 版本{variant.label}｜标题：")
            out.add_field(("variants", index, "title"), variant.title)
            if variant.hook:
                out.add("｜开头：")
                out.add_field(("variants", index, "hook"), variant.hook)
            out.add("\n")
        out.add("\n")
    if content.citations:
        out.add("## 引用\n\n")
        for number, passage_id in enumerate(content.citations, start=1):
            out.add(f"[^{number}]: {passage_id}\n")
    out.text = out.text.rstrip("\n") + "\n"
    return out


_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_TRAILING = "。！？!?，,～~… "


def _sentences(text: str) -> set[str]:
    plain = CITATION_MARKER.sub("", text)
    return {s.strip().rstrip(_TRAILING) for s in _SENTENCE.findall(plain) if s.strip()}


def said_already(line: str, content: DraftContent) -> bool:
    """True when a line (the call to action) is already a whole sentence of the caption or a shot.

    Scripts often end their caption or last shot with the call to action; printing it again as its own
    line would show and publish it twice.
    """
    wanted = CITATION_MARKER.sub("", line).strip().rstrip(_TRAILING)
    said = _sentences(content.body)
    for shot in content.shots:
        said |= _sentences(shot.voiceover) | _sentences(shot.onscreen)
    return bool(wanted) and wanted in said


def render_draft(content: DraftContent, platform: str) -> str:
    """The draft as Markdown: title, digest, hook, shots table, body, hashtags, CTA, variants, 「引用」."""
    return render_with_spans(content, platform).text


_HOOK_PREFIXES = ("**开头钩子**：", "**副标题**：")
_VARIANT = re.compile(r"^- 版本(?P<label>[^｜]+)｜标题：(?P<title>.*?)(?:｜开头：(?P<hook>.*))?$")
_FOOTNOTE = re.compile(r"^\[\^(\d+)\]:\s*(\S+)\s*$")
_BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*].*?)\*\*$")


def hashtag_topics(line: str) -> list[str] | None:
    """The topics on a line made only of hashtags (#a# #b#, #a #b, or 标签：a、b), else None."""
    stripped = line.strip()
    if stripped.startswith("标签："):
        return [t for t in stripped.removeprefix("标签：").split("、") if t]
    tokens = stripped.split()
    if tokens and all(t.startswith("#") for t in tokens):
        return [t.strip("#") for t in tokens if t.strip("#")]
    return None


def parse_draft(text: str, fallback: DraftContent) -> DraftContent:
    """Read a rendered (and possibly hand-edited) draft back into its parts, so a revision starts from
    what the reviewer left; parts the text does not show keep the fallback's values."""
    lines = text.strip("\n").splitlines()
    title, digest, hook, cta = fallback.title, "", "", ""
    shots: list[Shot] = []
    hashtags: list[str] = []
    variants: list[Variant] = []
    citations: list[str] = []
    body: list[str] = []
    section = "body"
    for index, line in enumerate(lines):
        if index == 0 and line.startswith(TITLE_PREFIX):
            title = line.removeprefix(TITLE_PREFIX).strip()
        elif line.startswith("## 引用"):
            section = "citations"
        elif line.startswith("## A/B 测试版本"):
            section = "variants"
        elif section == "citations" and (match := _FOOTNOTE.match(line)):
            citations.append(match.group(2))
        elif section == "variants" and (match := _VARIANT.match(line)):
            variants.append(Variant(label=match["label"], title=match["title"], hook=match["hook"] or ""))
        elif section in ("citations", "variants") and not line.strip():
            continue
        elif line.startswith(DIGEST_PREFIX):
            digest = line.removeprefix(DIGEST_PREFIX).strip()
        elif line.startswith(_HOOK_PREFIXES):
            hook = line.split("：", 1)[1].strip()
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0] not in ("时间", "---"):
                shots.append(Shot(time=cells[0], visual=cells[1], voiceover=cells[2], onscreen=cells[3]))
        elif (tags := hashtag_topics(line)) is not None:
            hashtags = tags
        else:
            section = "body"
            body.append(line)
    while body and not body[-1].strip():
        body.pop()
    if body and (match := _BOLD_LINE.match(body[-1].strip())):
        cta = match["text"]
        body.pop()
    return fallback.model_copy(
        update={
            "title": title, "digest": digest, "hook": hook, "shots": shots, "hashtags": hashtags, "cta": cta,
            "variants": variants, "citations": citations or fallback.citations,
            "body": "\n".join(body).strip("\n"),
        }
    )
