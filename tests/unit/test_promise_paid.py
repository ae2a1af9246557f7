"""Each promise's kept day last paid (store v32) stays what its invoices' allocations give
whatever is written, and Today's thanks for broken promises since kept, read through it,
are what the allocations give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from models import db
from models.check import check_store
from models.company import create_business
from models.contacts import record_promise, review_promises
from models.db import writing
from models.kinds import InvoiceStatus, PromiseStatus
from models.ledger import LedgerError, record_payment, void_payment
from models.migrations import MIGRATIONS, _v32_promise_paid
from models.relationship import _promises_kept
from models.schema import Allocation, Invoice, Payment, Promise, PromiseInvoice
from tests.helpers import (
    kept_figure_property,
    new_store_in,
    query_plan,
    shaped_as_new,
    take_back,
    undo_promise_paid,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_promise_owed import GRACE, operations
from tests.unit.test_promise_owed import _apply as apply_step

pytestmark = pytest.mark.both_engines

# The promises' and ledger's operations, and more payments of the invoices promised (in
# full or in part, on a day of the last two months) and payments voided.
steps = st.lists(st.one_of(
    operations.filter(bool).map(lambda found: found[0]),
    st.tuples(st.just("pay promised"), st.integers(0, 2), st.integers(0, 40),
              st.integers(0, 60)),
    st.tuples(st.just("pay promised"), st.integers(0, 2), st.integers(0, 40),
              st.integers(0, 60)),
    st.tuples(st.just("void payment"), st.integers(0, 2), st.integers(0, 40),
              st.integers(0, 60)),
), max_size=30)


def _apply(step: tuple, customers: list[int]) -> None:
    kind, index, n, back = step
    customer_id = customers[index]
    try:
        if kind == "pay promised":
            promised = [i for i in Invoice.select().join(PromiseInvoice).join(Promise).where(
                (Promise.customer == customer_id) & (Invoice.open_minor > 0))
                .order_by(Invoice.id)]
            if promised:
                bill = promised[n % len(promised)]
                amount = bill.open_minor if n % 3 else max(1, bill.open_minor // 2)
                record_payment(customer_id, received_on=TODAY - dt.timedelta(days=back),
                               amount_minor=amount, today=TODAY,
                               allocate_to=[(bill.id, amount)])
        elif kind == "void payment":
            payments = [p.id for p in Payment.select(Payment.id).where(
                (Payment.customer == customer_id) & ~Payment.voided).order_by(Payment.id)]
            if payments:
                void_payment(payments[n % len(payments)], "Bounced")
        else:
            apply_step(step, customers)
    except LedgerError:
        pass


def _derived() -> dict[int, dt.date | None]:
    """Each promise's latest day an allocation, not voided, was made to its invoices,
    worked out here from every row."""
    days: dict[int, list[dt.date]] = {}
    for allocation in Allocation.select().where(Allocation.invoice.is_null(False)
                                                & ~Allocation.voided):
        days.setdefault(allocation.invoice_id, []).append(allocation.allocated_on)
    paid: dict[int, dt.date | None] = {p.id: None for p in Promise.select(Promise.id)}
    for link in PromiseInvoice.select():
        for day in days.get(link.invoice_id, []):
            last = paid[link.promise_id]
            paid[link.promise_id] = day if last is None or day > last else last
    return paid


def _kept_by_derivation(as_of: dt.date, paid: dict[int, dt.date | None]) -> list[int]:
    """The broken promises since kept on ``as_of``, from every promise's invoices."""
    found = []
    for promise in Promise.select().order_by(Promise.id):
        day = paid[promise.id]
        statuses = {i.status for i in Invoice.select().join(PromiseInvoice).where(
            PromiseInvoice.promise == promise.id)}
        if (promise.status == PromiseStatus.BROKEN and promise.resolved_on is not None
                and promise.resolved_on >= as_of - dt.timedelta(days=365)
                and day is not None and as_of - dt.timedelta(days=30) <= day <= as_of
                and statuses <= {InvoiceStatus.PAID}):
            found.append(promise.id)
    return found


def _paid_holds(location: Path | str, done: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Paid Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}", currency=currency)
                     for n, currency in enumerate(("GBP", "GBP", "EUR"))]
        bills = [invoice(customers[number % 3], 100_00 + number, due_days_ago=30 - number)
                 for number in range(4)]
        made = dt.datetime.combine(TODAY - dt.timedelta(days=40), dt.time(9))
        for index, promised in ((0, [bills[0], bills[3]]), (1, [bills[1]])):
            record_promise(customers[index], amount_minor=150_00, invoice_ids=promised,
                           promised_for=made.date() + dt.timedelta(days=5), now=made)
        for step in done:
            _apply(step, customers)
        review_promises(TODAY, grace_days=GRACE)
        paid = _derived()
        assert {p.id: p.last_paid_on for p in Promise.select()} == paid
        assert check_store() == []
        for day in (TODAY - dt.timedelta(days=20), TODAY, TODAY + dt.timedelta(days=25)):
            assert sorted(t.ref_id for t in _promises_kept(day)) == \
                _kept_by_derivation(day, paid), day
    finally:
        store.close()


@kept_figure_property(steps, examples=60)
def test_a_promises_last_day_paid_is_always_what_its_invoices_allocations_give(
        fast_folder: Path, steps: list[tuple]) -> None:
    _paid_holds(new_store_in(fast_folder), steps)


