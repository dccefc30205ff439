"""The brand's own word lists, taken from the folders a team ingests and kept with the brand in the data folder.

A lexicon YAML (`rules:` / `allow:`, see DESIGN.md) anywhere in an ingested folder — `lexicons/brand.yaml`,
`wordlists/禁用词.yml` — and a plain-text list, one term a line, in a file or folder named like a word list
(`词表/竞品.txt`, `banned-words.txt`) become part of that brand's gate, whatever the working directory of later
commands. A plain list's category comes from a header comment (`# category: competitor`) or from its name.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, get_args

import yaml

from nmo.errors import UserInputError
from nmo.knowledge.models import FileProblem
from nmo.schemas import Category, Severity

LEXICON_SUFFIXES = (".yaml", ".yml")
WORD_LIST_SUFFIX = ".txt"
MANIFEST = "sources.json"
WORD_LIST_MARKERS = ("词表", "词库", "词单", "禁用词", "敏感词", "违禁词", "屏蔽词", "竞品词", "极限词",
                     "wordlist", "word_list", "word-list", "banned", "blocklist", "lexicon")
MAX_LIST_TERM_CHARS = 24
_SENTENCE_MARKS = re.compile(r"[。！？；!?;]")
# What a list's name or header says its terms are, most specific first; the first match wins.
CATEGORY_WORDS: tuple[tuple[tuple[str, ...], Category], ...] = (
    (("竞品", "竞争", "competitor", "rival"), "competitor"),
    (("敏感", "sensitive"), "sensitive"),
    (("广告法", "极限词", "绝对化", "adlaw", "ad_law", "ad-law"), "ad_law"),
    (("功效", "医疗", "健康", "health"), "health_claim"),
    (("平台", "platform"), "platform_rule"),
    (("品牌", "术语", "用语", "禁用", "违禁", "brand", "banned", "forbidden", "terms"), "brand_term"),
)
SEVERITY_WORDS: dict[str, Severity] = {
    "blocking": "blocking", "阻断": "blocking", "拦截": "blocking", "禁止": "blocking",
    "warning": "warning", "警告": "warning", "提醒": "warning", "info": "info", "提示": "info",
}
DEFAULT_SEVERITY: dict[str, Severity] = {"competitor": "blocking", "ad_law": "blocking"}
_HEADER_FIELD = re.compile(
    r"(?P<key>category|severity|类别|分类|类型|级别|严重程度)\s*[:：=]\s*(?P<value>[^\s,，;；]+)", re.IGNORECASE
)


def is_lexicon_file(path: Path) -> bool:
    """A word list, not knowledge to index: a YAML whose top level has `rules` or `allow`, or a `.txt` of short
    terms, one a line, whose name or folder is named like a word list."""
    suffix = path.suffix.lower()
    if suffix == WORD_LIST_SUFFIX:
        return _named_like_word_list(path) and _looks_like_term_lines(path.read_text("utf-8", errors="replace"))
    if suffix not in LEXICON_SUFFIXES:
        return False
    try:
        data = yaml.safe_load(path.read_text("utf-8", errors="replace"))
    except yaml.YAMLError:
        return True  # a broken word list is still a word list: storing it reports the YAML error
    return isinstance(data, dict) and bool({"rules", "allow"} & set(data))


def _named_like_word_list(path: Path) -> bool:
    names = (path.stem.lower(), path.parent.name.lower())
    return any(marker in name for name in names for marker in WORD_LIST_MARKERS)


def _looks_like_term_lines(text: str) -> bool:
    """Short lines without sentence punctuation: a list of terms rather than notes that mention word lists."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return False
    terms = [line for line in lines if len(line) <= MAX_LIST_TERM_CHARS and not _SENTENCE_MARKS.search(line)]
    return len(terms) >= 0.9 * len(lines)


def word_list_document(path: Path) -> dict[str, Any]:
    """A plain word list as lexicon YAML data, its category and severity from the header or the name."""
    from nmo.checks.lexicon import read_term_list

    text = path.read_text("utf-8", errors="replace")
    header = "\n".join(line.lstrip("#/ ").strip() for line in _header_lines(text))
    fields = {_field_key(m.group("key")): m.group("value") for m in _HEADER_FIELD.finditer(header)}
    categories = ", ".join(get_args(Category))
    if "category" in fields:
        category = _category_from(fields["category"])
        if category is None:
            raise UserInputError(
                f"Word list {path} names an unknown category '{fields['category']}'.",
                f"Write `# category: X` on its first line, X one of {categories}, then ingest again.",
            )
    else:
        category = _category_from(header) or _category_from(path.stem) or _category_from(path.parent.name)
        if category is None:
            raise UserInputError(
                f"Word list {path} does not say what its terms are (competitor names, banned words …).",
                f"Add a first line `# category: X` (X one of {categories}) or name the file after it "
                "(竞品.txt, 敏感词.txt, 禁用词.txt), then ingest again.",
            )
    severity = SEVERITY_WORDS.get(fields.get("severity", "").lower(), DEFAULT_SEVERITY.get(category, "warning"))
    if "severity" in fields and fields["severity"].lower() not in SEVERITY_WORDS:
        raise UserInputError(
            f"Word list {path} names an unknown severity '{fields['severity']}'.",
            "Write `# severity: blocking` (or warning, info) on its first lines, then ingest again.",
        )
    terms = read_term_list(path)
    if not terms:
        raise UserInputError(f"Word list {path} has no terms.", "Write one term a line, then ingest again.")
    return {"name": path.stem, "category": category, "severity": severity, "terms": terms}


def _header_lines(text: str) -> list[str]:
    """The comment lines before the first term."""
    header: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("#", "//")):
            header.append(stripped)
        elif stripped:
            break
    return header


def _field_key(key: str) -> str:
    return "severity" if key.lower() in ("severity", "级别", "严重程度") else "category"


def _category_from(words: str) -> Category | None:
    lowered = words.lower().strip()
    if lowered in get_args(Category):
        return lowered  # type: ignore[return-value]
    return next((category for keys, category in CATEGORY_WORDS if any(k in lowered for k in keys)), None)


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
            if source.suffix.lower() == WORD_LIST_SUFFIX:
                document = word_list_document(source)
                content = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")
            else:
                load_lexicon_file(source)
                content = source.read_bytes()
        except UserInputError as error:
            problems.append(FileProblem(path=str(source), problem=error.problem,
                                        fix=error.fix or "Fix the word list, then ingest again."))
            continue
        (folder / copy_name).write_bytes(content)
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
