"""An export file as a table: its encoding, delimiter and header row found, then its rows
read one at a time (a 200 MB file is never held whole).

Text files (CSV, TSV, semicolon-separated) and Excel workbooks (.xlsx) are read; the
header is the first row that names columns, so report exports with title rows above
the header (QuickBooks Online's) read too. Cells are text as the file has them, never
formulas: a cell that starts with "=" stays those characters.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from models.errors import LedgerError

# UTF-8 (with or without the BOM Excel and Xero write) first, then Windows' Western
# European code page, which decodes any byte: it is offered, never chosen silently
# when UTF-8 fails part way (see :func:`sniff`).
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 256 * 1024
_HEADER_SEARCH_ROWS = 30
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


class FileRefused(LedgerError):
    """A file that cannot be read as a table; the message says why, in the user's words."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)


def unreadable(path: Path, error: OSError) -> FileRefused:
    """The refusal for a file the system will not let Duly read (gone, a folder, no
    permission), in the user's words."""
    return FileRefused(f"Duly cannot read {path.name}: {error.strerror or error}.")


@dataclass(frozen=True)
class TableFormat:
    """How a file is written: its encoding and delimiter (text files) and the line its
    header row is on (1 is the first)."""

    encoding: str
    delimiter: str
    header_line: int


@dataclass(frozen=True)
class Row:
    """One row under the header: its line in the file (for messages) and its cells,
    without surrounding spaces, by the header's column names as the file writes them."""

    line: int
    cells: defaultdict[str | None, str]  # "" for a column the row is short of, or None

    def get(self, column: str | None) -> str:
        """The cell in ``column`` ("" when the row is short or no column is given)."""
        return self.cells[column]


def normal_name(header: str) -> str:
    """A column name as presets match it: no BOM, no leading "*" (Xero's mark of a
    required column), no case, single spaces."""
    return " ".join(header.replace("\ufeff", "").strip().lstrip("*").split()).casefold()


def is_excel(path: Path) -> bool:
    """Whether ``path`` is an Excel workbook Duly reads."""
    return path.suffix.lower() in _EXCEL_SUFFIXES


def sniff(path: Path, known: frozenset[str] = frozenset(), *, encoding: str | None = None,
          delimiter: str | None = None) -> TableFormat:
    """Find the file's encoding, delimiter and header row (or take the ``encoding`` and
    ``delimiter`` the user chose).

    ``known`` are normalised column names the presets know; the header is the first
    row naming three of them, else the first row of two or more cells followed by rows
    as wide. Raises FileRefused for an empty file or one that is not a table.
    """
    if not path.exists():
        raise FileRefused(f"There is no file {path.name}.")
    if path.stat().st_size == 0:
        raise FileRefused(f"{path.name} is empty.")
    if is_excel(path):
        return TableFormat("", "", _header_line(_excel_records(path), known, path))
    if path.suffix.lower() == ".xls":  # the old binary workbook: see docs/decisions.md
        raise FileRefused(f"{path.name} is an Excel 97–2003 workbook (.xls), which Duly "
                          f"does not read. Open it in Excel or LibreOffice and save it as "
                          f"an Excel workbook (.xlsx) or as CSV, then import that file.")
    with path.open("rb") as stream:
        sample = stream.read(_SAMPLE_BYTES)
    encoding = encoding or encoding_of(sample)
    text = sample.decode(encoding, errors="ignore")
    if "\x00" in text:
        raise FileRefused(f"{path.name} is not a table: it holds binary data. Export the "
                          f"list as CSV or Excel from your accounting program.")
    delimiter = delimiter or _delimiter_of(text, path)
    # newline="": a lone carriage return ends a line, as in the file read in full.
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return TableFormat(encoding, delimiter, _header_line(records, known, path))


def header(path: Path, table: TableFormat) -> list[str]:
    """The column names of the header row, as the file writes them."""
    for line, cells in _records(path, table):
        if line == table.header_line:
            return [cell.replace("\ufeff", "").strip() for cell in cells]
    raise FileRefused(f"{path.name} has no header row.")


