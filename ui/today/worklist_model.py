"""The Today worklist as a table: what to do, for whom, since when, and how long it has waited."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont

from models.money import format_money
from models.relationship import THANK_YOU_KINDS
from models.today import (
    CHECK_IN,
    DEBT_KINDS,
    EMAIL_FAILED,
    KIND_WORDS,
    PROMISE_BROKEN,
    STAGE_ACTION,
    WORK_KINDS,
    WorkItem,
    details_text,
    kind_text,
    waiting_text,
)
from ui.common.rows_model import Column, RowsModel, format_day
from ui.common.style import ACCENT, WARNING


def is_failed_email(item: WorkItem) -> bool:
    """Whether the item is an e-mail the mail server did not take (it can be retried)."""
    return item.kind == EMAIL_FAILED


def is_reminder(item: WorkItem) -> bool:
    """Whether the item carries a reminder due (reviewed, approved or skipped): a
    follow-up stage, or a payment plan instalment's reminder."""
    return item.reminder_due


def is_thank_you(item: WorkItem) -> bool:
    """Whether the item is a thank-you to send (paid up, promise kept, plan completed, pays
    on time)."""
    return item.kind in THANK_YOU_KINDS


def is_check_in(item: WorkItem) -> bool:
    """Whether the item is a check-in with a good customer that has come due."""
    return item.kind == CHECK_IN


def is_about_debt(item: WorkItem) -> bool:
    """Whether the item is about the customer's overdue debt (a payment plan may be agreed
    from it)."""
    return item.kind in DEBT_KINDS


def pressing_order(item: WorkItem) -> tuple[int, Any, str, int]:
    """The worklist's own order: most pressing kind first, then longest waiting."""
    rank = WORK_KINDS.index(item.kind) if item.kind in WORK_KINDS else len(WORK_KINDS)
    return (rank, item.due_on, item.customer_name.casefold(), item.ref_id)


def _amount(item: WorkItem) -> str:
    return format_money(item.amount_minor, item.currency) if item.amount_minor is not None \
        else ""


def _tooltip(item: WorkItem) -> str:
    title = f"{KIND_WORDS[STAGE_ACTION]}: {item.title}" if item.kind == STAGE_ACTION \
        else item.title
    lines = [f"{item.customer_name} ({item.customer_code})", title]
    if item.detail:
        lines.append(item.detail)
    if item.kind == STAGE_ACTION:
        lines.append("Enter to review it before it is recorded")
    if item.kind == EMAIL_FAILED:
        lines.append("Retry E-mail (Ctrl+Shift+R) sends it again")
    return "\n".join(lines)


class WorklistModel(RowsModel):
    """Work items, most pressing first until the user sorts; broken promises stand out and
    reminders due name their stage and channel in the accent colour."""

    WHAT, CUSTOMER, SINCE, WAITING, AMOUNT, DETAILS = range(6)
    columns = (
        Column("What", kind_text, pressing_order),
        Column("Customer", lambda r: r.customer_name,
               lambda r: (r.customer_name.casefold(), pressing_order(r))),
        Column("Due since", lambda r: format_day(r.due_on),
               lambda r: (r.due_on, pressing_order(r))),
        Column("Waiting", waiting_text, lambda r: (r.days_waiting, pressing_order(r)),
               money=True),
        Column("Amount", _amount,
               lambda r: (r.amount_minor is not None, r.currency, r.amount_minor or 0),
               money=True),
        Column("Details", details_text, lambda r: details_text(r).casefold()),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._warning = QBrush(QColor(WARNING))
        self._accent = QBrush(QColor(ACCENT))
        self._bold = QFont()
        self._bold.setBold(True)

    def row_key(self, row: WorkItem) -> object:
        """An item is known by its kind and the record it comes from."""
        return (row.kind, row.ref_id)

    def _foreground(self, row: WorkItem, column: int) -> QBrush | None:
        if row.kind in (PROMISE_BROKEN, EMAIL_FAILED) and column in (self.WHAT, self.WAITING,
                                                                      self.AMOUNT):
            return self._warning
        if row.kind == STAGE_ACTION and column == self.WHAT:
            return self._accent
        return None

    def _font(self, row: WorkItem, column: int) -> QFont | None:
        return self._bold if column == self.WHAT and row.kind == PROMISE_BROKEN else None

    def _tooltip(self, row: WorkItem) -> str | None:
        return _tooltip(row)
