"""一稿多发 offline: the source piece is the content; each version keeps its facts and structure in a new shape.

Nothing is taken from the knowledge base for the text: the source's own sentences are reshaped to the
platform's limits and conventions, the most factual ones (numbers, products, each section's first
sentence) kept first when a limit forces a cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nmo.composer.brand import BrandProfile
from nmo.composer.draft import XHS_EMOJI
from nmo.composer.facts import METADATA_LINE, SELF_REFERENCE, short_name
from nmo.composer.limits import enforce_limits
from nmo.composer.sentences import NUMBER, first_clause, shorten, split_sentences
from nmo.platforms import PlatformSpec, get_platform
from nmo.ports import KnowledgeBase
from nmo.schemas import DraftBrief, DraftContent, Passage, Shot

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
# A plain-text export's section line (一、捡到了什么): a heading when short and not a sentence.
_PLAIN_HEADING = re.compile(r"^[一二三四五六七八九十]+、\s*([^。！？!?]{1,16})$")
_FRONT_TAGS = re.compile(r"^tags:\s*\[?(.+?)\]?\s*$")


@dataclass
class Section:
    """A part of the source: its heading ("" before the first one) and its sentences in order."""

    heading: str
    sentences: list[str] = field(default_factory=list)


@dataclass
class SourcePiece:
    """The piece to adapt: title, sections, and tags from its front matter."""

    title: str
    sections: list[Section]
    tags: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        """Every sentence in order."""
        return [s for section in self.sections for s in section.sentences]


def read_source(text: str, fallback_title: str = "") -> SourcePiece:
    """The source's title, sections and tags; front matter, header/metadata lines and self-references dropped."""
    lines = text.strip().splitlines()
    title, tags = "", []
    if lines and lines[0].strip() == "---":
        closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), 0)
        for line in lines[1:closing]:
            if line.startswith("title:"):
                title = line.split(":", 1)[1].strip().strip("\"'")
            elif match := _FRONT_TAGS.match(line.strip()):
                tags = [t.strip(" \"'#") for t in re.split(r"[,，、]", match.group(1)) if t.strip(" \"'#")]
        lines = lines[closing + 1 :]
    sections = [Section("")]
    for line in lines:
        if not line.strip():
            continue
        if not title and not any(s.sentences for s in sections) and not line.rstrip().endswith(tuple("。！？!?")):
            title = line.strip().lstrip("# ").strip()  # a plain export's first line is its title
            continue
        heading = _HEADING.match(line.strip()) or _PLAIN_HEADING.match(line.strip())
        if heading:
            sections.append(Section(heading.group(1).strip()))
            continue
        for sentence in split_sentences(line):
            # The source's own medium (「视频最后我们」「评论区」) and header lines do not carry over.
            if len(sentence) < 4 or METADATA_LINE.match(sentence) or SELF_REFERENCE.search(sentence):
                continue
            sections[-1].sentences.append(sentence)
    kept = [s for s in sections if s.sentences]
    return SourcePiece(title=title or fallback_title, sections=kept, tags=tags)


def priority(sentence: str, section: Section, products: list[str]) -> int:
    """How much a sentence carries: numbers and product names first, then each section's opening claim."""
    score = 2 * bool(NUMBER.search(sentence)) + 2 * any(p and p in sentence for p in products)
    return score + (1 if section.sentences and section.sentences[0] == sentence else 0)


Render = Callable[[set[str]], DraftContent]


def fit(render: Render, piece: SourcePiece, products: list[str], fits: Callable[[DraftContent], bool]) -> DraftContent:
    """The version with as many source sentences as fit: the least factual (latest first) dropped until it fits."""
    ranked = [(priority(s, sec, products), -i, s)
              for i, (sec, s) in enumerate((sec, s) for sec in piece.sections for s in sec.sentences)]
    kept = {s for _, _, s in ranked}
    content = render(kept)
    for _, _, sentence in sorted(ranked):
        if fits(content):
            break
        kept.discard(sentence)
        content = render(kept)
    return content


def _within(spec: PlatformSpec, part: str, reserve: int = 0) -> Callable[[DraftContent], bool]:
    limit = spec.limit(part)
    return lambda c: limit is None or len(getattr(c, part)) + reserve <= limit


def _sections(piece: SourcePiece, kept: set[str]) -> list[tuple[str, list[str]]]:
    return [(s.heading, [x for x in s.sentences if x in kept]) for s in piece.sections
            if any(x in kept for x in s.sentences)]


def _article(piece: SourcePiece, spec: PlatformSpec, kept: set[str]) -> DraftContent:
    """公众号 / 知乎: the source's own structure, headings and all."""
    blocks = ["".join(sentences) if not heading else f"## {heading}\n\n" + "".join(sentences)
              for heading, sentences in _sections(piece, kept)]
    first = piece.sentences()[:2]
    return DraftContent(title=piece.title, digest=shorten("".join(first), spec.limit("digest") or 120)
                        if "digest" in spec.parts else "", body="\n\n".join(blocks))


