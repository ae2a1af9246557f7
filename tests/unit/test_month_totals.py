"""The kept month totals stay what the invoices and allocations give, whatever is written,
and the business figures read from them are the figures derived from every invoice."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from hypothesis import strategies as st

from models import db
from models.accounts import DEFAULT_BUCKET_EDGES, RECEIVABLE_STATUSES
from models.business_figures import (
    BusinessFigures,
    _currency_months,
    _day,
    _month_number,
    business_figures,
    month_ends,
)
from models.check import check_store
from models.company import create_business
from models.db import month_of, writing
from models.kinds import InvoiceStatus
from models.ledger import (
    InvoiceDraft,
    LedgerError,
    add_credit_note,
    allocate_credit,
    dispute_invoice,
    record_payment,
    release_dispute,
    update_invoice,
    void_invoice,
    void_payment,
)
from models.month_totals import _RECEIVABLE, derived_month_totals, kept_month_totals
from models.schema import (
    Allocation,
    DisputedInvoice,
    Invoice,
    KeptMonthTotal,
    Payment,
    database,
)
from tests.conftest import DEMO_TODAY
from tests.helpers import kept_figure_property, new_store_in, undo_v16
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

CUSTOMERS = 3  # two in GBP, one in EUR
amounts = st.integers(min_value=1, max_value=500_00)
who = st.integers(min_value=0, max_value=CUSTOMERS - 1)
pick = st.integers(min_value=0, max_value=40)
days = st.integers(min_value=0, max_value=420)
operations = st.lists(st.one_of(
    st.tuples(st.just("invoice"), who, amounts, days),
    st.tuples(st.just("pay oldest first"), who, amounts, days),
    st.tuples(st.just("pay chosen"), who, amounts, pick),
    st.tuples(st.just("credit note"), who, amounts, pick),
    st.tuples(st.just("credit before issue"), who, amounts, pick),
    st.tuples(st.just("void payment"), who, pick, pick),
    st.tuples(st.just("void invoice"), who, pick, pick),
    st.tuples(st.just("dispute"), who, pick, pick),
    st.tuples(st.just("release"), who, pick, pick),
    st.tuples(st.just("edit dates"), who, pick, days),
    st.tuples(st.just("edit amount"), who, amounts, pick),
    st.tuples(st.just("write off"), who, pick, pick),
    st.tuples(st.just("bring back"), who, pick, pick),
    st.tuples(st.just("delete unpaid"), who, pick, pick),
), max_size=30)
_numbers = itertools.count()


def _nth(rows: list[int], n: int) -> int | None:
    return rows[n % len(rows)] if rows else None


def apply(operation: tuple, customers: list[int]) -> None:
    """Write one operation as the ledger (or an import, for a write-off or an import
    undone) would; refusals are part of the game."""
    kind, index, amount, extra = operation
    customer_id = customers[index]
    invoices = [i.id for i in Invoice.select(Invoice.id).where(
        Invoice.customer == customer_id).order_by(Invoice.id)]
    open_ones = [i.id for i in Invoice.select(Invoice.id).where(
        (Invoice.customer == customer_id) & (Invoice.open_minor > 0)).order_by(Invoice.id)]
    chosen = _nth(invoices, amount if kind != "edit amount" else extra)
    try:
        if kind == "invoice":
            invoice(customer_id, amount, due_days_ago=extra - 30,
                    issued_days_before_due=extra % 75)
        elif kind == "pay oldest first":
            record_payment(customer_id, received_on=TODAY - dt.timedelta(days=extra),
                           amount_minor=amount, today=TODAY)
        elif kind == "pay chosen" and open_ones:
            target = _nth(open_ones, extra)
            record_payment(customer_id, received_on=TODAY - dt.timedelta(days=extra * 7),
                           amount_minor=amount, today=TODAY, allocate_to=[(target, amount)])
        elif kind == "credit note":
            add_credit_note(customer_id, number=f"CN-{next(_numbers)}",
                            issue_date=TODAY - dt.timedelta(days=extra * 5),
                            amount_minor=amount, invoice_id=_nth(open_ones, extra), today=TODAY)
        elif kind == "credit before issue":
            # Credit allocated on a day before the invoice was issued: it counts from the issue.
            payment = record_payment(customer_id, received_on=TODAY - dt.timedelta(days=400),
                                     amount_minor=amount, today=TODAY, allocate_to=[])
            if open_ones:
                allocate_credit(customer_id, payment_id=payment.payment_id,
                                on=TODAY - dt.timedelta(days=400),
                                allocate_to=[(_nth(open_ones, extra), amount)])
        elif kind == "void payment":
            payments = [p.id for p in Payment.select(Payment.id).where(
                (Payment.customer == customer_id) & ~Payment.voided)]
            if payments:
                void_payment(_nth(payments, amount) or 0, "Posted by mistake")
        elif kind == "void invoice" and chosen:
            void_invoice(chosen, "Issued by mistake")
        elif kind == "dispute" and chosen:
            dispute_invoice(chosen, "Not delivered")
        elif kind == "release" and chosen:
            release_dispute(chosen)
        elif kind in ("edit dates", "edit amount") and chosen:
            bill = Invoice.get_by_id(chosen)
            issued = bill.issue_date - dt.timedelta(days=extra if kind == "edit dates" else 0)
            update_invoice(chosen, InvoiceDraft(
                number=bill.number, issue_date=issued,
                due_date=issued + dt.timedelta(days=extra % 60),
                amount_minor=amount if kind == "edit amount" else bill.amount_minor))
        elif kind in ("write off", "bring back") and chosen:
            was, then = ((InvoiceStatus.OPEN, InvoiceStatus.WRITTEN_OFF) if kind == "write off"
                         else (InvoiceStatus.WRITTEN_OFF, InvoiceStatus.OPEN))
            with writing():  # as an import from the books of record marks it
                Invoice.update(status=then).where((Invoice.id == chosen)
                                                  & (Invoice.status == was)).execute()
        elif kind == "delete unpaid" and chosen:
            with writing():  # as an import undone takes its invoices away
                # (never one paid or disputed since: the undo refuses once anything
                # was recorded after the import)
                if not (Allocation.select().where(Allocation.invoice == chosen).exists()
                        or DisputedInvoice.select().where(
                            DisputedInvoice.invoice == chosen).exists()):
                    Invoice.delete().where(Invoice.id == chosen).execute()
    except LedgerError:
        pass


@kept_figure_property(operations, examples=120)
def test_the_kept_totals_are_always_what_the_invoices_and_allocations_give(
        fast_folder: Path, steps: list[tuple]) -> None:
    _kept_totals_hold(new_store_in(fast_folder), steps)


@kept_figure_property(operations, examples=12)
def test_on_a_server_the_kept_totals_are_always_what_the_invoices_and_allocations_give(
        postgres_cluster: Any, steps: list[tuple]) -> None:
    with postgres_cluster.throwaway_url() as url:
        _kept_totals_hold(url, steps)


def _kept_totals_hold(location: Path | str, steps: list[tuple]) -> None:
    store = db.open_store(location, create=True)
    try:
        create_business("Property Ltd", country="GB", currency="GBP")
        customers = [customer(f"Customer {n}", currency=currency)
                     for n, currency in enumerate(("GBP", "GBP", "EUR"))]
        for step in steps:
            apply(step, customers)
        assert kept_month_totals() == derived_month_totals()
        assert check_store() == []
        assert _figures_by_every_invoice(TODAY, 24) == business_figures(TODAY, 24)
    finally:
        store.close()


def test_the_triggers_count_the_statuses_the_figures_count() -> None:
    assert {str(status) for status in RECEIVABLE_STATUSES} == set(
        _RECEIVABLE[2:-2].split("', '"))


def test_a_payment_keeps_the_totals_of_its_month_and_the_invoices_due_date(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 120_00, due_days_ago=10)  # issued 2026-10-15, due 2026-11-14
    record_payment(who, received_on=dt.date(2026, 11, 20), amount_minor=50_00, today=TODAY)
    rows = {(r.currency, r.month, r.due_date): (r.invoiced_minor, r.allocated_minor)
            for r in KeptMonthTotal.select()}
    assert rows == {("GBP", "2026-10", dt.date(2026, 11, 14)): (120_00, 0),
                    ("GBP", "2026-11", dt.date(2026, 11, 14)): (0, 50_00)}
    void_invoice(invoice(who, 30_00, due_days_ago=10), "Twice")
    void_payment(Payment.get().id, "Wrong customer")
    assert kept_month_totals() == {("GBP", "2026-10", dt.date(2026, 11, 14)): (120_00, 0)}
    assert Invoice.get_by_id(bill).open_minor == 120_00


def test_check_finds_kept_totals_that_drifted(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 120_00, due_days_ago=10)
    assert check_store() == []
    with writing():
        KeptMonthTotal.update(invoiced_minor=KeptMonthTotal.invoiced_minor + 1).execute()
    [problem] = check_store()
    assert problem.area == "figures"
    assert "GBP 2026-10, due 2026-11-14" in problem.message
    assert "12001 invoiced" in problem.message and "give 12000 and 0" in problem.message


def test_the_demo_company_figures_are_those_derived_from_every_invoice(
        demo_store: db.Store) -> None:
    assert kept_month_totals() == derived_month_totals()
    ours = business_figures(DEMO_TODAY, 36)
    assert ours.currencies  # the demo has money to figure
    assert ours == _figures_by_every_invoice(DEMO_TODAY, 36)


def test_a_v15_store_gains_its_totals_from_what_it_holds(demo_file: Path) -> None:
    with sqlite3.connect(demo_file) as connection:
        undo_v16(connection)
        connection.execute("PRAGMA user_version = 15")
    connection.close()
    store = db.open_store(demo_file)
    try:
        assert store.migrated_from == 15
        assert KeptMonthTotal.select().count() > 0
        assert kept_month_totals() == derived_month_totals()
        assert business_figures(DEMO_TODAY, 18) == _figures_by_every_invoice(DEMO_TODAY, 18)
    finally:
        store.close()


# --- the figures as they were derived before the totals were kept ---------------------

# By position: the month's format and the due date's CASE bind parameters, and a server
# takes the same expression bound twice (in SELECT and in GROUP BY) for two expressions.
_BY_THE_FIRST_THREE = (pw.SQL("1"), pw.SQL("2"), pw.SQL("3"))


def _figures_by_every_invoice(as_of: dt.date, months: int) -> BusinessFigures:
    """The business figures as Duly derived them from every invoice and allocation
    before schema v16 (two GROUP BY queries), walked by the same month rules."""
    ends = month_ends(as_of, months)
    long_ago = ends[0] - dt.timedelta(days=DEFAULT_BUCKET_EDGES[-1] + 1)
    due = pw.Case(None, [(Invoice.due_date < long_ago, pw.SQL("NULL"))], Invoice.due_date)
    invoiced = (Invoice
                .select(Invoice.currency, month_of(Invoice.issue_date), due,
                        pw.fn.SUM(Invoice.amount_minor))
                .where(Invoice.status.in_(RECEIVABLE_STATUSES) & (Invoice.issue_date <= ends[-1]))
                .group_by(*_BY_THE_FIRST_THREE))
    counted_from = pw.Case(None, [(Allocation.allocated_on < Invoice.issue_date,
                                   Invoice.issue_date)], Allocation.allocated_on)
    allocated = (Allocation
                 .select(Invoice.currency, month_of(counted_from), due,
                         pw.fn.SUM(Allocation.amount_minor))
                 .join(Invoice, on=(Allocation.invoice == Invoice.id))
                 .where(~Allocation.voided & Invoice.status.in_(RECEIVABLE_STATUSES)
                        & (Allocation.allocated_on <= ends[-1])
                        & (Invoice.issue_date <= ends[-1]))
                 .group_by(*_BY_THE_FIRST_THREE))
    sold, paid = _grouped(invoiced), _grouped(allocated)
    result = []
    for currency in sorted(set(sold) | set(paid)):
        result += _currency_months(currency, ends, sold.get(currency, {}),
                                   paid.get(currency, {}))
    return BusinessFigures(as_of, ends, tuple(result))


def _grouped(query: pw.Select) -> dict[str, dict[int, list[tuple[dt.date | None, int]]]]:
    rows: dict[str, dict[int, list[tuple[dt.date | None, int]]]] = defaultdict(
        lambda: defaultdict(list))
    for currency, month, due, amount in database.execute(query).fetchall():
        rows[currency][_month_number(month)].append((_day(due) if due else None, amount))
    return rows
