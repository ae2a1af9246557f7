"""Offers to pay by a date: a settlement ("pay 80% by D and the rest is waived") and a
loyalty incentive ("pay in full by D and the fee or the interest is waived"), accepted
by the payment that fulfils them in time, lapsed otherwise, carried by letters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import db
from models.check import check_store
from models.default_templates import default_template
from models.errors import LedgerError
from models.kinds import (
    ChargeKind,
    CreditKind,
    InvoiceStatus,
    LoyaltyWaiver,
    OfferKind,
    OfferStatus,
)
from models.ledger import record_payment, void_payment
from models.letter_context import letter_context
from models.offers import (
    customer_offers,
    make_offer,
    next_stage_fee,
    offer_preview,
    offer_row,
    settle_offers,
    withdraw_offer,
)
from models.schema import Charge, CreditNote, CreditPolicy, Customer, FollowUpStage, Invoice
from models.templating import render_letter
from tests.unit.ledger_helpers import TODAY, customer, invoice

PAY_BY = TODAY + dt.timedelta(days=14)  # 8 December 2026


def charge(invoice_id: int, kind: str, amount_minor: int, on: dt.date = TODAY) -> int:
    """A charge as the interest and fee rules would post it."""
    return int(Charge.create(invoice=invoice_id, kind=kind, charged_on=on,
                             amount_minor=amount_minor, open_minor=amount_minor,
                             currency="GBP", created_at=dt.datetime.now()).id)


def pay(who: int, amount_minor: int, on: dt.date, **more: object) -> int:
    return record_payment(who, received_on=on, amount_minor=amount_minor, today=on,
                          **more).payment_id  # type: ignore[arg-type]


def state(invoice_id: int) -> tuple[str, int]:
    row = Invoice.get_by_id(invoice_id)
    return row.status, row.open_minor


def loyal_customer(waiver: LoyaltyWaiver) -> int:
    who = customer()
    policy = CreditPolicy.get(CreditPolicy.name == "No charges")
    CreditPolicy.update(loyalty_waiver=waiver).where(CreditPolicy.id == policy.id).execute()
    Customer.update(credit_policy=policy).where(Customer.id == who).execute()
    return who


def credit_notes(who: int, kind: CreditKind) -> list[tuple[int, bool]]:
    return [(n.amount_minor, n.voided) for n in CreditNote.select().where(
        (CreditNote.customer == who) & (CreditNote.kind == kind)).order_by(CreditNote.id)]


# --- settlement ------------------------------------------------------------------------

def test_a_settlement_preview_says_what_is_paid_and_what_is_waived(
        empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 700_00, due_days_ago=60, number="S-1")
    second = invoice(who, 300_00, due_days_ago=30, number="S-2")
    charge(first, ChargeKind.FEE, 25_00)
    preview = offer_preview(who, OfferKind.SETTLEMENT, [second, first], pay_by=PAY_BY,
                            as_of=TODAY, percent=Decimal(80))
    assert (preview.owed_minor, preview.pay_minor, preview.waive_minor) == (
        1_025_00, 820_00, 205_00)
    assert preview.invoice_numbers == ("S-1", "S-2")
    assert preview.summary == ("Pay 820.00 GBP by 8 Dec 2026 and the remaining 205.00 GBP of "
                               "the 1,025.00 GBP owed is waived.")
    by_amount = offer_preview(who, OfferKind.SETTLEMENT, [first], pay_by=PAY_BY, as_of=TODAY,
                              pay_minor=500_00)
    assert (by_amount.pay_minor, by_amount.waive_minor) == (500_00, 225_00)
    assert customer_offers(who, TODAY) == []  # a preview makes nothing


@pytest.mark.parametrize(("changes", "field"), [
    ({"percent": Decimal(100)}, "pay"),
    ({"percent": Decimal(0)}, "pay"),
    ({"pay_minor": 1_000_00}, "pay"),
    ({}, "pay"),
    ({"percent": Decimal(80), "pay_by": TODAY}, "pay_by"),
    ({"percent": Decimal(80), "invoice_ids": []}, "invoices"),
])
def test_an_offer_that_will_not_do_is_refused_saying_why(
        empty_store: db.Store, changes: dict[str, object], field: str) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60)
    arguments: dict[str, object] = {"invoice_ids": [bill], "pay_by": PAY_BY, **changes}
    invoice_ids = arguments.pop("invoice_ids")
    with pytest.raises(LedgerError) as refused:
        make_offer(who, OfferKind.SETTLEMENT, invoice_ids, as_of=TODAY,  # type: ignore[arg-type]
                   **arguments)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert customer_offers(who, TODAY) == []


def test_an_invoice_is_in_one_open_offer_at_a_time(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60, number="S-1")
    make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
               percent=Decimal(80))
    with pytest.raises(LedgerError, match="S-1 is already in an open offer"):
        make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
                   percent=Decimal(70))


def test_a_settlement_paid_in_time_waives_the_rest_and_closes_the_invoices(
        empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 700_00, due_days_ago=60)
    second = invoice(who, 300_00, due_days_ago=30)
    fee = charge(first, ChargeKind.FEE, 25_00)
    offer = make_offer(who, OfferKind.SETTLEMENT, [first, second], pay_by=PAY_BY, as_of=TODAY,
                       percent=Decimal(80), notes="Lost their main customer")
    assert offer_row(offer, TODAY).status == OfferStatus.OPEN
    pay(who, 500_00, TODAY + dt.timedelta(days=3))  # a first part: not yet
    assert offer_row(offer, TODAY).status == OfferStatus.OPEN
    pay(who, 320_00, PAY_BY)  # the rest on the last day, which counts
    row = offer_row(offer, PAY_BY)
    assert (row.status, row.resolved_on, row.waived_minor) == (OfferStatus.ACCEPTED, PAY_BY,
                                                               205_00)
    assert row.credit_note_number.startswith("SETTLE-")
    assert [state(i) for i in (first, second)] == [(InvoiceStatus.PAID, 0)] * 2
    assert Charge.get_by_id(fee).open_minor == 0
    assert credit_notes(who, CreditKind.SETTLEMENT) == [(205_00, False)]
    note = CreditNote.get(CreditNote.kind == CreditKind.SETTLEMENT)
    assert "settlement" in note.reason and note.unallocated_minor == 0
    assert check_store() == []


def test_a_settlement_not_paid_by_its_day_lapses_and_nothing_is_waived(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60)
    offer = make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
                       percent=Decimal(80))
    pay(who, 700_00, TODAY)  # short
    after = PAY_BY + dt.timedelta(days=1)
    assert offer_row(offer, PAY_BY).status == OfferStatus.OPEN
    assert offer_row(offer, after).status == OfferStatus.LAPSED  # read as lapsed at once
    assert settle_offers(PAY_BY) == 0  # its last day has not gone by
    assert settle_offers(after) == 1
    pay(who, 100_00, after)  # too late to accept it
    row = offer_row(offer, after)
    assert (row.status, row.resolved_on, row.credit_note_number) == (OfferStatus.LAPSED,
                                                                     after, "")
    assert state(bill) == (InvoiceStatus.OPEN, 200_00)
    assert credit_notes(who, CreditKind.SETTLEMENT) == []
    assert check_store() == []


def test_a_payment_received_in_time_but_recorded_late_still_accepts_it(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60)
    offer = make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
                       percent=Decimal(80))
    settle_offers(PAY_BY + dt.timedelta(days=5))
    record_payment(who, received_on=PAY_BY, amount_minor=800_00,
                   today=PAY_BY + dt.timedelta(days=5))
    assert offer_row(offer, PAY_BY + dt.timedelta(days=5)).status == OfferStatus.ACCEPTED
    assert state(bill) == (InvoiceStatus.PAID, 0)
    assert check_store() == []


def test_a_withdrawn_offer_is_not_accepted(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60)
    offer = make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
                       percent=Decimal(80))
    with pytest.raises(LedgerError, match="Say why"):
        withdraw_offer(offer, " ", on=TODAY)
    withdraw_offer(offer, "They found the money", on=TODAY)
    with pytest.raises(LedgerError, match="withdrawn already"):
        withdraw_offer(offer, "Again", on=TODAY)
    pay(who, 800_00, TODAY)
    assert offer_row(offer, TODAY).status == OfferStatus.WITHDRAWN
    assert state(bill) == (InvoiceStatus.OPEN, 200_00)
    # the invoice is free for a new offer
    make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
               percent=Decimal(50))
    assert [r.status for r in customer_offers(who, TODAY)] == [OfferStatus.OPEN,
                                                               OfferStatus.WITHDRAWN]


def test_voiding_the_payment_that_accepted_a_settlement_opens_it_again(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60)
    offer = make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
                       percent=Decimal(80))
    payment = pay(who, 800_00, TODAY)
    assert offer_row(offer, TODAY).status == OfferStatus.ACCEPTED
    void_payment(payment, "Cheque bounced")
    assert offer_row(offer, TODAY).status == OfferStatus.OPEN
    assert state(bill) == (InvoiceStatus.OPEN, 1_000_00)
    assert credit_notes(who, CreditKind.SETTLEMENT) == [(200_00, True)]
    assert check_store() == []


# --- loyalty -----------------------------------------------------------------------------

def test_a_loyalty_offer_needs_a_policy_that_offers_one(empty_store: db.Store) -> None:
    who = loyal_customer(LoyaltyWaiver.NONE)
    bill = invoice(who, 1_000_00, due_days_ago=20)
    with pytest.raises(LedgerError, match="offers no loyalty incentive"):
        offer_preview(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)


def test_paying_in_full_in_time_waives_the_interest(empty_store: db.Store) -> None:
    who = loyal_customer(LoyaltyWaiver.INTEREST)
    bill = invoice(who, 1_000_00, due_days_ago=40)
    interest = charge(bill, ChargeKind.INTEREST, 12_34)
    preview = offer_preview(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)
    assert (preview.pay_minor, preview.waive_minor, preview.waives) == (
        1_000_00, 12_34, LoyaltyWaiver.INTEREST)
    offer = make_offer(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)
    pay(who, 1_000_00, TODAY + dt.timedelta(days=2))
    row = offer_row(offer, TODAY + dt.timedelta(days=2))
    assert (row.status, row.waived_minor) == (OfferStatus.ACCEPTED, 12_34)
    assert Charge.get_by_id(interest).open_minor == 0
    assert credit_notes(who, CreditKind.WAIVER) == [(12_34, False)]
    assert check_store() == []


def test_paying_only_part_or_too_late_waives_nothing(empty_store: db.Store) -> None:
    who = loyal_customer(LoyaltyWaiver.INTEREST)
    bill = invoice(who, 1_000_00, due_days_ago=40)
    interest = charge(bill, ChargeKind.INTEREST, 12_34)
    offer = make_offer(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)
    pay(who, 999_99, TODAY)
    assert offer_row(offer, TODAY).status == OfferStatus.OPEN
    pay(who, 1, PAY_BY + dt.timedelta(days=1))  # in full, a day late
    assert offer_row(offer, PAY_BY + dt.timedelta(days=1)).status == OfferStatus.LAPSED
    assert Charge.get_by_id(interest).open_minor == 12_34
    assert credit_notes(who, CreditKind.WAIVER) == []
    assert check_store() == []


def test_the_next_stages_fee_is_never_charged_when_paid_in_full_in_time(
        empty_store: db.Store) -> None:
    who = loyal_customer(LoyaltyWaiver.FEE)
    bill = invoice(who, 1_000_00, due_days_ago=5)
    FollowUpStage.update(fee_minor=40_00).execute()
    assert next_stage_fee(who, [bill]) == 40_00
    offer = make_offer(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)
    assert offer_row(offer, TODAY).waive_minor == 40_00
    pay(who, 1_000_00, TODAY + dt.timedelta(days=1))
    row = offer_row(offer, TODAY + dt.timedelta(days=1))
    # nothing was charged, so nothing is credited: the fee simply never comes
    assert (row.status, row.credit_note_number) == (OfferStatus.ACCEPTED, "")
    assert check_store() == []


def test_a_fee_charged_after_the_offer_is_credited_when_paid_in_time(
        empty_store: db.Store) -> None:
    who = loyal_customer(LoyaltyWaiver.FEE)
    bill = invoice(who, 1_000_00, due_days_ago=5)
    FollowUpStage.update(fee_minor=40_00).execute()
    earlier = charge(bill, ChargeKind.FEE, 15_00, on=TODAY - dt.timedelta(days=3))
    offer = make_offer(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)
    fee = charge(bill, ChargeKind.FEE, 40_00, on=TODAY + dt.timedelta(days=2))
    pay(who, 1_000_00, TODAY + dt.timedelta(days=3))
    assert offer_row(offer, PAY_BY).status == OfferStatus.ACCEPTED
    assert (Charge.get_by_id(fee).open_minor, Charge.get_by_id(earlier).open_minor) == (
        0, 15_00)
    assert credit_notes(who, CreditKind.WAIVER) == [(40_00, False)]
    assert check_store() == []


# --- letters and check ------------------------------------------------------------------

def test_letters_carry_an_open_offer_until_its_last_day(empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 700_00, due_days_ago=60, number="S-1")
    second = invoice(who, 300_00, due_days_ago=30, number="S-2")
    before = letter_context(who, [first, second], TODAY)
    assert (before.settlement_offer, before.settlement_amount, before.settlement_by) == (
        "", "", "")
    make_offer(who, OfferKind.SETTLEMENT, [first, second], pay_by=PAY_BY, as_of=TODAY,
               percent=Decimal(80))
    context = letter_context(who, [first, second], TODAY)
    assert (context.settlement_amount, context.settlement_by) == ("£800.00", "8 Dec 2026")
    assert context.settlement_offer == (
        "If you pay £800.00 by 8 Dec 2026, we will waive the remaining £200.00 and treat "
        "invoices S-1 and S-2 as settled.")
    assert letter_context(who, [first], PAY_BY).settlement_offer == ""  # gone on arrival
    Customer.update(language="de").where(Customer.id == who).execute()
    german = letter_context(who, [first], TODAY).settlement_offer
    assert "800,00" in german and "If you pay" not in german


@pytest.mark.parametrize("tone", ["polite", "firm"])
def test_the_default_letters_carry_an_open_offer_in_a_paragraph_of_its_own(
        empty_store: db.Store, tone: str) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60, number="S-1")
    subject, body = default_template(tone, "letter")
    without = render_letter(subject, body, letter_context(who, [bill], TODAY)).body
    make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
               percent=Decimal(80))
    context = letter_context(who, [bill], TODAY)
    with_offer = render_letter(subject, body, context).body
    paragraph = f"\n\n{context.settlement_offer}\n"
    assert paragraph in with_offer
    assert with_offer.replace(paragraph, "\n", 1) == without


def test_a_letter_carries_a_loyalty_offer(empty_store: db.Store) -> None:
    who = loyal_customer(LoyaltyWaiver.INTEREST)
    bill = invoice(who, 1_000_00, due_days_ago=40)
    charge(bill, ChargeKind.INTEREST, 12_34)
    make_offer(who, OfferKind.LOYALTY, [bill], pay_by=PAY_BY, as_of=TODAY)
    context = letter_context(who, [bill], TODAY)
    assert (context.loyalty_by, context.loyalty_waived) == ("8 Dec 2026", "£12.34")
    assert context.loyalty_offer == ("If you pay the £1,000.00 in full by 8 Dec 2026, we will "
                                     "waive the late-payment interest of £12.34.")


def test_check_finds_an_accepted_offer_whose_credit_note_is_gone(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=60)
    offer = make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
                       percent=Decimal(80))
    pay(who, 800_00, TODAY)
    assert check_store() == []
    CreditNote.update(voided=True).execute()
    found = [str(p) for p in check_store() if p.area == "offers"]
    assert found == [f"offers: the settlement offer #{offer} accepted on {TODAY} has no live "
                     f"settlement credit note"]


def test_the_days_letters_carry_each_customers_open_offer(empty_store: db.Store,
                                                          tmp_path) -> None:
    from reports.due_letters import print_due_letters
    from tests.helpers import pdf_pages

    offered, other = customer("Offered Ltd"), customer("Not Offered Ltd")
    # 50 days overdue: the Standard policy's "Final notice", a letter.
    bill = invoice(offered, 1_000_00, due_days_ago=50, number="S-1")
    # The invoice on offer is not chased until the offer's last day (models.followup);
    # the customer's other one is, and its letter carries the offer.
    invoice(offered, 500_00, due_days_ago=50, number="S-3")
    invoice(other, 1_000_00, due_days_ago=50, number="S-2")
    make_offer(offered, OfferKind.SETTLEMENT, [bill], pay_by=PAY_BY, as_of=TODAY,
               percent=Decimal(80))
    out = tmp_path / "letters.pdf"
    result = print_due_letters(TODAY, out, now=dt.datetime.combine(TODAY, dt.time(9)),
                               record=False)
    pages = {p.customer_name: pdf_pages(out.read_bytes())[p.first_page - 1][0]
             for p in result.printed}
    assert "If you pay £800.00 by 8 Dec 2026" in " ".join(pages["Offered Ltd"].split())
    assert "If you pay" not in pages["Not Offered Ltd"]
