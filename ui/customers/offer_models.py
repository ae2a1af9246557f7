"""The lists an offer needs: the open invoices an offer may be about, each with a tick,
and the customer's offers as they stand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont

from models.customer_account import InvoiceRow
from models.kinds import InvoiceStatus, OfferKind, OfferStatus
from models.money import format_money
from models.offers import OfferRow
from ui.common.rows_model import FOREGROUND, ID_ROLE, QUIET, TOOLTIP, Column, RowsModel, format_day
from ui.common.style import ACCENT, ERROR
from ui.common.tick_model import TickModel

# Invoices an offer may be about, as the account lists them (the model says why not).
OFFERABLE = frozenset((InvoiceStatus.OPEN, InvoiceStatus.WITH_AGENCY))


def offerable(invoices: Sequence[InvoiceRow]) -> list[InvoiceRow]:
    """The account's invoices an offer may be about: live, with something open."""
    return [i for i in invoices if i.status in OFFERABLE and i.open_minor > 0]


class OfferInvoicesModel(TickModel):
    """The open invoices, oldest due first; the user ticks those the offer is about."""

    INVOICE, DUE, OPEN = range(3)
    TITLES = ("Invoice", "Due", "Open")
    TICK_COLUMN = INVOICE
    RIGHT_COLUMNS = frozenset((OPEN,))

    def __init__(self, invoices: Sequence[InvoiceRow], today: dt.date,
                 parent: Any = None) -> None:
        super().__init__(sorted(invoices, key=lambda i: (i.due_date, i.number)), parent)
        self._today = today
        self._late = QBrush(QColor(ERROR))

    def ticked_ids(self) -> tuple[int, ...]:
        """The ticked invoices' ids, in the order listed."""
        return tuple(r.id for r in self.ticked_rows())

    def tick_number(self, number: str, ticked: bool = True) -> None:
        """Tick (or untick) the invoice numbered ``number``; KeyError if not listed."""
        for position in range(self.rowCount()):
            row = self.row_at(position)
            if row is not None and row.number == number:
                self.set_ticked(position, ticked)
                return
        raise KeyError(number)

    def tick_overdue(self) -> None:
        """Tick every overdue invoice (what an offer is usually about)."""
        for position in range(self.rowCount()):
            row = self.row_at(position)
            self.set_ticked(position, row is not None and row.due_date < self._today)

    def _other(self, row: InvoiceRow, column: int, role: int) -> Any:
        overdue = row.due_date < self._today
        if role == FOREGROUND and column == self.DUE and overdue:
            return self._late
        if role == TOOLTIP and column == self.DUE and overdue:
            return f"{(self._today - row.due_date).days} days overdue"
        if role == ID_ROLE:
            return row.id
        return None

    def _text(self, row: InvoiceRow, column: int) -> str:
        if column == self.INVOICE:
            return row.number
        if column == self.DUE:
            return format_day(row.due_date)
        return format_money(row.open_minor, row.currency)


def offer_words(row: OfferRow) -> str:
    """The offer in a line: "Settlement: pay 800.00 GBP by 15 Jan 2027 (open)"."""
    return (f"{OfferKind.word_for(row.kind)}: pay {format_money(row.pay_minor, row.currency)} "
            f"by {format_day(row.pay_by)} ({OfferStatus.word_for(row.status).lower()})")


def _waived(row: OfferRow) -> str:
    if row.status == OfferStatus.ACCEPTED:
        return format_money(row.waived_minor, row.currency) if row.waived_minor else "–"
    return f"{format_money(row.waive_minor, row.currency)} offered"


def _tooltip(row: OfferRow) -> str:
    lines = [offer_words(row), f"Made on {format_day(row.offered_on)} about "
                               f"{', '.join(row.invoice_numbers) or 'no invoices'}."]
    if row.resolved_on is not None:
        lines.append(f"{OfferStatus.word_for(row.status)} on {format_day(row.resolved_on)}.")
    if row.credit_note_number:
        lines.append(f"Credit note {row.credit_note_number} waived the rest.")
    if row.notes:
        lines.append(row.notes)
    return "\n".join(lines)


class OffersModel(RowsModel):
    """The customer's offers, newest first: open ones in the accent, ended ones quiet,
    withdrawn ones struck through."""

    KIND, MADE, PAY, BY, STATUS, WAIVED, INVOICES = range(7)
    columns = (
        Column("Offer", lambda r: OfferKind.word_for(r.kind), lambda r: r.kind),
        Column("Made", lambda r: format_day(r.offered_on), lambda r: r.offered_on),
        Column("Pay", lambda r: format_money(r.pay_minor, r.currency),
               lambda r: (r.currency, r.pay_minor), money=True),
        Column("By", lambda r: format_day(r.pay_by), lambda r: r.pay_by),
        Column("Status", lambda r: OfferStatus.word_for(r.status), lambda r: r.status),
        Column("Waived", _waived, lambda r: (r.currency, r.waived_minor or r.waive_minor),
               money=True),
        Column("Invoices", lambda r: ", ".join(r.invoice_numbers),
               lambda r: r.invoice_numbers),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._accent = QBrush(QColor(ACCENT))
        self._quiet = QBrush(QColor(QUIET))
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def _foreground(self, row: OfferRow, column: int) -> QBrush | None:
        if row.status == OfferStatus.OPEN:
            return self._accent if column == self.STATUS else None
        if row.status in (OfferStatus.LAPSED, OfferStatus.WITHDRAWN):
            return self._quiet
        return None

    def _font(self, row: OfferRow, column: int) -> QFont | None:
        return self._struck if row.status == OfferStatus.WITHDRAWN else None

    def _tooltip(self, row: OfferRow) -> str | None:
        return _tooltip(row)
