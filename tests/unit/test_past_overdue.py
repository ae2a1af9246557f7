"""The overdue list for a past as-of date says what was open that day: what is open now
plus what was allocated after it (read from the allocations' covering indexes, store
v22). Whatever is posted, in whatever order and on whatever days — payments chosen or
oldest first, dated before an invoice was issued or long after, credit notes, credit
allocated later, voided payments and invoices, write-offs, disputes settled by a credit —
it equals the derivation from every allocation made by that day."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.accounts import (
    DEFAULT_BUCKET_EDGES,
    RECEIVABLE_STATUSES,
    AccountRow,
    aging_bucket,
    open_invoices_on,
    overdue_accounts,
)
from models.company import create_business
from models.dispute_credits import resolve_by_credit
from models.disputes import open_dispute
from models.errors import LedgerError
from models.kinds import DisputeCategory, WriteOffReason
from models.ledger import (
    InvoiceDraft,
    add_credit_note,
    add_invoice,
    allocate_credit,
    record_payment,
    void_invoice,
    void_payment,
)
from models.migrations import MIGRATIONS, _v22_covering_allocation_indexes
from models.schema import Allocation, CreditNote, Invoice, Payment, database
from models.write_offs import write_off
from tests.helpers import undo_covering_allocation_indexes
from tests.unit.ledger_helpers import TODAY, customer, invoice

_stores = itertools.count()
_numbers = itertools.count(1)
LATER = TODAY + dt.timedelta(days=1)  # the business's day: every as-of date is past
AS_OF_DAYS = (-260, -170, -131, -130, -100, -75, -61, -45, -31, -30, -12, -1, 0)

Figures = tuple[int, int, tuple[int, ...], int, int]  # balance, overdue, buckets, days, credit


def _derived(as_of: dt.date, customer_id: int | None = None
             ) -> dict[tuple[int, str], Figures]:
    """Each account's figures on ``as_of`` worked out in Python from every invoice,
    payment, credit note and allocation, as the list did before store v22."""
    paid: dict[tuple[str, int], int] = defaultdict(int)
    for row in Allocation.select().where(~Allocation.voided
                                         & (Allocation.allocated_on <= as_of)):
        paid[("invoice", row.invoice_id)] += row.amount_minor if row.invoice_id else 0
        source = ("payment", row.payment_id) if row.payment_id else ("note", row.credit_note_id)
        paid[source] += row.amount_minor
    owed: dict[tuple[int, str], list[int]] = {}
    oldest: dict[tuple[int, str], dt.date] = {}
    for bill in Invoice.select().where((Invoice.issue_date <= as_of)
                                       & Invoice.status.in_(RECEIVABLE_STATUSES)):
        left = bill.amount_minor - paid[("invoice", bill.id)]
        if left > 0:
            key = (bill.customer_id, bill.currency)
            sums = owed.setdefault(key, [0] * (len(DEFAULT_BUCKET_EDGES) + 2))
            sums[aging_bucket((as_of - bill.due_date).days)] += left
            oldest[key] = min(oldest.get(key, bill.due_date), bill.due_date)
    credit: dict[tuple[int, str], int] = defaultdict(int)
    for model, kind, dated in ((Payment, "payment", Payment.received_on),
                               (CreditNote, "note", CreditNote.issue_date)):
        for source in model.select().where((dated <= as_of) & ~model.voided):
            credit[(source.customer_id, source.currency)] += max(
                source.amount_minor - paid[(kind, source.id)], 0)
    found = {}
    for key in set(owed) | {k for k, v in credit.items() if v}:
        if customer_id is not None and key[0] != customer_id:
            continue
        sums = owed.get(key, [0] * (len(DEFAULT_BUCKET_EDGES) + 2))
        days = max((as_of - oldest[key]).days, 0) if key in oldest else 0
        found[key] = (sum(sums) - credit[key], sum(sums[1:]), tuple(sums), days, credit[key])
    return found


def _listed(rows: list[AccountRow]) -> dict[tuple[int, str], Figures]:
    """The list's figures of the accounts that have something open or some credit."""
    return {(r.customer_id, r.currency): (r.balance_minor, r.overdue_minor, r.buckets,
                                          r.oldest_days_overdue, r.unallocated_minor)
            for r in rows if any(r.buckets) or r.unallocated_minor}


