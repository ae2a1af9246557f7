"""CSV that a spreadsheet opens as data and never runs: every CSV Duly writes goes
through :func:`write_csv`.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some a
tab or a carriage return before one) as a formula. OWASP's guidance on CSV
injection: put an apostrophe in front of such text. Duly writes commas, but Excel
in German, French or Polish splits on ``;``, and a pasted line splits on tabs, so
a customer called ``Acme;=cmd|' /C calc'!A0`` would reach one as a cell starting
``=``. So every text cell is quoted, and every piece of it that could become a
cell of its own (at its start, and after any ``;``, ``,``, tab or line break
inside it) is neutralised. Numbers and dates Duly writes stay bare numbers and
dates, negative amounts included: they are values, never text a user typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

Cell = str | int | Decimal | dt.date | None

# Where a spreadsheet may start a cell inside a text: its start, or just after a
# character some spreadsheet splits on (OWASP: , ; tab, and a line break).
_PIECE_START = r"(?<![^,;\t\r\n])"
# A piece a spreadsheet would run: a formula sign or tab/CR, perhaps after the spaces
# or quotes a lenient reader strips first.
_FORMULA_AHEAD = r"(?=[ \"]*[=+\-@\t\r])"
_RISKY = re.compile(_PIECE_START + _FORMULA_AHEAD)


def text_cell(text: str) -> str:
    """``text`` as a quoted CSV cell, each piece that could start a formula behind an
    apostrophe: ``Acme;=cmd`` becomes ``"Acme;'=cmd"``."""
    neutral = _RISKY.sub("'", text)
    return '"' + neutral.replace('"', '""') + '"'


def cell(value: Cell) -> str:
    """One cell as written: text quoted and neutralised; a number or a date bare
    (an amount in plain digits, e.g. ``-12.50``; a date as ``2026-11-24``); None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, bool):  # an int to Python, but text to a reader
        return text_cell("yes" if value else "no")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"a CSV cell cannot hold {type(value).__name__}")


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Write a header and rows as CSV (comma separated, one line per row, "\\n" line
    ends, the caller's encoding), every cell through :func:`cell`."""
    out.write(",".join(cell(name) for name in header) + "\n")
    for row in rows:
        out.write(",".join(cell(value) for value in row) + "\n")
