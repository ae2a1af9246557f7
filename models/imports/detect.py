"""Looking at a file before importing it: its table format, which program's layout it is,
and how it writes dates and amounts, each shown to the user and changeable.

The date order is never guessed: when every date in the file reads both ways
(05/06/2026), the user is asked (or the CLI's --day-first / --month-first).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from models.files import SQLITE_MAGIC, is_a_store, read_header, refuse_store_file
from models.imports.gnucash import book_is_open, is_gnucash
from models.imports.iif import iif_header, is_iif
from models.imports.records import ReadSettings
from models.imports.sources import (
    GNUCASH_BOOK,
    KNOWN_COLUMNS,
    QBD_IIF,
    Field,
    Holds,
    Preset,
    Source,
    recognise,
)
from models.imports.table import (
    FileRefused,
    Row,
    TableFormat,
    encoding_of,
    header,
    rows,
    sniff,
    unreadable,
)
from models.imports.values import DateOrder, DecimalMark, date_order_of, decimal_mark_of

SAMPLE_ROWS = 200  # rows read to tell the date order and decimal mark

_FIELD_WORDS = {
    Field.CUSTOMER: "the customer's name", Field.NUMBER: "the invoice number",
    Field.ISSUED: "the invoice date", Field.TOTAL: "the invoice total",
    Field.LINE_TOTAL: "the line amounts",
}


@dataclass(frozen=True)
class Detected:
    """What Duly found in a file: its format, header, layout (None: not recognised),
    date order (None: cannot be told) and decimal mark, and its first rows."""

    table: TableFormat
    header: list[str]
    preset: Preset | None
    date_order: DateOrder | None
    decimal_mark: DecimalMark
    sample: list[Row]
    note: str = ""  # something the user should know about the file, in words


def detect(path: Path, source: Source | None = None, *, encoding: str | None = None,
           delimiter: str | None = None) -> Detected:
    """Look at the file (read with the ``encoding`` and ``delimiter`` the user chose, if
    any); raises FileRefused for one that is not a table or cannot be read at all."""
    try:
        refuse_store_file(path)
        return _detect(path, source, encoding, delimiter)
    except OSError as error:
        raise unreadable(path, error) from error


def _detect(path: Path, source: Source | None, encoding: str | None,
            delimiter: str | None) -> Detected:
    if is_iif(path):
        return _detect_iif(path, source, encoding)
    if is_gnucash(path):
        note = ("The book is open in GnuCash: Duly reads it as it was last saved."
                if book_is_open(path) else "")
        return Detected(TableFormat("", "", 0), [], GNUCASH_BOOK, None, DecimalMark.POINT,
                        [], note)
    _refuse_a_database(path)
    table = sniff(path, KNOWN_COLUMNS, encoding=encoding, delimiter=delimiter)
    names = header(path, table)
    preset = recognise(names, source)
    sample = list(itertools.islice(rows(path, table), SAMPLE_ROWS))
    order, mark = _formats(preset, names, sample) if preset is not None else (None, None)
    return Detected(table, names, preset, order, mark or DecimalMark.POINT, sample)


def _refuse_a_database(path: Path) -> None:
    """A database that is not a GnuCash book Duly can read, said for what it is (not as
    "binary data"): a Duly store or backup, or a book or database that may be damaged."""
    header = read_header(path)
    if is_a_store(header):
        raise FileRefused(f"{path.name} is a Duly store or backup, not an export to import. "
                          f"To bring a backup back, use File, Restore… (or 'duly restore').")
    if header.startswith(SQLITE_MAGIC):
        raise FileRefused(f"{path.name} is a database, not an export Duly reads. If it is a "
                          f"GnuCash book, it may be damaged: open it in GnuCash and save it "
                          f"again, or export its customers and invoices as CSV.")


def _detect_iif(path: Path, source: Source | None, encoding: str | None) -> Detected:
    """An IIF export: tab-separated blocks, dates MM/DD/YY, amounts with a point."""
    if source not in (None, Source.IIF):
        raise FileRefused(f"{path.name} is a QuickBooks Desktop IIF export, not one of "
                          f"{source}.")
    with path.open("rb") as stream:
        chosen = encoding or encoding_of(stream.read(256 * 1024))
    table = TableFormat(chosen, "\t", 1)
    return Detected(table, iif_header(path, chosen), QBD_IIF, DateOrder.MONTH_FIRST,
                    DecimalMark.POINT, [])


def _formats(preset: Preset, names: list[str], sample: list[Row]
             ) -> tuple[DateOrder | None, DecimalMark | None]:
    """The date order and decimal mark the sample's dates and amounts tell, if they do."""
    dates = [preset.column_for(f, names) for f in (Field.ISSUED, Field.DUE, Field.PAID_ON)]
    order = date_order_of(row.get(c) for row in sample for c in dates if c)
    if order is None and preset.day_first is not None:
        order = DateOrder.DAY_FIRST if preset.day_first else DateOrder.MONTH_FIRST
    amounts = [preset.column_for(f, names) for f in (
        Field.TOTAL, Field.LINE_TOTAL, Field.PAID, Field.BALANCE)]
    return order, decimal_mark_of(row.get(c) for row in sample for c in amounts if c)


def read_settings(detected: Detected, *, currency: str, preset: Preset | None = None,
                  date_order: DateOrder | None = None,
                  decimal_mark: DecimalMark | None = None) -> ReadSettings:
    """How to read the file: the layout found (or chosen), and its date order and
    decimal mark (found, or the user's). Raises FileRefused for a layout Duly does not
    know or a date order that is not known."""
    layout = preset or detected.preset
    if layout is None:
        raise FileRefused(unknown_layout(detected.header))
    if layout is not detected.preset:  # chosen by the user: what do its columns tell?
        told_order, told_mark = _formats(layout, detected.header, detected.sample)
        date_order = date_order or told_order
        decimal_mark = decimal_mark or told_mark
    columns = {f: c for f in Field if (c := layout.column_for(f, detected.header))}
    missing = [f for f in layout.required() if f not in columns] \
        if layout.reader == "table" else []
    if missing:
        raise FileRefused(
            f"The file has no column for {_and(_FIELD_WORDS.get(f, f.value) for f in missing)}"
            f" (a {layout.title} export has {_and(layout.columns[f][0] for f in missing)}).")
    order = date_order or detected.date_order
    if order is None and layout.holds is Holds.INVOICES and _numeric_dates(detected, columns):
        raise FileRefused("Every date in the file reads both ways (05/06/2026 could be 5 June "
                          "or 6 May): say whether the day or the month comes first.")
    return ReadSettings(layout, detected.table, order, decimal_mark or detected.decimal_mark,
                        currency, columns)


def unknown_layout(names: list[str]) -> str:
    """Why a file's layout is not known, naming the columns it has and those needed."""
    shown = ", ".join(n for n in names[:12] if n) + ("…" if len(names) > 12 else "")
    return (f"Duly does not recognise this file's columns ({shown}). An invoice list needs "
            f"columns for the customer, the invoice number, its date and its total; a "
            f"customer list, the customer's name. Choose the columns yourself, or export the "
            f"list again from your accounting program.")


def _numeric_dates(detected: Detected, columns: dict[Field, str]) -> bool:
    issued = columns.get(Field.ISSUED)
    return any("/" in row.get(issued) or "." in row.get(issued) for row in detected.sample)


def _and(words: Iterable[object]) -> str:
    items = [str(w) for w in words]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
