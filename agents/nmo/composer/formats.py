"""Structured output per platform for the LLM writer, and their conversion into DraftContent.

The model answers sentence by sentence with the passage IDs each sentence rests on; code validates those
citations and numbers and places the footnote markers, so the model never writes markers itself.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from nmo.schemas import Variant


class CitedSentence(BaseModel):
    """One sentence and the IDs of the passages it states facts from (empty for connective text)."""

    text: str
    cite: list[str] = Field(default_factory=list)


class Section(BaseModel):
    """A titled section of a long article."""

    heading: str
    sentences: list[CitedSentence]


class ScriptShot(BaseModel):
    """One shot of a short-video script."""

    time: str = Field(description="e.g. 0-3s")
    visual: str
    voiceover: CitedSentence
    onscreen: str = ""


class Chapter(BaseModel):
    """One chapter of a B站 video script."""

    time: str = Field(description="mm:ss")
    name: str
    narration: list[CitedSentence]


class WechatArticle(BaseModel):
    """公众号 article: title, digest, intro, sections with headings, call to action."""

    title: str
    digest: str
    intro: list[CitedSentence]
    sections: list[Section]
    cta: str
    variants: list[Variant] = Field(default_factory=list)


class XiaohongshuNote(BaseModel):
    """小红书 note: short title, first-person opener, points with emoji, closing question, topics."""

    title: str
    opener: str
    points: list[CitedSentence]
    closing: str
    hashtags: list[str]
    variants: list[Variant] = Field(default_factory=list)


class WeiboPost(BaseModel):
    """微博 post: the point first (it must stand alone in the first 140 characters), details, topics."""

    point: CitedSentence
    details: list[CitedSentence]
    hashtags: list[str]
    variants: list[Variant] = Field(default_factory=list)


class ShortVideoScript(BaseModel):
    """Short-video script (抖音, 快手, 视频号 …): title, 3-second hook, shots, caption, topics, call to action."""

    title: str
    hook: str
    shots: list[ScriptShot]
    caption: list[CitedSentence]
    hashtags: list[str]
    cta: str
    variants: list[Variant] = Field(default_factory=list)


class BilibiliVideo(BaseModel):
    """B站 video: title, chaptered script, description, tags, call to action."""

    title: str
    chapters: list[Chapter]
    description: list[CitedSentence]
    tags: list[str]
    cta: str
    variants: list[Variant] = Field(default_factory=list)


class ZhihuAnswer(BaseModel):
    """知乎 answer: the conclusion first, then evidence and how-to."""

    title: str
    conclusion: CitedSentence
    evidence: list[CitedSentence]
    how_to: list[CitedSentence]
    closing: str
    variants: list[Variant] = Field(default_factory=list)


class PosterCopy(BaseModel):
    """Poster copy: headline, sub-headline, call to action."""

    headline: str
    subheadline: CitedSentence
    cta: str
    variants: list[Variant] = Field(default_factory=list)


PlatformOutput = (
    WechatArticle | XiaohongshuNote | WeiboPost | ShortVideoScript | BilibiliVideo | ZhihuAnswer | PosterCopy
)
# By name, as the platform table's shapes name them (shapes: output_model in platforms.yaml).
OUTPUT_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        WechatArticle, XiaohongshuNote, WeiboPost, ShortVideoScript, BilibiliVideo, ZhihuAnswer, PosterCopy
    )
}
