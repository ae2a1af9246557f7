"""The Customers area's dialogs: sensible defaults, live totals, errors at the field."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.customer_account import InvoiceRow
from models.ledger import Choice, CustomerDraft, InvoiceDraft, LedgerError, PickLists
from ui.common.reason_dialog import ReasonDialog
from ui.customers.credit_note_dialog import CreditNoteDialog
from ui.customers.customer_dialog import CustomerDialog
from ui.customers.invoice_dialog import InvoiceDialog
from ui.customers.invoices_model import AllocationModel
from ui.customers.payment_dialog import PaymentDialog, PaymentEntry

TODAY = dt.date(2026, 11, 24)
LEFT = Qt.MouseButton.LeftButton


def invoice(number: str, id: int, open_minor: int, due: dt.date,
            status: str = "open") -> InvoiceRow:
    return InvoiceRow(id=id, number=number, issue_date=due - dt.timedelta(days=30),
                      due_date=due, currency="GBP", amount_minor=open_minor, paid_minor=0,
                      open_minor=open_minor, days_overdue=max((TODAY - due).days, 0),
                      status=status, dispute_reason="")


OLD = invoice("INV-1", 1, 40_000, dt.date(2026, 9, 1))  # 400.00 open
NEWER = invoice("INV-2", 2, 25_000, dt.date(2026, 10, 1))  # 250.00 open
DISPUTED = invoice("INV-3", 3, 10_000, dt.date(2026, 8, 1), status="disputed")
PAID = InvoiceRow(id=4, number="INV-4", issue_date=TODAY, due_date=TODAY, currency="GBP",
                  amount_minor=500, paid_minor=500, open_minor=0, days_overdue=0,
                  status="paid", dispute_reason="")


@pytest.fixture
def payment(qtbot) -> PaymentDialog:
    dialog = PaymentDialog(customer_name="Hughes Ltd", currency="GBP",
                           invoices=[NEWER, OLD, DISPUTED, PAID], today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def record(qtbot, dialog: PaymentDialog) -> None:
    qtbot.mouseClick(dialog.record_button, LEFT)


def type_amount(qtbot, dialog, text: str) -> None:
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, text)


# --- record payment -------------------------------------------------------------

def test_a_payment_is_dated_today_and_paid_oldest_first_unless_chosen(payment, qtbot):
    type_amount(qtbot, payment, "500")
    record(qtbot, payment)

    assert payment.result() == PaymentDialog.DialogCode.Accepted
    assert payment.accepted_entry == PaymentEntry(
        received_on=TODAY, amount_minor=50_000, method="bank transfer", reference="",
        allocate_to=None)


def test_oldest_first_shows_what_it_will_pay_and_what_is_left(payment, qtbot):
    type_amount(qtbot, payment, "700")

    pay = [payment.allocations.index(row, AllocationModel.PAY).data()
           for row in range(payment.allocations.rowCount())]
    numbers = [payment.allocations.invoice_at(row).number
               for row in range(payment.allocations.rowCount())]
    # Disputed invoices are only paid when chosen; paid ones are not offered.
    assert dict(zip(numbers, pay, strict=True)) == {
        "INV-3": "", "INV-1": "400.00 GBP", "INV-2": "250.00 GBP"}
    assert payment.summary_text() == "Allocated: 650.00 GBP    ·    Left as credit: 50.00 GBP"


def test_a_zero_amount_is_refused_at_the_amount_field(payment, qtbot):
    type_amount(qtbot, payment, "0")
    record(qtbot, payment)

    assert payment.isVisible()
    assert payment.accepted_entry is None
    assert payment.error_text("amount") == "Enter an amount above zero."

    qtbot.keyClicks(payment.amount_edit, "5")
    assert payment.error_text("amount") == ""


@pytest.mark.parametrize("typed, message", [
    ("-20", "Enter an amount above zero."),
    ("twelve", "is not an amount"),
    ("", "Enter an amount."),
])
def test_an_amount_that_is_not_money_is_refused_at_the_field(payment, qtbot, typed, message):
    type_amount(qtbot, payment, typed)
    record(qtbot, payment)

    assert payment.accepted_entry is None
    assert message in payment.error_text("amount")


def test_a_date_that_does_not_parse_is_refused_at_the_date_field(payment, qtbot):
    type_amount(qtbot, payment, "10")
    payment.date_edit.clear()
    qtbot.keyClicks(payment.date_edit, "31/02/2026")
    record(qtbot, payment)

    assert payment.accepted_entry is None
    assert "is not a date" in payment.error_text("date")
    assert payment.error_text("amount") == ""


def test_a_payment_dated_after_today_is_refused(payment, qtbot):
    type_amount(qtbot, payment, "10")
    payment.date_edit.setText("2026-11-25")
    record(qtbot, payment)

    assert payment.error_text("date") == "The payment date is in the future."


def test_ticking_an_invoice_fills_in_what_is_left_of_the_payment(payment, qtbot):
    type_amount(qtbot, payment, "500")
    payment.set_choosing(True)
    model = payment.allocations
    first, second = model.position_of(OLD.id), model.position_of(NEWER.id)

    model.setData(model.index(first, AllocationModel.INVOICE), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(second, AllocationModel.INVOICE), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)

    assert model.index(first, AllocationModel.PAY).data() == "400.00"
    assert model.index(second, AllocationModel.PAY).data() == "100.00"
    assert payment.summary_text() == "Allocated: 500.00 GBP    ·    Left as credit: 0.00 GBP"


def test_chosen_invoices_are_paid_the_amounts_typed(payment, qtbot):
    type_amount(qtbot, payment, "300")
    payment.choose("INV-2", "120")
    payment.choose("INV-3", "30.50")

    assert payment.summary_text() == "Allocated: 150.50 GBP    ·    Left as credit: 149.50 GBP"
    record(qtbot, payment)

    assert payment.accepted_entry is not None
    assert sorted(payment.accepted_entry.allocate_to) == [(2, 12_000), (3, 3_050)]


def test_choosing_no_invoice_keeps_the_whole_payment_as_credit(payment, qtbot):
    type_amount(qtbot, payment, "300")
    payment.set_choosing(True)
    record(qtbot, payment)

    assert payment.accepted_entry is not None
    assert payment.accepted_entry.allocate_to == ()


def test_an_allocation_above_what_is_open_is_refused_at_the_allocation(payment, qtbot):
    type_amount(qtbot, payment, "1000")
    payment.choose("INV-2", "250.01")
    record(qtbot, payment)

    assert payment.accepted_entry is None
    assert payment.error_text("allocations") == "Invoice INV-2 has only 250.00 GBP open."
    assert payment.error_text("amount") == ""
    current = payment.table.currentIndex()
    assert payment.allocations.invoice_at(current.row()).number == "INV-2"


def test_allocations_above_the_payment_are_refused(payment, qtbot):
    type_amount(qtbot, payment, "300")
    payment.choose("INV-1", "200")
    payment.choose("INV-2", "150")

    assert "50.00 GBP more than the payment" in payment.summary_text()
    record(qtbot, payment)

    assert payment.accepted_entry is None
    assert payment.error_text("allocations") == (
        "The allocations add up to 350.00 GBP, more than the payment of 300.00 GBP.")


def test_the_ledgers_objection_is_shown_at_its_field(qtbot):
    entry = PaymentEntry(received_on=TODAY, amount_minor=30_000, method="card",
                         reference="BACS 991", allocate_to=((2, 12_000),))
    dialog = PaymentDialog(customer_name="Hughes Ltd", currency="GBP", invoices=[OLD, NEWER],
                           today=TODAY, entry=entry)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.show_error(LedgerError("allocations", "Invoice INV-2 has only 10.00 GBP open."))

    assert dialog.error_text("allocations") == "Invoice INV-2 has only 10.00 GBP open."
    assert dialog.amount_edit.text() == "300.00"
    assert dialog.reference_edit.text() == "BACS 991"
    assert dialog.method_combo.currentData() == "card"
    assert dialog.allocations.choosing
    assert [(r.number, text) for r, text in dialog.allocations.chosen()] == [("INV-2", "120.00")]


def test_a_customer_with_nothing_open_is_told_the_payment_becomes_credit(qtbot):
    dialog = PaymentDialog(customer_name="Ødegård Bakeri AS", currency="EUR", invoices=[PAID],
                           today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.no_invoices.isVisible()
    assert not dialog.table.isVisible()


# --- credit note ---------------------------------------------------------------------

def test_a_credit_note_needs_a_number_and_can_credit_one_invoice(qtbot):
    dialog = CreditNoteDialog(customer_name="Hughes Ltd", currency="GBP",
                              invoices=[OLD, NEWER, PAID], today=TODAY, invoice_id=NEWER.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.amount_edit, "25")
    qtbot.mouseClick(dialog.add_button, LEFT)

    assert dialog.error_text("number") == "Enter the credit note's number."

    qtbot.keyClicks(dialog.number_edit, "CN-7")
    qtbot.keyClicks(dialog.reason_edit, "Two items damaged")
    qtbot.mouseClick(dialog.add_button, LEFT)

    entry = dialog.accepted_entry
    assert entry is not None
    assert (entry.number, entry.amount_minor, entry.invoice_id, entry.reason) == (
        "CN-7", 2_500, NEWER.id, "Two items damaged")
    # Only invoices with something open can be credited.
    offered = [dialog.invoice_combo.itemData(i) for i in range(dialog.invoice_combo.count())]
    assert offered == [None, OLD.id, NEWER.id]


def test_a_duplicate_credit_note_number_is_shown_at_the_number(qtbot):
    dialog = CreditNoteDialog(customer_name="Hughes Ltd", currency="GBP", invoices=[],
                              today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.show_error(LedgerError("number", "Credit note CN-7 already exists."))

    assert dialog.error_text("number") == "Credit note CN-7 already exists."


# --- invoice -----------------------------------------------------------------------------

@pytest.fixture
def new_invoice(qtbot) -> InvoiceDialog:
    dialog = InvoiceDialog(customer_name="Hughes Ltd", currency="GBP", today=TODAY,
                           net_days=14)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_due_date_follows_the_issue_date_until_it_is_edited(new_invoice, qtbot):
    assert new_invoice.due_edit.text() == "2026-12-08"

    new_invoice.issue_edit.clear()
    qtbot.keyClicks(new_invoice.issue_edit, "2026-11-01")
    assert new_invoice.due_edit.text() == "2026-11-15"

    new_invoice.due_edit.clear()
    qtbot.keyClicks(new_invoice.due_edit, "2026-12-31")
    new_invoice.issue_edit.clear()
    qtbot.keyClicks(new_invoice.issue_edit, "2026-11-02")
    assert new_invoice.due_edit.text() == "2026-12-31"


def test_an_invoice_is_accepted_with_its_details(new_invoice, qtbot):
    qtbot.keyClicks(new_invoice.number_edit, "INV-9001")
    qtbot.keyClicks(new_invoice.amount_edit, "1,234.50")
    qtbot.keyClicks(new_invoice.reference_edit, "SAGE-77")
    qtbot.mouseClick(new_invoice.save_button, LEFT)

    assert new_invoice.accepted_draft == InvoiceDraft(
        number="INV-9001", issue_date=TODAY, due_date=dt.date(2026, 12, 8),
        amount_minor=123_450, external_ref="SAGE-77")


def test_a_due_date_before_the_issue_date_is_refused_at_the_due_date(new_invoice, qtbot):
    qtbot.keyClicks(new_invoice.number_edit, "INV-9001")
    qtbot.keyClicks(new_invoice.amount_edit, "10")
    new_invoice.due_edit.setText("2026-11-01")
    qtbot.mouseClick(new_invoice.save_button, LEFT)

    assert new_invoice.accepted_draft is None
    assert new_invoice.error_text("due_date") == "The due date is before the issue date."


def test_every_field_that_needs_correcting_is_named_at_once_without_the_dialog_jumping(
        new_invoice, qtbot):
    size = new_invoice.size()
    new_invoice.due_edit.setText("2026-11-01")
    qtbot.keyClicks(new_invoice.amount_edit, "-5")
    qtbot.mouseClick(new_invoice.save_button, LEFT)

    assert new_invoice.accepted_draft is None
    assert new_invoice.error_text("number") == "Enter the invoice number."
    assert new_invoice.error_text("due_date") == "The due date is before the issue date."
    assert new_invoice.error_text("amount") == "Enter an amount above zero for the invoice."
    assert new_invoice.number_edit.hasFocus() or not new_invoice.isActiveWindow()
    assert new_invoice.size() == size

    qtbot.keyClicks(new_invoice.number_edit, "INV-9001")
    new_invoice.due_edit.setText("2026-12-31")
    new_invoice.amount_edit.setText("5")
    qtbot.mouseClick(new_invoice.save_button, LEFT)
    assert new_invoice.accepted_draft is not None


def test_a_duplicate_invoice_number_is_shown_at_the_number_field(new_invoice):
    new_invoice.show_error(LedgerError("number", "Invoice INV-1 already exists."))

    assert new_invoice.error_text("number") == "Invoice INV-1 already exists."
    assert new_invoice.error_text("amount") == ""


def test_an_invoice_with_money_allocated_keeps_its_amount(qtbot):
    draft = InvoiceDraft(number="INV-1", issue_date=TODAY, due_date=TODAY,
                         amount_minor=40_000)
    dialog = InvoiceDialog(customer_name="Hughes Ltd", currency="GBP", today=TODAY,
                           draft=draft, editing=True, amount_locked=True)
    qtbot.addWidget(dialog)
    dialog.show()

    assert not dialog.amount_edit.isEnabled()
    assert dialog.amount_edit.text() == "400.00"
    assert dialog.save_button.text() == "Save Changes"


# --- customer ----------------------------------------------------------------------------

CHOICES = PickLists(payment_terms=(Choice(1, "Net 14"), Choice(2, "Net 30")),
                    credit_policies=(Choice(5, "No charges"),),
                    followup_policies=(Choice(8, "Firm"), Choice(9, "Gentle")))


def test_a_new_customer_needs_a_name_and_starts_in_the_business_currency(qtbot):
    dialog = CustomerDialog(choices=CHOICES, country="IE", currency="EUR")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.accepted_draft is None
    assert dialog.error_text("name") == "Enter the customer's name."

    qtbot.keyClicks(dialog.name_edit, "Bramble Bakery")
    dialog.terms_combo.setCurrentIndex(dialog.terms_combo.findData(2))
    qtbot.mouseClick(dialog.save_button, LEFT)

    draft = dialog.accepted_draft
    assert draft is not None
    assert (draft.name, draft.currency, draft.country, draft.payment_terms_id,
            draft.followup_policy_id, draft.code) == ("Bramble Bakery", "EUR", "IE", 2, None, "")


def test_a_vat_number_typed_in_goes_with_the_customer(qtbot):
    dialog = CustomerDialog(choices=CHOICES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Bramble Bakery")
    qtbot.keyClicks(dialog.tax_number_edit, " gb 123 4567 89 ")
    qtbot.mouseClick(dialog.save_button, LEFT)

    draft = dialog.accepted_draft
    assert draft is not None
    assert draft.tax_number == "gb 123 4567 89"  # the ledger keeps it its own way


def test_editing_a_customer_keeps_what_the_lists_do_not_offer(qtbot):
    draft = CustomerDraft(code="C00033", name="Иванов ООД", currency="EUR", country="BG",
                          language="bg", contact_name="Мария Иванова",
                          billing_email="a@b.example", payment_terms_id=1,
                          credit_policy_id=5, followup_policy_id=9, notes="Calls back.",
                          tax_number="BG123456789")
    dialog = CustomerDialog(choices=CHOICES, draft=draft, editing=True)
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.draft() == draft


@pytest.mark.parametrize("field, message", [
    ("code", "Another customer already has the account code C00001."),
    ("billing_email", "“x@” does not look like an e-mail address."),
    ("currency", "The currency cannot change once the customer has invoices or payments."),
])
def test_the_ledgers_objection_to_a_customer_is_shown_at_its_field(qtbot, field, message):
    dialog = CustomerDialog(choices=CHOICES)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.show_error(LedgerError(field, message))

    assert dialog.error_text(field) == message
    assert dialog.error_text("name") == ""


# --- reason ----------------------------------------------------------------------------

def test_a_reason_is_required(qtbot):
    dialog = ReasonDialog(title="Dispute invoice", text="INV-1 goes into dispute.",
                          confirm="Dispute invoice")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.confirm_button, LEFT)

    assert dialog.accepted_reason is None
    assert "Say why" in dialog.error_text()

    qtbot.keyClicks(dialog.reason_edit, "  Wrong quantity  ")
    qtbot.mouseClick(dialog.confirm_button, LEFT)

    assert dialog.accepted_reason == "Wrong quantity"


def test_ask_hands_the_result_to_the_callback_and_none_when_cancelled(qtbot):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    results: list[str | None] = []

    dialog = ReasonDialog.ask(parent, results.append, title="Put on hold", text="…",
                              confirm="Put on hold")
    qtbot.keyClicks(dialog.reason_edit, "Under review")
    qtbot.mouseClick(dialog.confirm_button, LEFT)
    dialog = ReasonDialog.ask(parent, results.append, title="Put on hold", text="…",
                              confirm="Put on hold")
    dialog.reject()

    assert results == ["Under review", None]


def test_typing_an_amount_in_the_pay_column_ticks_the_invoice(payment, qtbot):
    type_amount(qtbot, payment, "300")
    payment.set_choosing(True)
    model = payment.allocations
    row = model.position_of(NEWER.id)

    model.setData(model.index(row, AllocationModel.PAY), " 75 ", Qt.ItemDataRole.EditRole)

    assert model.index(row, AllocationModel.INVOICE).data(
        Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(row, AllocationModel.PAY).data() == "75.00"
    assert payment.summary_text() == "Allocated: 75.00 GBP    ·    Left as credit: 225.00 GBP"


def test_an_invoice_date_may_be_typed_in_words(new_invoice, qtbot):
    qtbot.keyClicks(new_invoice.number_edit, "INV-9002")
    qtbot.keyClicks(new_invoice.amount_edit, "10")
    new_invoice.issue_edit.setText("2 Dec 2026")
    new_invoice.due_edit.setText("16/12/2026")
    qtbot.keyClick(new_invoice, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert new_invoice.accepted_draft is not None
    assert new_invoice.accepted_draft.issue_date == dt.date(2026, 12, 2)
    assert new_invoice.accepted_draft.due_date == dt.date(2026, 12, 16)


def test_a_payment_in_the_discount_window_previews_the_discount_it_earns(qtbot):
    from models.incentives import DiscountWindow

    recent = invoice("INV-9", 9, 100_000, TODAY + dt.timedelta(days=20))  # 1,000.00 open
    last_day = TODAY - dt.timedelta(days=5)
    windows = {9: DiscountWindow(2_000, last_day)}  # 20.00 off if received by then
    dialog = PaymentDialog(customer_name="Hughes Ltd", currency="GBP", invoices=[recent],
                           today=TODAY, discounts=windows)
    qtbot.addWidget(dialog)
    dialog.show()
    type_amount(qtbot, dialog, "980")
    # Received today, after the window: no discount, 20.00 is still to pay.
    assert dialog.summary_text() == "Allocated: 980.00 GBP    ·    Left as credit: 0.00 GBP"
    dialog.date_edit.clear()
    qtbot.keyClicks(dialog.date_edit, last_day.isoformat())  # the last day counts
    assert dialog.allocations.index(0, AllocationModel.PAY).data() == "980.00 GBP"
    assert dialog.summary_text() == ("Allocated: 980.00 GBP    ·    Left as credit: 0.00 GBP"
                                     "    ·    Early-payment discount: 20.00 GBP")