def _open_per_invoice(as_of: dt.date) -> dict[int, int]:
    """What was open on each invoice on ``as_of``, from every allocation made by then."""
    paid: dict[int, int] = defaultdict(int)
    for row in Allocation.select().where(~Allocation.voided & Allocation.invoice.is_null(False)
                                         & (Allocation.allocated_on <= as_of)):
        paid[row.invoice_id] += row.amount_minor
    return {bill.id: bill.amount_minor - paid[bill.id]
            for bill in Invoice.select().where((Invoice.issue_date <= as_of)
                                               & Invoice.status.in_(RECEIVABLE_STATUSES))
            if bill.amount_minor - paid[bill.id] > 0}


amounts = st.integers(1, 900_00)
days = st.integers(-240, 0)  # from TODAY
operations = st.lists(st.one_of(
    st.tuples(st.just("invoice"), st.integers(0, 1), st.integers(0, 9), amounts, days),
    st.tuples(st.just("pay"), st.integers(0, 1), st.integers(0, 9), amounts, days),
    st.tuples(st.just("pay oldest first"), st.integers(0, 1), st.just(0), amounts, days),
    st.tuples(st.just("credit note"), st.integers(0, 1), st.integers(0, 9), amounts, days),
    st.tuples(st.just("allocate credit"), st.integers(0, 1), st.integers(0, 9), st.just(0),
              days),
    st.tuples(st.just("void payment"), st.integers(0, 1), st.integers(0, 9), st.just(0),
              st.just(0)),
    st.tuples(st.just("void invoice"), st.integers(0, 1), st.integers(0, 9), st.just(0),
              st.just(0)),
    st.tuples(st.just("write off"), st.integers(0, 1), st.integers(0, 9), amounts, days),
    st.tuples(st.just("dispute credit"), st.integers(0, 1), st.integers(0, 9), amounts,
              days),
), max_size=16)


