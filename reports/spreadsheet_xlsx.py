"""Spreadsheets (XLSX) that open as data and never run: every XLSX Duly writes goes
through :func:`write_xlsx`.

Numbers are written as numbers (an amount with its currency's decimals as its number
format), dates as dates, and text as text. A spreadsheet would run a text cell that
starts with ``=``, ``+``, ``-`` or ``@`` as a formula once a user edits it (OWASP,
"CSV injection"; openpyxl itself turns text starting with ``=`` into a formula): such
a cell is kept as text and marked with Excel's quote prefix (the invisible apostrophe
a user types to mean "this is text"), so it shows as typed and is never run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

# openpyxl is imported only when a workbook is written: the modules that describe a
# sheet (Sheet) are imported by commands that print text and never write one.
if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

XlsxCell = str | int | Decimal | dt.date | bool | None

DATE_FORMAT = "yyyy-mm-dd"
_WIDEST = 60  # characters: a long name wraps in its cell rather than widening the sheet
_NARROWEST = 6
_HEADER_COLOUR = "E8ECF0"
# Text a spreadsheet would take for a formula: a formula sign first, perhaps after
# spaces, or a tab or carriage return (as OWASP lists them).
_RISKY = re.compile(r"^[ ]*[=+\-@\t\r]")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its tab's title, the header row and the rows."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[XlsxCell]]


def write_xlsx(out: BinaryIO | str | Path, sheets: Iterable[Sheet]) -> None:
    """Write the sheets as one workbook: a bold header row kept in view, a filter on it,
    each column as wide as its widest value, every cell through :func:`put_cell`."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _fill(book.create_sheet(_tab_title(sheet.title)), sheet)
    book.save(out)


def put_cell(sheet: Worksheet, row: int, column: int, value: XlsxCell) -> None:
    """Put one value in a cell as what it is: text as text (quote-prefixed where a
    spreadsheet would run it), an amount as a number with as many decimals as it has,
    a whole number as a number, a date as a date; None leaves the cell empty."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, bool):  # an int to Python, but a word to a reader
        value = "yes" if value else "no"
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if _RISKY.match(text):
            cell.quotePrefix = True
        return
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = amount_format(value)
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = "0"
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = f"{DATE_FORMAT} hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        raise TypeError(f"a spreadsheet cell cannot hold {type(value).__name__}")


def amount_format(value: Decimal) -> str:
    """The number format of an amount with the decimals it has: "#,##0.00" for
    12.50, "#,##0" for yen."""
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _fill(sheet: Worksheet, data: Sheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    widths = [len(title) for title in data.header]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=_HEADER_COLOUR)
    for column, title in enumerate(data.header, 1):
        put_cell(sheet, 1, column, title)
        cell = sheet.cell(row=1, column=column)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
    for row_number, row in enumerate(data.rows, 2):
        for column, value in enumerate(row, 1):
            put_cell(sheet, row_number, column, value)
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], _shown_width(value))
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, _NARROWEST), _WIDEST)
    sheet.freeze_panes = "A2"
    if data.rows:
        sheet.auto_filter.ref = (f"A1:{get_column_letter(len(data.header))}"
                                 f"{len(data.rows) + 1}")


def _shown_width(value: XlsxCell) -> int:
    """About how many characters the value takes as the spreadsheet shows it."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,}")
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _tab_title(title: str) -> str:
    """A worksheet's title as a spreadsheet allows it: at most 31 characters, none of
    ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
