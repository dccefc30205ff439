"""Read CSV/XLSX exports (UTF-8, UTF-16 or GB18030; title rows above the header; several sheets)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nmo.analyst.headers import (
    COUNT_FIELDS,
    MONEY_FIELDS,
    canonical_field,
    describe_needed,
    header_score,
    map_headers,
    missing_for_metrics,
)
from nmo.analyst.models import ColumnMapping
from nmo.errors import NotFoundError, UserInputError
from nmo.input_files import require_readable_size

if TYPE_CHECKING:
    import pandas as pd

HEADER_SEARCH_ROWS = 20
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class RawTable:
    """One sheet or CSV file: cells as read, headers renamed to canonical fields, spreadsheet row numbers."""

    file: str
    sheet: str | None
    frame: pd.DataFrame
    rows: list[int]
    header_row: int
    encoding: str | None
    mapped: dict[str, str]
    ignored: list[str]

    def column_mapping(self) -> ColumnMapping:
        """How this table's headers were read, for the summary: mapped, ignored, missing per metric."""
        return ColumnMapping(
            file=self.file,
            sheet=self.sheet,
            header_row=self.header_row,
            encoding=self.encoding,
            mapped=self.mapped,
            ignored=self.ignored,
            missing=missing_for_metrics(self.frame.columns),
            rows=len(self.frame),
        )

    @property
    def label(self) -> str:
        """file or file[sheet], as shown next to row numbers."""
        return f"{self.file}[{self.sheet}]" if self.sheet else self.file


@dataclass
class UnusableTable:
    """A sheet that has no known headers (a notes sheet, a pivot): reported, not read."""

    file: str
    sheet: str | None
    found: list[str]


