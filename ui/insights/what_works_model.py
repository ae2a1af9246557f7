"""The what-works tables: each stage, channel, tone and template with what was paid after
it against the baseline, and template A against template B; both shown for all customers
or for one class (the rows of every class are held, and filtered here)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtGui import QColor

from models.kinds import CustomerClass
from models.what_works import TemplateComparison, WhatWorksRow
from reports.what_works_text import median_words, row_note
from ui.common.rows_model import QUIET, Column, Paint, RowsModel
from ui.common.style import ACCENT, ERROR

_NONE = Decimal(-10_000)  # sorts after every figure when descending, before when ascending


def percent_text(value: Decimal | None) -> str:
    """A share as the tables show it: "42.5%", or "–" for none."""
    return "–" if value is None else f"{value}%"


def points_text(value: Decimal | None) -> str:
    """An uplift in percentage points: "+12.5", "-3.0", or "–"."""
    return "–" if value is None else f"{value:+}"


def _key(value: Decimal | None) -> Decimal:
    return _NONE if value is None else value


def _median_key(row: WhatWorksRow) -> int:
    return 10_000 if row.median_days is None else row.median_days


class _ByClass(RowsModel):
    """Rows of every class, showing those of all customers (None) or of one class."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shown: CustomerClass | None = None

    def show_class(self, customer_class: CustomerClass | None) -> None:
        """Show the rows of all customers (None) or of one class."""
        if customer_class != self._shown:
            self._shown = customer_class
            self.refilter()

    def shown_class(self) -> CustomerClass | None:
        """The class shown (None: all customers)."""
        return self._shown

    def _accepts(self, row: Any) -> bool:
        return bool(row.customer_class == self._shown)


class WhatWorksModel(_ByClass):
    """Each stage, channel, tone and template: cases, paid within 7/14/30 days, median
    days, the baseline and the uplift (14 days), or "not enough cases yet"."""

    columns = (
        Column("By", lambda r: r.aspect.word, lambda r: (str(r.aspect), r.value)),
        Column("Which", lambda r: r.value, lambda r: r.value.casefold()),
        Column("Cases", lambda r: str(r.cases), lambda r: r.cases, money=True),
        Column("Paid in\n7 days", lambda r: percent_text(r.paid_percent[0]),
               lambda r: _key(r.paid_percent[0]), money=True),
        Column("Paid in\n14 days", lambda r: percent_text(r.paid_percent[1]),
               lambda r: _key(r.paid_percent[1]), money=True),
        Column("Paid in\n30 days", lambda r: percent_text(r.paid_percent[2]),
               lambda r: _key(r.paid_percent[2]), money=True),
        Column("Median\ndays", median_words, _median_key, money=True),
        Column("Baseline\n(14 days)", lambda r: percent_text(r.baseline_percent[1]),
               lambda r: _key(r.baseline_percent[1]), money=True),
        Column("Uplift\n(points)", lambda r: "–" if not r.enough
               else points_text(r.uplift_points[1]),
               lambda r: _key(r.uplift_points[1] if r.enough else None), money=True),
        Column("Note", row_note, row_note),
    )

    def row_key(self, row: Any) -> object:
        """A row is known by its class, what it groups by and which."""
        return (row.customer_class, str(row.aspect), row.value)

    def _foreground(self, row: Any, column: int) -> Paint:
        assert isinstance(row, WhatWorksRow)
        if not row.enough:
            return QColor(QUIET)
        uplift = row.uplift_points[1]
        if column == 8 and uplift is not None:
            return QColor(ACCENT) if uplift > 0 else QColor(ERROR) if uplift < 0 else None
        return None

    def _tooltip(self, row: Any) -> str | None:
        assert isinstance(row, WhatWorksRow)
        lines = [f"{row.aspect.word}: {row.value}, {row.cases} cases",
                 "Paid within 7 / 14 / 30 days: "
                 + " / ".join(percent_text(p) for p in row.paid_percent),
                 "Baseline: " + " / ".join(percent_text(p) for p in row.baseline_percent),
                 "Uplift (points): " + " / ".join(points_text(p) for p in row.uplift_points)]
        if not row.enough:
            lines.append(f"Not enough cases yet: {row.cases} of the 30 needed.")
        return "\n".join(lines)


class ComparisonsModel(_ByClass):
    """Template A against template B at the same stage: cases each, the share paid in
    full within 14 days, and whether the difference is more than noise."""

    columns = (
        Column("Stage", lambda r: r.stage, lambda r: r.stage.casefold()),
        Column("Template A", lambda r: r.template_a, lambda r: r.template_a.casefold()),
        Column("Template B", lambda r: r.template_b, lambda r: r.template_b.casefold()),
        Column("Cases A", lambda r: str(r.cases_a), lambda r: r.cases_a, money=True),
        Column("Cases B", lambda r: str(r.cases_b), lambda r: r.cases_b, money=True),
        Column("A paid in\n14 days", lambda r: percent_text(r.percent_a),
               lambda r: _key(r.percent_a), money=True),
        Column("B paid in\n14 days", lambda r: percent_text(r.percent_b),
               lambda r: _key(r.percent_b), money=True),
        Column("Difference\n(points)", lambda r: points_text(r.difference_points),
               lambda r: _key(r.difference_points), money=True),
        Column("Verdict", lambda r: r.verdict, lambda r: r.verdict),
    )

    def row_key(self, row: Any) -> object:
        """A comparison is known by its class, stage and the two templates."""
        return (row.customer_class, row.stage, row.template_a, row.template_b)

    def _foreground(self, row: Any, column: int) -> Paint:
        assert isinstance(row, TemplateComparison)
        if not row.enough:
            return QColor(QUIET)
        return QColor(ACCENT) if row.significant and column == 8 else None

    def _tooltip(self, row: Any) -> str | None:
        assert isinstance(row, TemplateComparison)
        z = "–" if row.z is None else f"{row.z:.2f}"
        return (f"{row.stage}: {row.template_a} (A) against {row.template_b} (B).\n"
                f"Paid in full within 14 days: A {row.settled_a} of {row.cases_a}, "
                f"B {row.settled_b} of {row.cases_b}; z = {z} (more than noise beyond "
                f"±1.96, at 95%).")
