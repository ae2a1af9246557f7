"""Two people editing one customer: the second save is refused in the dialog, which keeps
what was typed, says who changed what meanwhile, and offers to read the customer again."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from models.audit import who_changes
from models.customer_account import customer_draft, customer_to_edit
from models.ledger import update_customer
from tests.ui.customers.test_customers_page import dialog_of, open_page, posted_and_reloaded, show
from ui.customers.customer_dialog import CustomerDialog

HUGHES = 1
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def someone_else_sets_the_phone(number: str) -> None:
    """Another person, in their own window, saves the customer's phone number."""
    theirs = customer_to_edit(HUGHES)
    update_customer(HUGHES, dataclasses.replace(theirs.draft, phone=number),
                    read_version=theirs.edit_version)


def test_a_save_over_another_persons_change_is_refused_and_the_typing_kept(page, qtbot):
    show(qtbot, page, HUGHES)
    name = customer_draft(HUGHES).name
    page.edit_customer_action.trigger()
    dialog = dialog_of(qtbot, page, CustomerDialog)
    someone_else_sets_the_phone("0117 496 0999")  # while this dialog is open
    dialog.notes_edit.setPlainText("Ask for Sam in accounts")
    qtbot.mouseClick(dialog.save_button, LEFT)

    again = dialog_of(qtbot, page, CustomerDialog, besides=dialog)
    qtbot.waitUntil(lambda: bool(again.error_text("edit_version")))
    said = again.error_text("edit_version")
    assert f"{who_changes()} changed the phone number at " in said
    assert "what you typed is still there" in said
    assert again.notes_edit.toPlainText() == "Ask for Sam in accounts"  # nothing lost
    assert customer_draft(HUGHES).notes != "Ask for Sam in accounts"  # nothing saved
    assert customer_draft(HUGHES).phone == "0117 496 0999"  # their change stands

    reload = again.findChild(type(again.save_button), "reloadButton")
    assert reload is not None and reload.isVisible()
    qtbot.mouseClick(reload, LEFT)
    fresh = dialog_of(qtbot, page, CustomerDialog, besides=again)
    assert fresh.phone_edit.text() == "0117 496 0999"
    assert fresh.name_edit.text() == name
    assert fresh.error_text("edit_version") == ""
    fresh.notes_edit.setPlainText("Ask for Sam in accounts")
    with posted_and_reloaded(qtbot, page, HUGHES):
        qtbot.mouseClick(fresh.save_button, LEFT)
    saved = customer_draft(HUGHES)
    assert (saved.notes, saved.phone) == ("Ask for Sam in accounts", "0117 496 0999")
