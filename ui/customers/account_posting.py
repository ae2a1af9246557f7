"""Writes to a customer's account, one helper for every action that posts to it.

The Customers page owns one :class:`AccountPosting` and hands it to the classes that
write (:class:`~ui.customers.ledger_actions.LedgerActions`,
:class:`~ui.customers.customer_editing.CustomerEditing`): while any write runs, none
of them starts another, and the page reads the account again when one is posted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from models.changes import Changes
from models.customer_account import CustomerHeader, InvoiceRow, MoneyInRow
from models.errors import LedgerError
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner


@dataclass(frozen=True)
class AccountInHand:
    """The account on the page, as last read: who, what they were invoiced, what they paid."""

    header: CustomerHeader
    invoices: Sequence[InvoiceRow]
    money_in: Sequence[MoneyInRow]


class AccountPosting(QObject):
    """Runs the writes to customers' accounts through the task helper, and counts them."""

    busy_changed = Signal()
    """A write started or was refused: :attr:`busy` may differ."""
    posted = Signal(int)
    """A write to a customer's account went through (its id): read it again."""

    def __init__(self, parent: QWidget, tasks: TaskRunner) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._writing = 0

    @property
    def busy(self) -> bool:
        """Whether a write is on its way."""
        return self._writing > 0

    def post(self, work: Callable[[], Any], customer_id: int | None, what: Changes, *,
             done: Callable[[Any], None] | None = None,
             refused: Callable[[LedgerError], None] | None = None) -> None:
        """Run ``work`` as a write that changes ``what``; then call ``done(result)`` and
        say it was :attr:`posted` (the stream of changes tells the other areas).

        ``customer_id`` is the account written to (None: a new customer, whose
        id ``work`` returns). A LedgerError goes to ``refused`` (usually: re-open
        the dialog with the error at its field), or is shown in a message box.
        """
        self._writing += 1
        self.busy_changed.emit()

        def run(_progress: Progress) -> object:
            return work()

        def succeeded(result: Any) -> None:
            self._writing -= 1
            if done is not None:
                done(result)
            self.posted.emit(customer_id if customer_id is not None else int(result))

        def failed_first() -> None:
            self._writing -= 1
            self.busy_changed.emit()

        failed = messages.ledger_refusal(self._parent, refused, always=failed_first)
        # The page is the initiator: it reads the account again itself, once posted.
        self._tasks.run(run, writes=True, changes=what, initiator=self._parent,
                        on_success=succeeded, on_failure=failed)
