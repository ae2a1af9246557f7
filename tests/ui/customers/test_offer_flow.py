"""Offers from a customer's account, on the demo: a settlement made through the dialog
with what it says shown as it is set up, refusals said at their field, the offer shown
on the account (a flag and the Offers tab) and withdrawn with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.kinds import OfferKind, OfferStatus
from models.offers import customer_offers
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_customers_page import dialog_of, open_page, show
from ui.common.reason_dialog import ReasonDialog
from ui.customers.customer_account_view import OFFERS_TAB
from ui.customers.offer_dialog import AMOUNT, OfferDialog
from ui.customers.offer_models import OfferInvoicesModel, OffersModel

HUGHES = 1  # two overdue GBP invoices, no loyalty incentive in their credit policy


@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def open_offer_dialog(qtbot, page, customer_id: int = HUGHES) -> OfferDialog:
    show(qtbot, page, customer_id)
    assert page.make_offer_action.isEnabled()
    page.make_offer_action.trigger()
    return dialog_of(qtbot, page, OfferDialog)


def make_settlement(qtbot, page) -> None:
    dialog = open_offer_dialog(qtbot, page)
    with qtbot.waitSignal(page.account_loaded):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_a_settlement_made_through_the_dialog_shows_on_the_account(page, qtbot):
    dialog = open_offer_dialog(qtbot, page)

    # The overdue invoices are ticked; 80% of what is owed, in a fortnight, is proposed.
    assert [r.number for r in dialog.invoices.ticked_rows()] == ["INV-0000005", "INV-0000006"]
    assert dialog.kind() == OfferKind.SETTLEMENT
    assert dialog.pay_by_edit.date() == DEMO_TODAY + dt.timedelta(days=14)
    preview = dialog.preview
    assert preview is not None
    assert preview.pay_minor == round(preview.owed_minor * 0.8)
    assert dialog.preview_text() == preview.summary
    assert dialog.save_button.isEnabled()

    with qtbot.waitSignal(page.account_loaded):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    offers = customer_offers(HUGHES, DEMO_TODAY)
    assert len(offers) == 1 and offers[0].status == OfferStatus.OPEN
    assert offers[0].pay_minor == preview.pay_minor
    assert offers[0].invoice_numbers == ("INV-0000005", "INV-0000006")
    chips = page.view.chip_texts()
    assert any(c.startswith("Settlement offer: pay ") for c in chips), chips
    assert page.view.offers.rows() == offers
    assert page.view.tabs.tabText(OFFERS_TAB) == "Offers (1)"
    assert "Offer made to Hughes Ltd" in page.view.notice()
    assert page.withdraw_offer_action.isEnabled()


def test_an_amount_to_pay_is_taken_as_typed_and_one_too_big_is_refused_at_its_field(
        page, qtbot):
    dialog = open_offer_dialog(qtbot, page)
    owed = dialog.preview.owed_minor

    dialog.share_unit.setCurrentIndex(AMOUNT)
    assert not dialog.save_button.isEnabled()
    assert dialog.error_text("pay")
    qtbot.keyClicks(dialog.share_edit, "100")
    assert dialog.preview.pay_minor == 10000
    assert dialog.preview.waive_minor == owed - 10000
    assert dialog.save_button.isEnabled()

    dialog.share_edit.clear()
    qtbot.keyClicks(dialog.share_edit, str(owed))  # more than owed, in major units
    assert dialog.preview is None and not dialog.save_button.isEnabled()
    assert "less than the" in dialog.error_text("pay")
    dialog.reject()


def test_a_loyalty_offer_the_policy_does_not_make_is_refused_and_says_why(page, qtbot):
    dialog = open_offer_dialog(qtbot, page)

    dialog.set_kind(OfferKind.LOYALTY)
    assert not dialog.share_row.isVisible()
    assert dialog.preview is None and not dialog.save_button.isEnabled()
    assert "credit policy offers no loyalty incentive" in dialog.error_text("kind")

    dialog.set_kind(OfferKind.SETTLEMENT)
    dialog.invoices.tick_number("INV-0000005", False)
    dialog.invoices.tick_number("INV-0000006", False)
    assert "Choose the invoices" in dialog.error_text("invoices")
    assert not dialog.save_button.isEnabled()

    dialog.invoices.tick_number("INV-0000005")
    dialog.pay_by_edit.setText(DEMO_TODAY.isoformat())
    dialog.pay_by_edit.textEdited.emit(DEMO_TODAY.isoformat())
    assert "a day after the offer" in dialog.error_text("pay_by")
    assert not dialog.save_button.isEnabled()
    dialog.reject()


def test_an_open_offer_is_withdrawn_with_a_reason(page, qtbot):
    make_settlement(qtbot, page)
    offer = page.offer_in_hand
    assert offer is not None

    page.withdraw_offer_action.trigger()
    dialog = dialog_of(qtbot, page, ReasonDialog)
    dialog.accept()
    assert dialog.isVisible() and dialog.error_text()  # a reason is needed
    qtbot.keyClicks(dialog.reason_edit, "The customer turned it down")
    with qtbot.waitSignal(page.account_loaded):
        dialog.accept()

    assert [o.status for o in customer_offers(HUGHES, DEMO_TODAY)] == [OfferStatus.WITHDRAWN]
    assert not any(c.startswith("Settlement offer") for c in page.view.chip_texts())
    assert not page.withdraw_offer_action.isEnabled()
    assert page.view.notice() == "Offer withdrawn."
    # Its invoices can be in a new offer.
    assert page.make_offer_action.isEnabled()


def test_the_offer_lists_are_sound_item_models(page, qtbot, qtmodeltester):
    make_settlement(qtbot, page)
    assert page.view.select_offer(page.view.offers.rows()[0].id)
    qtmodeltester.check(page.view.offers)
    assert isinstance(page.view.offers, OffersModel)
    account = page._account
    invoices = OfferInvoicesModel(account.invoices, DEMO_TODAY)
    invoices.tick_overdue()
    qtmodeltester.check(invoices)
