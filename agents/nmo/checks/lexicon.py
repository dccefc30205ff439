"""Term lists: the YAML lexicon format, loading built-in/brand/user lists, importing noisy lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from nmo.checks.source_text import read_text_file
from nmo.errors import UserInputError
from nmo.schemas import Category, Severity

BUILTIN_LISTS = ("adlaw.yaml", "health_claims.yaml")
MAX_TERM_CHARS = 64


class LexiconRule(BaseModel):
    """One term to flag, with what it is, how bad it is and what to write instead."""

    term: str = Field(min_length=1)
    category: Category
    severity: Severity = "warning"
    suggestion: str | None = None
    message: str = ""
    group: str = ""
    source: str = ""
    platforms: list[str] = Field(default_factory=list)

    @field_validator("term")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class TermGroup(BaseModel):
    """A block of terms sharing category, severity and advice (how the built-in lists are written)."""

    name: str
    category: Category
    severity: Severity = "warning"
    message: str = ""
    suggestion: str | None = None
    platforms: list[str] = Field(default_factory=list)
    terms: list[str]


class LexiconFile(BaseModel):
    """A lexicon file: explicit rules, grouped terms, or a bare term list with file-level defaults."""

    name: str = ""
    category: Category | None = None
    severity: Severity = "warning"
    suggestion: str | None = None
    message: str = ""
    rules: list[LexiconRule] = Field(default_factory=list)
    groups: list[TermGroup] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list)
    self_comparison_markers: list[str] = Field(default_factory=list)


@dataclass
class Lexicon:
    """Every rule and allowed term the gate matches, merged from all sources."""

    rules: list[LexiconRule] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    self_comparison_markers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def extend(self, other: Lexicon) -> None:
        """Add another lexicon's rules and allow terms."""
        self.rules.extend(other.rules)
        self.allow.extend(other.allow)
        self.self_comparison_markers.extend(other.self_comparison_markers)
        self.sources.extend(other.sources)


def _usable_term(term: object) -> str | None:
    if not isinstance(term, str | int | float):
        return None
    text = str(term).strip()
    if not text or text.startswith("#") or len(text) > MAX_TERM_CHARS:
        return None
    return text


def _term_rules(terms: Sequence[object], source: str, **shared: Any) -> list[LexiconRule]:
    """One rule per usable term of a list, all sharing the list's category, severity and message."""
    return [LexiconRule(term=term, source=source, **shared) for raw in terms if (term := _usable_term(raw))]


def lexicon_from_data(data: LexiconFile, source: str) -> Lexicon:
    """Flatten a parsed lexicon file into rules (blank and over-long terms dropped)."""
    rules: list[LexiconRule] = []
    for rule in data.rules:
        if _usable_term(rule.term):
            rules.append(
                rule.model_copy(
                    update={
                        "source": rule.source or source,
                        "group": rule.group or data.name or _stem(source),
                    }
                )
            )
    for group in data.groups:
        rules.extend(
            _term_rules(group.terms, source, category=group.category, severity=group.severity,
                        suggestion=group.suggestion, message=group.message, group=group.name,
                        platforms=group.platforms)
        )
    if data.terms:
        if data.category is None:
            raise UserInputError(
                f"Lexicon {source} lists terms but no category.",
                "Add `category: sensitive` (or another category) at the top of the file.",
            )
        rules.extend(
            _term_rules(data.terms, source, category=data.category, severity=data.severity,
                        suggestion=data.suggestion, message=data.message, group=data.name or _stem(source))
        )
    allow = [t for t in (_usable_term(a) for a in data.allow) if t]
    return Lexicon(rules, allow, list(data.self_comparison_markers), [source])


def _read_utf8(path: Path) -> str:
    return read_text_file(path)


