"""A customer's timeline tells each dispute case's story once: raised (what, how much, what
the customer said), its notes and files, and how it ended."""

from __future__ import annotations

import datetime as dt

from models import db
from models.dispute_credits import resolve_by_credit
from models.disputes import add_note, attach_file, open_dispute, reject_dispute
from models.kinds import DisputeCategory
from models.schema import Invoice
from models.timeline import TIMELINE_FILTERS, customer_timeline
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOON = dt.datetime.combine(TODAY, dt.time(12))
DAY = dt.timedelta(days=1)


def test_a_case_is_told_raised_noted_and_ended_in_order(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    other = invoice(who, 80_00, due_days_ago=10)
    case = open_dispute(who, [(bill, 120_00), (other, None)], category="quality",
                        customer_said="Two chairs arrived scratched", raised_on=TODAY - 9 * DAY,
                        today=TODAY)
    add_note(case, "Asked for photos", now=NOON - 8 * DAY)
    attach_file(case, "photo.jpg", b"\xff\xd8jpeg", file_type="image/jpeg",
                text="The customer's photo", now=NOON - 7 * DAY)
    reject_dispute(case, "The scratches are in the delivery photo as well", on=TODAY - 5 * DAY)

    told = [e for e in customer_timeline(who) if e.kind == "dispute"]

    assert [e.title for e in told] == [
        f"Dispute #{case} rejected",
        f"File photo.jpg kept with dispute #{case}",
        f"Note on dispute #{case}",
        f"Dispute #{case} raised on invoices {_number(bill)}, {_number(other)}: quality"]
    raised = told[-1]
    assert (raised.detail, raised.amount_minor) == ("Two chairs arrived scratched", 200_00)
    assert told[0].detail == "The scratches are in the delivery photo as well"
    assert told[1].detail == "The customer's photo"


def test_a_case_settled_by_credit_note_says_so_and_the_filter_keeps_it(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 300_00, due_days_ago=20)
    case = open_dispute(who, [(bill, 100_00)], category=DisputeCategory.PRICE,
                        customer_said="Charged the old price", raised_on=TODAY - 3 * DAY,
                        today=TODAY)
    resolve_by_credit(case, number="CN-7", issue_date=TODAY, reason="Price corrected",
                      today=TODAY)

    kinds = dict(TIMELINE_FILTERS)["Disputes and holds"]
    titles = [e.title for e in customer_timeline(who, kinds)]

    assert titles[0] == f"Dispute #{case} settled by credit note"
    assert titles[-1].startswith(f"Dispute #{case} raised on invoice ")
    assert not any(t.startswith("Invoice ") for t in titles)  # once, not per invoice


def _number(invoice_id: int) -> str:
    return str(Invoice.get_by_id(invoice_id).number)
