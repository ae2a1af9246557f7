"""A table written to a file the user chose: CSV for one table, XLSX for one or many.

Every export from the window goes through :func:`write_table_file`, so each is
written whole or not at all (:func:`models.files.whole_file`), spreadsheet-safe
(:mod:`reports.spreadsheet_csv`, :mod:`reports.spreadsheet_xlsx`), and a disk that
is full or a folder that cannot be written is told in the user's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path

from models.errors import WriteRefused
from models.files import whole_file, write_failure_words
from reports.spreadsheet_csv import write_csv
from reports.spreadsheet_xlsx import Sheet, write_xlsx


class TableFormat(Enum):
    """The kinds of file a table is exported to."""

    CSV = "csv"
    XLSX = "xlsx"


def table_format_of(path: Path) -> TableFormat:
    """The format a file name asks for: ``.csv`` is CSV, anything else a workbook."""
    return TableFormat.CSV if path.suffix.lower() == ".csv" else TableFormat.XLSX


def write_table_file(target: Path, sheets: Sequence[Sheet], file_format: TableFormat) -> int:
    """Write the tables to ``target`` whole or not at all and return the rows written.

    A CSV holds one table (the first); a workbook one sheet per table. Raises
    :class:`~models.errors.WriteRefused` (the file left as it was) when the disk or
    the folder will not take it."""
    if not sheets:
        raise ValueError("nothing to export")
    chosen = sheets[:1] if file_format is TableFormat.CSV else sheets
    try:
        with whole_file(target) as partial:
            if file_format is TableFormat.CSV:
                with partial.open("w", encoding="utf-8-sig", newline="") as out:
                    write_csv(out, chosen[0].header, chosen[0].rows)
            else:
                write_xlsx(partial, chosen)
    except OSError as error:
        raise WriteRefused("file", f"{write_failure_words(error, target)} "
                                   f"Nothing was written to {target.name}.") from error
    return sum(len(sheet.rows) for sheet in chosen)
