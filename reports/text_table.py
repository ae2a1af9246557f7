"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]],
               right_aligned: Collection[int] = ()) -> list[str]:
    """The header, a rule and the rows as lines, columns padded to fit;
    ``right_aligned`` are the numbers' column positions."""
    widths = [max(len(cell) for cell in column)
              for column in zip(header, *rows, strict=False)]

    def render(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(w) if i in right_aligned else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [render(header), render(["-" * w for w in widths]), *(render(r) for r in rows)]
