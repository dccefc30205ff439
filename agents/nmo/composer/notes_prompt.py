"""What the LLM revise prompt gets from a reviewer's note: its instructions, the platform's rules, the topic."""

from __future__ import annotations

from collections.abc import Sequence

from nmo.composer.notes import describe, parse_note
from nmo.platforms import PlatformSpec


def note_prompt_variables(note: str, topic: str, spec: PlatformSpec, products: Sequence[str]) -> dict[str, str]:
    """`instructions`, `limits` and `topic` for prompts/writer/revise.md."""
    parsed = parse_note(note, products)
    lines = [f"- {describe(i)}（原话：{i.source}）" for i in parsed.instructions]
    lines += [f"- 原话：{part}（按审核人的意思理解）" for part in parsed.unparsed]
    return {"instructions": "\n".join(lines) or "（无）", "limits": spec.limits_text(), "topic": topic}