def rows(path: Path, table: TableFormat) -> Iterator[Row]:
    """The rows under the header, one at a time; blank rows are skipped.

    Raises FileRefused when a line is not in the file's encoding (named with its line).
    """
    names: list[str] = []
    for line, cells in _records(path, table):
        if line < table.header_line:
            continue
        if line == table.header_line:
            names = [cell.replace("\ufeff", "").strip() for cell in cells]
            continue
        stripped = list(map(str.strip, cells))
        if any(stripped):
            yield Row(line, defaultdict(str, zip(names, stripped, strict=False)))


def _records(path: Path, table: TableFormat) -> Iterator[tuple[int, list[str]]]:
    if is_excel(path):
        yield from enumerate(_excel_records(path), start=1)
        return
    with path.open(encoding=table.encoding, newline="", errors="strict") as stream:
        reader = csv.reader(stream, delimiter=table.delimiter)
        try:
            for cells in reader:
                yield reader.line_num, cells
        except UnicodeDecodeError as error:
            raise FileRefused(
                f"{path.name} is not all in the {_encoding_name(table.encoding)} encoding "
                f"(after line {reader.line_num}). Choose another encoding, or export the "
                f"file again as UTF-8.") from error
        except csv.Error as error:
            raise FileRefused(f"{path.name} cannot be read as a table at line "
                              f"{reader.line_num}: {error}.") from error


def encoding_of(sample: bytes) -> str:
    """UTF-8 if the sample decodes as such (BOM or not), else Windows' cp1252."""
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _encoding_name(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "cp1252": "Windows (cp1252)"}.get(encoding, encoding)


def _delimiter_of(text: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    lines = [line for line in text.splitlines()[:_HEADER_SEARCH_ROWS] if line.strip()]
    if not lines:
        raise FileRefused(f"{path.name} is empty.")
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = {d: max(line.count(d) for line in lines) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        if counts[best] == 0:
            raise FileRefused(f"{path.name} is not a table: no line has columns separated "
                              f"by commas, semicolons or tabs.") from None
        return best


def _header_line(records: Iterator[list[str]], known: frozenset[str],
                 path: Path) -> int:
    seen: list[list[str]] = []
    try:
        for cells in records:
            seen.append(cells)
            if len(seen) >= _HEADER_SEARCH_ROWS:
                break
    except csv.Error as error:
        raise FileRefused(f"{path.name} cannot be read as a table at line "
                          f"{len(seen) + 1}: {error}.") from error
    for number, cells in enumerate(seen, start=1):
        if len({normal_name(c) for c in cells} & known) >= 3:
            return number
    for number, cells in enumerate(seen, start=1):
        width = sum(1 for c in cells if c.strip())
        following = [r for r in seen[number:number + 3] if any(c.strip() for c in r)]
        if width >= 2 and following and all(len(r) >= width for r in following):
            return number
    if any(any(c.strip() for c in cells) for cells in seen):
        raise FileRefused(f"{path.name} is not a table: Duly found no row of column names "
                          f"followed by rows of values.")
    raise FileRefused(f"{path.name} is empty.")


def _excel_records(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only for workbooks

    # A damaged workbook fails wherever openpyxl reads it, opening it or row by row (a
    # read-only workbook reads its sheet as it goes), with what zipfile, zlib or the XML
    # parser raise: any of them, for a file the user chose, is a workbook Duly cannot
    # read, said in words.
    # Opened here, and so closed here, however openpyxl fails (it leaves a file it opened
    # itself open when a damaged workbook stops it).
    with path.open("rb") as stream:
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as error:
            raise FileRefused(f"{path.name} cannot be opened as an Excel workbook.") from error
        try:
            sheets = book.worksheets  # none in a workbook damaged so: read as empty
            rows = sheets[0].iter_rows(values_only=True) if sheets else iter(())
            while True:
                try:
                    values = next(rows, None)
                except Exception as error:
                    raise FileRefused(f"{path.name} is damaged: Duly cannot read all of "
                                      f"its first sheet. Open it in Excel or LibreOffice "
                                      f"and save it again, or export the list as CSV."
                                      ) from error
                if values is None:
                    return
                yield [_excel_text(value) for value in values]
        finally:
            book.close()


def _excel_text(value: object) -> str:
    """A cell as the text it shows: days as ISO dates, numbers exactly as stored."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)
