"""The colours of the window's charts, shared by every area that draws one (the palette
itself is :mod:`reports.chart_style`'s, so the PDF reports draw in the same colours)."""

from __future__ import annotations

from reports.chart_style import BUCKET_COLOURS, FIGURE_COLOURS, GRID, SOURCE_COLOURS

__all__ = ["BUCKET_COLOURS", "FIGURE_COLOURS", "GRID", "SOURCE_COLOURS"]
