"""A document cut into headed sections, each classified by what its heading says it holds.

Headings come in many shapes: Markdown `#`, a line underlined with `===`/`---`/`...` (wiki and text
exports), a line in 【】 brackets. The vocabulary below is deliberately broad, Chinese and English, so a
guide's own wording ("货架上的东西", "Don't say", "同行在做什么") finds its topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from nmo.schemas import SourceDocument

Topic = Literal[
    "positioning", "audience", "pillars", "products", "tone", "banned", "terminology", "competitors",
    "campaigns",
]
# Checked in this order: the first topic whose words a heading contains wins ("禁用表达" is banned, not tone).
TOPIC_WORDS: tuple[tuple[Topic, tuple[str, ...]], ...] = (
    ("banned", ("禁用", "不说", "不能说", "违禁", "红线", "禁止", "敏感词", "banned", "don't say", "dont say",
                "do not say", "avoid", "never say", "forbidden")),
    ("terminology", ("术语", "用词", "用语", "写法", "wording", "terminology", "glossary", "word choice")),
    ("tone", ("语气", "口吻", "说话", "文风", "风格", "tone", "voice", "style")),
    ("competitors", ("竞品", "对手", "同行", "竞争", "rival", "competitor", "landscape", "competition")),
    ("campaigns", ("节点", "日历", "活动", "节奏", "大促", "campaign", "calendar", "promotion")),
    ("pillars", ("支柱", "内容方向", "栏目", "选题方向", "讲什么", "内容板块", "内容规划", "pillar", "bucket",
                 "content theme", "themes")),
    ("products", ("产品", "价目", "价格", "商品", "货架", "品类", "菜单", "sku", "price", "product", "menu",
                  "seasonal", "限定")),
    ("audience", ("人群", "用户画像", "目标用户", "客群", "受众", "audience", "persona", "customers")),
    ("positioning", ("定位", "品牌介绍", "关于", "我们是谁", "品牌故事", "简介", "概况", "about", "who we are",
                     "overview", "positioning")),
)
# Under these topics a sub-heading names one entry (a pillar, a product, a competitor) or a group of
# entries, so it keeps its parent's topic even when its own words would point elsewhere ("新品与活动").
ENTRY_TOPICS: frozenset[Topic] = frozenset({"pillars", "products", "competitors", "banned", "terminology", "tone"})

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BRACKET_HEADING = re.compile(r"^[【\[]([^】\]]{1,30})[】\]]\s*$")
_UNDERLINE = re.compile(r"^\s*(=|-|\.|~|_|·|—){3,}\s*$")
_UNDERLINE_LEVEL = {"=": 1, "-": 2, "—": 2, "~": 3, ".": 3, "_": 3, "·": 3}
_NUMBERING = re.compile(
    r"^(?:\d{1,2}(?:\.\d+)*[.、)](?!\d)|[一二三四五六七八九十]+[、.]|第[一二三四五六七八九十\d]+[章节部分])\s*"
)


@dataclass
class Line:
    """One line of a section, with its line number in the document (1-based)."""

    number: int
    text: str


@dataclass
class Section:
    """The lines under one heading, with the headings above it and the topic it was classified as."""

    document: SourceDocument
    heading: str
    level: int
    trail: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    topic: Topic | None = None
    children: list[Section] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The file the section was read from, as the knowledge base cites it."""
        return self.document.path

    @property
    def name(self) -> str:
        """The heading without its numbering or Markdown emphasis (`## 1. 冷泡小课堂` → 冷泡小课堂)."""
        return clean_heading(self.heading)

    def text(self) -> str:
        """The section's own lines (not its sub-sections') as one string."""
        return "\n".join(line.text for line in self.lines)

    def descendants(self) -> list[Section]:
        """This section's sub-sections, depth first."""
        found: list[Section] = []
        for child in self.children:
            found.append(child)
            found.extend(child.descendants())
        return found


def clean_heading(heading: str) -> str:
    """A heading as a name: numbering, emphasis marks and surrounding brackets dropped."""
    text = heading.strip().strip("*_ ").strip()
    text = _NUMBERING.sub("", text).strip()
    return text.strip("【】[] ").strip()


def classify_heading(heading: str) -> Topic | None:
    """The topic a heading's words point to, or None."""
    lowered = heading.lower().replace("’", "'")
    for topic, words in TOPIC_WORDS:
        if any(word in lowered for word in words):
            return topic
    return None


def split_sections(document: SourceDocument) -> list[Section]:
    """Every section of a document, in order; text before the first heading is a section under the title."""
    lines = document.text.splitlines()
    root = Section(document, heading=document.title, level=0)
    sections = [root]
    stack = [root]
    skip_next = False
    for index, raw in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        heading = _heading_at(lines, index)
        if heading is None:
            stack[-1].lines.append(Line(index + 1, raw))
            continue
        text, level, underlined = heading
        skip_next = underlined
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1]
        section = Section(document, heading=text, level=level, trail=[*parent.trail, parent.heading])
        parent.children.append(section)
        sections.append(section)
        stack.append(section)
    _classify(root, parent_topic="competitors" if document.kind == "competitor" else None)
    return sections


def _heading_at(lines: list[str], index: int) -> tuple[str, int, bool] | None:
    """(text, level, underlined) when the line at `index` is a heading."""
    line = lines[index].strip()
    if not line:
        return None
    markdown = _MARKDOWN_HEADING.match(line)
    if markdown:
        return markdown.group(2), len(markdown.group(1)), False
    bracket = _BRACKET_HEADING.match(line)
    if bracket:
        return bracket.group(1), 2, False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    underline = _UNDERLINE.match(following)
    if underline and len(line) <= 40 and not line.startswith(("-", "*", "|")):
        return line, _UNDERLINE_LEVEL.get(underline.group(1), 2), True
    return None


def _classify(section: Section, parent_topic: Topic | None) -> None:
    own = classify_heading(section.heading) if section.level else classify_heading(section.document.title)
    if parent_topic in ENTRY_TOPICS or (parent_topic is not None and own is None):
        section.topic = parent_topic
    else:
        section.topic = own
    for child in section.children:
        _classify(child, section.topic)