def _yaml_loader() -> type[yaml.SafeLoader]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_lexicon_yaml(
    text: str, source: str, *, default_category: Category | None = None, default_severity: Severity | None = None
) -> Lexicon:
    """Parse lexicon YAML text; a malformed file is a user error naming the file. The defaults apply to a
    bare term list that names no category or severity of its own (an import's --category/--severity)."""
    try:
        raw: Any = yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as error:
        raise UserInputError(
            f"Lexicon {source} is not valid YAML: {error}.",
            "Fix the file; see DESIGN.md for the lexicon format.",
        ) from error
    if raw is None:
        return Lexicon(sources=[source])
    if isinstance(raw, list):
        raw = {"terms": raw}
    if isinstance(raw, dict):
        if default_category is not None:
            raw.setdefault("category", default_category)
        if default_severity is not None:
            raw.setdefault("severity", default_severity)
    if not isinstance(raw, dict):
        raise UserInputError(
            f"Lexicon {source} must be a mapping with `rules:` and/or `allow:`.",
            "See DESIGN.md for the lexicon format.",
        )
    try:
        data = LexiconFile.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserInputError(
            f"Lexicon {source} has a bad entry at {where}: {first['msg']}.",
            f"Categories: {', '.join(get_args(Category))}; severities: {', '.join(get_args(Severity))}.",
        ) from error
    return lexicon_from_data(data, source)


def _stem(source: str) -> str:
    return source.rsplit(".", 1)[0] if source.endswith((".yaml", ".yml", ".txt")) else source


def load_lexicon_file(path: Path) -> Lexicon:
    """Load one lexicon: YAML (.yaml/.yml) or a plain list needing category/severity (see import)."""
    return parse_lexicon_yaml(_read_utf8(path), path.name)


def builtin_lexicon() -> Lexicon:
    """The lists shipped with nmo: 广告法 absolute terms and health/efficacy claims."""
    merged = Lexicon()
    for name in BUILTIN_LISTS:
        text = resources.files("nmo.data").joinpath(name).read_text("utf-8")
        merged.extend(parse_lexicon_yaml(text, name))
    return merged


def lexicon_paths(folders: Iterable[Path], extra: Sequence[Path] = ()) -> list[Path]:
    """Every lexicon file the gate should read: *.yaml/*.yml in the folders, then explicit extras."""
    paths: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            paths.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
    for path in extra:
        if not path.is_file():
            raise UserInputError(f"Lexicon file {path} does not exist.", "Check the --lexicon path.")
        paths.append(path)
    return paths


def read_term_list(path: Path) -> list[str]:
    """Terms from a plain list: one a line; blank lines, comments and duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for line in _read_utf8(path).splitlines():
        term = _usable_term(line)
        if term:
            seen.setdefault(term)
    return list(seen)


TierChoice = Literal["auto", "none"]


@dataclass
class ImportReport:
    """What `nmo lexicon import` did with a list."""

    path: Path
    kept: int
    demoted: int
    dropped: int
    duplicates: int
    by_category_severity: dict[str, int] = field(default_factory=dict)


def common_words(min_freq: int = 2000) -> set[str]:
    """Everyday words from jieba's dictionary (frequency ≥ min_freq): likely false alarms in noisy lists."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        return set()
    words: set[str] = set()
    with open(Path(spec.origin).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ")
            if len(parts) >= 2 and int(parts[1]) >= min_freq:
                words.add(parts[0])
    return words


def tier_terms(terms: Sequence[str], severity: Severity, tier: TierChoice) -> tuple[dict[str, Severity], int]:
    """Assign each term a severity; with tier=auto, 1-char terms are dropped and everyday words go to info."""
    if tier == "none":
        return dict.fromkeys(terms, severity), 0
    everyday = common_words()
    out: dict[str, Severity] = {}
    dropped = 0
    for term in terms:
        if len(term) < 2:
            dropped += 1
        elif term in everyday or (term.isascii() and len(term) <= 3):
            out[term] = "info"
        else:
            out[term] = severity
    return out, dropped


def import_term_list(
    source: Path,
    dest_dir: Path,
    *,
    category: Category,
    severity: Severity,
    name: str | None = None,
    tier: TierChoice = "auto",
) -> ImportReport:
    """Import a term list into `dest_dir` as a lexicon YAML; the source is not changed.

    A lexicon YAML keeps each rule's category, severity, suggestion and message (its author chose them:
    tiers do not apply) and its allow list; a plain list, one term a line, takes `category`/`severity`."""
    list_name = name or source.stem
    if source.suffix in (".yaml", ".yml"):
        document, report = _yaml_import(source, list_name, category, severity)
    else:
        document, report = _plain_import(source, list_name, category, severity, tier)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{_safe_name(list_name)}.yaml"
    header = f"# Imported from {source.name} by `nmo lexicon import` (tier={tier}).\n"
    dest.write_text(
        header
        + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, default_flow_style=None, width=4096),
        "utf-8",
    )
    report.path = dest
    return report


