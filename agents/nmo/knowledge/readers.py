"""Turn a file (Markdown, plain text, Word .docx, text PDF) into Markdown-ish text, or say why not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nmo.errors import UserInputError

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


class UnreadableFile(UserInputError):
    """A file whose bytes cannot be turned into text; the message names the cause and the fix."""


@dataclass(frozen=True)
class RawText:
    """A file's text plus facts about how it was read."""

    text: str
    encoding: str
    title: str | None = None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), falling back to GB18030; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise UnreadableFile(
            "This looks like a binary file, not text.",
            "Ingest only .md, .txt, .docx or .pdf files; move other files out of the knowledge folder.",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        "The text is neither UTF-8 nor GB18030.",
        "Re-save the file as UTF-8 (e.g. `iconv -f BIG5 -t UTF-8 in.txt > out.txt`).",
    )


def read_docx(data: bytes) -> RawText:
    """Paragraphs and tables of a Word file as Markdown; Word headings become `#` headings."""
    import io
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as error:  # pragma: no cover - dependency is declared
        raise UnreadableFile("python-docx is not installed.", "Run `pip install python-docx`.") from error
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableFile(
            f"Word file is corrupt or not a .docx ({type(error).__name__}).",
            "Open it in Word or WPS and save it again as .docx, or export it to Markdown.",
        ) from None
    from docx.table import Table

    blocks: list[str] = []
    numbered = 0
    for item in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(item, Table):
            blocks.append(_table_markdown([[cell.text.strip() for cell in row.cells] for row in item.rows]))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        match = _HEADING_STYLE.match(style)
        numbered = numbered + 1 if style.lower().startswith("list number") else 0
        if match:
            blocks.append("#" * max(1, min(6, int(match.group(1)))) + " " + text)
        elif style.lower() == "title":
            blocks.append("# " + text)
        elif style.lower().startswith("list bullet"):
            blocks.append("- " + text)
        elif numbered:
            blocks.append(f"{numbered}. {text}")
        else:
            blocks.append(text)
    title = (document.core_properties.title or "").strip() or None
    return RawText("\n\n".join(blocks), "docx", title)


def _table_markdown(rows: list[list[str]]) -> str:
    """A Word table as a Markdown table (first row as header), so tables read like the ones teams type."""
    rows = [[cell.replace("|", "｜").replace("\n", " ") for cell in row] for row in rows if any(row)]
    if not rows:
        return ""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def read_pdf(data: bytes) -> RawText:
    """Text layer of a PDF, page by page; scanned PDFs without text are refused."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = None
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title).strip() or None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableFile(
            f"PDF is corrupt or encrypted ({type(error).__name__}).",
            "Open it and export a new PDF (or save the text as .md), then ingest again.",
        ) from None
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        raise UnreadableFile(
            "The PDF has no text layer (scanned pages?).",
            "Run OCR on it (e.g. `ocrmypdf in.pdf out.pdf`) or paste its text into a .md file.",
        )
    return RawText(text, "pdf", title)


def read_source(path: Path, data: bytes) -> RawText:
    """Turn a supported file's bytes into text; raises UnreadableFile with the cause and a fix."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".pdf":
        return read_pdf(data)
    text, encoding = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawText(tab_tables_as_markdown(text) if suffix == ".txt" else text, encoding)


def tab_tables_as_markdown(text: str) -> str:
    """Tab-separated tables in a text export (two or more rows with the same number of cells) as Markdown
    tables, first row as header, so they read like the tables teams type (a wiki or spreadsheet export)."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        cells = _tab_cells(lines[index])
        end = index + 1
        while cells and end < len(lines) and len(_tab_cells(lines[end])) == len(cells):
            end += 1
        if cells and end - index >= 2:
            out.append(_table_markdown([_tab_cells(line) for line in lines[index:end]]))
            index = end
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def _tab_cells(line: str) -> list[str]:
    """The cells of a tab-separated row (at least two), or [] for a line that is not one."""
    if "\t" not in line.strip():
        return []
    cells = [cell.strip() for cell in re.split(r"\t+", line.strip())]
    return cells if len(cells) >= 2 else []