def _apply(step: tuple[str, int, int, int, int], accounts: list[tuple[int, list[int]]]
           ) -> None:
    """Post one step as a user would; refusals are part of the game."""
    kind, which, pick, amount, offset = step
    who, bills = accounts[which]
    on = TODAY + dt.timedelta(days=offset)
    bill = bills[pick % len(bills)]
    payments = [p.id for p in Payment.select().where(Payment.customer == who)
                .order_by(Payment.id)]
    try:
        if kind == "invoice":
            bills.append(add_invoice(who, InvoiceDraft(
                number=f"P-{next(_numbers)}", issue_date=on,
                due_date=on + dt.timedelta(days=pick * 7), amount_minor=amount), today=on))
        elif kind == "pay":
            share = min(amount, Invoice.get_by_id(bill).open_minor)
            # The payment may be dated before the invoice was issued (money on account).
            record_payment(who, received_on=on, amount_minor=amount, today=TODAY,
                           allocate_to=[(bill, share)] if share else [])
        elif kind == "pay oldest first":
            record_payment(who, received_on=on, amount_minor=amount, today=TODAY)
        elif kind == "credit note":
            add_credit_note(who, number=f"CN-{next(_numbers)}", issue_date=on,
                            amount_minor=amount, invoice_id=bill, today=TODAY)
        elif kind == "allocate credit" and payments:
            allocate_credit(who, payment_id=payments[pick % len(payments)], on=on)
        elif kind == "void payment" and payments:
            void_payment(payments[pick % len(payments)], "Posted by mistake")
        elif kind == "void invoice":
            void_invoice(bill, "Raised in error")
        elif kind == "write off":
            write_off(bill, reason=WriteOffReason.INSOLVENT, amount_minor=amount, on=on,
                      today=TODAY)
        elif kind == "dispute credit":
            case = open_dispute(who, [(bill, None)], category=DisputeCategory.PRICE,
                                customer_said="The price is not what we agreed.",
                                raised_on=on, today=TODAY)
            resolve_by_credit(case, number=f"DC-{next(_numbers)}", issue_date=on,
                              reason="Price agreed again", today=TODAY)
    except LedgerError:
        pass


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
@pytest.mark.slow
def test_a_past_as_of_date_says_what_every_allocation_by_then_says(
        fast_folder: Path, steps: list[tuple[str, int, int, int, int]]) -> None:
    store = db.open_store(fast_folder / f"past{next(_stores)}.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        accounts = []
        for name in ("Zoë Ødegård AS", "Anders & Co"):
            who = customer(name)
            accounts.append((who, [invoice(who, 900_00, due_days_ago=160),
                                   invoice(who, 300_00, due_days_ago=70),
                                   invoice(who, 450_00, due_days_ago=5)]))
        for step in steps:
            _apply(step, accounts)
        who = accounts[0][0]
        for offset in AS_OF_DAYS:
            as_of = TODAY + dt.timedelta(days=offset)
            derived = _derived(as_of)
            assert _listed(overdue_accounts(as_of, today=LATER, include_all=True)) == derived
            assert _listed(overdue_accounts(as_of, today=LATER)) == {
                key: figures for key, figures in derived.items() if figures[1] > 0}
            assert _listed(overdue_accounts(as_of, today=LATER, include_all=True,
                                            customer_id=who)) == _derived(as_of, who)
            rows = database.execute(open_invoices_on(as_of, today=LATER)).fetchall()
            assert {row[0]: row[4] for row in rows} == _open_per_invoice(as_of)
            assert len(rows) == len(_open_per_invoice(as_of))  # each invoice once
        # From today on the list reads the kept amounts: the same figures.
        assert _listed(overdue_accounts(LATER, today=LATER, include_all=True)) == _derived(
            LATER)
    finally:
        store.close()


def test_a_payment_after_the_as_of_date_is_not_counted_then(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=40)
    record_payment(who, received_on=TODAY - dt.timedelta(days=20), amount_minor=200_00,
                   today=TODAY, allocate_to=[(bill, 200_00)])
    record_payment(who, received_on=TODAY - dt.timedelta(days=5), amount_minor=300_00,
                   today=TODAY, allocate_to=[(bill, 300_00)])
    before = TODAY - dt.timedelta(days=25)
    between = TODAY - dt.timedelta(days=10)
    assert [(r.balance_minor, r.overdue_minor) for r in
            overdue_accounts(before, today=TODAY)] == [(500_00, 500_00)]
    assert [(r.balance_minor, r.overdue_minor) for r in
            overdue_accounts(between, today=TODAY)] == [(300_00, 300_00)]
    assert overdue_accounts(TODAY - dt.timedelta(days=1), today=TODAY) == []


def test_a_store_before_the_covering_allocation_indexes_migrates(tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items()
                   if step is _v22_covering_allocation_indexes)
    path = tmp_path / "before.sqlite"
    db.open_store(path, create=True).close()
    with sqlite3.connect(path) as connection:
        undo_covering_allocation_indexes(connection)
        connection.execute(f"PRAGMA user_version = {version - 1}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    store = db.open_store(path)
    try:
        assert store.migrated_from == version - 1
    finally:
        store.close()
    shape = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'allocation' " \
            "ORDER BY name"
    with sqlite3.connect(path) as old, sqlite3.connect(new) as fresh:
        assert old.execute(shape).fetchall() == fresh.execute(shape).fetchall()
        plan = old.execute("EXPLAIN QUERY PLAN SELECT SUM(amount_minor) FROM allocation "
                           "WHERE invoice_id = 1 AND NOT voided AND allocated_on > "
                           "'2026-01-01'").fetchall()
    assert "COVERING INDEX allocation_invoice_id" in " ".join(str(step) for step in plan)
