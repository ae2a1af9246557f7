"""A dispute opened from a customer's account, on the demo: Dispute Invoice opens the
dispute dialog with the invoice chosen ticked; a part of it disputed leaves the rest
chased; bad input is said at its field; an invoice in a dispute ends it through its case
(rejected or withdrawn), not by clearing a flag."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models.check import check_store
from models.disputed import claim_on
from models.disputes import dispute, disputes
from models.followup import follow_up_plan
from models.kinds import DisputeCategory, DisputeStatus, InvoiceStatus
from models.schema import Invoice
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_customers_page import (
    dialog_of,
    open_page,
    posted_and_reloaded,
    select_invoice,
    show,
)
from ui.common.dispute_dialog import DisputeDialog
from ui.common.reason_dialog import ReasonDialog
from ui.customers.invoices_model import InvoicesModel

HUGHES = 1  # two overdue GBP invoices: INV-0000005 (1,441.46) and INV-0000006 (1,204.10)
MULLER = 4  # Müller GmbH: INV-0000049 in the demo's dispute
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def open_dispute_dialog(qtbot, page, number: str) -> DisputeDialog:
    select_invoice(qtbot, page, number)
    page.dispute_action.trigger()
    return dialog_of(qtbot, page, DisputeDialog)


def test_part_of_an_invoice_disputed_from_the_account_leaves_the_rest_chased(page, qtbot):
    show(qtbot, page, HUGHES)
    dialog = open_dispute_dialog(qtbot, page, "INV-0000006")

    assert [(row.number, typed) for row, typed in dialog.lines.ticked_with_amounts()] == [
        ("INV-0000006", "")]
    assert dialog.lines.index(1, 4).data() == "all open"
    assert dialog.raised_edit.date() == DEMO_TODAY
    assert not dialog.customer_combo.isVisible()  # the account's customer

    dialog.tick("INV-0000006", "250")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData(DisputeCategory.PRICE))
    qtbot.keyClicks(dialog.said_edit, "Charged for 10 hours, the job took 8")
    with posted_and_reloaded(qtbot, page, HUGHES):
        qtbot.mouseClick(dialog.save_button, LEFT)

    [case] = disputes(state="open", customer_id=HUGHES)
    assert (case.category, case.claimed_minor, case.raised_on) == (
        DisputeCategory.PRICE, 250_00, DEMO_TODAY)
    bill = Invoice.get(Invoice.number == "INV-0000006")
    assert (bill.status, claim_on(bill.id)) == (InvoiceStatus.OPEN, 250_00)
    [due] = [a for a in follow_up_plan(DEMO_TODAY).due if a.customer_id == HUGHES]
    assert [(i.number, i.open_minor) for i in due.invoices] == [
        ("INV-0000005", 1441_46), ("INV-0000006", 1204_10 - 250_00)]
    assert page.view.notice() == (
        f"Dispute #{case.case_id} opened on an invoice: what is disputed is not chased "
        f"until it ends.")
    assert [str(p) for p in check_store()] == []

    # Its dispute ends through the case: rejected, and the whole invoice is chased again.
    select_invoice(qtbot, page, "INV-0000006")
    assert page.dispute_action.text() == "&Dispute Invoice…"  # part: still open
    page.dispute_action.trigger()
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "endDisputeBox") is not None)
    box = page.findChild(QMessageBox, "endDisputeBox")
    assert f"dispute #{case.case_id}" in box.text()
    next(b for b in box.buttons() if b.text() == "&Rejected…").click()
    reason = dialog_of(qtbot, page, ReasonDialog)
    qtbot.keyClicks(reason.reason_edit, "The timesheet is signed for 10 hours")
    with posted_and_reloaded(qtbot, page, HUGHES):
        qtbot.mouseClick(reason.confirm_button, LEFT)
    ended = dispute(case.case_id)
    assert (ended.status, ended.resolution) == (DisputeStatus.REJECTED,
                                                "The timesheet is signed for 10 hours")
    assert claim_on(bill.id) == 0


def test_bad_input_is_said_at_its_field_in_the_users_words(page, qtbot):
    show(qtbot, page, HUGHES)
    dialog = open_dispute_dialog(qtbot, page, "INV-0000005")

    dialog.tick("INV-0000005", "1500")
    dialog.raised_edit.setText("2099-01-01")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_text("invoices") == (
        "Invoice INV-0000005 has only 1,441.46 GBP open; the customer can dispute that "
        "much at most.")
    assert dialog.error_text("customer_said") == \
        "Say what the customer disputes, in their words."
    assert dialog.error_text("raised_on") == "The day the dispute was raised is in the future."

    dialog.tick("INV-0000005", "twelve")
    dialog.accept()
    assert dialog.error_text("invoices") == (
        "Invoice INV-0000005: “twelve” is not an amount. Write it like 1234.50.")

    dialog.tick("INV-0000005", ticked=False)
    dialog.accept()
    assert dialog.error_text("invoices") == "Tick the invoices the customer disputes."
    dialog.reject()
    assert disputes(customer_id=HUGHES) == []


def test_an_invoice_in_a_dispute_is_shown_greyed_in_the_dialog(page, qtbot):
    show(qtbot, page, MULLER)
    position = next(p for p, r in enumerate(page.view.invoices.rows())
                    if r.number != "INV-0000049" and r.open_minor > 0)
    other = page.view.invoices.rows()[position].number
    dialog = open_dispute_dialog(qtbot, page, other)

    at = dialog.lines.position_of(Invoice.get(Invoice.number == "INV-0000049").id)
    assert at >= 0
    assert not dialog.lines.flags(dialog.lines.index(at, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert "Already in dispute #1" in dialog.lines.index(at, 0).data(
        Qt.ItemDataRole.ToolTipRole)
    dialog.reject()


def test_the_disputed_invoice_ends_its_dispute_as_withdrawn(page, qtbot):
    show(qtbot, page, MULLER)
    select_invoice(qtbot, page, "INV-0000049")
    assert page.dispute_action.text() == "End &Dispute…"
    page.dispute_action.trigger()
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "endDisputeBox") is not None)
    box = page.findChild(QMessageBox, "endDisputeBox")
    next(b for b in box.buttons() if b.text() == "&Withdrawn by Customer…").click()
    reason = dialog_of(qtbot, page, ReasonDialog)
    qtbot.keyClicks(reason.reason_edit, "The damage was done by their own driver")
    with posted_and_reloaded(qtbot, page, MULLER):
        qtbot.mouseClick(reason.confirm_button, LEFT)

    assert dispute(1).status == DisputeStatus.WITHDRAWN
    position = page.view.invoices.position_of(Invoice.get(Invoice.number == "INV-0000049").id)
    assert page.view.invoices.index(position, InvoicesModel.STATUS).data() != "Disputed"
    assert page.view.notice() == ("Dispute #1 withdrawn by the customer: its invoices "
                                     "are chased again.")
