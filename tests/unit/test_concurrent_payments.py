"""Payments recorded by several people at once: two connections recording payments
for the same customers at the same moment never allocate an invoice beyond its amount
nor a payment beyond its own, on a server (row locks, docs/decisions.md) as on a file
(one writer at a time)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import peewee as pw
import psycopg
import pytest

from models import db
from models.check import check_store
from models.company import create_business
from models.ledger import record_payment
from models.schema import Allocation, AuditEntry, Invoice, Payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

PAIRS = 1000
CUSTOMERS = 4
INVOICES_EACH = 5
INVOICE_MINOR = 300


@pytest.fixture
def store_path(fast_folder: Path) -> Path:
    """The file store of these tests in memory: two thousand commits, each synced."""
    return fast_folder / "store.sqlite"


@pytest.fixture
def server_store(postgres_cluster: Any) -> Iterator[str]:
    """A store on the throwaway server, open on this thread; its address."""
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    store = db.open_store(url, create=True)
    create_business("Harbour & Finch Ltd", address="1 Quay Street\nBristol BS1 4DJ",
                    country="GB", currency="GBP")
    try:
        yield url
    finally:
        store.close()
        postgres_cluster.drop_database(name)


def _race(pairs: int, work: Callable[[int, int], None]) -> list[BaseException]:
    """Run ``work(pair, side)`` for each pair on two threads at once (sides 0 and 1),
    each thread on its own connection, a barrier starting each pair together; the
    errors raised."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def side(which: int) -> None:
        try:
            for pair in range(pairs):
                barrier.wait(timeout=30)
                work(pair, which)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            errors.append(error)
            barrier.abort()
        finally:
            db.close_thread_connection()

    threads = [threading.Thread(target=side, args=(which,)) for which in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _accounts() -> list[int]:
    ids = [customer(f"Racing Customer {n}") for n in range(CUSTOMERS)]
    for customer_id in ids:
        for n in range(INVOICES_EACH):
            invoice(customer_id, INVOICE_MINOR, due_days_ago=40 - n)
    return ids


def _small_amount(pair: int, side: int) -> int:
    return 1 + (pair * 7 + side * 3) % 5  # 1 to 5 pence: about what is invoiced in all


def _over_allocated() -> list[tuple[str, int]]:
    paid = pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_minor), 0)
    invoices = (Invoice.select(Invoice.id, Invoice.amount_minor, paid.alias("paid"))
                .join(Allocation, pw.JOIN.LEFT_OUTER,
                      on=(Allocation.invoice == Invoice.id) & ~Allocation.voided)
                .group_by(Invoice.id, Invoice.amount_minor))
    payments = (Payment.select(Payment.id, Payment.amount_minor, paid.alias("paid"))
                .join(Allocation, pw.JOIN.LEFT_OUTER,
                      on=(Allocation.payment == Payment.id) & ~Allocation.voided)
                .group_by(Payment.id, Payment.amount_minor))
    return [(kind, row.id) for kind, query in (("invoice", invoices), ("payment", payments))
            for row in query if row.paid > row.amount_minor]


def _allocated_by_customer(ids: Sequence[int]) -> dict[int, int]:
    return {cid: int(Allocation.select(pw.fn.COALESCE(pw.fn.SUM(Allocation.amount_minor), 0))
                     .join(Invoice).where((Invoice.customer == cid) & ~Allocation.voided)
                     .scalar()) for cid in ids}


@pytest.mark.slow  # 2,000 payments: about ten seconds on each engine on a quiet machine
def test_a_thousand_payment_pairs_recorded_at_once_never_over_allocate(
        empty_store: db.Store) -> None:
    ids = _accounts()
    received = TODAY - dt.timedelta(days=1)

    def pay(pair: int, side: int) -> None:
        # No early-payment terms here, so incentives would only add their reading;
        # a discount's credit note allocates holding the same account (grant_credit).
        record_payment(ids[pair % CUSTOMERS], received_on=received,
                       amount_minor=_small_amount(pair, side), today=TODAY,
                       incentives=False)

    assert _race(PAIRS, pay) == []

    assert Payment.select().count() == 2 * PAIRS
    assert _over_allocated() == []
    assert check_store() == []
    # Every penny paid went to what was open, oldest first, until nothing was open.
    for cid, allocated in _allocated_by_customer(ids).items():
        paid = sum(_small_amount(pair, side) for pair in range(cid - ids[0], PAIRS, CUSTOMERS)
                   for side in (0, 1))
        assert allocated == min(paid, INVOICES_EACH * INVOICE_MINOR)


