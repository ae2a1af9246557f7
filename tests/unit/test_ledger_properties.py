"""Whatever a user posts, in any order, every balance still adds up."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.accounts import overdue_accounts
from models.check import check_store
from models.company import create_business
from models.ledger import (
    LedgerError,
    add_credit_note,
    record_payment,
    void_payment,
)
from models.schema import CreditNote, Invoice, Payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

CUSTOMERS = 3
amounts = st.integers(min_value=1, max_value=500_00)
who = st.integers(min_value=0, max_value=CUSTOMERS - 1)
operations = st.lists(st.one_of(
    st.tuples(st.just("invoice"), who, amounts, st.integers(-20, 200)),
    st.tuples(st.just("pay oldest first"), who, amounts, st.integers(0, 60)),
    st.tuples(st.just("pay chosen"), who, amounts, st.lists(st.integers(0, 30), max_size=3)),
    st.tuples(st.just("credit note"), who, amounts, st.integers(0, 30)),
    st.tuples(st.just("void payment"), who, st.integers(0, 30), st.just(0)),
), max_size=25)
_stores = itertools.count()


def apply(operation: tuple, customers: list[int]) -> None:
    """Post one operation as a user would; refusals are part of the game."""
    kind, index, amount, extra = operation
    customer_id = customers[index]
    open_invoices = [i.id for i in Invoice.select().where(
        (Invoice.customer == customer_id) & (Invoice.open_minor > 0)).order_by(Invoice.id)]
    try:
        if kind == "invoice":
            invoice(customer_id, amount, due_days_ago=extra)
        elif kind == "pay oldest first":
            record_payment(customer_id, received_on=TODAY - dt.timedelta(days=extra),
                           amount_minor=amount, today=TODAY)
        elif kind == "pay chosen":
            picks = sorted({open_invoices[n % len(open_invoices)] for n in extra}
                           if open_invoices else set())
            record_payment(customer_id, received_on=TODAY, amount_minor=amount, today=TODAY,
                           allocate_to=[(i, max(amount // (len(picks) or 1), 1)) for i in picks])
        elif kind == "credit note":
            target = open_invoices[extra % len(open_invoices)] if open_invoices else None
            add_credit_note(customer_id, number=f"CN-{next(_stores)}", issue_date=TODAY,
                            amount_minor=amount, invoice_id=target, today=TODAY)
        else:
            payments = [p.id for p in Payment.select().where(Payment.customer == customer_id)]
            if payments:
                void_payment(payments[amount % len(payments)], "Posted by mistake")
    except LedgerError:
        pass


def owed(customer_id: int) -> int:
    """Invoices less credit notes less payments, from the documents alone."""
    invoiced = sum(i.amount_minor for i in Invoice.select().where(
        (Invoice.customer == customer_id) & (Invoice.status != "void")))
    credited = sum(c.amount_minor for c in CreditNote.select().where(
        (CreditNote.customer == customer_id) & ~CreditNote.voided))
    paid = sum(p.amount_minor for p in Payment.select().where(
        (Payment.customer == customer_id) & ~Payment.voided))
    return invoiced - credited - paid


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
@pytest.mark.slow
def test_balances_always_equal_documents_less_money_received(
        fast_folder: Path, steps: list[tuple]) -> None:
    store = db.open_store(fast_folder / f"p{next(_stores)}.sqlite", create=True)
    try:
        create_business("Property Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}") for n in range(CUSTOMERS)]
        for step in steps:
            apply(step, customers)
        assert check_store() == []
        accounts = {r.customer_id: r for r in
                    overdue_accounts(TODAY, today=TODAY, include_all=True)}
        for customer_id in customers:
            assert accounts[customer_id].balance_minor == owed(customer_id)
        past = overdue_accounts(TODAY, today=TODAY + dt.timedelta(days=1), include_all=True)
        assert {r.customer_id: r.balance_minor for r in past} == {
            c: a.balance_minor for c, a in accounts.items()}
    finally:
        store.close()
