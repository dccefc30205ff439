"""Folders that ship inside the package (prompt templates, the sample brand), found with importlib.resources."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def packaged_folder(name: str) -> Path:
    """A folder under nmo/data as a path on disk (pip installs packages unpacked, never zipped)."""
    return Path(str(resources.files("nmo.data").joinpath(name)))


def prompts_folder() -> Path:
    """The shipped prompt templates (the repository's prompts/ folder in a checkout)."""
    return packaged_folder("prompts")


def sample_brand_folder() -> Path:
    """The shipped sample brand 山岚茶事 (the repository's knowledge/ folder in a checkout)."""
    return packaged_folder("sample_brand")
