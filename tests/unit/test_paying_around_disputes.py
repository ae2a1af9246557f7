"""Money paid without a choice goes to what is not in dispute: the disputed part of an
invoice is paid only when the user chooses it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.disputes import open_dispute
from models.kinds import DisputeCategory, InvoiceStatus
from models.ledger import oldest_first, record_payment
from tests.unit.ledger_helpers import TODAY, customer, invoice


@dataclass(frozen=True)
class Bill:
    id: int
    due_date: dt.date
    open_minor: int
    status: str = InvoiceStatus.OPEN


def test_a_payment_skips_the_disputed_part_and_pays_the_next_invoice(
        empty_store: db.Store) -> None:
    who = customer()
    older = invoice(who, 300_00, due_days_ago=60)
    newer = invoice(who, 200_00, due_days_ago=30)
    open_dispute(who, [(older, 120_00)], category=DisputeCategory.PRICE,
                 customer_said="The extra hours were not agreed.", today=TODAY)
    paid = record_payment(who, received_on=TODAY, amount_minor=250_00, today=TODAY)
    parts = {part.invoice_id: part.amount_minor for part in paid.allocated}
    assert parts == {older: 180_00, newer: 70_00}
    chosen = record_payment(who, received_on=TODAY, amount_minor=120_00, today=TODAY,
                            allocate_to=[(older, 120_00)])
    assert [part.amount_minor for part in chosen.allocated] == [120_00]


bills = st.lists(st.tuples(st.integers(0, 90), st.integers(1, 10_000_00),
                           st.integers(0, 12_000_00)), min_size=1, max_size=6)


@given(bills, st.integers(0, 80_000_00))
def test_oldest_first_never_pays_a_disputed_part(rows, amount) -> None:
    invoices = [Bill(n, dt.date(2026, 1, 1) + dt.timedelta(days=due), open_)
                for n, (due, open_, _) in enumerate(rows)]
    claimed = {n: claim for n, (_, _, claim) in enumerate(rows)}
    paid = oldest_first(invoices, amount, None, claimed)
    undisputed = {b.id: max(b.open_minor - claimed[b.id], 0) for b in invoices}
    assert all(0 < part <= undisputed[bill.id] for bill, part in paid)
    assert sum(part for _, part in paid) == min(amount, sum(undisputed.values()))


def test_cash_expected_leaves_out_the_disputed_part_of_an_invoice(empty_store: db.Store) -> None:
    from models.business_figures import cash_expected

    who = customer("Partly Ltd")
    bill = invoice(who, 500_00, due_days_ago=-10)  # due in week two; no paid history
    open_dispute(who, [(bill, 200_00)], category=DisputeCategory.QUALITY,
                 customer_said="Two chairs arrived broken.", today=TODAY)
    cash = cash_expected(TODAY, today=TODAY)
    assert sum(week.usual_delay_minor for week in cash.weeks) == 300_00
