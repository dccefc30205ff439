"""Where a brand's profile lives: the extracted profile and the team's corrections, under the data folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import ValidationError

from nmo.brand.profile import PROFILE_FIELDS, BrandProfile, ProfileCorrections, apply_corrections
from nmo.errors import UserInputError

if TYPE_CHECKING:
    from nmo.config import Settings

EXTRACTED = "profile.extracted.json"
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

    def profile(self) -> BrandProfile:
        """The profile every agent reads: extraction with the team's corrections applied."""
        corrections = self.corrections()
        extracted = self.extracted()
        return apply_corrections(extracted, corrections) if corrections else extracted.with_missing()

    # ---- writing -------------------------------------------------------------------------------

    def save_extracted(self, profile: BrandProfile) -> None:
        """Replace the extracted profile (at ingest); corrections are kept apart and keep winning."""
        _write_atomically(self.folder / EXTRACTED, profile.with_missing().model_dump_json(indent=1))

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
