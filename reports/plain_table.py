"""A table of plain text drawn straight onto the page: a shaded heading, zebra rows and
bold total rows under a rule, with amounts on the right. It is what reportlab's
``Table`` draws for a letter's invoices and charges, at a fraction of its cost (a
batch prints a thousand of them), and with nothing to escape: a cell too wide for
its column wraps at spaces (a long invoice number, a charge's calculation), and an
amount too wide for its column is set smaller rather than run into its neighbour.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from reportlab.platypus import Flowable

from reports.fonts import (
    BOLD,
    REGULAR,
    PlainTextObject,
    begin_text,
    draw_text,
    needs_fallback,
    text_width,
)
from reports.page import INK, SHADE, SMALLEST_AMOUNT_SIZE, ZEBRA, wrap_lines

_SIDE = 6.0  # points of padding left and right of each cell, as reportlab's tables


@dataclass(frozen=True)
class TableLook:
    """Type sizes and padding of a :class:`PlainTable`."""

    heading_size: float = 7.5
    body_size: float = 8.5
    total_size: float = 9.0
    padding: float = 1.8  # above and below the text of the heading and total rows
    body_padding: float = 1.8  # the same for the body's rows


class _Kind(Enum):
    HEADING = 1
    BODY = 2
    TOTAL = 3


@dataclass(frozen=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # each cell's lines
    font: str
    size: float
    padding: float
    kind: _Kind
    height: float = field(init=False)  # worked out once: a long table asks it often

    def __post_init__(self) -> None:
        lines = max((len(c) for c in self.cells), default=1) or 1
        object.__setattr__(self, "height", lines * self.size * 1.2 + 2 * self.padding)


def scaled_widths(width: float, parts: Sequence[float]) -> list[float]:
    """Column widths in the proportions of ``parts``, filling ``width``."""
    scale = width / sum(parts)
    return [part * scale for part in parts]


def column_width(heading: str, cells: Iterable[str], look: TableLook | None = None) -> float:
    """The width a column of a :class:`PlainTable` needs to hold its heading and each of
    ``cells`` on one line, measured in the fonts they are drawn in."""
    look = look or TableLook()
    widest = max((text_width(line, REGULAR, look.body_size)
                  for cell in cells for line in cell.splitlines()), default=0.0)
    return max(widest, text_width(heading, BOLD, look.heading_size)) + 2 * _SIDE


class PlainTable(Flowable):
    """The heading, the body's rows and the total rows, in columns ``widths`` wide.
    Columns from ``right_from`` on are right-aligned; a total row's first cell is
    its label, spanning the first ``label_span`` columns. The heading is repeated
    on each page the table runs on to."""

    def __init__(self, heading: Sequence[str], body: Sequence[Sequence[str]],
                 totals: Sequence[Sequence[str]], widths: Sequence[float], *,
                 right_from: int, label_span: int, look: TableLook | None = None) -> None:
        super().__init__()
        self.widths = list(widths)
        self.right_from, self.label_span = right_from, label_span
        look = look or TableLook()
        self.look = look
        self.heading = self._row(heading, BOLD, look.heading_size, look.padding, _Kind.HEADING)
        self.body = [self._row(r, REGULAR, look.body_size, look.body_padding, _Kind.BODY)
                     for r in body]
        self.totals = [self._total(r, look) for r in totals]

    # Laying out ---------------------------------------------------------------------

    def _row(self, cells: Sequence[str], font: str, size: float, padding: float,
             kind: _Kind) -> _Row:
        lines = tuple(self._lines(text, font, size, self.widths[index], index)
                      for index, text in enumerate(cells))
        return _Row(lines, font, size, padding, kind)

    def _total(self, cells: Sequence[str], look: TableLook) -> _Row:
        label = self._lines(cells[0], BOLD, look.total_size, sum(self.widths[:self.label_span]), 0)
        rest = [self._lines(text, BOLD, look.total_size, self.widths[index], index)
                for index, text in enumerate(cells[1:], self.label_span)]
        return _Row((label, *([()] * (self.label_span - 1)), *rest), BOLD, look.total_size,
                    look.padding, _Kind.TOTAL)

    def _lines(self, text: str, font: str, size: float, width: float, column: int
               ) -> tuple[str, ...]:
        if column >= self.right_from:  # an amount stays on one line
            return tuple(text.splitlines()) or ("",)
        if "\n" not in text and text_width(text, font, size) <= width - 2 * _SIDE:
            return (text.strip(),)  # most cells: no need to break them
        return tuple(wrap_lines(text, font, size, width - 2 * _SIDE)) or ("",)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = sum(self.widths)
        self.height = sum(r.height for r in self._rows())
        return self.width, self.height

    def _rows(self) -> list[_Row]:
        return [self.heading, *self.body, *self.totals]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """The rows that fit ``availHeight`` under the heading and the rest under it
        again; a total row never goes over without the row above it."""
        room = availHeight - self.heading.height
        fit = 0
        for row in self.body:
            if row.height > room:
                break
            room -= row.height
            fit += 1
        if fit == len(self.body) and self.totals:  # not the total rows alone: a row with them
            fit -= 1
        if fit <= 0:
            return []
        return [self._part(self.body[:fit], []), self._part(self.body[fit:], self.totals)]

    def _part(self, body: list[_Row], totals: list[_Row]) -> PlainTable:
        part = PlainTable.__new__(PlainTable)
        Flowable.__init__(part)
        part.widths, part.look = self.widths, self.look
        part.right_from, part.label_span = self.right_from, self.label_span
        part.heading, part.body, part.totals = self.heading, body, totals
        return part

    # Drawing ------------------------------------------------------------------------

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        top = self.height
        # The text of every cell goes into one text object (a table of a thousand
        # letters' would otherwise open and close one for each of its cells).
        text = begin_text(canvas)
        text.setFillColor(INK)
        for index, row in enumerate(self._rows()):
            bottom = top - row.height
            self._background(row, index, bottom)
            if row.kind is _Kind.TOTAL:
                canvas.setStrokeColor(INK)
                canvas.setLineWidth(0.8)
                canvas.line(0, top, self.width, top)
            self._text(text, row, top, bottom)
            if row.kind is _Kind.HEADING:
                canvas.setStrokeColor(INK)
                canvas.setLineWidth(0.6)
                canvas.line(0, bottom, self.width, bottom)
            top = bottom
        canvas.drawText(text)
        canvas.restoreState()

    def _background(self, row: _Row, index: int, bottom: float) -> None:
        shade = SHADE if row.kind is _Kind.HEADING else (
            ZEBRA if row.kind is _Kind.BODY and index % 2 == 0 else None)
        if shade is not None:
            self.canv.setFillColor(shade)
            self.canv.rect(0, bottom, self.width, row.height, stroke=0, fill=1)

    def _text(self, text: PlainTextObject, row: _Row, top: float, bottom: float) -> None:
        leading = row.size * 1.2
        x = 0.0
        for index, lines in enumerate(row.cells):
            width = (sum(self.widths[:self.label_span])
                     if row.kind is _Kind.TOTAL and index == 0 else self.widths[index])
            if lines and any(lines):
                block = len(lines) * leading
                # The heading sits on its rule; other rows are centred in their height.
                block_top = (bottom + row.padding + block if row.kind is _Kind.HEADING
                             else bottom + (row.height + block) / 2)
                baseline = block_top - (leading - row.size) / 2 - row.size
                for line in lines:
                    self._line(text, line, x, width, baseline, row, index)
                    baseline -= leading
            x += self.widths[index]

    def _line(self, text: PlainTextObject, line: str, x: float, width: float, baseline: float,
              row: _Row, column: int) -> None:
        """One line of a cell: left-aligned, or right-aligned and set smaller if it
        would not fit (an amount of a billion and more)."""
        size = row.size
        if column >= self.right_from:
            room = width - 2 * _SIDE
            wide = text_width(line, row.font, size)
            if wide > room:
                size = max(SMALLEST_AMOUNT_SIZE, size * room / wide)
                wide = text_width(line, row.font, size)
            x += width - _SIDE - wide
        else:
            x += _SIDE
        if needs_fallback(line, row.font):  # each run in its own font, as a line of its own
            self.canv.setFillColor(INK)
            draw_text(self.canv, x, baseline, line, row.font, size)
            return
        text.setFont(row.font, size)
        text.place(x, baseline, line)
