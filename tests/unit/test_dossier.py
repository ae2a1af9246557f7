"""The dossier of a referred account, read back from its PDF: the referral letter to the
agency, every letter and e-mail sent, and the interest equal to the ``interest``
command's figures; e-mailed to the agency through the outbox."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from models import db
from models.agencies import AgencyDraft, add_agency
from models.contacts import ContactEntry, PromiseTerms, log_contact, review_promises
from models.errors import LedgerError
from models.followup import execute_action, follow_up_plan
from models.interest import invoice_interest
from models.kinds import ContactKind, OutboxKind
from models.money import format_money
from models.outbox import attachment_of, outbox
from models.reference_rates import add_reference_rate
from models.referrals import NOTICE_DAYS, record_warning, refer
from models.schema import Invoice
from reports.dossier import dossier_data, dossier_pdf, queue_dossier
from tests.helpers import pdf_pages
from tests.unit.interest_helpers import customer_on_shipped_policy
from tests.unit.ledger_helpers import TODAY, invoice

DAY = dt.timedelta(days=1)
LATER = TODAY + (NOTICE_DAYS + 1) * DAY


def send_due(who: int, day: dt.date, subject: str) -> int:
    action = next(a for a in follow_up_plan(day).due if a.customer_id == who)
    return execute_action(who, action.currency, day, stage_id=action.stage.id, subject=subject,
                          text="…", now=dt.datetime.combine(day, dt.time(9)))


def referred(email: str = "cases@northgate.example") -> tuple[int, list[int]]:
    """A customer on UK statutory interest, reminded twice, who promised and did not pay,
    sent the final notice and referred on LATER: the referral and its invoices."""
    who = customer_on_shipped_policy("Quayside Bakery Ltd", "UK statutory late payment")
    add_reference_rate("BOE_BASE", dt.date(2026, 6, 30), "3.5", "Bank of England, Bank Rate")
    bills = [invoice(who, 1_200_00, due_days_ago=50, number="INV-1001"),
             invoice(who, 450_00, due_days_ago=47, number="INV-1002")]
    send_due(who, TODAY - 35 * DAY, "Your account is overdue")
    log_contact(who, ContactEntry(kind=ContactKind.CALL,
                                  occurred_at=dt.datetime.combine(TODAY - 20 * DAY, dt.time(11)),
                                  with_whom="Ann Baker", summary="Will pay at month end",
                                  invoice_ids=tuple(bills)),
                promise=PromiseTerms(1_650_00, TODAY - 10 * DAY),
                now=dt.datetime.combine(TODAY - 20 * DAY, dt.time(11)))
    review_promises(TODAY)
    final = send_due(who, TODAY, "Final notice before referral")
    record_warning(who, contact_id=final)
    agency = add_agency(AgencyDraft(name="Northgate Collections Ltd", contact_name="Sam Reed",
                                    email=email, address="4 Mill Lane\nLeeds LS1 1AA",
                                    commission_percent=Decimal("12.5"),
                                    commission_min_minor=40_00, currency="GBP"))
    return refer(who, agency, None, LATER), bills


def test_the_dossier_lists_every_letter_sent_and_the_interest_the_interest_command_gives(
        empty_store: db.Store) -> None:
    referral_id, bills = referred()
    data = dossier_data(referral_id, today=LATER)
    name, pdf = dossier_pdf(data)
    assert name.startswith("Dossier ") and name.endswith(f"{LATER.isoformat()}.pdf")
    text = "\n".join(page for page, _ in pdf_pages(pdf))
    flat = " ".join(text.split())
    # The referral letter, to the agency.
    assert "Northgate Collections Ltd" in flat and "Attn. Sam Reed" in flat
    assert "Referral of account" in flat and "Quayside Bakery Ltd" in flat
    # Every letter and e-mail sent, with its date.
    assert len(data.letters) == 2
    for letter in data.letters:
        assert letter.subject in flat
    assert "Final notice before referral" in flat and "24 Nov 2026" in flat
    assert "Your account is overdue" in flat and "20 Oct 2026" in flat
    # The promise made and broken, and the contact it was made in.
    assert "Promised to pay £1,650.00" in flat or "Promised to pay 1,650.00" in flat
    assert "Broken" in flat and "Will pay at month end" in flat
    # What was promised and by when, on one line (its day is not cut in two).
    assert any(re.search(r"Promised to pay \S+( GBP)? by 14 Nov 2026", line)
               for line in text.splitlines())
    # The interest equal to the interest command's, per invoice, and its total.
    expected = [invoice_interest(b, LATER, without_missing_rate=True) for b in bills]
    assert [line.interest_minor for line in data.interest] == [c.interest_minor
                                                              for c in expected]
    assert all(c.interest_minor > 0 and c.compensation_minor > 0 for c in expected)
    for calculation in expected:
        assert format_money(calculation.interest_minor, "GBP") in flat
        assert format_money(calculation.compensation_minor, "GBP") in flat
    total = sum(c.interest_minor for c in expected)
    assert f"Late-payment interest of {format_money(total, 'GBP')}" in flat
    assert "Late Payment of Commercial Debts (Interest) Act 1998" in flat
    assert data.daily > 0 and f"{data.daily.quantize(Decimal('0.0001'))} GBP" in flat
    # The invoices referred.
    assert "INV-1001" in flat and "INV-1002" in flat
    assert format_money(1_650_00, "GBP") in flat
    assert "we sent our final notice and told the customer" in flat


def test_a_referral_made_over_the_check_never_claims_the_steps_were_taken(
        empty_store: db.Store) -> None:
    who = customer_on_shipped_policy("Quayside Bakery Ltd", "UK statutory late payment")
    invoice(who, 1_200_00, due_days_ago=50, number="INV-1001")
    agency = add_agency(AgencyDraft(name="Northgate Collections Ltd", contact_name="Sam Reed",
                                    email="cases@northgate.example", currency="GBP"))
    referral_id = refer(who, agency, None, LATER,
                        override_reason="The customer has stopped trading")

    _name, pdf = dossier_pdf(dossier_data(referral_id, today=LATER))

    flat = " ".join(" ".join(page for page, _ in pdf_pages(pdf)).split())
    assert "we sent our final notice" not in flat
    assert "without all the steps we normally take first: The customer has " \
           "stopped trading." in flat


def test_the_dossier_goes_to_the_agency_through_the_outbox_with_the_pdf(
        empty_store: db.Store) -> None:
    referral_id, _ = referred()
    outbox_id = queue_dossier(referral_id, today=LATER)
    [row] = [r for r in outbox() if r.id == outbox_id]
    assert row.kind == OutboxKind.DOSSIER
    assert "cases@northgate.example" in row.to
    name, pdf = attachment_of(outbox_id)
    assert name.endswith(".pdf") and "Quayside Bakery Ltd" in pdf_pages(pdf)[0][0]
    assert Invoice.select().count() == 2


def test_a_dossier_for_an_agency_without_an_address_is_printed_not_mailed(
        empty_store: db.Store) -> None:
    referral_id, _ = referred(email="")
    with pytest.raises(LedgerError, match="no e-mail address"):
        queue_dossier(referral_id, today=LATER)
