"""Grounding an LLM answer in the passages it was given: valid citations, no invented numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nmo.composer.draft import safe_topic
from nmo.composer.formats import (
    BilibiliVideo,
    CitedSentence,
    PosterCopy,
    ShortVideoScript,
    WechatArticle,
    WeiboPost,
    XiaohongshuNote,
    ZhihuAnswer,
)
from nmo.composer.sentences import numbers_in
from nmo.render import CITATION_MARKER
from nmo.schemas import DraftContent, Passage, Shot, Variant


@dataclass
class Grounder:
    """Checks sentences against the given passages and numbers the citations it keeps."""

    passages: list[Passage]
    cited: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.passages}
        self.all_numbers: set[str] = set()
        for passage in self.passages:
            self.all_numbers |= numbers_in(passage.text)

    def _number(self, passage_id: str) -> int:
        if passage_id not in self.cited:
            self.cited.append(passage_id)
        return self.cited.index(passage_id) + 1

    def sentence(self, item: CitedSentence) -> str | None:
        """The sentence with footnote markers, or None (and a log line) when it cannot be kept."""
        text = CITATION_MARKER.sub("", item.text).strip()
        if not text:
            return None
        valid = [c for c in dict.fromkeys(item.cite) if c in self.by_id]
        if item.cite and not valid:
            self.dropped.append(f"删除了引用不存在资料的句子：「{text[:40]}」")
            return None
        numbers = numbers_in(text)
        if numbers:
            backing: set[str] = set()
            for passage_id in valid:
                backing |= numbers_in(self.by_id[passage_id].text)
            if not numbers <= backing:
                self.dropped.append(f"删除了数字无出处的句子：「{text[:40]}」")
                return None
        return text + "".join(f"[^{self._number(c)}]" for c in valid)

    def sentences(self, items: list[CitedSentence]) -> list[str]:
        """The sentences that survive grounding."""
        return [s for s in (self.sentence(i) for i in items) if s]

    def line(self, text: str) -> str:
        """A title, hook or CTA with numbers that no passage supports removed."""
        return safe_topic(CITATION_MARKER.sub("", text), self.all_numbers)

    def variants(self, variants: list[Variant], count: int) -> list[Variant]:
        """At most `count` labelled variants with grounded titles and hooks."""
        labels = "ABCDE"
        return [
            Variant(label=labels[i], title=self.line(v.title), hook=self.line(v.hook))
            for i, v in enumerate(variants[:count])
        ]


def _tags(tags: list[str]) -> list[str]:
    return [re.sub(r"[#\s]", "", t) for t in tags if re.sub(r"[#\s]", "", t)]


def to_content(answer: object, grounder: Grounder, variants: int) -> DraftContent:
    """Turn a per-platform answer into DraftContent with markers, citations and grounded numbers."""
    g = grounder
    if isinstance(answer, WechatArticle):
        sections = [f"## {s.heading}\n\n" + "".join(g.sentences(s.sentences)) for s in answer.sections]
        content = DraftContent(
            title=g.line(answer.title),
            digest=g.line(answer.digest),
            body="\n\n".join(["".join(g.sentences(answer.intro)), *sections]).strip(),
            cta=g.line(answer.cta),
        )
        return _finish(content, answer.variants, g, variants)
    if isinstance(answer, XiaohongshuNote):
        body = "\n".join([g.line(answer.opener), *g.sentences(answer.points), g.line(answer.closing)])
        content = DraftContent(title=g.line(answer.title), body=body.strip(), hashtags=_tags(answer.hashtags))
        return _finish(content, answer.variants, g, variants)
    if isinstance(answer, WeiboPost):
        point = g.sentence(answer.point) or ""
        body = "\n".join([point, *g.sentences(answer.details)]).strip()
        # A 微博 post has no title: its point leads the body, and no title is made up from it.
        content = DraftContent(title="", body=body, hashtags=_tags(answer.hashtags))
        return _finish(content, answer.variants, g, variants)
    if isinstance(answer, ShortVideoScript):
        shots = [
            Shot(
                time=s.time,
                visual=g.line(s.visual),
                voiceover=g.sentence(s.voiceover) or "",
                onscreen=g.line(s.onscreen),
            )
            for s in answer.shots
        ]
        content = DraftContent(
            title=g.line(answer.title),
            hook=g.line(answer.hook),
            shots=[s for s in shots if s.voiceover],
            body="".join(g.sentences(answer.caption)),
            hashtags=_tags(answer.hashtags),
            cta=g.line(answer.cta),
        )
        return _finish(content, answer.variants, g, variants)
    if isinstance(answer, BilibiliVideo):
        shots = [
            Shot(
                time=c.time,
                visual=g.line(c.name),
                voiceover="".join(g.sentences(c.narration)),
                onscreen=g.line(c.name),
            )
            for c in answer.chapters
        ]
        chapters = "\n".join(f"{s.time} {s.visual}" for s in shots)
        body = "".join(g.sentences(answer.description)) + f"\n\n本期章节：\n{chapters}"
        content = DraftContent(
            title=g.line(answer.title),
            body=body,
            shots=shots,
            hashtags=_tags(answer.tags),
            cta=g.line(answer.cta),
        )
        return _finish(content, answer.variants, g, variants)
    if isinstance(answer, ZhihuAnswer):
        conclusion = g.sentence(answer.conclusion) or ""
        parts = ["**先说结论**：" + conclusion] if conclusion else []
        if evidence := g.sentences(answer.evidence):
            parts.append("## 为什么这么说\n\n" + "\n\n".join(evidence))
        if how := g.sentences(answer.how_to):
            parts.append("## 具体怎么做\n\n" + "\n\n".join(how))
        parts.append(g.line(answer.closing))
        content = DraftContent(title=g.line(answer.title), body="\n\n".join(p for p in parts if p))
        return _finish(content, answer.variants, g, variants)
    if isinstance(answer, PosterCopy):
        content = DraftContent(
            title=g.line(answer.headline),
            hook=g.sentence(answer.subheadline) or "",
            body="",
            cta=g.line(answer.cta),
        )
        return _finish(content, answer.variants, g, variants)
    raise TypeError(f"no conversion for {type(answer).__name__}")


def _finish(content: DraftContent, variants: list[Variant], g: Grounder, count: int) -> DraftContent:
    return content.model_copy(
        update={
            "variants": g.variants(variants, count),
            "citations": list(g.cited),
            "title": content.title.rstrip("。"),
        }
    )
