"""Reading user text safely: binary input, invalid UTF-8 and oversized files become clear user errors."""

from __future__ import annotations

import sys
from pathlib import Path

from nmo.errors import NotFoundError, UserInputError
from nmo.input_files import LIMIT_ENV, MB, max_input_bytes, require_readable_size


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text from bytes (BOM dropped); binary or non-UTF-8 input is a user error saying what to do."""
    if len(raw) > max_input_bytes():
        raise UserInputError(
            f"{name} is {len(raw) // MB} MB; the limit is {max_input_bytes() // MB} MB.",
            f"Split the text into smaller files, or raise {LIMIT_ENV}.",
        )
    if b"\x00" in raw[:8192]:
        raise UserInputError(
            f"{name} looks like a binary file, not text.",
            "Pass a UTF-8 text or Markdown file (export the document as .md or .txt first).",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserInputError(
            f"{name} is not valid UTF-8 (bad byte at offset {error.start}).",
            f"Convert it first, e.g. `iconv -f GBK -t UTF-8 {name} > fixed.txt`.",
        ) from error


def read_text_file(path: Path) -> str:
    """Read a user's file as UTF-8 text, '-' meaning standard input."""
    if str(path) == "-":
        return decode_text(sys.stdin.buffer.read(), "standard input")
    if not path.exists():
        raise NotFoundError(f"{path} does not exist.", "Check the path, or pass - to read standard input.")
    if path.is_dir():
        raise UserInputError(f"{path} is a folder.", "Pass one text or Markdown file.")
    require_readable_size(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserInputError(
            f"Cannot read {path}: {error.strerror}.", "Check the file's permissions."
        ) from error
    return decode_text(raw, str(path))
