"""What every extractor reads: the classified sections and tables of a brand's documents, and how entries cite them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nmo.brand.profile import SourceRef
from nmo.brand.sections import Line, Section, Topic, split_sections
from nmo.brand.tables import Table, find_tables
from nmo.schemas import SourceDocument

_LIST_MARK = re.compile(r"^\s*(?:[-*+•·●▪]|\d{1,2}[.、)]|[（(]\d{1,2}[)）])\s+")
_KEY_VALUE = re.compile(r"^\s*(?:[-*+•·]\s*)?\**(?P<key>[^：:\n*]{1,16}?)\**\s*[：:]\s*\**\s*(?P<value>.+?)\s*$")
_QUOTED = re.compile(r"[「『“\"]([^」』”\"]{1,40})[」』”\"]")
_EMPHASIS = re.compile(r"\*\*|__|`")


@dataclass
class Corpus:
    """A brand's documents cut into sections, with their tables, ready for the field extractors."""

    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    content: list[SourceDocument] = field(default_factory=list)

    @classmethod
    def of(cls, documents: list[SourceDocument]) -> Corpus:
        """Sections and tables of the brand and competitor documents; past pieces kept apart."""
        corpus = cls(content=[d for d in documents if d.kind == "content"])
        for document in documents:
            if document.kind == "content":
                continue
            for section in split_sections(document):
                corpus.sections.append(section)
                corpus.tables.extend(find_tables(section))
        return corpus

    def about(self, topic: Topic) -> list[Section]:
        """The sections classified as holding a topic."""
        return [s for s in self.sections if s.topic == topic]


def cite(section: Section, quote: str) -> SourceRef:
    """The source of an entry read from a section: its file, heading and the words read."""
    return SourceRef(source_path=section.path, heading=section.name, quote=plain(quote)[:300])


def plain(text: str) -> str:
    """A line without list marks, emphasis and surrounding spaces."""
    return _EMPHASIS.sub("", _LIST_MARK.sub("", text)).strip()


def is_list_item(text: str) -> bool:
    """Whether a line is a bullet or numbered list item."""
    return bool(_LIST_MARK.match(text))


def key_value(text: str) -> tuple[str, str] | None:
    """(key, value) for a `key：value` line with a short key, else None."""
    match = _KEY_VALUE.match(text)
    if not match:
        return None
    return match.group("key").strip(), match.group("value").strip()


def quoted(text: str) -> list[str]:
    """The words written in quotes 「」“” in a passage, in order."""
    return [q.strip() for q in _QUOTED.findall(text) if q.strip()]


def split_terms(text: str) -> list[str]:
    """A cell or list of terms (减肥、瘦身 / 茶包, 袋泡茶) as separate terms, bracketed notes dropped."""
    without_notes = re.sub(r"[（(][^）)]*[）)]", "", text)
    parts = re.split(r"[、,，/;；]|\s+or\s+|或", without_notes)
    return [p.strip().strip("「」“”\"'。 ") for p in parts if p.strip().strip("「」“”\"'。 ")]


def paragraphs(lines: list[Line]) -> list[Line]:
    """Prose lines: not empty, not list items, not table rows."""
    return [
        line for line in lines
        if line.text.strip() and not is_list_item(line.text) and "|" not in line.text and "\t" not in line.text
    ]


def matches_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether a text contains any of the words (case-insensitive)."""
    lowered = text.lower()
    return any(word in lowered for word in words)
