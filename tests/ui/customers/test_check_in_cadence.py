"""How often to check in with a customer, set in the customer dialog: saved with the
customer, shown again when editing, refused at its field, blank for never."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.customer_account import customer_draft
from models.relationship import check_in_days
from tests.ui.customers.test_customers_page import dialog_of, open_page, posted_and_reloaded, show
from ui.customers.customer_dialog import CustomerDialog

HUGHES = 1
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def edit(qtbot, page, besides=None) -> CustomerDialog:
    page.edit_customer_action.trigger()
    return dialog_of(qtbot, page, CustomerDialog, besides=besides)


def test_a_cadence_is_saved_with_the_customer_and_shown_again(page, qtbot):
    show(qtbot, page, HUGHES)
    dialog = edit(qtbot, page)
    assert dialog.check_in_edit.text() == ""  # never, until chosen
    qtbot.keyClicks(dialog.check_in_edit, "90")
    with posted_and_reloaded(qtbot, page, HUGHES):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert check_in_days(HUGHES) == 90

    again = edit(qtbot, page, besides=dialog)
    assert again.check_in_edit.text() == "90"
    again.check_in_edit.clear()
    with posted_and_reloaded(qtbot, page, HUGHES):
        qtbot.mouseClick(again.save_button, LEFT)
    assert check_in_days(HUGHES) is None


def test_a_cadence_out_of_range_is_refused_at_its_field_and_nothing_is_saved(page, qtbot):
    show(qtbot, page, HUGHES)
    dialog = edit(qtbot, page)
    dialog.contact_edit.clear()
    qtbot.keyClicks(dialog.contact_edit, "Sam Hughes")
    qtbot.keyClicks(dialog.check_in_edit, "3")
    qtbot.mouseClick(dialog.save_button, LEFT)

    again = dialog_of(qtbot, page, CustomerDialog, besides=dialog)
    qtbot.waitUntil(lambda: bool(again.error_text("check_in_days")))
    assert "7 to 730 days" in again.error_text("check_in_days")
    assert again.check_in_edit.text() == "3"
    # The details wait with the cadence: one transaction.
    assert customer_draft(HUGHES).contact_name != "Sam Hughes"
    assert check_in_days(HUGHES) is None

    again.check_in_edit.clear()
    qtbot.keyClicks(again.check_in_edit, "soon")
    again.accept()
    assert again.isVisible() and "how many days" in again.error_text("check_in_days")
    again.reject()


def test_a_new_customer_gets_the_cadence_chosen(page, qtbot):
    page.add_customer_action.trigger()
    dialog = dialog_of(qtbot, page, CustomerDialog)
    qtbot.keyClicks(dialog.name_edit, "Quarterly Ltd")
    qtbot.keyClicks(dialog.check_in_edit, "91")
    with qtbot.waitSignal(page.account_loaded):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert page.header.name == "Quarterly Ltd"
    assert check_in_days(page.header.id) == 91
