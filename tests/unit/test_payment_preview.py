"""What the payment dialog shows a payment will pay is what the ledger then posts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.customer_account import customer_invoices
from models.incentives import discount_windows, discounts_within
from models.ledger import (
    InvoiceDraft,
    add_invoice,
    dispute_invoice,
    oldest_first,
    payable,
    record_payment,
)
from models.schema import Customer, PaymentTerms
from tests.unit.ledger_helpers import TODAY, customer


def preview(customer_id: int, amount_minor: int) -> dict[int, int]:
    """What the payment dialog previews: the same rows, the same discount windows (read
    with the account) and the same rule it uses."""
    invoices = customer_invoices(customer_id, TODAY)
    discounts = discounts_within(discount_windows(customer_id, invoices), TODAY)
    rows = payable(invoices, "GBP")
    return {row.id: part for row, part in oldest_first(rows, amount_minor, discounts)}


def posted(customer_id: int, amount_minor: int) -> dict[int, int]:
    """What the ledger allocates when the payment is recorded oldest first."""
    result = record_payment(customer_id, received_on=TODAY, amount_minor=amount_minor,
                            today=TODAY)
    return {part.invoice_id: part.amount_minor for part in result.allocated}


def add(customer_id: int, number: str, amount_minor: int, *, due: dt.date,
        issued: dt.date) -> int:
    return add_invoice(customer_id, InvoiceDraft(number=number, issue_date=issued,
                                                 due_date=due, amount_minor=amount_minor))


def test_two_invoices_due_the_same_day_are_previewed_as_they_are_paid(
        empty_store: db.Store) -> None:
    # The later invoice was entered first but issued later, and its number sorts first:
    # whatever the tie-break, preview and posting must use the same one.
    account = customer("Same Day Ltd")
    due = TODAY - dt.timedelta(days=10)
    add(account, "B-2", 100_00, due=due, issued=due - dt.timedelta(days=5))
    add(account, "A-1", 100_00, due=due, issued=due - dt.timedelta(days=30))

    shown = preview(account, 100_00)

    assert shown == posted(account, 100_00)


invoices = st.lists(st.tuples(
    st.integers(min_value=1, max_value=900_00),  # amount
    st.integers(min_value=-5, max_value=5),  # due, days before TODAY: few days, many ties
    st.integers(min_value=0, max_value=60),  # issued, days before due
    st.text(alphabet="ABC123", min_size=1, max_size=3),  # number
    st.booleans(),  # disputed
), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invoices, st.integers(min_value=1, max_value=3_000_00),
       st.integers(min_value=0, max_value=500_00))
@pytest.mark.slow
def test_the_preview_equals_the_posting_for_any_invoices(
        empty_store: db.Store, drafts: list[tuple[int, int, int, str, bool]],
        amount_minor: int, paid_before: int) -> None:
    account = customer("Random Invoices Ltd")
    for n, (amount, due_days, issued_days, number, disputed) in enumerate(drafts):
        due = TODAY - dt.timedelta(days=due_days)
        # Issued by TODAY: the account (and so the dialog) lists only invoices issued.
        issued = min(due - dt.timedelta(days=issued_days), TODAY)
        invoice_id = add(account, f"{number}-{account}-{n}", amount, due=due, issued=issued)
        if disputed:
            dispute_invoice(invoice_id, "Not delivered")
    if paid_before:  # part paid already, so open amounts differ from invoiced ones
        posted(account, paid_before)

    shown = preview(account, amount_minor)

    assert shown == posted(account, amount_minor)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=1, max_value=900_00),  # amount
                          st.integers(min_value=0, max_value=20)),  # issued, days ago
                min_size=1, max_size=5),
       st.integers(min_value=1, max_value=3_000_00))
@pytest.mark.slow
def test_the_preview_equals_the_posting_with_early_payment_discounts(
        empty_store: db.Store, drafts: list[tuple[int, int]], amount_minor: int) -> None:
    account = customer("Prompt Payers Ltd")
    Customer.update(payment_terms=PaymentTerms.get(PaymentTerms.name == "2% 10, net 30")).where(
        Customer.id == account).execute()
    for n, (amount, issued_days) in enumerate(drafts):
        issued = TODAY - dt.timedelta(days=issued_days)  # some in the 10-day window, some not
        add(account, f"D-{account}-{n}", amount, due=issued + dt.timedelta(days=30),
            issued=issued)

    shown = preview(account, amount_minor)

    assert shown == posted(account, amount_minor)