def _note(piece: SourcePiece, spec: PlatformSpec, kept: set[str]) -> DraftContent:
    """小红书: one emoji-led point per section, the section's heading as its label."""
    lines: list[str] = []
    for index, (heading, sentences) in enumerate(_sections(piece, kept)):
        label = f"{heading}：" if heading else ""
        lines.append(f"{XHS_EMOJI[index % len(XHS_EMOJI)]} {label}{''.join(sentences)}" if heading or lines
                     else "".join(sentences))
    lines.append("你还想看哪一部分的细节？评论区告诉我。")
    return DraftContent(title=first_clause(piece.title, spec.limit("title") or 20), body="\n".join(lines))


def _post(piece: SourcePiece, spec: PlatformSpec, kept: set[str]) -> DraftContent:
    """微博: the point in 【】 first, then the details in the source's order; no title."""
    lines = [f"【{shorten(piece.title, 30)}】"]
    for heading, sentences in _sections(piece, kept):
        lines.append((f"{heading}：" if heading else "") + "".join(sentences))
    return DraftContent(title="", body="\n".join(lines))


def _video(piece: SourcePiece, spec: PlatformSpec, kept: set[str]) -> DraftContent:
    """Short and long video (抖音, 快手, 视频号, B站): a hook, then a shot or chapter per section, voiced over."""
    sections = _sections(piece, kept)
    hook = shorten(first_clause(piece.title, spec.limit("hook") or 30), spec.limit("hook") or 30)
    chaptered = spec.shape == "video"
    shots = [Shot(time="00:00" if chaptered else "0-3s", visual="开场", voiceover=hook, onscreen=shorten(hook, 14))]
    for index, (heading, sentences) in enumerate(sections, start=1):
        time = f"{index:02d}:00" if chaptered else f"{3 + (index - 1) * 10}-{3 + index * 10}s"
        name = heading or "开场要点"
        shots.append(Shot(time=time, visual=name, voiceover="".join(sentences), onscreen=shorten(name, 14)))
    caption = "".join(sentences for _, group in sections[:1] for sentences in group)
    body = caption + ("\n\n本期章节：\n" + "\n".join(f"{s.time} {s.visual}" for s in shots) if chaptered else "")
    return DraftContent(title=shorten(piece.title, spec.limit("title") or 30), hook=hook if not chaptered else "",
                        shots=shots, body=body)


def _poster(piece: SourcePiece, spec: PlatformSpec, kept: set[str]) -> DraftContent:
    """海报: a headline and the source's most factual short sentence."""
    short = [s for s in piece.sentences() if s in kept and len(s) <= (spec.limit("hook") or 30)]
    return DraftContent(title=shorten(piece.title, spec.limit("title") or 16), hook=short[0] if short else "",
                        body="", cta="")


SHAPES: dict[str, Callable[[SourcePiece, PlatformSpec, set[str]], DraftContent]] = {  # by platforms.yaml shape
    "article": _article, "answer": _article, "note": _note, "post": _post, "short_video": _video,
    "video": _video, "poster": _poster,
}


def _tags(piece: SourcePiece, spec: PlatformSpec, products: list[str]) -> list[str]:
    if spec.hashtag.style == "none":
        return []
    text = " ".join(piece.sentences())
    tags = [*piece.tags, *(p for p in products if p in text)]
    return list(dict.fromkeys(t for t in tags if t))[: spec.hashtag.max or 5]


def compose_adaptation(
    brief: DraftBrief, kb: KnowledgeBase, profile: BrandProfile
) -> tuple[DraftContent, list[Passage]]:
    """The source piece reshaped for the brief's platform; it cites nothing, since it adds no knowledge."""
    del kb  # the source is the content; nothing is looked up
    spec = get_platform(brief.platform)
    piece = read_source(brief.source_text, brief.topic)
    products = [short_name(p) for p in profile.products]
    shape = SHAPES[spec.shape]
    tags = _tags(piece, spec, products)

    def render(kept: set[str]) -> DraftContent:
        content = shape(piece, spec, kept)
        return content.model_copy(update={"hashtags": tags})

    reserve = sum(len(spec.format_hashtag(t)) + 1 for t in tags) if "hashtags" not in spec.parts else 0
    body_fits = _within(spec, "body", reserve)
    content = fit(render, piece, products, body_fits)
    kept = sum(1 for s in piece.sentences() if s in content.body or any(s in x.voiceover for x in content.shots))
    content = enforce_limits(content, spec)
    total = len(piece.sentences())
    content.changes = f"改写自原文《{piece.title}》：保留原文 {total} 句中的 {kept} 句，结构按原文小标题。"
    return content, []
