"""The brand's own word lists, taken from the folders a team ingests and kept with the brand in the data folder.

A lexicon YAML (`rules:` / `allow:`, see DESIGN.md) anywhere in an ingested folder — `lexicons/brand.yaml`,
`wordlists/禁用词.yml` — becomes part of that brand's gate, whatever the working directory of later commands.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from nmo.errors import UserInputError
from nmo.knowledge.models import FileProblem

LEXICON_SUFFIXES = (".yaml", ".yml")
MANIFEST = "sources.json"


def is_lexicon_file(path: Path) -> bool:
    """A YAML file whose top level has `rules` or `allow`: a word list, not knowledge to index."""
    if path.suffix.lower() not in LEXICON_SUFFIXES:
        return False
    try:
        data = yaml.safe_load(path.read_text("utf-8", errors="replace"))
    except yaml.YAMLError:
        return True  # a broken word list is still a word list: storing it reports the YAML error
    return isinstance(data, dict) and bool({"rules", "allow"} & set(data))


def store_brand_lexicons(found: list[Path], roots: list[Path], folder: Path) -> tuple[list[str], list[FileProblem]]:
    """Copy the valid lists into the brand's lexicon folder; drop copies whose source under `roots` is gone.

    Returns the stored source paths and a problem for each list that could not be used (the old copy stays).
    """
    from nmo.checks.lexicon import load_lexicon_file

    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    manifest: dict[str, str] = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    stored: list[str] = []
    problems: list[FileProblem] = []
    for source in found:
        key = str(source.resolve())
        copy_name = f"{hashlib.sha1(key.encode()).hexdigest()[:10]}-{source.stem}.yaml"
        try:
            load_lexicon_file(source)
        except UserInputError as error:
            problems.append(FileProblem(path=str(source), problem=error.problem,
                                        fix=error.fix or "Fix the word list, then ingest again."))
            continue
        (folder / copy_name).write_bytes(source.read_bytes())
        manifest[key] = copy_name
        stored.append(str(source))
    kept = {str(p.resolve()) for p in found}
    for key, copy_name in list(manifest.items()):
        under_roots = any(Path(key) == root or root in Path(key).parents for root in roots)
        if under_roots and key not in kept:
            (folder / copy_name).unlink(missing_ok=True)
            del manifest[key]
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return stored, problems
