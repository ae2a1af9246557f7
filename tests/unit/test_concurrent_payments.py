"""Payments recorded by several people at once: two connections recording payments
for the same customers at the same moment never allocate an invoice beyond its amount
nor a payment beyond its own, on a server (row locks, docs/decisions.md) as on a file
(one writer at a time)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

import peewee as pw
import pytest

from models import db
from models.check import check_store
from models.ledger import record_payment
from models.schema import Allocation, Invoice, Payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

PAIRS = 1000
CUSTOMERS = 4
INVOICES_EACH = 5
INVOICE_MINOR = 300


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


def test_a_thousand_payment_pairs_recorded_at_once_never_over_allocate(
        empty_store: db.Store) -> None:
    ids = _accounts()
    received = TODAY - dt.timedelta(days=1)

    def pay(pair: int, side: int) -> None:
        record_payment(ids[pair % CUSTOMERS], received_on=received,
                       amount_minor=_small_amount(pair, side), today=TODAY)

    assert _race(PAIRS, pay) == []

    assert Payment.select().count() == 2 * PAIRS
    assert _over_allocated() == []
    assert check_store() == []
    # Every penny paid went to what was open, oldest first, until nothing was open.
    for cid, allocated in _allocated_by_customer(ids).items():
        paid = sum(_small_amount(pair, side) for pair in range(cid - ids[0], PAIRS, CUSTOMERS)
                   for side in (0, 1))
        assert allocated == min(paid, INVOICES_EACH * INVOICE_MINOR)