# --- a connection lost mid-write -------------------------------------------------------

def _waiting_for_a_lock(watcher: psycopg.Connection[Any]) -> int:
    """The server process of the Duly connection waiting for a row lock (it gets there
    within moments of being started; ten seconds at most). ``watcher`` is in autocommit:
    a transaction would see the server's activity as it was when it began."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'Duly' AND wait_event_type = 'Lock'").fetchall()
        if found:
            return int(found[0][0])
    raise AssertionError("the write never waited for the row held")


def test_a_connection_ended_mid_payment_writes_nothing_and_then_connects_again(
        server_store: str) -> None:
    who = customer("Cut Short Ltd")
    held = invoice(who, 50_000, due_days_ago=20)
    # Another person's write holds the invoice, so the payment stops half-way: its row
    # written, waiting to allocate. Then whoever looks after the server ends it.
    other = psycopg.connect(server_store)
    other.execute("SELECT id FROM invoice WHERE id = %s FOR UPDATE", (held,))
    failed, released = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def pay() -> None:
        try:
            with db.known_errors():
                record_payment(who, received_on=TODAY, amount_minor=20_000,
                               allocate_to=[(held, 20_000)], today=TODAY)
        except db.StoreError as error:
            outcome["first"] = error
        finally:
            failed.set()
        released.wait(timeout=30)
        try:  # the same person tries again, on the same thread
            with db.known_errors():
                outcome["second"] = record_payment(who, received_on=TODAY,
                                                   amount_minor=20_000, today=TODAY)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            outcome["second"] = error
        finally:
            db.close_thread_connection()

    payer = threading.Thread(target=pay)
    payer.start()
    try:
        with psycopg.connect(server_store, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 20000)", (_waiting_for_a_lock(admin),))
        assert failed.wait(timeout=30)
    finally:
        other.rollback()
        other.close()
        released.set()
        payer.join()

    first = outcome["first"]
    assert isinstance(first, db.ServerUnreachable)
    assert "connection to it was lost, so nothing was recorded" in first.message
    result = outcome["second"]
    assert not isinstance(result, BaseException), result
    # Nothing of the first attempt is left: one payment, the second, paying the invoice.
    assert [p.id for p in Payment.select()] == [result.payment_id]
    assert [(a.payment_id, a.amount_minor) for a in Allocation.select()] == \
        [(result.payment_id, 20_000)]
    assert AuditEntry.select().where(AuditEntry.action == "record payment").count() == 1
    assert Invoice.get_by_id(held).open_minor == 30_000
    assert check_store() == []


def test_a_deadlock_the_server_breaks_is_told_as_busy_and_records_nothing(
        server_store: str) -> None:
    who = customer("Crossed Ltd")
    held = invoice(who, 10_000, due_days_ago=5)
    # Another program takes the invoice, then the customer: the opposite of Duly's order.
    other = psycopg.connect(server_store)
    other.execute("SET deadlock_timeout = '30s'")  # so the server ends Duly's side
    other.execute("SELECT id FROM invoice WHERE id = %s FOR UPDATE", (held,))
    outcome: dict[str, BaseException] = {}

    def pay() -> None:
        try:  # as the window's tasks do, naming the store as Store.path names it
            with db.known_errors(Path(server_store.rpartition("/")[2])):
                record_payment(who, received_on=TODAY, amount_minor=4_000,
                               allocate_to=[(held, 4_000)], today=TODAY)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            outcome["error"] = error
        finally:
            db.close_thread_connection()

    payer = threading.Thread(target=pay)
    payer.start()
    try:
        with psycopg.connect(server_store, autocommit=True) as watcher:
            _waiting_for_a_lock(watcher)
        other.execute("SELECT id FROM customer WHERE id = %s FOR UPDATE", (who,))
    finally:
        other.rollback()
        other.close()
        payer.join()

    error = outcome.get("error")
    assert isinstance(error, db.StoreInUse), error
    assert error.message.startswith("Someone else was changing the same records at the same "
                                    "moment, so this was not recorded. Try again.")
    assert Payment.select().count() == 0 and Allocation.select().count() == 0
    assert Invoice.get_by_id(held).open_minor == 10_000
    assert check_store() == []
