"""YAML front matter: split it from the body and validate its fields, reporting the line of a problem."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from nmo.errors import UserInputError
from nmo.schemas import Kind

FENCE = re.compile(r"^(---|\.\.\.)\s*$")
KIND_ALIASES: dict[str, Kind] = {
    "brand": "brand",
    "content": "content",
    "competitor": "competitor",
    "competitors": "competitor",
}


class FrontMatterError(UserInputError):
    """Front matter that cannot be read; `line` is 1-based in the original file."""

    def __init__(self, problem: str, fix: str, line: int) -> None:
        super().__init__(problem, fix)
        self.line = line


class FrontMatter(BaseModel):
    """The optional fields a knowledge file may declare."""

    kind: Kind | None = None
    title: str | None = None
    platform: str | None = None
    published_at: str | None = None
    pillar: str | None = None
    tags: list[str] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (raw fields, body, lines the front matter took); without front matter ({}, text, 0)."""
    import yaml

    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for index in range(1, len(lines)):
        if FENCE.match(lines[index]):
            block = "".join(lines[1:index])
            try:
                raw = yaml.safe_load(block) if block.strip() else {}
            except yaml.YAMLError as error:
                # An unclosed bracket is reported at the end of the block; where it opened is more useful.
                mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
                line = (mark.line + 2) if mark is not None else 1
                problem = getattr(error, "problem", None) or str(error).splitlines()[0]
                raise FrontMatterError(
                    f"Front matter is not valid YAML ({problem}).",
                    "Fix the YAML between the two `---` lines (quote values that contain ':' or '#'), "
                    "or delete the block.",
                    line,
                ) from None
            if not isinstance(raw, dict):
                raise FrontMatterError(
                    "Front matter must be a mapping of `key: value` lines.",
                    "Write fields such as `title: ...` and `kind: brand` between the `---` lines.",
                    2,
                )
            return raw, "".join(lines[index + 1 :]), index + 1
    raise FrontMatterError(
        "Front matter opened with `---` on line 1 is never closed.",
        "Add a closing `---` line after the fields, or remove the opening one.",
        1,
    )


def _line_of(key: str, text: str) -> int:
    """1-based line where `key:` appears in the front matter, else 1."""
    for number, line in enumerate(text.splitlines()[:200], start=1):
        if line.lstrip().startswith(f"{key}:"):
            return number
    return 1


def parse_front_matter(text: str) -> tuple[FrontMatter, str, int]:
    """Parse and validate front matter; returns (fields, body, lines taken)."""
    raw, body, consumed = split_front_matter(text)
    fields: dict[str, Any] = {}

    def fail(key: str, problem: str, fix: str) -> FrontMatterError:
        return FrontMatterError(problem, fix, _line_of(key, text))

    if raw.get("kind") is not None:
        kind = KIND_ALIASES.get(str(raw["kind"]).strip().lower())
        if kind is None:
            raise fail("kind", f"Unknown kind '{raw['kind']}'.", "Use kind: brand, content or competitor.")
        fields["kind"] = kind
    for key in ("title", "platform", "pillar"):
        if raw.get(key) is not None:
            fields[key] = str(raw[key]).strip()
    if raw.get("published_at") is not None:
        fields["published_at"] = _parse_date(raw["published_at"], fail)
    tags = raw.get("tags")
    if isinstance(tags, str):
        fields["tags"] = [t.strip() for t in re.split(r"[,，、]", tags) if t.strip()]
    elif isinstance(tags, list):
        fields["tags"] = [str(t).strip() for t in tags if str(t).strip()]
    elif tags is not None:
        raise fail("tags", "`tags` must be a list.", "Write tags: [冷泡茶, 办公室].")
    metrics = raw.get("metrics")
    if metrics is not None:
        if not isinstance(metrics, dict):
            raise fail("metrics", "`metrics` must be a mapping of numbers.", "Write e.g. metrics: {views: 1200}.")
        parsed: dict[str, float] = {}
        for name, value in metrics.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                try:
                    value = float(str(value).replace(",", ""))
                except ValueError:
                    raise fail(
                        str(name), f"Metric '{name}' is not a number ({value!r}).", "Use plain numbers."
                    ) from None
            parsed[str(name)] = float(value)
        fields["metrics"] = parsed
    return FrontMatter(**fields), body, consumed


def _parse_date(value: object, fail: Any) -> str:
    """Normalise a YAML date or `YYYY-MM-DD` string to ISO format."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        error: FrontMatterError = fail(
            "published_at",
            f"published_at '{value}' is not a date.",
            "Write it as YYYY-MM-DD, e.g. 2026-05-15.",
        )
        raise error from None
