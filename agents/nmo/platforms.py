"""Platform rules as data (agents/nmo/data/platforms.yaml): limits, parts, hashtag syntax, tone."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from nmo.errors import UserInputError

# What a part is called in Chinese, unless the platform names it its own way (part_names in the registry).
PART_LABELS: dict[str, str] = {
    "title": "标题",
    "digest": "摘要",
    "hook": "开头钩子",
    "body": "正文",
    "cta": "行动号召",
    "hashtags": "话题",
}


class Limit(BaseModel):
    """A hard limit on one part, with how sure we are of it."""

    max: int
    conf: str = "L"
    source: str = ""


class Fold(BaseModel):
    """A display fold: text past it is hidden until the reader expands it (a warning, not a block)."""

    at: int
    conf: str = "L"
    note: str = ""


class Hashtag(BaseModel):
    """How a platform writes topics: #话题# (paired), #话题 (prefix), separate tags, or none."""

    style: Literal["paired", "prefix", "tag", "none"]
    max: int = 0


class Forbidden(BaseModel):
    """A platform-specific phrase that gets content limited."""

    term: str
    message: str


class PlatformSpec(BaseModel):
    """Everything nmo knows about publishing on one platform."""

    key: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    parts: list[str]
    limits: dict[str, Limit]
    folds: dict[str, Fold] = Field(default_factory=dict)
    hashtag: Hashtag
    links: dict[str, str] = Field(default_factory=dict)
    requires: list[str] = Field(default_factory=list)
    part_names: dict[str, str] = Field(default_factory=dict, description="The platform's own word for a part.")
    forbidden: list[Forbidden] = Field(default_factory=list)
    tone: str = ""
    default_slots: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list)

    def limit(self, part: str) -> int | None:
        """The hard maximum for a part in characters, or None when the platform sets none."""
        lim = self.limits.get(part)
        return lim.max if lim else None

    def part_label(self, part: str) -> str:
        """What this platform calls a part (配文, 简介, 主标题 …), in Chinese."""
        return self.part_names.get(part) or PART_LABELS.get(part, part)

    def limits_text(self) -> str:
        """The limits, folds and hashtag count as one Chinese sentence, so prompts never restate numbers."""
        rules = [
            f"{self.part_label(part)}不超过 {limit.max} 字"
            for part, limit in self.limits.items()
            if part not in ("hashtags", "hashtag_each")
        ]
        rules += [
            f"{self.part_label(part)}前 {fold.at} 字要能独立成立（之后会被折叠）"
            for part, fold in self.folds.items()
            if part in self.limits
        ]
        tags = self.hashtag.max or self.limit("hashtags")
        if self.hashtag.style != "none" and tags:
            rules.append(f"{self.part_label('hashtags')}不超过 {tags} 个")
            each = self.limit("hashtag_each")
            if each is not None:
                rules.append(f"每个{self.part_label('hashtags')}不超过 {each} 字")
        return "；".join(rules)

    def format_hashtag(self, topic: str) -> str:
        """Write one topic in the platform's syntax."""
        topic = topic.strip().strip("#")
        if self.hashtag.style == "paired":
            return f"#{topic}#"
        if self.hashtag.style == "prefix":
            return f"#{topic}"
        return topic


class PlatformTable(BaseModel):
    """The whole table with the date it was checked."""

    checked_at: str
    platforms: dict[str, PlatformSpec]


@cache
def platform_table() -> PlatformTable:
    """Load and validate the platform table once."""
    raw = yaml.safe_load(resources.files("nmo.data").joinpath("platforms.yaml").read_text("utf-8"))
    for key, spec in raw["platforms"].items():
        spec["key"] = key
    return PlatformTable.model_validate({"checked_at": str(raw["checked_at"]), "platforms": raw["platforms"]})


def platform_keys() -> list[str]:
    """Canonical platform keys, e.g. wechat, weibo, xiaohongshu."""
    return list(platform_table().platforms)


def get_platform(name: str) -> PlatformSpec:
    """Look up a platform by key or alias (公众号, 小红书, xhs …); unknown names are a user error."""
    wanted = name.strip()
    table = platform_table().platforms
    if wanted.lower() in table:
        return table[wanted.lower()]
    for spec in table.values():
        if wanted in spec.aliases or wanted.lower() in (a.lower() for a in spec.aliases):
            return spec
    raise UserInputError(
        f"Unknown platform '{name}'.",
        f"Use one of: {', '.join(table)} (Chinese names such as 公众号, 小红书, 抖音 work too).",
        zh_problem=f"没有「{name}」这个平台。",
        zh_fix=f"请从这些平台中选择：{'、'.join(spec.name for spec in table.values())}。",
    )


def parse_platforms(value: str) -> list[str]:
    """Parse a comma-separated platform list into canonical keys, keeping order, dropping repeats."""
    keys: list[str] = []
    for part in value.replace("，", ",").split(","):
        if part.strip():
            key = get_platform(part).key
            if key not in keys:
                keys.append(key)
    if not keys:
        raise UserInputError("No platform given.", f"Pass e.g. --platforms {','.join(platform_keys()[:2])}.")
    return keys