def _plain_import(
    source: Path, list_name: str, category: Category, severity: Severity, tier: TierChoice
) -> tuple[dict[str, Any], ImportReport]:
    raw_count = len([ln for ln in _read_utf8(source).splitlines() if _usable_term(ln)])
    unique = read_term_list(source)
    if not unique:
        raise UserInputError(f"{source} has no terms.", "Give a file with one term a line.")
    tiers, dropped = tier_terms(unique, severity, tier)
    by_severity: dict[str, list[str]] = {}
    for term, sev in tiers.items():
        by_severity.setdefault(sev, []).append(term)
    document = {
        "name": list_name,
        "groups": [
            {"name": list_name, "category": category, "severity": sev, "terms": group_terms}
            for sev, group_terms in by_severity.items()
        ],
    }
    demoted = sum(1 for sev in tiers.values() if sev == "info" and severity != "info")
    counts = {f"{category}/{sev}": len(group_terms) for sev, group_terms in by_severity.items()}
    return document, ImportReport(source, len(tiers) - demoted, demoted, dropped, raw_count - len(unique), counts)


def _yaml_import(
    source: Path, list_name: str, category: Category, severity: Severity
) -> tuple[dict[str, Any], ImportReport]:
    parsed = parse_lexicon_yaml(_read_utf8(source), source.name, default_category=category,
                                default_severity=severity)
    seen: dict[tuple[str, str], LexiconRule] = {}
    for rule in parsed.rules:
        seen.setdefault((rule.term, rule.category), rule)
    if not seen and not parsed.allow:
        raise UserInputError(f"{source} has no terms.", "Give `rules:` (see DESIGN.md) or a list of terms.")
    fields = ("term", "category", "severity", "suggestion", "message", "platforms")
    rules = [rule.model_dump(include=set(fields), exclude_defaults=True) for rule in seen.values()]
    document: dict[str, Any] = {"name": list_name, "rules": rules}
    if parsed.allow:
        document["allow"] = parsed.allow
    if parsed.self_comparison_markers:
        document["self_comparison_markers"] = parsed.self_comparison_markers
    counts: dict[str, int] = {}
    for rule in seen.values():
        key = f"{rule.category}/{rule.severity}"
        counts[key] = counts.get(key, 0) + 1
    return document, ImportReport(source, len(seen), 0, 0, len(parsed.rules) - len(seen), counts)


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name).strip("_")
    return cleaned or "imported"


ALLOW_FILE = "allow.yaml"


def add_allowed(dest_dir: Path, terms: Sequence[str]) -> Path:
    """Add terms to the user's allow list (never flagged), keeping existing ones."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / ALLOW_FILE
    existing: list[str] = load_lexicon_file(path).allow if path.exists() else []
    merged = list(dict.fromkeys([*existing, *(t.strip() for t in terms if t.strip())]))
    path.write_text(
        "# Terms never flagged; edit or use `nmo lexicon allow`.\n"
        + yaml.safe_dump({"allow": merged}, allow_unicode=True),
        "utf-8",
    )
    return path
