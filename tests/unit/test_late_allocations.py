"""Each allocation's kept flag "made later than its payment's or credit note's day"
(store v29) stays its derivation whatever is written, and a past day's unallocated
credit read through it is what every payment and credit note gives."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from models import db
from models.accounts import _credit_on
from models.check import check_store
from models.company import create_business
from models.db import writing
from models.ledger import LedgerError, allocate_credit, record_payment
from models.migrations import MIGRATIONS, _v29_late_allocations
from models.schema import Allocation, CreditNote, Payment
from tests.helpers import (
    kept_figure_property,
    new_store_in,
    shaped_as_new,
    take_back,
    undo_late_allocations,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_month_totals import amounts, apply, days, pick, who
from tests.unit.test_month_totals import operations as ledger_operations

pytestmark = pytest.mark.both_engines

operations = st.lists(st.one_of(
    ledger_operations.filter(bool).map(lambda steps: steps[0]),
    st.tuples(st.just("payment kept"), who, amounts, days),
    st.tuples(st.just("allocate later"), who, pick, days),
), max_size=30)

def _apply(operation: tuple, customers: list[int]) -> None:
    """The ledger's operations, and money received on one day and allocated later."""
    kind, index, amount, extra = operation
    customer_id = customers[index]
    try:
        if kind == "payment kept":
            record_payment(customer_id, received_on=TODAY - dt.timedelta(days=extra),
                           amount_minor=amount, today=TODAY, allocate_to=[])
        elif kind == "allocate later":
            _allocate_later(customer_id, amount, extra)
        else:
            apply(operation, customers)
    except LedgerError:
        pass


def _allocate_later(customer_id: int, n: int, later: int) -> None:
    sources = [(Payment, p.id, p.received_on) for p in Payment.select().where(
        (Payment.customer == customer_id) & (Payment.unallocated_minor > 0))]
    sources += [(CreditNote, c.id, c.issue_date) for c in CreditNote.select().where(
        (CreditNote.customer == customer_id) & (CreditNote.unallocated_minor > 0))]
    if not sources:
        return
    model, source_id, day = sources[n % len(sources)]
    on = min(TODAY, day + dt.timedelta(days=later % 90))
    which = {"payment_id": source_id} if model is Payment else {"credit_note_id": source_id}
    allocate_credit(customer_id, on=on, **which)


def _derived_flags() -> dict[int, bool]:
    days = {p.id: p.received_on for p in Payment.select()}
    notes = {c.id: c.issue_date for c in CreditNote.select()}
    return {a.id: a.allocated_on > (days[a.payment_id] if a.payment_id else
                                    notes[a.credit_note_id]) for a in Allocation.select()}


def _credit_by_every_allocation(day: dt.date) -> dict[tuple[int, str], int]:
    """What each payment and credit note received by ``day`` had left that day, from
    its amount and every allocation made from it by then."""
    used: dict[tuple[str, int], int] = defaultdict(int)
    for a in Allocation.select().where(~Allocation.voided & (Allocation.allocated_on <= day)):
        key = ("payment", a.payment_id) if a.payment_id else ("note", a.credit_note_id)
        used[key] += a.amount_minor
    credit: dict[tuple[int, str], int] = defaultdict(int)
    for kind, model, dated in (("payment", Payment, Payment.received_on),
                               ("note", CreditNote, CreditNote.issue_date)):
        for source in model.select().where(~model.voided & (dated <= day)):
            left = source.amount_minor - used[(kind, source.id)]
            if left:
                credit[(source.customer_id, source.currency)] += left
    return dict(credit)


def _flags_hold(location: Path | str, steps: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Property Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}", currency=currency)
                     for n, currency in enumerate(("GBP", "GBP", "EUR"))]
        for step in steps:
            _apply(step, customers)
        assert {a.id: a.late for a in Allocation.select()} == _derived_flags()
        assert check_store() == []
        moments = {a.allocated_on for a in Allocation.select()} | {TODAY}
        for day in sorted({d + dt.timedelta(days=s) for d in moments for s in (-1, 0)}):
            assert _credit_on(day, None) == _credit_by_every_allocation(day), day
    finally:
        store.close()


@kept_figure_property(operations, examples=100)
def test_the_late_flags_and_a_past_days_credit_are_always_their_derivation(
        fast_folder: Path, steps: list[tuple]) -> None:
    _flags_hold(new_store_in(fast_folder), steps)


@kept_figure_property(operations, examples=12)
def test_on_a_server_the_late_flags_and_a_past_days_credit_are_their_derivation(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _flags_hold(url, steps)


def test_money_allocated_after_its_day_is_flagged_and_check_finds_a_wrong_flag(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 120_00, due_days_ago=10)
    paid = record_payment(who, received_on=TODAY - dt.timedelta(days=5), amount_minor=50_00,
                          today=TODAY, allocate_to=[])
    record_payment(who, received_on=TODAY - dt.timedelta(days=3), amount_minor=20_00,
                   today=TODAY)
    allocate_credit(who, payment_id=paid.payment_id, allocate_to=[(bill, 50_00)],
                    on=TODAY - dt.timedelta(days=2))
    assert sorted((a.amount_minor, a.late) for a in Allocation.select()) == [
        (20_00, False), (50_00, True)]
    day = TODAY - dt.timedelta(days=3)
    assert _credit_on(day, None) == {(who, "GBP"): 50_00}
    assert check_store() == []
    with writing():
        Allocation.update(late=False).execute()
    [problem] = check_store()
    assert problem.area == "figures" and "1 flagged late wrongly" in problem.message
    with writing():  # a payment's day moved keeps its allocations' flags
        Allocation.update(late=True).where(Allocation.payment == paid.payment_id).execute()
        Payment.update(received_on=TODAY - dt.timedelta(days=1)).where(
            Payment.id == paid.payment_id).execute()
    assert sorted((a.amount_minor, a.late) for a in Allocation.select()) == [
        (20_00, False), (50_00, False)]
    assert check_store() == []


def test_a_store_from_before_gains_its_flags_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v29_late_allocations)
    with writing():
        late = Allocation.select().order_by(Allocation.id.desc()).get()
        Allocation.update(allocated_on=late.allocated_on + dt.timedelta(days=3)).where(
            Allocation.id == late.id).execute()
    flags = {a.id: a.late for a in Allocation.select()}
    assert flags[late.id] and sum(flags.values()) >= 1
    demo_store.close()
    take_back(store_target, store_engine, version, undo_late_allocations)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert {a.id: a.late for a in Allocation.select()} == flags
        assert check_store() == []
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)
