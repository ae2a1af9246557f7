"""Each promise's kept still-owed amount (store v30) stays what its invoices leave open
whatever is written, and Today's promises read through it are what the invoices give."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from hypothesis import strategies as st

from models import db
from models.check import check_store
from models.company import create_business
from models.contacts import promise_deadline, record_promise, review_promises
from models.db import writing
from models.kinds import PromiseStatus
from models.ledger import LedgerError, record_payment, void_payment
from models.migrations import MIGRATIONS, _v30_promise_owed
from models.money import format_money
from models.schema import Invoice, Promise, PromiseInvoice
from models.today import PROMISE_BROKEN, PROMISE_DUE, _promises
from tests.helpers import (
    kept_figure_property,
    new_store_in,
    query_plan,
    shaped_as_new,
    take_back,
    undo_promise_owed,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_late_allocations import _apply as apply_ledger
from tests.unit.test_late_allocations import operations as ledger_operations
from tests.unit.test_month_totals import days, pick, who

pytestmark = pytest.mark.both_engines

GRACE = 3
operations = st.lists(st.one_of(
    ledger_operations.filter(bool).map(lambda steps: steps[0]),
    st.tuples(st.just("promise"), who, pick, days),
    st.tuples(st.just("promise"), who, pick, days),
    st.tuples(st.just("review"), who, pick, days),
    st.tuples(st.just("unlink"), who, pick, pick),
    st.tuples(st.just("relink"), who, pick, pick),
    st.tuples(st.just("drop promise"), who, pick, pick),
), max_size=30)

def _nth(rows: list[int], n: int) -> int | None:
    return rows[n % len(rows)] if rows else None


def _apply(operation: tuple, customers: list[int]) -> None:
    """The ledger's operations, promises made on some of a customer's invoices and
    reviewed, and what no screen does yet but a writer might: an invoice taken from a
    promise or swapped for another, a promise deleted with its links."""
    kind, index, n, extra = operation
    customer_id = customers[index]
    invoices = [i.id for i in Invoice.select(Invoice.id).where(
        Invoice.customer == customer_id).order_by(Invoice.id)]
    # Open ones first where there are: a paid invoice moves no promise's amount.
    owing = [i.id for i in Invoice.select(Invoice.id).where(
        (Invoice.customer == customer_id) & (Invoice.open_minor > 0)).order_by(Invoice.id)]
    links = [link.id for link in PromiseInvoice.select(PromiseInvoice.id).join(Promise).where(
        Promise.customer == customer_id).order_by(PromiseInvoice.id)]
    try:
        if kind == "promise" and invoices:
            some = owing if owing and extra % 4 else invoices
            chosen = [some[(n + step * (extra + 1)) % len(some)] for step in range(1 + n % 3)]
            made = dt.datetime.combine(TODAY - dt.timedelta(days=extra % 60), dt.time(9))
            record_promise(customer_id, amount_minor=1 + n * 1_000,
                           promised_for=made.date() + dt.timedelta(days=n % 20),
                           invoice_ids=chosen, now=made)
        elif kind == "review":
            review_promises(TODAY - dt.timedelta(days=extra % 60), grace_days=GRACE,
                            customer_id=customer_id)
        elif kind == "unlink" and links:
            with writing():
                PromiseInvoice.delete().where(PromiseInvoice.id == _nth(links, n)).execute()
        elif kind == "relink" and links and extra % 2:
            with writing():  # onto another invoice
                PromiseInvoice.update(invoice=_nth(owing or invoices, extra // 2)).where(
                    PromiseInvoice.id == _nth(links, n)).execute()
        elif kind == "relink" and links:
            promises = [p.id for p in Promise.select(Promise.id).where(
                Promise.customer == customer_id).order_by(Promise.id)]
            with writing():  # onto another promise
                PromiseInvoice.update(promise=_nth(promises, extra // 2)).where(
                    PromiseInvoice.id == _nth(links, n)).execute()
        elif kind == "drop promise" and links:
            with writing():
                promise_id = PromiseInvoice.get_by_id(_nth(links, n)).promise_id
                PromiseInvoice.delete().where(PromiseInvoice.promise == promise_id).execute()
                Promise.delete().where(Promise.id == promise_id).execute()
        elif kind == "delete unpaid" and _promised(invoices, n):
            pass  # an import is never undone once a promise names its invoices
        elif kind not in ("promise", "review", "unlink", "relink", "drop promise"):
            apply_ledger(operation, customers)
    except LedgerError:
        pass
    except pw.IntegrityError:
        if kind != "relink":  # onto an invoice already on the promise
            raise


def _promised(invoices: list[int], n: int) -> bool:
    chosen = _nth(invoices, n)
    return PromiseInvoice.select().where(PromiseInvoice.invoice == chosen).exists()


def _derived() -> dict[int, int]:
    """What each promise's invoices leave open, summed here from every row."""
    open_amounts = {i.id: i.open_minor for i in Invoice.select(Invoice.id, Invoice.open_minor)}
    owed: dict[int, int] = defaultdict(int)
    for promise in Promise.select(Promise.id):
        owed[promise.id] = 0
    for link in PromiseInvoice.select():
        owed[link.promise_id] += open_amounts[link.invoice_id]
    return dict(owed)


