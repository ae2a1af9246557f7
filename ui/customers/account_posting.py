"""Writes to a customer's account, one helper for every action that posts to it.

The Customers page owns one :class:`AccountPosting` and hands it to the classes that
write (:class:`~ui.customers.ledger_actions.LedgerActions`,
:class:`~ui.customers.customer_editing.CustomerEditing`): while any write runs, none
of them starts another, and the page reads the account again when one is posted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal

from models.changes import Changes
from models.customer_account import CustomerHeader, InvoiceRow, MoneyInRow
from models.errors import LedgerError
from models.incentives import DiscountWindow
from ui.common.form_writes import FormWrites


@dataclass(frozen=True)
class AccountInHand:
    """The account on the page, as last read: who, what they were invoiced, what they paid."""

    header: CustomerHeader
    invoices: Sequence[InvoiceRow]
    money_in: Sequence[MoneyInRow]
    # Each open invoice's early-payment discount and its last day, for the payment dialog.
    discounts: Mapping[int, DiscountWindow] = field(default_factory=dict)


class AccountPosting(FormWrites):
    """Runs the writes to customers' accounts through the task helper, and counts them."""

    posted = Signal(int)
    """A write to a customer's account went through (its id): read it again."""

    def post(self, work: Callable[[], Any], customer_id: int | None, what: Changes, *,
             done: Callable[[Any], None] | None = None,
             refused: Callable[[LedgerError], None] | None = None) -> None:
        """Run ``work`` as a write that changes ``what``; then call ``done(result)`` and
        say it was :attr:`posted`.

        ``customer_id`` is the account written to (None: a new customer, whose
        id ``work`` returns). A LedgerError goes to ``refused`` (usually: re-open
        the dialog with the error at its field), or is shown in a message box.
        """
        def finished(result: Any) -> None:
            if done is not None:
                done(result)
            self.posted.emit(customer_id if customer_id is not None else int(result))

        self.run(work, what, done=finished, refused=refused)
