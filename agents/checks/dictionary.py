"""jieba's dictionary as data (word → part of speech, idioms), without loading jieba's segmentation model.

Reading dict.txt costs ~0.3 s, so a pickled copy is kept in a cache folder when one is given.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import TypeVar, cast

MAX_WORD = 4
_cache_dir: list[Path] = []


def use_cache_dir(folder: Path) -> None:
    """Keep the parsed dictionary under `folder` (e.g. settings.home / "cache") for faster cold starts."""
    _cache_dir[:] = [folder]


def _dict_path() -> Path | None:
    spec = find_spec("jieba")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "dict.txt"


def _parse(path: Path) -> dict[str, str]:
    tags: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split(" ")
            if len(parts) == 3:
                tags[parts[0]] = parts[2] if int(parts[1]) >= 3 or parts[2] == "i" else "rare:" + parts[2]
    return tags


T = TypeVar("T")


def _stamp() -> str:
    try:
        return f"jieba{version('jieba')}-pypinyin{version('pypinyin')}-v1"
    except PackageNotFoundError:
        return "unknown"


def cached_build(name: str, build: Callable[[], T]) -> T:
    """`build()` once, pickled in the cache folder (when set) for later processes; cache errors rebuild."""
    cache_file = _cache_dir[0] / f"{name}-{_stamp()}.pickle" if _cache_dir else None
    if cache_file is not None and cache_file.is_file():
        try:
            with cache_file.open("rb") as handle:
                return cast(T, pickle.load(handle))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    value = build()
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache_file)
        except OSError:
            pass
    return value


@cache
def word_tags() -> dict[str, str]:
    """Every jieba dictionary word with its part-of-speech tag ('rare:' prefix for frequency < 3)."""
    path = _dict_path()
    return cached_build("jieba-dict", lambda: _parse(path)) if path is not None else {}


def is_word(text: str) -> bool:
    """True for a (not rare) dictionary word."""
    tag = word_tags().get(text)
    return tag is not None and not tag.startswith("rare:")


def word_ending_at(text: str, end: int) -> tuple[str, str]:
    """The longest dictionary word ending at `end` (or the single character) and its tag."""
    tags = word_tags()
    for size in range(MAX_WORD, 0, -1):
        if end - size < 0:
            continue
        word = text[end - size : end]
        if word in tags and (size == 1 or not tags[word].startswith("rare:")):
            return word, tags[word]
    return text[end - 1 : end], ""


def word_starting_at(text: str, start: int) -> tuple[str, str]:
    """The longest dictionary word starting at `start` (or the single character) and its tag."""
    tags = word_tags()
    for size in range(MAX_WORD, 0, -1):
        word = text[start : start + size]
        if len(word) == size and word in tags and (size == 1 or not tags[word].startswith("rare:")):
            return word, tags[word]
    return text[start : start + 1], ""


def crosses_word(text: str, start: int, end: int) -> bool:
    """True when a dictionary word straddles `start` or `end` (现在|次要 around 在次)."""
    for edge in (start, end):
        for lo in range(max(0, edge - MAX_WORD + 1), edge):
            for hi in range(edge + 1, min(len(text), lo + MAX_WORD) + 1):
                if start <= lo and hi <= end:
                    continue
                if is_word(text[lo:hi]):
                    return True
    return False