def decode_export(data: bytes, name: str) -> tuple[str, str]:
    """Decode an export's bytes: UTF-16/UTF-8 by BOM, then UTF-8, then GB18030 (covers GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise UserInputError(
            f"{name}: cannot read the file as UTF-8, UTF-16 or GB18030 (byte {error.start} is invalid).",
            "Re-export it as CSV (UTF-8) or XLSX from the platform's back office.",
        ) from None


def _find_header(rows: list[list[object]]) -> tuple[int, int]:
    """Index and score of the row that looks most like a header among the first rows."""
    best_index, best_score = 0, -1
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(row)
        if score > best_score:
            best_index, best_score = index, score
    return best_index, best_score


def _unreadable_csv(path: Path, error: Exception) -> UserInputError:
    return UserInputError(
        f"{path}: the CSV cannot be read ({error}).",
        "Re-export it from the platform as CSV (UTF-8) or XLSX, or open and re-save it in a spreadsheet; "
        "an unclosed quote or a pasted text block near the named row is the usual cause.",
        zh_problem=f"{path.name} 这个 CSV 读不出来（{error}）。",
        zh_fix="请从平台后台重新导出 CSV（UTF-8）或 XLSX，或用表格软件打开后另存；多半是某行的引号没有闭合。",
    )


def _read_csv(path: Path) -> RawTable | UnusableTable:
    try:
        return _parse_csv(path)
    except (csv.Error, ValueError) as error:  # pandas' ParserError is a ValueError
        raise _unreadable_csv(path, error) from None


def _parse_csv(path: Path) -> RawTable | UnusableTable:
    import pandas as pd

    text, encoding = decode_export(path.read_bytes(), path.name)
    if "\x00" in text:
        raise UserInputError(
            f"{path}: the file contains NUL characters, so it is damaged or not a text export.",
            "Re-export it from the platform as CSV (UTF-8) or XLSX.",
            zh_problem=f"{path.name} 里有空字符（NUL），文件已损坏或不是文本导出。",
            zh_fix="请从平台后台重新导出 CSV（UTF-8）或 XLSX。",
        )
    head_lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    sample = "\n".join(head_lines)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    head_rows: list[list[object]] = [list(r) for r in csv.reader(head_lines, delimiter=delimiter)]
    header_index, score = _find_header(head_rows)
    if score < 2:
        return UnusableTable(str(path), None, [str(c) for c in (head_rows[0] if head_rows else [])])
    # Count and money columns are left to the C parser (fast for plain numbers; '1,234' or '1.2万' stay
    # text and are parsed later); everything else is read as text so IDs keep their leading zeros.
    numeric = {h for h in head_rows[header_index] if canonical_field(h) in (*COUNT_FIELDS, *MONEY_FIELDS)}
    frame = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=0,
        skiprows=header_index,
        dtype={h: str for h in head_rows[header_index] if h not in numeric},
        keep_default_na=False,
        na_values={h: [""] for h in numeric},
        skip_blank_lines=False,
        engine="c",
    )
    first_data_row = header_index + 2
    return _table(str(path), None, frame, first_data_row, header_index + 1, encoding)


def _read_excel(path: Path) -> list[RawTable | UnusableTable]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UserInputError(
            f"{path}: cannot open as an Excel workbook ({type(error).__name__}: {error}).",
            "Open it in Excel/WPS and save as .xlsx, or export CSV instead.",
        ) from None
    tables: list[RawTable | UnusableTable] = []
    try:
        for sheet in workbook.worksheets:
            tables.append(_read_sheet(path, sheet.title, list(sheet.iter_rows(min_row=1, values_only=True))))
    finally:
        workbook.close()
    return tables


def _read_sheet(path: Path, sheet: str, cells: list[tuple[object, ...]]) -> RawTable | UnusableTable:
    import pandas as pd

    rows = [list(r) for r in cells]
    header_index, score = _find_header(rows)
    if score < 2:
        found = [str(c) for c in (rows[header_index] if rows else []) if c is not None]
        return UnusableTable(str(path), sheet, found)
    header = [str(c).strip() if c is not None else f"Unnamed: {i}" for i, c in enumerate(rows[header_index])]
    width = len(header)
    body = [(list(r) + [None] * width)[:width] for r in rows[header_index + 1 :]]
    frame = pd.DataFrame(body, columns=pd.Index(header), dtype=object)
    return _table(str(path), sheet, frame, header_index + 2, header_index + 1, None)


def _table(
    file: str, sheet: str | None, frame: pd.DataFrame, first_row: int, header_row: int, encoding: str | None
) -> RawTable:
    mapped, ignored = map_headers(frame.columns)
    frame = frame[list(mapped)].rename(columns=mapped)
    rows = list(range(first_row, first_row + len(frame)))
    return RawTable(file, sheet, frame.reset_index(drop=True), rows, header_row, encoding, mapped, ignored)


def read_export(path: Path, kind: str = "metrics") -> tuple[list[RawTable], list[str]]:
    """Read one export into tables with canonical headers, plus notes on skipped sheets.

    A file where no table has known headers is a user error that lists what was found and what is needed.
    """
    if not path.exists():
        raise NotFoundError(f"{path}: no such file.", "Check the path; pass the exported CSV or XLSX.")
    require_readable_size(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        found = _read_excel(path)
    elif suffix in CSV_SUFFIXES:
        found = [_read_csv(path)]
    elif suffix == ".xls":
        raise UserInputError(
            f"{path}: old .xls workbooks are not supported.", "Save it as .xlsx (or CSV UTF-8) and try again."
        )
    else:
        raise UserInputError(f"{path}: unknown file type '{suffix}'.", "Pass a .csv, .tsv or .xlsx export.")
    tables = [t for t in found if isinstance(t, RawTable)]
    if not tables:
        headers = "; ".join(
            f"{u.sheet or 'file'}: {', '.join(u.found[:20]) or '(empty)'}"
            for u in found
            if isinstance(u, UnusableTable)
        )
        raise UserInputError(
            f"{path}: no known column headers. Found: {headers}.",
            f"Rename the headers so nmo can recognise them; it needs e.g. {describe_needed(kind)}.",
        )
    notes = [
        f"{path}[{u.sheet}]: sheet skipped, no known headers (found: {', '.join(u.found[:10]) or 'nothing'})"
        for u in found
        if isinstance(u, UnusableTable)
    ]
    return tables, notes
