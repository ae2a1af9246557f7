"""Everything in the store, in an open format: a ZIP of CSV files, one per table.

Each table's rows are written as stored (money in minor units, days and times as ISO
text, rates as exact decimal text, yes/no as 1/0), so that the business's data is
never locked in Duly and reads back exactly. Files the store keeps (the logo, e-mail
attachments) go beside them under ``attachments/``, named in their cells. A
README.txt in the ZIP says what the columns hold.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.db import reading
from models.export import StoredTable, stored_rows, stored_tables
from models.files import whole_file

ATTACHMENTS = "attachments"

_README = """Duly: all of this business's data
==================================

Each CSV file holds one table of the Duly store, as it is stored, one row a line,
with a header row naming the columns. The files are UTF-8 text.

- Columns ending in _minor are amounts of money in minor units (cents, pence):
  1234 in GBP is 12.34 GBP. The row's currency column (an ISO 4217 code) says
  which currency; a row without one is in the currency of what it belongs to.
- Days are written YYYY-MM-DD, times YYYY-MM-DD HH:MM:SS (the computer's local
  time).
- Rates and percentages are exact decimal numbers written as text (8.25).
- Yes/no columns are 1 (yes) and 0 (no). An empty cell is an empty value.
- Columns ending in _id (and customer, invoice, ...) hold the id of a row of
  the table they name.
- Files the store keeps (the business's logo, e-mail attachments) are in the
  attachments folder; their cell names the file.

Text cells are written exactly as stored. A spreadsheet may treat a cell that
starts with =, +, - or @ as a formula: open these files as text if in doubt.
"""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: its file, and how many rows of each table."""

    path: Path
    rows: dict[str, int]


def export_all(target: Path, progress: Callable[[int, int], None] | None = None
               ) -> ExportSummary:
    """Write every table of the open store to ``target`` (a ZIP), read at one moment;
    the file appears only once whole."""
    counts: dict[str, int] = {}
    with whole_file(target) as partial, zipfile.ZipFile(
            partial, "w", compression=zipfile.ZIP_DEFLATED) as archive, reading():
        archive.writestr("README.txt", _README)
        tables = stored_tables()
        for done, table in enumerate(tables):
            counts[table.name] = _write_table(archive, table)
            if progress is not None:
                progress(done + 1, len(tables))
    return ExportSummary(Path(target), counts)


def _write_table(archive: zipfile.ZipFile, table: StoredTable) -> int:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(table.columns)
    count = 0
    for row in stored_rows(table):
        cells = ["" if value is None else value for value in row]
        for index in table.files:
            data = row[index]
            if isinstance(data, bytes):
                name = f"{ATTACHMENTS}/{table.name}/{row[table.key]}-{table.columns[index]}"
                archive.writestr(name, data)
                cells[index] = name
        writer.writerow(cells)
        count += 1
    archive.writestr(f"{table.name}.csv", text.getvalue())
    return count
