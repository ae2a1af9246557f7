"""A payment far larger than what the customer owes is asked about before it is kept."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models.customer_account import InvoiceRow
from ui.customers.payment_dialog import PaymentDialog

TODAY = dt.date(2026, 11, 24)
OPEN = InvoiceRow(id=1, number="INV-1", issue_date=dt.date(2026, 9, 1),
                  due_date=dt.date(2026, 10, 1), currency="GBP", amount_minor=3_200_000,
                  paid_minor=0, open_minor=3_200_000, days_overdue=54, status="open",
                  dispute_reason="")  # 32,000.00 owed


def dialog_for(qtbot) -> PaymentDialog:
    dialog = PaymentDialog(customer_name="Hughes Ltd", currency="GBP", invoices=[OPEN],
                           today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def huge_payment_asked(qtbot) -> tuple[PaymentDialog, QMessageBox]:
    """A payment of 1,000,000,000.00 against 32,000.00 owed, recorded: the question."""
    dialog = dialog_for(qtbot)
    qtbot.keyClicks(dialog.amount_edit, "1000000000.00")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.confirm_box is not None and dialog.confirm_box.isVisible())
    assert dialog.confirm_box is not None
    return dialog, dialog.confirm_box


def test_a_huge_payment_is_asked_about_and_enter_answers_no(qtbot) -> None:
    dialog, box = huge_payment_asked(qtbot)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert "far larger" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the Enter a hurried user presses
    qtbot.waitUntil(lambda: dialog.confirm_box is None)
    assert dialog.isVisible() and dialog.accepted_entry is None


def test_a_huge_payment_confirmed_is_kept(qtbot) -> None:
    dialog, box = huge_payment_asked(qtbot)
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert dialog.result() == PaymentDialog.DialogCode.Accepted
    assert dialog.accepted_entry is not None
    assert dialog.accepted_entry.amount_minor == 100_000_000_000


def test_a_payment_near_the_balance_is_not_asked_about(qtbot) -> None:
    dialog = dialog_for(qtbot)
    qtbot.keyClicks(dialog.amount_edit, "32500.00")
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.confirm_box is None
    assert dialog.result() == PaymentDialog.DialogCode.Accepted
