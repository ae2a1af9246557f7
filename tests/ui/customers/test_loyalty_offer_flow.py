"""A loyalty offer from a customer's account, when their credit policy offers one: made
through the offer dialog, which says what paying in full waives, shown on the account,
and applied when the customer pays in full by its date (the interest credited)."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from models.charges import record_charges
from models.customer_account import customer_draft
from models.kinds import ChargeKind, CreditKind, LoyaltyWaiver, OfferKind, OfferStatus
from models.ledger import update_customer
from models.money import format_money
from models.offers import customer_offers
from models.policies import credit_policies, set_loyalty_waiver
from models.schema import AuditEntry, Charge, CreditNote, CreditPolicy, Invoice
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_customers_page import (
    dialog_of,
    open_page,
    posted_and_reloaded,
    show,
)
from ui.customers.offer_dialog import OfferDialog
from ui.customers.payment_dialog import PaymentDialog

HUGHES = 1  # two overdue GBP invoices
LEFT = Qt.MouseButton.LeftButton
MONTHLY = "Contractual 1.5% a month"


@pytest.fixture
def interest_charged(demo_store) -> list[int]:
    """Hughes on a contractual interest policy whose loyalty incentive waives the
    interest, with the interest run up on their overdue invoices charged; returns the
    interest charges' ids."""
    policy = next(p for p in credit_policies() if p.name == MONTHLY)
    set_loyalty_waiver(policy.id, LoyaltyWaiver.INTEREST)
    update_customer(HUGHES, dataclasses.replace(customer_draft(HUGHES),
                                                credit_policy_id=policy.id))
    overdue = Invoice.select(Invoice.id).where((Invoice.customer == HUGHES)
                                               & (Invoice.open_minor > 0)
                                               & (Invoice.due_date < DEMO_TODAY))
    charged = [charge_id for (invoice_id,) in overdue.tuples()
               for charge_id in record_charges(invoice_id, DEMO_TODAY, interest=True,
                                               compensation=False, fee_minor=0)]
    assert charged
    return charged


@pytest.fixture
def page(qtbot, window, interest_charged):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def test_the_loyalty_waiver_is_set_on_the_policy_and_audited(interest_charged):
    assert CreditPolicy.get(CreditPolicy.name == MONTHLY).loyalty_waiver == \
        LoyaltyWaiver.INTEREST
    assert AuditEntry.select().where((AuditEntry.action == "edit credit policy")
                                     & AuditEntry.after.contains("interest")).exists()


def test_a_loyalty_offer_is_made_in_the_window_and_applied_when_paid_in_full_in_time(
        page, qtbot, interest_charged):
    interest = sum(Charge.get_by_id(c).open_minor for c in interest_charged)
    show(qtbot, page, HUGHES)
    page.make_offer_action.trigger()
    dialog = dialog_of(qtbot, page, OfferDialog)
    dialog.set_kind(OfferKind.LOYALTY)

    assert not dialog.share_row.isVisible()  # the customer pays all: no share to choose
    preview = dialog.preview
    assert preview is not None and preview.waives == LoyaltyWaiver.INTEREST
    assert preview.waive_minor >= interest  # what is charged and what has run up since
    assert dialog.preview_text() == preview.summary
    assert preview.summary.startswith(f"Pay {format_money(preview.pay_minor, 'GBP')} in "
                                      f"full by ")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(page.account_loaded):
        qtbot.mouseClick(dialog.save_button, LEFT)

    [offer] = customer_offers(HUGHES, DEMO_TODAY)
    assert (offer.kind, offer.status) == (OfferKind.LOYALTY, OfferStatus.OPEN)
    assert offer.pay_minor == preview.pay_minor
    assert any(c.startswith("Loyalty offer") for c in page.view.chip_texts()), \
        page.view.chip_texts()
    assert "Offer made to Hughes Ltd" in page.view.notice()

    # The customer pays the invoices in full, in time: the interest is waived.
    page.record_payment_action.trigger()
    pay = dialog_of(qtbot, page, PaymentDialog)
    qtbot.keyClicks(pay.amount_edit, f"{offer.pay_minor / 100:.2f}")
    with posted_and_reloaded(qtbot, page, HUGHES):
        qtbot.mouseClick(pay.record_button, LEFT)

    [offer] = customer_offers(HUGHES, DEMO_TODAY)
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.waived_minor == interest
    assert [Charge.get_by_id(c).open_minor for c in interest_charged] == \
        [0] * len(interest_charged)
    [note] = CreditNote.select().where((CreditNote.customer == HUGHES)
                                       & (CreditNote.kind == CreditKind.WAIVER))
    assert (note.amount_minor, note.voided) == (interest, False)
    assert all(Charge.get_by_id(c).kind == ChargeKind.INTEREST for c in interest_charged)
    assert not any(c.startswith("Loyalty offer") for c in page.view.chip_texts())
