"""jieba's dictionary as data (word → part of speech, idioms), without loading jieba's segmentation model.

Reading dict.txt costs ~0.3 s and even unpickling all 349k words ~0.15 s, so lookups go through buckets
keyed by first character, kept in the cache folder and parsed only for the characters a text uses.
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
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
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


def _build_buckets() -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    for word, tag in word_tags().items():
        grouped.setdefault(word[0], []).append(f"{word}\t{tag}")
    return {first: "\n".join(lines) for first, lines in grouped.items()}


@cache
def _buckets() -> dict[str, str]:
    path = _dict_path()
    return cached_build("jieba-buckets", _build_buckets) if path is not None else {}


@cache
def _bucket(first: str) -> dict[str, str]:
    packed = _buckets().get(first)
    if not packed:
        return {}
    return dict(line.split("\t", 1) for line in packed.split("\n"))


def _build_frequency_buckets() -> dict[str, str]:
    path = _dict_path()
    grouped: dict[str, list[str]] = {}
    total = longest = 0
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split(" ")
                if len(parts) == 3 and int(parts[1]) > 0:
                    grouped.setdefault(parts[0][0], []).append(f"{parts[0]}\t{parts[1]}")
                    total += int(parts[1])
                    longest = max(longest, len(parts[0]))
    packed = {first: "\n".join(lines) for first, lines in grouped.items()}
    packed[""] = f"{total}\t{longest}"
    return packed


@cache
def _frequency_buckets() -> dict[str, str]:
    return cached_build("jieba-frequencies", _build_frequency_buckets)


@cache
def _frequencies(first: str) -> dict[str, int]:
    packed = _frequency_buckets().get(first)
    if not packed:
        return {}
    return {word: int(freq) for word, freq in (line.split("\t") for line in packed.split("\n"))}


def pos_cut(sentence: str) -> list[tuple[str, str]]:
    """(word, tag) pairs as `jieba.posseg.lcut(sentence, HMM=False)` gives them, from the cached
    dictionary: the most probable route through the word DAG, without loading jieba (~1 s)."""
    import math

    total, longest = (int(v) for v in _frequency_buckets()[""].split("\t"))
    size = len(sentence)
    route: list[tuple[float, int]] = [(0.0, 0)] * (size + 1)
    log_total = math.log(total)
    for start in range(size - 1, -1, -1):
        frequencies = _frequencies(sentence[start])
        ends = [
            end
            for end in range(start + 1, min(size, start + longest) + 1)
            if sentence[start:end] in frequencies
        ] or [start + 1]
        route[start] = max(
            (math.log(frequencies.get(sentence[start:end]) or 1) - log_total + route[end][0], end - 1)
            for end in ends
        )
    out: list[tuple[str, str]] = []
    ascii_run = ""
    start = 0
    while start < size:
        end = route[start][1] + 1
        word = sentence[start:end]
        if len(word) == 1 and word.isascii() and word.isalnum():
            ascii_run += word
        else:
            if ascii_run:
                out.append((ascii_run, "eng"))
                ascii_run = ""
            tag = tag_of(word)
            out.append((word, tag.removeprefix("rare:") if tag else "x"))
        start = end
    if ascii_run:
        out.append((ascii_run, "eng"))
    return out


def tag_of(word: str) -> str | None:
    """The dictionary tag of `word` ('rare:' prefix for frequency < 3), or None when it is not a word."""
    return _bucket(word[0]).get(word) if word else None


def is_word(text: str) -> bool:
    """True for a (not rare) dictionary word."""
    tag = tag_of(text)
    return tag is not None and not tag.startswith("rare:")


def word_ending_at(text: str, end: int) -> tuple[str, str]:
    """The longest dictionary word ending at `end` (or the single character) and its tag."""
    for size in range(MAX_WORD, 0, -1):
        if end - size < 0:
            continue
        word = text[end - size : end]
        tag = tag_of(word)
        if tag is not None and (size == 1 or not tag.startswith("rare:")):
            return word, tag
    return text[end - 1 : end], ""


def word_starting_at(text: str, start: int) -> tuple[str, str]:
    """The longest dictionary word starting at `start` (or the single character) and its tag."""
    for size in range(MAX_WORD, 0, -1):
        word = text[start : start + size]
        tag = tag_of(word) if len(word) == size else None
        if tag is not None and (size == 1 or not tag.startswith("rare:")):
            return word, tag
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
