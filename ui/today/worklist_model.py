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
    FOLLOW_UP,
    INSTALMENT_DUE,
    INSTALMENT_LATE,
    NEW_OVERDUE,
    NOT_SENT,
    ON_TIME,
    PAID_UP,
    PLAN_COMPLETED,
    PLAN_DEFAULTED,
    PROMISE_BROKEN,
    PROMISE_DUE,
    PROMISE_KEPT,
    STAGE_ACTION,
    WORK_KINDS,
    WorkItem,
)
from ui.common.rows_model import Column, RowsModel, format_day
from ui.common.style import ACCENT, WARNING

KIND_WORDS = {PROMISE_BROKEN: "Broken promise", FOLLOW_UP: "Follow-up",
              PROMISE_DUE: "Promise due", NEW_OVERDUE: "Newly overdue",
              STAGE_ACTION: "Reminder due", EMAIL_FAILED: NOT_SENT,
              INSTALMENT_DUE: "Instalment due", INSTALMENT_LATE: "Instalment missed",
              PLAN_DEFAULTED: "Plan broken", PLAN_COMPLETED: "Thank you: plan completed",
              PROMISE_KEPT: "Thank you: promise kept", PAID_UP: "Thank you: paid up",
              ON_TIME: "Thank you: pays on time", CHECK_IN: "Check-in"}
"""Each kind of work item as the list names it."""


def kind_text(item: WorkItem) -> str:
    """The item's kind in words: "Broken promise", "Follow-up"…; a reminder says its stage
    and how it is made ("Final notice (letter)"), which is what the user decides on."""
    if item.kind == STAGE_ACTION:
        return item.title
    if item.kind == EMAIL_FAILED:
        return item.title.partition(": ")[0]  # "E-mail not sent", or "perhaps sent"
    return KIND_WORDS.get(item.kind, item.kind.capitalize())


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


def waiting_text(item: WorkItem) -> str:
    """How long the item has waited: "today", "1 day", "14 days"."""
    if item.days_waiting <= 0:
        return "today"
    return f"{item.days_waiting} day{'' if item.days_waiting == 1 else 's'}"


def details_text(item: WorkItem) -> str:
    """The item's title and detail on one line (a reminder's title is its "What")."""
    if item.kind == STAGE_ACTION:
        return item.detail
    if item.kind == EMAIL_FAILED:  # the subject, then why it did not go
        subject = item.title.partition(": ")[2] or item.title
        return f"{subject} — {item.detail}" if item.detail else subject
    return f"{item.title} — {item.detail}" if item.detail else item.title


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
