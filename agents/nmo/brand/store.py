"""Where a brand's profile lives: the extracted profile and the team's corrections, under the data folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import ValidationError

from nmo.brand.merge import Disagreement, merge_extractions
from nmo.brand.profile import PROFILE_FIELDS, BrandProfile, ProfileCorrections, apply_corrections
from nmo.errors import UserInputError

if TYPE_CHECKING:
    from nmo.brand.model_extract import ModelExtraction
    from nmo.config import Settings

EXTRACTED = "profile.extracted.json"
MODEL_EXTRACTED = "profile.model.json"
CORRECTIONS = "corrections.yaml"
EXPORT_HEADER = (
    "# nmo brand profile — correct it, keep it in version control, load it with `nmo brand import FILE`.\n"
    "# Every field you keep here replaces what nmo extracts for it, on this and every later ingest;\n"
    "# delete a field to let extraction fill it again. `source` says where an entry was read.\n"
)


class BrandStore:
    """The profile files of one brand (one collection name)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_settings(cls, settings: Settings) -> BrandStore:
        """The store of the brand these settings use (NMO_COLLECTION)."""
        return cls(settings.brand_path)

    # ---- reading -------------------------------------------------------------------------------

    def extracted(self) -> BrandProfile:
        """What the last ingest extracted; an empty profile (everything missing) before the first one."""
        path = self.folder / EXTRACTED
        if not path.is_file():
            return BrandProfile().with_missing()
        return BrandProfile.model_validate_json(path.read_text("utf-8"))

    def corrections(self) -> ProfileCorrections | None:
        """The team's corrections, or None when none were imported."""
        path = self.folder / CORRECTIONS
        return load_corrections(path) if path.is_file() else None

    def model_extraction(self) -> ModelExtraction | None:
        """What the model read at the last ingest with an LLM configured, or None."""
        from nmo.brand.model_extract import ModelExtraction

        path = self.folder / MODEL_EXTRACTED
        return ModelExtraction.model_validate_json(path.read_text("utf-8")) if path.is_file() else None

    def merged(self) -> tuple[BrandProfile, list[Disagreement]]:
        """Offline extraction with the model's verified entries it lacks, and where the two disagree."""
        extracted = self.extracted()
        model = self.model_extraction()
        if model is None or model.outcome != "ok":
            return extracted.with_missing(), []
        return merge_extractions(extracted, model.profile)

    def profile(self) -> BrandProfile:
        """The profile every agent reads: corrections > offline extraction > the model's extraction."""
        corrections = self.corrections()
        merged, _ = self.merged()
        return apply_corrections(merged, corrections) if corrections else merged

    def disagreements(self) -> list[Disagreement]:
        """Facts the offline rules and the model read differently, in fields the team has not corrected."""
        corrections = self.corrections()
        corrected = corrections.model_fields_set if corrections else set()
        return [d for d in self.merged()[1] if d.field not in corrected]

    # ---- writing -------------------------------------------------------------------------------

    def save_extracted(self, profile: BrandProfile) -> None:
        """Replace the extracted profile (at ingest); corrections are kept apart and keep winning."""
        _write_atomically(self.folder / EXTRACTED, profile.with_missing().model_dump_json(indent=1))

    def save_model_extraction(self, extraction: ModelExtraction) -> None:
        """Keep what the model read; a failed extraction keeps the last good one and records only the failure."""
        if extraction.outcome != "ok":
            previous = self.model_extraction()
            if previous is not None and previous.outcome == "ok":
                return
        _write_atomically(self.folder / MODEL_EXTRACTED, extraction.model_dump_json(indent=1))

    def import_corrections(self, path: Path) -> ProfileCorrections:
        """Validate a corrections YAML and keep it; an invalid file changes nothing."""
        corrections = load_corrections(path)
        _write_atomically(self.folder / CORRECTIONS, path.read_text("utf-8"))
        return corrections

    def import_corrections_text(self, text: str, where: str) -> ProfileCorrections:
        """The same as `import_corrections` for YAML that arrived as text (the admin page); `where` names it."""
        corrections = parse_corrections(text, where)
        _write_atomically(self.folder / CORRECTIONS, text)
        return corrections

    def export(self, path: Path) -> None:
        """Write the profile in use as a YAML the team can correct and import."""
        _write_atomically(path, self.export_text())

    def export_text(self) -> str:
        """The profile in use as the YAML `export` writes (the admin page's correction form starts from it)."""
        profile = self.profile()
        kept = set(PROFILE_FIELDS) - set(profile.missing)  # an empty field left in would pin it empty
        data = profile.model_dump(mode="json", exclude_none=True, include=kept)
        text = EXPORT_HEADER
        if profile.missing:
            text += f"# Nothing found for: {', '.join(profile.missing)} — add them here if the brand has them.\n"
        text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        return text


def load_corrections(path: Path) -> ProfileCorrections:
    """A corrections file, validated; a clear error names the file and the first bad field."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise UserInputError(f"{path} does not exist.", "Give the YAML written by `nmo brand export FILE`.") from None
    except IsADirectoryError:
        raise UserInputError(f"{path} is a folder.", "Give the YAML file written by `nmo brand export FILE`.") from None
    except UnicodeDecodeError as error:
        raise UserInputError(f"{path} is not valid UTF-8 YAML: {error}",
                             "Fix the syntax and import it again.") from None
    return parse_corrections(text, str(path))


def parse_corrections(text: str, path: str) -> ProfileCorrections:
    """Corrections YAML text, validated; errors name `path` (a file, or where the text came from)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UserInputError(f"{path} is not valid UTF-8 YAML: {error}",
                             "Fix the syntax and import it again.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserInputError(f"{path} must be a mapping of profile fields.",
                             f"Start from `nmo brand export FILE`; the fields are {', '.join(PROFILE_FIELDS)}.")
    try:
        return ProfileCorrections.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise UserInputError(
            f"{path}: {where}: {first['msg']}.",
            f"Fix that entry (the fields are {', '.join(PROFILE_FIELDS)}; dates as YYYY-MM-DD) and import again.",
        ) from None


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and rename it, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, "utf-8")
    os.replace(partial, path)
