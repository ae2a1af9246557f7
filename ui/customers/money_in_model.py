"""A customer's payments and credit notes: what each paid, and the credit left."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont

from models.customer_account import MoneyInRow
from models.ledger import method_word
from models.money import format_money, from_minor
from ui.common.rows_model import QUIET, Column, RowsModel, format_day
from ui.common.style import ACCENT

_KINDS = {"payment": "Payment", "credit note": "Credit note"}


def money_in_kind(row: MoneyInRow) -> str:
    """"Payment" or "Credit note", with "(void)" once voided."""
    kind = _KINDS.get(row.kind, row.kind.capitalize())
    return f"{kind} (void)" if row.voided else kind


def applied_to(row: MoneyInRow) -> str:
    """The invoices a payment or credit note paid: "INV-1 (12.00), INV-2 (30.00)".

    One invoice paid with the whole amount is just its number; the amounts are
    in the row's currency, shown in its Amount column.
    """
    if row.voided:
        return "Voided: allocations undone"
    if not row.allocations:
        return "Nothing yet: all kept as credit" if row.unallocated_minor else ""
    if len(row.allocations) == 1 and row.allocations[0].amount_minor == row.amount_minor:
        return row.allocations[0].invoice_number
    return ", ".join(f"{a.invoice_number} ({from_minor(a.amount_minor, row.currency):,})"
                     for a in row.allocations)


def _method(row: MoneyInRow) -> str:
    """A payment's method as a word ("Bank transfer"); a credit note's reason as written."""
    return method_word(row.method) if row.kind == "payment" else row.method


def _applied_tooltip(row: MoneyInRow) -> str:
    lines = [f"{money_in_kind(row)} {row.reference}".strip() + f", {format_day(row.date)}:"]
    for part in row.allocations:
        lines.append(f"  {part.invoice_number}: {format_money(part.amount_minor, row.currency)}"
                     f" on {format_day(part.allocated_on)}")
    if row.unallocated_minor and not row.voided:
        lines.append(f"  Left as credit: {format_money(row.unallocated_minor, row.currency)}")
    if len(lines) == 1:
        lines.append("  Nothing allocated.")
    return "\n".join(lines)


def _credit_left(row: MoneyInRow) -> str:
    return "" if row.voided or not row.unallocated_minor else \
        format_money(row.unallocated_minor, row.currency)


class MoneyInModel(RowsModel):
    """Payments and credit notes with their allocations; voided ones struck through."""

    DATE, KIND, REFERENCE, METHOD, AMOUNT, ALLOCATED, CREDIT, APPLIED = range(8)
    columns = (
        Column("Date", lambda r: format_day(r.date), lambda r: r.date),
        Column("Type", money_in_kind, money_in_kind),
        Column("Reference", lambda r: r.reference, lambda r: r.reference.casefold()),
        Column("Method / reason", _method, lambda r: r.method.casefold()),
        Column("Amount", lambda r: format_money(r.amount_minor, r.currency),
               lambda r: (r.currency, r.amount_minor), money=True),
        Column("Allocated", lambda r: format_money(r.allocated_minor, r.currency),
               lambda r: (r.currency, r.allocated_minor), money=True),
        Column("Credit left", _credit_left,
               lambda r: (r.currency, 0 if r.voided else r.unallocated_minor), money=True),
        Column("Paid invoices", applied_to, applied_to, tooltip=_applied_tooltip),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._quiet = QBrush(QColor(QUIET))
        self._accent = QBrush(QColor(ACCENT))
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._bold = QFont()
        self._bold.setBold(True)

    def row_key(self, row: MoneyInRow) -> object:
        """A payment and a credit note may share an id: the kind tells them apart."""
        return (row.kind, row.id)

    def _foreground(self, row: MoneyInRow, column: int) -> QBrush | None:
        if row.voided:
            return self._quiet
        if column == self.CREDIT and row.unallocated_minor:
            return self._accent
        return None

    def _font(self, row: MoneyInRow, column: int) -> QFont | None:
        if row.voided:
            return self._struck
        if column == self.CREDIT and row.unallocated_minor:
            return self._bold
        return None

    def _tooltip(self, row: MoneyInRow) -> str | None:
        return _applied_tooltip(row)
