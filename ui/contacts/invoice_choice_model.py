"""Open invoices a contact is about, each with a tick: number, due date, open amount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QBrush, QColor

from models.contact_form import OpenInvoice
from models.kinds import InvoiceStatus
from models.money import format_money
from ui.common.rows_model import FOREGROUND, ID_ROLE, TOOLTIP, format_day
from ui.common.style import ERROR, WARNING
from ui.common.tick_model import TickModel


class InvoiceChoiceModel(TickModel):
    """The invoices offered, in the order given; the user ticks those the contact is about."""

    INVOICE, DUE, OPEN = range(3)
    TITLES = ("Invoice", "Due", "Open")
    TICK_COLUMN = INVOICE
    RIGHT_COLUMNS = frozenset((OPEN,))

    def __init__(self, invoices: Sequence[OpenInvoice], today: dt.date,
                 parent: Any = None) -> None:
        super().__init__(invoices, parent)
        self._today = today
        self._late = QBrush(QColor(ERROR))
        self._disputed = QBrush(QColor(WARNING))

    def invoice_at(self, row: int) -> OpenInvoice | None:
        """The invoice at position ``row``, or None."""
        return self.row_at(row)

    def position_of(self, invoice_id: int) -> int:
        """Where the invoice with ``invoice_id`` is listed, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == invoice_id), -1)

    def checked(self) -> list[OpenInvoice]:
        """The ticked invoices, in the order listed."""
        return self.ticked_rows()

    def checked_ids(self) -> tuple[int, ...]:
        """The ticked invoices' ids, in the order listed."""
        return tuple(r.id for r in self.checked())

    def set_checked(self, invoice_id: int, checked: bool) -> None:
        """Tick or untick ``invoice_id`` (not listed: nothing happens)."""
        self.set_ticked(self.position_of(invoice_id), checked)

    def _other(self, row: OpenInvoice, column: int, role: int) -> Any:
        overdue = row.due_date < self._today
        if role == FOREGROUND:
            if column == self.DUE and overdue:
                return self._late
            if column == self.INVOICE and row.status == InvoiceStatus.DISPUTED:
                return self._disputed
            return None
        if role == TOOLTIP and column == self.DUE and overdue:
            return f"{(self._today - row.due_date).days} days overdue"
        if role == ID_ROLE:
            return row.id
        return None

    def _text(self, row: OpenInvoice, column: int) -> str:
        if column == self.INVOICE:
            disputed = row.status == InvoiceStatus.DISPUTED
            return f"{row.number} (disputed)" if disputed else row.number
        if column == self.DUE:
            return format_day(row.due_date)
        return format_money(row.open_minor, row.currency)
