"""Platforms as data (agents/nmo/data/platforms.yaml): shape, limits, hashtags, prompt, tone, disclosure duties.

Code looks a platform's behaviour up by its shape (article, note, short_video …), never by its key, so a
new platform is one table entry plus its prompt file. The table is checked for completeness when it loads.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from nmo.errors import UserInputError
from nmo.resources import prompts_folder

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
    min: int = 0
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
    advised: int = 0  # fewer than the maximum read better; 0 = no advice, use the maximum


class Forbidden(BaseModel):
    """A platform-specific phrase that gets content limited."""

    term: str
    message: str


class ShapeSpec(BaseModel):
    """What a piece of one shape (article, note, short_video …) is made of, shared by its platforms."""

    name: str
    label: str
    output_model: str = Field(description="A model in nmo.composer.formats the LLM writer answers with.")
    parts: list[str]
    requires: list[str] = Field(default_factory=list)
    limited: list[str] = Field(description="Parts every platform of this shape must set a length limit for.")
    add_fact_to: Literal["body", "shots"] = "body"
    variant_hooks: bool = True


class Declaration(BaseModel):
    """How one disclosure duty is met on a platform: what the publisher does, and the label text that counts."""

    how: str
    label: str
    conf: str = "L"
    source: str = ""


class Disclosure(BaseModel):
    """A platform's disclosure duties: the AI-generated-content declaration and the 「广告」 label."""

    ai: Declaration
    ad: Declaration


class DutyRules(BaseModel):
    """One duty across platforms: its law, what it asks, the labels that meet it, what triggers it."""

    law: str
    duty: str
    labels: list[str]
    purchase_paths: list[str] = Field(default_factory=list)
    buy_words: list[str] = Field(default_factory=list)


class DisclosureRules(BaseModel):
    """The two disclosure duties every platform entry says how to meet."""

    ai: DutyRules
    ad: DutyRules


class PlatformSpec(BaseModel):
    """Everything nmo knows about publishing on one platform."""

    key: str
    name: str
    shape: str
    shape_rules: ShapeSpec
    prompt: str = Field(default="", description="The writer prompt, prompts/writer/<prompt>.md.")
    plan_angle: str = Field(default="", description="How the planner angles a topic for this platform.")
    disclosure: Disclosure
    aliases: list[str] = Field(default_factory=list)
    limits: dict[str, Limit]
    folds: dict[str, Fold] = Field(default_factory=dict)
    hashtag: Hashtag
    links: dict[str, str] = Field(default_factory=dict)
    part_names: dict[str, str] = Field(default_factory=dict, description="The platform's own word for a part.")
    forbidden: list[Forbidden] = Field(default_factory=list)
    tone: str = ""
    default_slots: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list)

    @property
    def parts(self) -> list[str]:
        """The parts a piece on this platform has (from its shape)."""
        return self.shape_rules.parts

    @property
    def requires(self) -> list[str]:
        """The parts a piece on this platform cannot go without (from its shape)."""
        return self.shape_rules.requires

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
            f"{self.part_label(part)}" + (f" {limit.min}–{limit.max} 字" if limit.min else f"不超过 {limit.max} 字")
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
    shapes: dict[str, ShapeSpec]
    disclosure_rules: DisclosureRules
    platforms: dict[str, PlatformSpec]


def _table_error(problem: str) -> UserInputError:
    return UserInputError(
        f"The platform table (platforms.yaml) is incomplete: {problem}",
        "Complete the entry (see the other platforms of the same shape), then run the command again.",
        zh_problem=f"平台配置不完整：{problem}",
        zh_fix="请管理员补全 platforms.yaml 中该平台的配置。",
    )


def _platform_entry(key: str, entry: Any, shapes: dict[str, ShapeSpec]) -> PlatformSpec:
    if not isinstance(entry, dict):
        raise _table_error(f"platform '{key}' is not a mapping of fields.")
    shape = entry.get("shape")
    if shape not in shapes:
        raise _table_error(
            f"platform '{key}' has " + (f"an unknown shape '{shape}'" if shape else "no shape")
            + f"; known shapes: {', '.join(shapes)}."
        )
    try:
        return PlatformSpec.model_validate({**entry, "key": key, "shape_rules": shapes[shape]})
    except ValidationError as error:
        missing = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise _table_error(f"platform '{key}': {missing}.") from error


def completeness_problems(table: PlatformTable, prompts_dir: Path) -> list[str]:
    """What each platform lacks: an output model, a prompt file, a plan angle, limits for its shape's parts."""
    from nmo.composer.formats import OUTPUT_MODELS  # lazy: only the check needs the writer's models

    problems: list[str] = []
    for key, spec in table.platforms.items():
        if spec.shape_rules.output_model not in OUTPUT_MODELS:
            problems.append(f"platform '{key}': shape '{spec.shape}' names output model "
                            f"'{spec.shape_rules.output_model}', which nmo.composer.formats does not define")
        if not spec.prompt:
            problems.append(f"platform '{key}': no prompt (the writer prompt's name, prompts/writer/<prompt>.md)")
        elif not (prompts_dir / "writer" / f"{spec.prompt}.md").is_file():
            problems.append(f"platform '{key}': prompt file prompts/writer/{spec.prompt}.md is missing")
        if not spec.plan_angle:
            problems.append(f"platform '{key}': no plan_angle (how the planner angles a topic there)")
        for part in spec.shape_rules.limited:
            if part not in spec.limits:
                problems.append(f"platform '{key}': no limit for '{part}', a part of its shape '{spec.shape}'")
    return problems


def load_table(text: str, prompts_dir: Path) -> PlatformTable:
    """Parse and check a platform table; an incomplete entry is an error naming the platform and what it lacks."""
    raw = yaml.safe_load(text)
    try:
        shapes = {name: ShapeSpec.model_validate({**shape, "name": name}) for name, shape in raw["shapes"].items()}
        rules = DisclosureRules.model_validate(raw["disclosure_rules"])
    except (KeyError, TypeError, ValidationError) as error:
        raise _table_error(f"the shapes or disclosure_rules section is missing or malformed ({error}).") from error
    platforms = {key: _platform_entry(key, entry, shapes) for key, entry in raw["platforms"].items()}
    table = PlatformTable(
        checked_at=str(raw["checked_at"]), shapes=shapes, disclosure_rules=rules, platforms=platforms
    )
    problems = completeness_problems(table, prompts_dir)
    if problems:
        raise _table_error("; ".join(problems) + ".")
    return table


@cache
def platform_table() -> PlatformTable:
    """Load, validate and check the platform table once."""
    text = resources.files("nmo.data").joinpath("platforms.yaml").read_text("utf-8")
    return load_table(text, prompts_folder())


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
