"""The look of Duly's charts: the colours, as hex text, and how an axis writes an
amount. One place for the window's painted charts (through
:mod:`ui.common.chart_colours`) and the PDF reports' drawn ones, so a bucket or a
figure looks the same on screen and on paper."""

from __future__ import annotations

# The aging buckets, from "not yet due" (calm) to "over 90 days" (alarm).
BUCKET_COLOURS = ("#7DB9AC", "#E9C46A", "#F4A261", "#E76F51", "#B3261E")

# The lines of a figure over the months: the main figure in the accent, the others
# apart from it in hue and lightness, so they read apart in grey print as well.
FIGURE_COLOURS = ("#0E7C66", "#3D6FB6", "#C0661F", "#7A4FA0")

# Where the cash expected comes from: promises, plan instalments, the usual delay.
SOURCE_COLOURS = ("#0E7C66", "#3D6FB6", "#9DB5CF")

GRID = "#D5D9DE"


def compact_amount(value: float) -> str:
    """An amount as an axis writes it: 1,500 as 1.5k, 2,000,000 as 2M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"
