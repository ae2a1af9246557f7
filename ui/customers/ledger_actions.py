"""Money in and invoices on the account shown: record a payment, grant a credit note,
allocate credit, void a payment; add, correct, dispute or void an invoice.

The Customers page owns one :class:`LedgerActions`. Each action asks in its dialog,
then posts through the page's :class:`~ui.customers.account_posting.AccountPosting`;
what was done comes back by :attr:`LedgerActions.notice` for the account's notice line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.customer_account import CustomerHeader, InvoiceRow, MoneyInRow, invoice_draft
from models.dispute_choices import DisputableInvoice, disputable_invoices
from models.disputes import (
    DisputeRow,
    open_case_of,
    open_dispute,
    reject_dispute,
    withdraw_dispute,
)
from models.disputes import dispute as dispute_case
from models.errors import LedgerError
from models.kinds import InvoiceStatus
from models.ledger import (
    AllocatedPart,
    InvoiceDraft,
    add_credit_note,
    add_invoice,
    allocate_credit,
    record_payment,
    update_invoice,
    void_invoice,
    void_payment,
)
from models.money import format_money
from models.write_offs import vat_percent_setting, write_off
from ui.common.dispute_dialog import DisputeDialog, DisputeEntry, DisputeSetup
from ui.common.reason_dialog import ReasonDialog
from ui.common.rows_model import format_day
from ui.common.tasks import Progress, TaskRunner
from ui.common.write_off_dialog import WriteOffDialog, WriteOffEntry, WriteOffSetup
from ui.customers.account_posting import AccountInHand, AccountPosting
from ui.customers.credit_note_dialog import CreditNoteDialog, CreditNoteEntry
from ui.customers.invoice_dialog import InvoiceDialog
from ui.customers.payment_dialog import PaymentDialog, PaymentEntry

# What the account's writes change: money in also keeps or breaks promises to pay.
_MONEY_IN = changes(Change.MONEY, Change.CONTACTS)
_INVOICES = changes(Change.INVOICES)
_WRITE_OFF = changes(Change.MONEY, Change.INVOICES, Change.FOLLOW_UP, Change.WORKLIST)


class LedgerActions(QObject):
    """Posts money received and invoices to the account the page shows."""

    notice = Signal(str)
    """What was done, in words, for the account's notice line."""
    invoice_saved = Signal(int)
    """An invoice was added (its id): select it once the account is read again."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 posting: AccountPosting, account: Callable[[], AccountInHand | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._posting = posting
        self._account = account
        self.dispute_dialog: DisputeDialog | None = None  # open while a dispute is entered
        self.end_dispute_box: QMessageBox | None = None  # open while asked how one ended

    def _ready(self) -> AccountInHand | None:
        """The account shown, unless there is none or a write is on its way."""
        account = self._account()
        return account if account is not None and not self._posting.busy else None

    # --- money in ------------------------------------------------------------------

    def record_payment(self) -> None:
        """Ask for a payment received from the customer, and post it."""
        self._ask_payment()

    def _ask_payment(self, entry: PaymentEntry | None = None,
                     error: LedgerError | None = None) -> None:
        account = self._ready()
        if account is None:
            return
        header = account.header
        PaymentDialog.ask(
            self._parent, lambda result: self._on_payment_dialog_finished(header, result),
            customer_name=header.name, currency=header.currency, invoices=account.invoices,
            today=self._today(), entry=entry, error=error, discounts=account.discounts)

    def _on_payment_dialog_finished(self, header: CustomerHeader,
                                    entry: PaymentEntry | None) -> None:
        if entry is None:
            return
        today = self._today()

        def work() -> object:
            return record_payment(
                header.id, received_on=entry.received_on, amount_minor=entry.amount_minor,
                method=entry.method, reference=entry.reference,
                allocate_to=list(entry.allocate_to) if entry.allocate_to is not None else None,
                today=today)

        def done(result: Any) -> None:
            paid = ", ".join(part.invoice_number for part in result.allocated)
            text = f"Payment of {format_money(entry.amount_minor, header.currency)} recorded"
            text += f": paid {paid}" if paid else ""
            if result.unallocated_minor:
                text += (f"; {format_money(result.unallocated_minor, header.currency)} kept "
                         f"as credit")
            self.notice.emit(text + ".")

        self._posting.post(work, header.id, _MONEY_IN, done=done,
                           refused=lambda error: self._ask_payment(entry, error))

    def add_credit_note(self, invoice_id: int | None) -> None:
        """Ask for a credit note (against ``invoice_id``, if given), and post it."""
        self._ask_credit_note(invoice_id=invoice_id)

    def _ask_credit_note(self, entry: CreditNoteEntry | None = None,
                         error: LedgerError | None = None,
                         invoice_id: int | None = None) -> None:
        account = self._ready()
        if account is None:
            return
        header = account.header
        CreditNoteDialog.ask(
            self._parent, lambda result: self._on_credit_note_dialog_finished(header, result),
            customer_name=header.name, currency=header.currency, invoices=account.invoices,
            today=self._today(), invoice_id=invoice_id, entry=entry, error=error)

    def _on_credit_note_dialog_finished(self, header: CustomerHeader,
                                        entry: CreditNoteEntry | None) -> None:
        if entry is None:
            return
        today = self._today()

        def work() -> object:
            return add_credit_note(header.id, number=entry.number,
                                   issue_date=entry.issue_date,
                                   amount_minor=entry.amount_minor, reason=entry.reason,
                                   invoice_id=entry.invoice_id, today=today)

        self._posting.post(work, header.id, _MONEY_IN, done=lambda _id: self.notice.emit(
            f"Credit note {entry.number} for "
            f"{format_money(entry.amount_minor, header.currency)} added."),
            refused=lambda error: self._ask_credit_note(entry, error))

    def allocate_credit(self) -> None:
        """Ask to use the account's unallocated credit on its open invoices, oldest first."""
        account = self._ready()
        if account is None:
            return
        header = account.header
        sources = [row for row in account.money_in
                   if row.unallocated_minor > 0 and not row.voided]
        total = " + ".join(format_money(b.unallocated_minor, b.currency)
                           for b in header.balances if b.unallocated_minor > 0)
        box = QMessageBox(QMessageBox.Icon.Question, "Allocate credit",
                          f"Use the unallocated credit of {total} to pay {header.name}'s open "
                          f"invoices, oldest due first?",
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Invoices in dispute are left alone. Whatever is left over "
                               "stays as credit.")
        box.setObjectName("allocateCreditBox")
        allocate = box.addButton("Allocate credit", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(allocate)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        today = self._today()

        def work() -> object:
            parts: list[AllocatedPart] = []
            for row in sorted(sources, key=lambda r: r.date):
                if row.kind == "payment":
                    parts.extend(allocate_credit(header.id, payment_id=row.id, on=today))
                else:
                    parts.extend(allocate_credit(header.id, credit_note_id=row.id, on=today))
            return parts

        def allocated(parts: list[Any]) -> None:
            count = len({part.invoice_id for part in parts})
            self.notice.emit(f"Credit allocated to {count} invoice"
                             f"{'' if count == 1 else 's'}." if count else
                             "No open invoice could take the credit.")

        def finished(_result: int) -> None:
            if box.clickedButton() is allocate:
                self._posting.post(work, header.id, _MONEY_IN, done=allocated)

        box.finished.connect(finished)
        box.open()

    def void_payment(self, row: MoneyInRow | None) -> None:
        """Ask why the payment ``row`` is voided, then void it."""
        account = self._ready()
        if row is None or account is None or row.kind != "payment" or row.voided:
            return
        header = account.header
        amount = format_money(row.amount_minor, row.currency)
        paid = ", ".join(a.invoice_number for a in row.allocations)
        ReasonDialog.ask(
            self._parent,
            lambda reason: self._on_void_payment_dialog_finished(header, row, reason),
            title="Void payment",
            text=f"Void the payment of {amount} received on {format_day(row.date)}"
                 f"{' (' + row.reference + ')' if row.reference else ''}?",
            warning=(f"What it paid becomes open again: {paid}." if paid else
                     "Its credit is removed from the account.") +
                    " The payment stays on record, struck through.",
            confirm="Void payment", placeholder="e.g. recorded twice by mistake")

    def _on_void_payment_dialog_finished(self, header: CustomerHeader, row: MoneyInRow,
                                         reason: str | None) -> None:
        if reason is not None:
            self._posting.post(lambda: void_payment(row.id, reason), header.id, _MONEY_IN,
                               done=lambda _r: self.notice.emit("Payment voided."))

    # --- invoices ------------------------------------------------------------------

    def add_invoice(self) -> None:
        """Ask for an invoice issued to the customer, and post it."""
        self._ask_invoice()

    def _ask_invoice(self, draft: InvoiceDraft | None = None,
                     error: LedgerError | None = None) -> None:
        account = self._ready()
        if account is None:
            return
        header = account.header
        InvoiceDialog.ask(
            self._parent, lambda result: self._on_invoice_dialog_finished(header, result),
            customer_name=header.name, currency=header.currency, today=self._today(),
            net_days=header.net_days, draft=draft, error=error)

    def _on_invoice_dialog_finished(self, header: CustomerHeader,
                                    draft: InvoiceDraft | None) -> None:
        if draft is None:
            return

        def saved(invoice_id: int) -> None:
            self.notice.emit(f"Invoice {draft.number} added.")
            self.invoice_saved.emit(invoice_id)

        self._posting.post(lambda: add_invoice(header.id, draft), header.id, _INVOICES,
                           done=saved, refused=lambda error: self._ask_invoice(draft, error))

    def edit_invoice(self, invoice: InvoiceRow | None) -> None:
        """Read ``invoice`` as it was entered, then ask for its corrections."""
        account = self._ready()
        if invoice is None or account is None or invoice.status == InvoiceStatus.VOID:
            return
        header = account.header

        def load(_progress: Progress) -> InvoiceDraft:
            return invoice_draft(invoice.id)

        self._tasks.run(load, on_success=lambda draft: self._ask_edit_invoice(
            header, invoice, draft))

    def _ask_edit_invoice(self, header: CustomerHeader, invoice: InvoiceRow,
                          draft: InvoiceDraft, error: LedgerError | None = None) -> None:
        InvoiceDialog.ask(
            self._parent,
            lambda result: self._on_edit_invoice_dialog_finished(header, invoice, result),
            customer_name=header.name, currency=invoice.currency, today=self._today(),
            draft=draft, editing=True, amount_locked=invoice.paid_minor > 0, error=error)

    def _on_edit_invoice_dialog_finished(self, header: CustomerHeader, invoice: InvoiceRow,
                                         draft: InvoiceDraft | None) -> None:
        if draft is None:
            return
        self._posting.post(
            lambda: update_invoice(invoice.id, draft), header.id, _INVOICES,
            done=lambda _r: self.notice.emit(f"Invoice {draft.number} saved."),
            refused=lambda error: self._ask_edit_invoice(header, invoice, draft, error))

    def dispute(self, invoice: InvoiceRow | None) -> None:
        """Open a dispute on ``invoice`` (the dispute dialog, the invoice ticked); or, if it
        is in an open dispute already, ask how that dispute ended."""
        account = self._ready()
        if invoice is None or account is None:
            return
        header = account.header

        def load(_progress: Progress) -> tuple[list[DisputableInvoice], DisputeRow | None]:
            case_id = open_case_of(invoice.id)
            return (disputable_invoices(header.id),
                    dispute_case(case_id) if case_id is not None else None)

        def read(result: tuple[list[DisputableInvoice], DisputeRow | None]) -> None:
            invoices, case = result
            if case is not None:
                self._ask_end_dispute(header, invoice, case)
            else:
                self._ask_dispute(header, invoices, ticked=(invoice.id,))

        self._tasks.run(load, on_success=read)

    def _ask_dispute(self, header: CustomerHeader, invoices: list[DisputableInvoice], *,
                     ticked: tuple[int, ...] = (), entry: DisputeEntry | None = None,
                     error: LedgerError | None = None) -> None:
        setup = DisputeSetup(header.id, header.name, tuple(invoices), self._today(),
                             ticked=ticked)
        self.dispute_dialog = DisputeDialog.ask(
            self._parent, lambda result: self._on_dispute_dialog_finished(header, result),
            setup=setup, entry=entry, error=error)

    def _on_dispute_dialog_finished(self, header: CustomerHeader,
                                    entry: DisputeEntry | None) -> None:
        self.dispute_dialog = None
        if entry is None:
            return
        today = self._today()

        def work() -> int:
            return open_dispute(header.id, list(entry.parts), category=entry.category,
                                customer_said=entry.customer_said, raised_on=entry.raised_on,
                                today=today)

        def refused(error: LedgerError) -> None:
            self._tasks.run(lambda _p: disputable_invoices(header.id),
                            on_success=lambda invoices: self._ask_dispute(
                                header, invoices, entry=entry, error=error))

        count = len(entry.parts)
        self._posting.post(work, header.id, _INVOICES, done=lambda case_id: self.notice.emit(
            f"Dispute #{case_id} opened on {'an invoice' if count == 1 else f'{count} invoices'}"
            f": what is disputed is not chased until it ends."), refused=refused)

    def write_off(self, invoice: InvoiceRow | None) -> None:
        """Ask what to write off of ``invoice`` (the write-off dialog on it), and post it."""
        account = self._ready()
        if invoice is None or account is None:
            return
        header = account.header
        today = self._today()

        def load(_progress: Progress) -> WriteOffSetup:
            return WriteOffSetup(header.name, tuple(disputable_invoices(header.id)), today,
                                 vat_percent_setting(), invoice.id)

        self._tasks.run(load, on_success=lambda setup: self._ask_write_off(header, setup))

    def _ask_write_off(self, header: CustomerHeader, setup: WriteOffSetup,
                       error: LedgerError | None = None) -> None:
        WriteOffDialog.ask(self._parent, lambda entry: self._write_off(header, setup, entry),
                           setup=setup, error=error)

    def _write_off(self, header: CustomerHeader, setup: WriteOffSetup,
                   entry: WriteOffEntry | None) -> None:
        if entry is None:
            return
        today = self._today()
        self._posting.post(
            lambda: write_off(entry.invoice_id, reason=entry.reason,
                              amount_minor=entry.amount_minor, on=entry.on, notes=entry.notes,
                              today=today),
            header.id, _WRITE_OFF, done=lambda _id: self.notice.emit(
                f"Invoice {entry.invoice_number} written off."),
            refused=lambda error: self._ask_write_off(header, setup, error))

    def _ask_end_dispute(self, header: CustomerHeader, invoice: InvoiceRow,
                         case: DisputeRow) -> None:
        """Ask how the dispute ``invoice`` is in ended: withdrawn by the customer, or
        rejected (a credit note settles it from Collections › Disputes)."""
        numbers = ", ".join(line.number for line in case.lines)
        box = QMessageBox(QMessageBox.Icon.Question, "End dispute",
                          f"Invoice {invoice.number} is in dispute #{case.case_id} "
                          f"({format_money(case.claimed_minor, case.currency)} on {numbers}, "
                          f"raised {format_day(case.raised_on)}). How did it end?",
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Either way its invoices are chased again. To settle it with "
                               "a credit note, use Collections › Disputes.")
        box.setObjectName("endDisputeBox")
        withdrawn = box.addButton("&Withdrawn by Customer…", QMessageBox.ButtonRole.AcceptRole)
        rejected = box.addButton("&Rejected…", QMessageBox.ButtonRole.AcceptRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.end_dispute_box = box

        def finished(_result: int) -> None:
            self.end_dispute_box = None
            if box.clickedButton() is withdrawn:
                self._ask_case_ended(header, case, rejected=False)
            elif box.clickedButton() is rejected:
                self._ask_case_ended(header, case, rejected=True)

        box.finished.connect(finished)
        box.open()

    def _ask_case_ended(self, header: CustomerHeader, case: DisputeRow, *,
                        rejected: bool) -> None:
        today = self._today()

        def finished(reason: str | None) -> None:
            if reason is None:
                return
            if rejected:
                self._posting.post(lambda: reject_dispute(case.case_id, reason, on=today),
                                   header.id, _INVOICES, done=lambda _r: self.notice.emit(
                                       f"Dispute #{case.case_id} rejected: chasing resumes "
                                       f"at the stage reached."))
            else:
                self._posting.post(lambda: withdraw_dispute(case.case_id, reason, on=today),
                                   header.id, _INVOICES, done=lambda _r: self.notice.emit(
                                       f"Dispute #{case.case_id} withdrawn by the customer: "
                                       f"its invoices are chased again."))

        if rejected:
            ReasonDialog.ask(self._parent, finished, title="Reject dispute",
                             text=f"You stand by the invoices of dispute #{case.case_id}.",
                             warning="Reminders resume from the stage each invoice had "
                                     "reached.",
                             confirm="Reject Dispute",
                             placeholder="e.g. the delivery note is signed as received")
        else:
            ReasonDialog.ask(self._parent, finished, title="Dispute withdrawn",
                             text=f"Record that {header.name} withdrew dispute "
                                  f"#{case.case_id}: its invoices are chased again.",
                             confirm="Record Withdrawal",
                             placeholder="e.g. found the goods; will pay this week")

    def void_invoice(self, invoice: InvoiceRow | None) -> None:
        """Ask why ``invoice`` is voided, then void it."""
        account = self._ready()
        if invoice is None or account is None:
            return
        header = account.header
        ReasonDialog.ask(
            self._parent,
            lambda reason: self._on_void_invoice_dialog_finished(header, invoice, reason),
            title="Void invoice",
            text=f"Void invoice {invoice.number} of "
                 f"{format_money(invoice.amount_minor, invoice.currency)}, issued on "
                 f"{format_day(invoice.issue_date)}?",
            warning="It no longer counts towards what the customer owes, and voiding "
                    "cannot be undone. It stays on record, struck through.",
            confirm="Void invoice", placeholder="e.g. issued to the wrong customer")

    def _on_void_invoice_dialog_finished(self, header: CustomerHeader, invoice: InvoiceRow,
                                         reason: str | None) -> None:
        if reason is not None:
            self._posting.post(lambda: void_invoice(invoice.id, reason), header.id,
                               _INVOICES, done=lambda _r: self.notice.emit(
                                   f"Invoice {invoice.number} voided."))
