"""Eval case schemas and the loader that validates every YAML case file under evals/cases/<suite>/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from nmo.errors import UserInputError
from nmo.schemas import Category

CASE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
BackendName = Literal["offline", "scripted", "live"]
ALL_BACKENDS: tuple[BackendName, ...] = ("offline", "scripted", "live")


class EvalCase(BaseModel):
    """Fields every case has: an ID unique in its suite and what it is about."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CASE_ID)
    description: str = ""


def _known_platform(value: str) -> str:
    from nmo.platforms import get_platform

    try:
        return get_platform(value).key
    except UserInputError as error:
        raise ValueError(error.problem) from None


PlatformKey = Annotated[str, AfterValidator(_known_platform)]


class WriterAnswer(BaseModel):
    """What the scripted LLM writer answers; unlisted fields of the writer's model get neutral values."""

    model_config = ConfigDict(extra="forbid")

    title: str = "冷泡茶的三个小步骤"
    body: str = "冷水放入茶包，冷藏六小时后即可饮用，口感清爽。"
    hook: str = ""
    digest: str = ""
    cta: str = ""
    hashtags: list[str] = Field(default_factory=list)
    fields: dict[str, Any] = Field(default_factory=dict, description="Other fields of the writer's output model.")

    def values(self) -> dict[str, Any]:
        """Field name → value, for the schema filler."""
        named = {"title": self.title, "body": self.body, "hashtags": self.hashtags}
        named |= {k: v for k, v in (("hook", self.hook), ("digest", self.digest), ("cta", self.cta)) if v}
        return named | self.fields


class Planted(BaseModel):
    """A violation planted in the LLM's answer that the gate must flag."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    category: Category


class Fault(BaseModel):
    """A failure the scripted endpoint serves before its answer."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["http", "timeout", "malformed", "refusal"]
    status: int = Field(default=500, ge=400, le=599)
    times: int = Field(default=1, ge=1, le=20)


class ScriptedCase(EvalCase):
    """One draft request run through the real graph against the scripted endpoint."""

    platform: PlatformKey
    topic: str = Field(min_length=1)
    answer: WriterAnswer = Field(default_factory=WriterAnswer)
    stubborn: bool = Field(default=True, description="Revisions repeat the same answer (violations survive).")
    planted: list[Planted] = Field(default_factory=list)
    faults: list[Fault] = Field(default_factory=list)
    expect: Literal["review", "reported_error", "either"] = "either"


class CommandCase(EvalCase):
    """A user command timed for the cost suite: plan, draft, adapt, or a review decision on its drafts."""

    command: Literal["plan", "draft", "adapt"]
    platforms: list[PlatformKey] = Field(min_length=1)
    topic: str = Field(default="冷泡茶", min_length=1)
    days: int = Field(default=7, ge=1, le=90)
    start_in_days: int = Field(default=1, ge=0, le=365, description="First plan day, counted from the clock's today.")
    draft_first: int = Field(default=1, ge=0, le=20)
    source_text: str = ""
    approve: bool = Field(default=True, description="Then time a reviewer's approval of each draft.")
    backends: list[BackendName] = Field(default_factory=lambda: list(ALL_BACKENDS))


class GoldenCase(EvalCase):
    """A reviewer-approved draft exported with `nmo eval add-from-review ID`."""

    platform: PlatformKey
    topic: str
    text: str = Field(min_length=1)
    approved_by: str
    note: str = ""
    overridden: list[str] = Field(
        default_factory=list, description="Blocking findings the reviewer accepted with a note, as category:text."
    )
    source_draft: str = ""
    approved_at: str = ""


class JudgeDraftCase(EvalCase):
    """A brief drafted on the live backend, then judged."""

    platform: PlatformKey
    topic: str = Field(min_length=1)
    plan_brief: str = Field(default="", description="When set, also plan with this brief and judge the plan.")


JudgeName = Literal["tone", "groundedness", "plan_usefulness"]


class LabelledJudgeCase(EvalCase):
    """A text with a human score (1–5), to measure how far each judge agrees with people."""

    judge: JudgeName
    platform: str = "xiaohongshu"
    text: str = Field(min_length=1)
    passages: list[str] = Field(default_factory=list)
    brief: str = ""
    human_score: float = Field(ge=1, le=5)


CaseT = TypeVar("CaseT", bound=EvalCase)


def load_cases(folder: Path, model: type[CaseT]) -> list[CaseT]:
    """Every case in folder/*.yaml, validated; a file holds one case, a list, or `cases: [...]`."""
    if not folder.is_dir():
        return []
    cases: list[CaseT] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        for index, raw in enumerate(_entries(path)):
            try:
                case = model.model_validate(raw)
            except ValidationError as error:
                where = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or '<case>'}: {e['msg']}" for e in error.errors()[:5]
                )
                raise UserInputError(
                    f"{path}: case {where} is invalid: {problems}",
                    f"Fix the case; the fields of a {model.__name__} are listed in evals/README.md.",
                ) from None
            except UserInputError as error:
                raise UserInputError(f"{path}: {error.problem}", error.fix) from None
            if case.id in seen:
                raise UserInputError(
                    f"{path}: case ID '{case.id}' is also used in {seen[case.id]}.", "Give each case its own ID."
                )
            seen[case.id] = path
            cases.append(case)
    return cases


def _entries(path: Path) -> list[Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        raise UserInputError(f"{path} is not valid YAML: {error}", "Fix the YAML syntax.") from None
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise UserInputError(f"{path} holds no case.", "Write a mapping with an `id`, or `cases:` with a list.")