def _listed_by_derivation(day: dt.date, owed: dict[int, int]) -> list[tuple[int, str, str]]:
    """Today's promises as every promise's invoices give them: (promise, kind, and for a
    broken one what it says is still owed)."""
    found = []
    for promise in Promise.select().where(Promise.promised_for <= day).order_by(Promise.id):
        if promise.status not in (PromiseStatus.OPEN, PromiseStatus.BROKEN):
            continue
        broken = (promise.status == PromiseStatus.BROKEN
                  or day > promise_deadline(promise.promised_for, GRACE))
        if broken and owed[promise.id]:
            found.append((promise.id, PROMISE_BROKEN, "Still owed on the invoices promised: "
                          f"{format_money(owed[promise.id], promise.currency)}"))
        elif not broken:
            found.append((promise.id, PROMISE_DUE, ""))
    return found


def _owed_holds(location: Path | str, steps: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Property Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}", currency=currency)
                     for n, currency in enumerate(("GBP", "GBP", "EUR"))]
        # Promises on invoices from the first step: every posting may move them.
        bills = [invoice(customers[number % 3], 100_00 + number, due_days_ago=30 - number)
                 for number in range(4)]
        made = dt.datetime.combine(TODAY - dt.timedelta(days=40), dt.time(9))
        for index, promised in ((0, [bills[0], bills[3]]), (1, [bills[1]])):
            record_promise(customers[index], amount_minor=150_00, invoice_ids=promised,
                           promised_for=made.date() + dt.timedelta(days=5), now=made)
        for step in steps:
            _apply(step, customers)
        owed = _derived()
        assert {p.id: p.owed_minor for p in Promise.select()} == owed
        assert check_store() == []
        for day in (TODAY - dt.timedelta(days=30), TODAY, TODAY + dt.timedelta(days=30)):
            listed = [(i.ref_id, i.kind, i.detail if i.kind == PROMISE_BROKEN else "")
                      for i in _promises(day, GRACE)]
            assert listed == _listed_by_derivation(day, owed), day
    finally:
        store.close()


@kept_figure_property(operations, examples=100)
def test_a_promises_kept_amount_is_always_what_its_invoices_leave_open(
        fast_folder: Path, steps: list[tuple]) -> None:
    _owed_holds(new_store_in(fast_folder), steps)


@kept_figure_property(operations, examples=25)
def test_on_a_server_a_promises_kept_amount_is_what_its_invoices_leave_open(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _owed_holds(url, steps)


def test_a_promise_follows_its_invoices_and_check_finds_a_wrong_amount(
        empty_store: db.Store) -> None:
    who = customer()
    first, second = invoice(who, 120_00, due_days_ago=10), invoice(who, 80_00, due_days_ago=5)
    made = dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(9))
    promise_id = record_promise(who, amount_minor=200_00, promised_for=made.date(),
                                invoice_ids=[first, second], now=made)
    assert Promise.get_by_id(promise_id).owed_minor == 200_00
    paid = record_payment(who, received_on=TODAY, amount_minor=150_00, today=TODAY,
                          allocate_to=[(first, 120_00), (second, 30_00)])
    assert Promise.get_by_id(promise_id).owed_minor == 50_00
    [item] = _promises(TODAY, GRACE)
    assert (item.kind, item.detail) == (
        PROMISE_BROKEN, "Still owed on the invoices promised: 50.00 GBP")
    void_payment(paid.payment_id, "Bounced")
    assert Promise.get_by_id(promise_id).owed_minor == 200_00
    assert check_store() == []
    with writing():
        Promise.update(owed_minor=0).execute()
    assert _promises(TODAY, GRACE) == []  # what Today reads is the kept amount
    [problem] = check_store()
    assert problem.area == "figures"
    assert problem.message == (
        f"Zoë Ødegård AS's promise #{promise_id} to pay 200.00 GBP by "
        f"{made.date().isoformat()} shows 0.00 GBP still owed but its invoices leave "
        f"200.00 GBP open")


def test_a_store_from_before_gains_its_amounts_from_what_it_holds(
        demo_store: db.Store, store_target: Path | str, store_engine: str,
        tmp_path: Path) -> None:
    version = next(v for v, step in MIGRATIONS.items() if step is _v30_promise_owed)
    owed = {p.id: p.owed_minor for p in Promise.select()}
    assert owed == _derived() and sum(1 for v in owed.values() if v) >= 1
    assert 0 in owed.values()
    listed = _promises(TODAY, GRACE)
    demo_store.close()
    take_back(store_target, store_engine, version, undo_promise_owed)
    store = db.open_store(store_target)
    try:
        assert store.migrated_from == version - 1
        assert {p.id: p.owed_minor for p in Promise.select()} == owed
        assert _promises(TODAY, GRACE) == listed
        assert check_store() == []
        if store_engine == "sqlite":
            assert _indexes_read(TODAY) == {"promise_open", "promise_owed"}
    finally:
        store.close()
    assert shaped_as_new(store_target, store_engine, tmp_path)


def _indexes_read(day: dt.date) -> set[str]:
    """The indexes SQLite's planner reads Today's promises through, as it plans the
    statement :func:`_promises` sends (its values written in)."""
    plan = query_plan(lambda: _promises(day, GRACE), "promise")
    assert not any(step.startswith("SCAN") and "INDEX" not in step for step in plan), plan
    return {step.split(" INDEX ")[1].split()[0] for step in plan if " INDEX " in step}