@kept_figure_property(steps, examples=12)
def test_on_a_server_a_promises_last_day_paid_is_what_its_allocations_give(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _paid_holds(url, steps)


def test_a_kept_broken_promise_is_thanked_from_its_day_and_check_finds_a_wrong_one(
        empty_store: db.Store) -> None:
    who = customer()
    first, second = invoice(who, 120_00, due_days_ago=40), invoice(who, 80_00, due_days_ago=35)
    made = dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time(9))
    promise_id = record_promise(who, amount_minor=200_00, promised_for=made.date(),
                                invoice_ids=[first, second], now=made)
    review_promises(TODAY - dt.timedelta(days=20), grace_days=GRACE)
    assert Promise.get_by_id(promise_id).status == PromiseStatus.BROKEN
    record_payment(who, received_on=TODAY - dt.timedelta(days=6), amount_minor=120_00,
                   today=TODAY, allocate_to=[(first, 120_00)])
    assert Promise.get_by_id(promise_id).last_paid_on == TODAY - dt.timedelta(days=6)
    assert _promises_kept(TODAY) == []  # one invoice still owed
    last = record_payment(who, received_on=TODAY - dt.timedelta(days=2), amount_minor=80_00,
                          today=TODAY, allocate_to=[(second, 80_00)])
    [thanks] = _promises_kept(TODAY)
    assert (thanks.ref_id, thanks.due_on) == (promise_id, TODAY - dt.timedelta(days=2))
    void_payment(last.payment_id, "Bounced")
    assert Promise.get_by_id(promise_id).last_paid_on == TODAY - dt.timedelta(days=6)
    assert _promises_kept(TODAY) == [] and check_store() == []
    with writing():
        Promise.update(last_paid_on=TODAY).execute()
    [problem] = check_store()
    assert (problem.area, problem.message) == (
        "figures", f"Zoë Ødegård AS's promise #{promise_id} to pay by "
                   f"{made.date().isoformat()} shows {TODAY.isoformat()} as the day its "
                   f"invoices were last paid but their allocations say "
                   f"{(TODAY - dt.timedelta(days=6)).isoformat()}")


def test_a_store_from_before_gains_its_days_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v32_promise_paid)
    paid = {p.id: p.last_paid_on for p in Promise.select()}
    assert paid == _derived() and any(day is not None for day in paid.values())
    listed = [_promises_kept(TODAY + dt.timedelta(days=back)) for back in (-60, 0, 20)]
    assert any(listed)
    demo_store.close()
    take_back(store_target, store_engine, version, undo_promise_paid)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert {p.id: p.last_paid_on for p in Promise.select()} == paid
        assert [_promises_kept(TODAY + dt.timedelta(days=back)) for back in (-60, 0, 20)] \
            == listed
        assert check_store() == []
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)


def test_every_write_that_moves_a_promises_last_day_paid_moves_it(
        empty_store: db.Store) -> None:
    who = customer()
    first, second = invoice(who, 120_00, due_days_ago=40), invoice(who, 80_00, due_days_ago=35)
    early = TODAY - dt.timedelta(days=9)
    record_payment(who, received_on=early, amount_minor=20_00, today=TODAY,
                   allocate_to=[(second, 20_00)])
    made = dt.datetime.combine(TODAY - dt.timedelta(days=8), dt.time(9))
    # A promise on an invoice paid in part before: its day is that payment's.
    promise_id = record_promise(who, amount_minor=60_00, promised_for=made.date(),
                                invoice_ids=[second], now=made)

    def kept() -> dt.date | None:
        day: dt.date | None = Promise.get_by_id(promise_id).last_paid_on
        assert {promise_id: day} == {promise_id: _derived()[promise_id]}
        return day

    assert kept() == early
    record_payment(who, received_on=TODAY - dt.timedelta(days=3), amount_minor=10_00,
                   today=TODAY, allocate_to=[(first, 10_00)])
    link = PromiseInvoice.get(PromiseInvoice.promise == promise_id)
    with writing():  # the link moved onto the other invoice
        PromiseInvoice.update(invoice=first).where(PromiseInvoice.id == link.id).execute()
    assert kept() == TODAY - dt.timedelta(days=3)
    with writing():  # the invoice taken off, then put back
        PromiseInvoice.delete().where(PromiseInvoice.id == link.id).execute()
        assert kept() is None
        PromiseInvoice.insert(promise=promise_id, invoice=first).execute()
    assert kept() == TODAY - dt.timedelta(days=3)
    with writing():  # its allocation deleted outright, as no screen does
        allocation = Allocation.get(Allocation.invoice == first)
        Allocation.delete().where(Allocation.id == allocation.id).execute()
        Invoice.update(open_minor=120_00).where(Invoice.id == first).execute()
        Payment.update(unallocated_minor=10_00).where(
            Payment.id == allocation.payment_id).execute()
    assert kept() is None
    assert check_store() == []


def test_the_kept_promises_are_read_from_their_index(
        demo_store: db.Store, store_engine: str) -> None:
    if store_engine != "sqlite":
        pytest.skip("SQLite's planner")
    plan = query_plan(lambda: _promises_kept(TODAY))
    assert not any(step.startswith("SCAN") for step in plan), plan
    assert "promise_paid_off" in " ".join(plan), plan
