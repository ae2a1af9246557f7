"""Offers on the account shown: make one (a settlement or a loyalty incentive), or
withdraw an open one, saying why.

The Customers page owns one :class:`OfferActions`. Each action asks in its dialog, then
posts through the page's :class:`~ui.customers.account_posting.AccountPosting`, so the
account is read again with the offer in it; what was done comes back by
:attr:`OfferActions.notice`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from models.changes import Change, changes
from models.customer_account import CustomerHeader
from models.errors import LedgerError
from models.money import format_money
from models.offers import OfferRow, make_offer, withdraw_offer
from ui.common.reason_dialog import ReasonDialog
from ui.common.rows_model import format_day
from ui.customers.account_posting import AccountInHand, AccountPosting
from ui.customers.offer_dialog import OfferChoice, OfferDialog
from ui.customers.offer_models import offer_words, offerable

# An offer changes what the account shows and what its letters say (follow-up).
OFFER_CHANGES = changes(Change.INVOICES, Change.FOLLOW_UP, Change.WORKLIST)


class OfferActions(QObject):
    """Makes and withdraws offers on the account the page shows."""

    notice = Signal(str)
    """What was done, in words, for the account's notice line."""

    def __init__(self, parent: QWidget, today: Callable[[], dt.date], posting: AccountPosting,
                 account: Callable[[], AccountInHand | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._today = today
        self._posting = posting
        self._account = account

    def make(self) -> None:
        """Ask for an offer about the account's open invoices, and make it."""
        self._ask()

    def _ask(self, error: LedgerError | None = None) -> None:
        account = self._account()
        if account is None or self._posting.busy:
            return
        header = account.header
        OfferDialog.ask(self._parent, lambda choice: self._on_offer_dialog_finished(
            header, choice), customer_id=header.id, customer_name=header.name,
            currency=header.currency, invoices=offerable(account.invoices),
            today=self._today(), error=error)

    def _on_offer_dialog_finished(self, header: CustomerHeader,
                                  choice: OfferChoice | None) -> None:
        if choice is None:
            return
        today = self._today()

        def work() -> int:
            return make_offer(header.id, choice.kind, choice.invoice_ids, pay_by=choice.pay_by,
                              as_of=today, percent=choice.percent, pay_minor=choice.pay_minor,
                              notes=choice.notes)

        self._posting.post(work, header.id, OFFER_CHANGES, done=lambda _id: self.notice.emit(
            f"Offer made to {header.name}: they pay by {format_day(choice.pay_by)}."),
            refused=self._ask)

    def withdraw(self, offer: OfferRow | None) -> None:
        """Ask why the open ``offer`` is withdrawn, then withdraw it."""
        account = self._account()
        if offer is None or account is None or self._posting.busy:
            return
        header = account.header
        ReasonDialog.ask(
            self._parent, lambda reason: self._on_withdraw_dialog_finished(header, offer,
                                                                           reason),
            title="Withdraw offer",
            text=f"Withdraw the offer to {header.name}? {offer_words(offer)}, "
                 f"{format_money(offer.waive_minor, offer.currency)} to be waived.",
            warning="A payment by its date no longer waives anything. The offer stays on "
                    "record as withdrawn.",
            confirm="Withdraw Offer", placeholder="e.g. the customer turned it down")

    def _on_withdraw_dialog_finished(self, header: CustomerHeader, offer: OfferRow,
                                     reason: str | None) -> None:
        if reason is None:
            return
        on = max(self._today(), offer.offered_on)
        self._posting.post(lambda: withdraw_offer(offer.id, reason, on=on), header.id,
                           OFFER_CHANGES, done=lambda _r: self.notice.emit("Offer withdrawn."))
