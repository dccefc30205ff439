"""Prompt templates from prompts/<role>/<name>.md: front matter + `=== system ===` / `=== user ===` parts.

Placeholders are `{{ name }}`. Loading checks that the declared variables are exactly the ones used;
rendering fails on a missing or unexpected variable.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from nmo.errors import UserInputError
from nmo.ports import Message
from nmo.resources import prompts_folder

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
SECTION = re.compile(r"^=== (system|user) ===\s*$", re.MULTILINE)
DEFAULT_PROMPTS_DIR = prompts_folder()


class PromptMeta(BaseModel):
    """The front matter every prompt file carries."""

    version: int = Field(ge=1)
    description: str = Field(min_length=1)
    variables: list[str] = Field(default_factory=list)


class PromptTemplate(BaseModel):
    """One validated template: metadata plus its system and user parts."""

    role: str
    name: str
    path: Path
    meta: PromptMeta
    system: str
    user: str

    def render(self, **variables: object) -> list[Message]:
        """Fill the template; every declared variable must be given and nothing else."""
        given, declared = set(variables), set(self.meta.variables)
        if given != declared:
            missing, extra = sorted(declared - given), sorted(given - declared)
            raise ValueError(f"prompt {self.role}/{self.name}: missing {missing}, unexpected {extra}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), text)

        return [
            Message(role="system", content=fill(self.system)),
            Message(role="user", content=fill(self.user)),
        ]


def _bad_prompt(path: Path, problem: str) -> UserInputError:
    return UserInputError(f"Prompt file {path} is invalid: {problem}", "Fix the file; see prompts/README.md.")


def load_template(path: Path, role: str) -> PromptTemplate:
    """Parse and validate one prompt file."""
    raw = path.read_text("utf-8")
    if not raw.startswith("---\n"):
        raise _bad_prompt(path, "it must start with a YAML front matter block (---).")
    try:
        _, front, body = raw.split("---\n", 2)
        meta = PromptMeta.model_validate(yaml.safe_load(front) or {})
    except (ValueError, yaml.YAMLError, ValidationError) as error:
        raise _bad_prompt(path, f"bad front matter ({error}).") from error
    parts = SECTION.split(body)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if set(sections) != {"system", "user"}:
        raise _bad_prompt(path, "it needs exactly one '=== system ===' and one '=== user ===' section.")
    used = set(PLACEHOLDER.findall(body))
    if used != set(meta.variables):
        raise _bad_prompt(
            path,
            f"declared variables {sorted(meta.variables)} differ from the ones used {sorted(used)}.",
        )
    return PromptTemplate(
        role=role, name=path.stem, path=path, meta=meta,
        system=sections["system"].strip(), user=sections["user"].strip(),
    )


class PromptLibrary:
    """All prompt templates, loaded and validated once at start."""

    def __init__(self, templates: dict[tuple[str, str], PromptTemplate]) -> None:
        self.templates = templates

    @classmethod
    def load(cls, directory: Path = DEFAULT_PROMPTS_DIR) -> PromptLibrary:
        """Load every prompts/<role>/*.md file; a broken file is an error naming it."""
        if not directory.is_dir():
            raise UserInputError(
                f"Prompt folder {directory} does not exist.", "Set NMO_PROMPTS_DIR to the prompts/ folder."
            )
        templates = {
            (path.parent.name, path.stem): load_template(path, path.parent.name)
            for path in sorted(directory.glob("*/*.md"))
            if path.name != "README.md"
        }
        return cls(templates)

    def get(self, role: str, name: str) -> PromptTemplate:
        """One template by role and name."""
        try:
            return self.templates[(role, name)]
        except KeyError:
            raise UserInputError(
                f"No prompt prompts/{role}/{name}.md.", "Restore it from the repository."
            ) from None
