"""`check` finds what is wrong in a store, and stays quiet when all is well."""

from __future__ import annotations

import datetime as dt
import sqlite3

import peewee as pw
import pytest

from models import db
from models.check import check_store
from models.schema import Allocation, Customer, Invoice, Payment, database

pytestmark = pytest.mark.both_engines


def _areas(problems: list) -> set[str]:
    return {p.area for p in problems}


def test_the_demo_company_passes_every_check(demo_store: db.Store) -> None:
    assert check_store() == []


def test_an_allocation_larger_than_its_payment_is_found(demo_store: db.Store) -> None:
    allocation = Allocation.select().where(Allocation.payment.is_null(False)).first()
    payment = Payment.get_by_id(allocation.payment_id)
    # Give the payment a second allocation, on another open invoice, that overdraws it.
    target = (Invoice.select().where((Invoice.customer == payment.customer_id)
                                     & (Invoice.open_minor > 0)).first())
    assert target is not None
    Allocation.create(payment=payment, invoice=target, allocated_on=payment.received_on,
                      amount_minor=min(target.open_minor, payment.amount_minor),
                      created_at=dt.datetime(2026, 1, 1))
    messages = [str(p) for p in check_store()]
    assert any(f"payment #{payment.id}" in m and "allocated" in m for m in messages)
    # The invoice's kept open amount no longer matches its allocations either.
    assert any(target.number in m and "open" in m for m in messages)


def test_a_kept_open_amount_that_drifted_is_found(demo_store: db.Store) -> None:
    invoice = Invoice.select().where(Invoice.open_minor > 100).first()
    Invoice.update(open_minor=invoice.open_minor - 1).where(Invoice.id == invoice.id).execute()
    problems = check_store()
    assert any(invoice.number in str(p) for p in problems if p.area == "balances")


def test_money_moved_between_customers_is_found(demo_store: db.Store) -> None:
    allocation = Allocation.select().where(Allocation.payment.is_null(False)).first()
    other = (Invoice.select().join(Customer)
             .where(Invoice.customer != Payment.get_by_id(allocation.payment_id).customer_id)
             .first())
    Allocation.update(invoice=other).where(Allocation.id == allocation.id).execute()
    assert any("between accounts" in str(p) for p in check_store())


def test_a_paid_invoice_with_money_open_is_found(demo_store: db.Store) -> None:
    invoice = Invoice.select().where(Invoice.open_minor > 0).first()
    Invoice.update(status="paid").where(Invoice.id == invoice.id).execute()
    assert "statuses" in _areas(check_store())


@pytest.mark.file_only  # a server never lets its foreign keys be switched off
def test_a_broken_foreign_key_is_found(demo_store: db.Store) -> None:
    database.pragma("foreign_keys", 0)
    try:
        Invoice.update(customer=999_999).where(Invoice.id == 1).execute()
    finally:
        database.pragma("foreign_keys", 1)
    problems = check_store()
    assert _areas(problems) == {"database"}
    assert any("customer" in str(p) for p in problems)


@pytest.mark.file_only  # a file's pages
def test_a_damaged_file_is_told_as_damage_alone_while_its_figures_fail_to_read(
        demo_store: db.Store) -> None:
    path = demo_store.path
    (leaf,) = database.execute_sql(  # a page of invoices (SQLite's own page map)
        "SELECT max(pageno) FROM dbstat WHERE name = 'invoice' AND pagetype = 'leaf'"
    ).fetchone()
    demo_store.close()
    page = 4096
    data = bytearray(path.read_bytes())
    data[(leaf - 1) * page + 8:leaf * page] = bytes(range(256)) * (page // 256 - 1) + bytes(248)
    path.write_bytes(bytes(data))
    store = db.open_store(path, check_later=True)  # as the window opens it
    try:
        with pytest.raises((pw.DatabaseError, sqlite3.DatabaseError)):  # unreadable invoices
            list(Invoice.select())
        problems = check_store()  # SQLite's checks run beside the figures' proofs
    finally:
        store.close()
    assert problems and _areas(problems) == {"database"}
