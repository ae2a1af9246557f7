"""The customer themselves: add one, correct their details, put them on hold or release them.

The Customers page owns one :class:`CustomerEditing`; it posts through the page's
:class:`~ui.customers.account_posting.AccountPosting` and says what it did by signals.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from models.changes import Change, changes
from models.company import business_details
from models.customer_account import CustomerHeader, customer_to_edit
from models.errors import EditConflict, LedgerError
from models.ledger import (
    CustomerDraft,
    PickLists,
    pick_lists,
    put_on_hold,
    release_hold,
)
from models.relationship import (
    add_customer_checking_in,
    check_in_days,
    update_customer_checking_in,
)
from ui.common.reason_dialog import ReasonDialog
from ui.common.tasks import Progress, TaskRunner
from ui.customers.account_posting import AccountPosting
from ui.customers.customer_dialog import CustomerDialog, CustomerEntry

_CUSTOMER = changes(Change.CUSTOMERS)


class CustomerEditing(QObject):
    """Adds customers and changes the one shown: their details, and whether Duly chases them."""

    notice = Signal(str)
    """What was done, in words, for the account's notice line."""
    customer_added = Signal(int)
    """A new customer was saved (their id): show their account once it is read."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, posting: AccountPosting,
                 header: Callable[[], CustomerHeader | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._posting = posting
        self._header = header

    def add(self) -> None:
        """Read what the customer dialog offers, then ask for the new customer."""
        if self._posting.busy:
            return
        self._tasks.run(_load_customer_form(None),
                        on_success=lambda form: self._ask_customer(None, *form))

    def edit(self) -> None:
        """Read the customer shown as entered, then ask for their corrected details."""
        header = self._header()
        if header is None or self._posting.busy:
            return
        self._edit(header.id)

    def _edit(self, customer_id: int) -> None:
        self._tasks.run(_load_customer_form(customer_id),
                        on_success=lambda form: self._ask_customer(customer_id, *form))

    def toggle_hold(self) -> None:
        """Release the customer shown from hold; or ask why and put them on hold."""
        header = self._header()
        if header is None or self._posting.busy:
            return
        if header.on_hold:
            self._posting.post(lambda: release_hold(header.id), header.id, _CUSTOMER,
                               done=lambda _r: self.notice.emit(
                                   "Hold released: Duly chases this customer again."))
            return
        ReasonDialog.ask(
            self._parent, lambda reason: self._on_hold_dialog_finished(header, reason),
            title="Put on hold",
            text=f"Duly stops all reminders and calls to {header.name} until you release "
                 f"the hold.",
            confirm="Put on hold", placeholder="e.g. account under review")

    def _on_hold_dialog_finished(self, header: CustomerHeader, reason: str | None) -> None:
        if reason is not None:
            self._posting.post(lambda: put_on_hold(header.id, reason), header.id, _CUSTOMER,
                               done=lambda _r: self.notice.emit("Customer put on hold."))

    def _ask_customer(self, customer_id: int | None, choices: PickLists,
                      draft: CustomerDraft | None, country: str, currency: str,
                      cadence: int | None, version: int | None,
                      error: LedgerError | None = None) -> None:
        # Someone else saved the customer meanwhile: the form keeps what was typed, says
        # who changed what, and offers to read the customer again.
        reload = (lambda: self._edit(customer_id)) \
            if isinstance(error, EditConflict) and customer_id is not None else None
        CustomerDialog.ask(
            self._parent, lambda result: self._on_customer_dialog_finished(
                customer_id, choices, country, currency, version, result),
            choices=choices, draft=draft, editing=customer_id is not None, country=country,
            currency=currency, check_in_days=cadence, error=error, reload=reload)

    def _on_customer_dialog_finished(self, customer_id: int | None, choices: PickLists,
                                     country: str, currency: str, version: int | None,
                                     entry: CustomerEntry | None) -> None:
        if entry is None:
            return
        draft, cadence = entry.draft, entry.check_in_days

        def refused(error: LedgerError) -> None:
            self._ask_customer(customer_id, choices, draft, country, currency, cadence,
                               version, error)

        if customer_id is not None:
            self._posting.post(
                lambda: update_customer_checking_in(customer_id, draft, cadence,
                                                    read_version=version), customer_id,
                _CUSTOMER, refused=refused,
                done=lambda _r: self.notice.emit("Customer details saved."))
            return

        def added(new_id: int) -> None:
            self.customer_added.emit(new_id)
            self.notice.emit(f"Customer {draft.name} added.")

        self._posting.post(lambda: add_customer_checking_in(draft, cadence), None,
                           _CUSTOMER, done=added, refused=refused)


CustomerForm = tuple[PickLists, CustomerDraft | None, str, str, int | None, int | None]
"""What the customer dialog offers, the customer to edit, the business's country and
currency, the customer's check-in cadence, and the edit version the customer was read at
(None for a new customer)."""


def _load_customer_form(customer_id: int | None) -> Callable[[Progress], CustomerForm]:
    """A task reading what the customer dialog offers, and the customer to edit."""

    def load(_progress: Progress) -> CustomerForm:
        business = business_details()
        country = business.country if business is not None else "GB"
        currency = business.currency if business is not None else "GBP"
        edited = customer_to_edit(customer_id) if customer_id is not None else None
        cadence = check_in_days(customer_id) if customer_id is not None else None
        return (pick_lists(), edited.draft if edited is not None else None, country, currency,
                cadence, edited.edit_version if edited is not None else None)

    return load
