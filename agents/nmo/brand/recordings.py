"""Recorded answers for model extraction (evals/brands/recorded/<brand>.extract.json), replayed by the scripted
eval backend; each names the prompt fingerprint it answered, so a changed prompt asks for a new recording."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from nmo.brand.model_extract import PROMPT_NAME, PROMPT_ROLE, ProfileAnswer, prompt_fingerprint
from nmo.errors import UserInputError
from nmo.prompts import PromptTemplate
from nmo.schemas import Passage

RECORDED_FOLDER = "recorded"


class RecordedPrompt(BaseModel):
    """The prompt a recording answers: its name, version and the fingerprint of exactly what was sent."""

    name: str
    version: int
    fingerprint: str


class Recording(BaseModel):
    """One recorded answer, with how it was made."""

    how_made: str
    brand_folder: str
    prompt: RecordedPrompt
    answer: ProfileAnswer


def recording_path(brands_folder: Path, brand: str) -> Path:
    """Where a brand's recording lives."""
    return brands_folder / RECORDED_FOLDER / f"{brand}.extract.json"


def load_recording(path: Path) -> Recording:
    """A recording, validated; a clear error names the file."""
    try:
        return Recording.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UserInputError(f"No recorded model answer at {path}.",
                             "Record one: see the how_made note in evals/brands/recorded/.") from None
    except ValidationError as error:
        raise UserInputError(f"{path} is not a valid recording: {error.errors()[0]['msg']}.",
                             "Fix it, or record it again.") from None


def stale_reason(recording: Recording, path: Path, template: PromptTemplate, passages: list[Passage]) -> str:
    """Why a recording no longer answers the prompt nmo sends ("" when it still does)."""
    current = prompt_fingerprint(template, passages)
    if recording.prompt.fingerprint == current and recording.prompt.name == f"{PROMPT_ROLE}/{PROMPT_NAME}":
        return ""
    return (f"{path} answers prompt {recording.prompt.name} v{recording.prompt.version} "
            f"(fingerprint {recording.prompt.fingerprint}), but nmo now sends v{template.meta.version} "
            f"(fingerprint {current}): re-record it (`python -m nmo.brand.model_extract "
            f"{recording.brand_folder}` prints the prompt).")
