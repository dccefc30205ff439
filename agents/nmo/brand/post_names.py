"""Short names the brand's past posts use for its products (石耳裤, 云朵吐司, 小黄袋) and never the guide.

A passage is a past post or a section of the brand's documents. A name is taken only with evidence that ties
it to exactly one product, so a draft that states a price under that name is checked against the right one:
- the product's own distinctive word plus the end of its name (石耳 + 裤 for 岩序·石耳 速干徒步裤);
- a noun before the product's head noun, when the head belongs to one product only and the same passage
  names that product (云朵吐司 beside 北海道生吐司); 「台式乌龙的香气」 describes, it does not name;
- a term written just before a list of at least three of the product's ingredients, and used again in
  another passage (「拿我们的小黄袋举例：鲜鸡肉、鸡肉粉、鳕鱼…」).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from nmo.brand.profile import Product

_SENTENCE = re.compile(r"[^。！？!?\n]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
MIN_SHARED_INGREDIENTS = 3
MAX_NAME_CHARS = 6
# jieba part-of-speech tags a product name is made of: nouns, adjectives, distinguishing words, verbal nouns
_NAME_TAGS = ("n", "a", "b", "vn")
_NOUN = "n"  # a common noun: place and person names (福鼎, 乌龙 as jieba tags them) are not product heads
# a dictionary word this frequent is everyday language (举例, 早上), not a name the team made up
EVERYDAY_FREQUENCY = 2000


def add_post_names(passages: list[str], products: list[Product]) -> None:
    """Give each product the short names the passages use for it (in place); a name two products could claim
    is given to neither."""
    if not passages or not products:
        return
    sentences = [[s.strip() for s in _SENTENCE.findall(passage) if s.strip()] for passage in passages]
    claims: dict[str, set[int]] = {}
    for index, product in enumerate(products):
        for name in _names_for(product, products, sentences):
            claims.setdefault(name, set()).add(index)
    known = {name for product in products for name in product.names()}
    for name, owners in claims.items():
        if len(owners) == 1 and not any(name in other for other in known):
            products[owners.pop()].aliases.append(name)


def _names_for(product: Product, products: list[Product], posts: list[list[str]]) -> Iterator[str]:
    yield from _core_names(product, products, posts)
    yield from _head_names(product, products, posts)
    yield from _ingredient_names(product, products, posts)


def _core_names(product: Product, products: list[Product], posts: list[list[str]]) -> Iterator[str]:
    """Core word + an ending of the rest of the name (石耳 速干徒步裤 → 石耳裤), the core owned by this product."""
    for name in product.names():
        words = _BRACKETED.sub("", name).split()
        if len(words) < 2 or not _is_cjk(words[0]) or len(words[0]) < 2:
            continue
        core, rest = words[0], "".join(_CJK_RUN.findall("".join(words[1:])))
        if any(core in other_name for other in products if other is not product for other_name in other.names()):
            continue  # a word several products share (the brand's name) says nothing about which one
        for size in range(1, len(rest)):
            short = core + rest[-size:]
            if any(short in sentence for sentences in posts for sentence in sentences):
                yield short


def _head_names(product: Product, products: list[Product], posts: list[list[str]]) -> Iterator[str]:
    """Modifier + head noun (云朵 + 吐司), in a post that also names the product."""
    head = _head(product.name)
    if not head or sum(_head(other.name) == head for other in products) != 1:
        return
    for sentences in posts:
        if not any(name in sentence for sentence in sentences for name in product.names()):
            continue
        for sentence in sentences:
            words = [*_tagged(sentence), ("", "")]
            for (word, tag), (following, _), (after, _) in zip(words, words[1:], words[2:], strict=False):
                if following == head and tag == _NOUN and len(word) >= 2 and _is_cjk(word) and after != "的":
                    yield word + head


def _ingredient_names(product: Product, products: list[Product], posts: list[list[str]]) -> Iterator[str]:
    """The term just before a list of the product's ingredients, when another post uses it too."""
    if len(product.ingredients) < MIN_SHARED_INGREDIENTS:
        return
    for index, sentences in enumerate(posts):
        for sentence in sentences:
            listed = [i for i in product.ingredients if i in sentence]
            if len(listed) < MIN_SHARED_INGREDIENTS or _someone_else_fits_better(len(listed), sentence, product,
                                                                                 products):
                continue
            before = sentence[: min(sentence.find(i) for i in listed)]
            elsewhere = [s for other, ss in enumerate(posts) if other != index for s in ss]
            found = [c for c in _candidates(before) if any(c in s for s in elsewhere)]
            if found:
                yield max(found, key=len)


def _someone_else_fits_better(count: int, sentence: str, product: Product, products: list[Product]) -> bool:
    return any(other is not product and sum(i in sentence for i in other.ingredients) >= count for other in products)


def _candidates(text: str) -> Iterator[str]:
    """Substrings of Chinese text that read as a made-up name: name-like words only, not an everyday word."""
    for run in _CJK_RUN.findall(text):
        for start in range(len(run)):
            for end in range(start + 2, min(len(run), start + MAX_NAME_CHARS) + 1):
                piece = run[start:end]
                words = _tagged(piece)
                if all(tag.startswith(_NAME_TAGS) for _, tag in words) and not _everyday(piece):
                    yield piece


def _head(name: str) -> str:
    """The common noun a product name ends in (北海道生吐司 → 吐司), or "" (a proper name, one character)."""
    words = _tagged(_BRACKETED.sub("", name).strip())
    if not words:
        return ""
    word, tag = words[-1]
    return word if tag == _NOUN and len(word) >= 2 and _is_cjk(word) else ""


def _is_cjk(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


@cache
def _tagged(text: str) -> list[tuple[str, str]]:
    """jieba's words and part-of-speech tags (loaded on first use: only ingest with past posts needs it)."""
    return [(pair.word, pair.flag) for pair in _posseg().cut(text) if pair.word.strip()]


def _everyday(word: str) -> bool:
    import jieba

    return (jieba.get_FREQ(word) or 0) >= EVERYDAY_FREQUENCY


@cache
def _posseg() -> Any:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg
