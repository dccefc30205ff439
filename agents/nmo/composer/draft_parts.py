"""Addressing the text parts of a draft (title, body, each shot's voiceover …) to read and rewrite them."""

from __future__ import annotations

from typing import Any

from nmo.render import CITATION_MARKER, FieldPath
from nmo.schemas import DraftContent

ONE_LINE_PARTS = frozenset({"title", "digest", "hook", "cta", "onscreen", "visual", "hashtags"})


def get_part(content: DraftContent, path: FieldPath) -> str:
    """The text at a part's path."""
    value: object = content
    for step in path:
        value = value[step] if isinstance(step, int) else getattr(value, step)  # type: ignore[index]
    return str(value)


def set_part(content: DraftContent, path: FieldPath, new: str) -> DraftContent:
    """A copy of the draft with the part at `path` replaced."""
    data = content.model_dump()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return DraftContent.model_validate(data)


def text_paths(content: DraftContent) -> list[FieldPath]:
    """Every text part of a draft, in reading order."""
    paths: list[FieldPath] = [("title",), ("digest",), ("hook",), ("body",), ("cta",)]
    for index in range(len(content.shots)):
        paths += [("shots", index, "visual"), ("shots", index, "voiceover"), ("shots", index, "onscreen")]
    for index in range(len(content.variants)):
        paths += [("variants", index, "title"), ("variants", index, "hook")]
    paths += [("hashtags", index) for index in range(len(content.hashtags))]
    return paths


def is_one_line(path: FieldPath) -> bool:
    """True for parts that are a single line (a title, a hook, a hashtag), where sentences are not removed."""
    return path[0] == "hashtags" or str(path[-1]) in ONE_LINE_PARTS


def reader_text(content: DraftContent) -> str:
    """What a reader sees: every text part, without citation markers or the list of cited sources."""
    return "\n".join(CITATION_MARKER.sub("", get_part(content, path)) for path in text_paths(content))
