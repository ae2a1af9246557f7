"""The overdue list: who owes what, how late, as of any date."""

from __future__ import annotations

import datetime as dt

import pytest

from models import db
from models.accounts import (
    aging_bucket,
    bucket_labels,
    currency_totals,
    invoice_customers,
    overdue_accounts,
)
from models.check import check_store
from models.customer_account import customer_invoices
from models.ledger import add_credit_note, dispute_invoice, put_on_hold, record_payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines


def only(rows: list, **match: object) -> object:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("days_overdue", "bucket"), [
    (-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4)])
def test_each_invoice_lands_in_its_aging_bucket(empty_store: db.Store, days_overdue: int,
                                               bucket: int) -> None:
    who = customer()
    invoice(who, 10_000, due_days_ago=days_overdue)
    rows = overdue_accounts(TODAY, today=TODAY, include_all=True)
    row = only(rows, customer_id=who)
    expected = [0] * 5
    expected[bucket] = 10_000
    assert list(row.buckets) == expected
    assert row.overdue_minor == (10_000 if days_overdue > 0 else 0)
    assert row.oldest_days_overdue == max(days_overdue, 0)
    assert aging_bucket(days_overdue) == bucket  # the statement's buckets: the same rule


def test_an_invoice_due_today_is_not_overdue(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 5_000, due_days_ago=0)
    assert overdue_accounts(TODAY, today=TODAY) == []


def test_partial_payments_and_credit_notes_reduce_what_is_overdue(empty_store: db.Store) -> None:
    who = customer()
    old = invoice(who, 100_00, due_days_ago=45)
    invoice(who, 50_00, due_days_ago=10)
    record_payment(who, received_on=TODAY, amount_minor=30_00, today=TODAY)  # oldest first
    add_credit_note(who, number="CN-1", issue_date=TODAY, amount_minor=20_00, invoice_id=old,
                    today=TODAY)
    row = only(overdue_accounts(TODAY, today=TODAY), customer_id=who)
    assert row.buckets == (0, 50_00, 50_00, 0, 0)
    assert row.overdue_minor == row.balance_minor == 100_00
    assert check_store() == []


def test_an_overpayment_is_kept_as_credit_and_lowers_the_balance(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 80_00, due_days_ago=20)
    invoice(who, 40_00, due_days_ago=-10)
    result = record_payment(who, received_on=TODAY, amount_minor=100_00, today=TODAY,
                            allocate_to=[])
    assert result.unallocated_minor == 100_00
    row = only(overdue_accounts(TODAY, today=TODAY), customer_id=who)
    assert (row.overdue_minor, row.unallocated_minor, row.balance_minor) == (80_00, 100_00,
                                                                             20_00)


def test_currencies_are_never_added_together(empty_store: db.Store) -> None:
    pounds, euros = customer("Harbour Ltd", "GBP"), customer("Müller GmbH", "EUR")
    invoice(pounds, 10_00, due_days_ago=5)
    invoice(euros, 20_00, due_days_ago=5)
    invoice(euros, 30_00, due_days_ago=50)
    totals = {t.currency: t for t in currency_totals(overdue_accounts(TODAY, today=TODAY))}
    assert totals["GBP"].overdue_minor == 10_00
    assert totals["EUR"].overdue_minor == 50_00 and totals["EUR"].accounts == 1
    assert totals["EUR"].buckets == (0, 20_00, 30_00, 0, 0)


def test_a_payment_after_the_as_of_date_does_not_count(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 60_00, due_days_ago=40)
    record_payment(who, received_on=TODAY - dt.timedelta(days=5), amount_minor=60_00,
                   today=TODAY)
    assert overdue_accounts(TODAY, today=TODAY) == []
    before = only(overdue_accounts(TODAY - dt.timedelta(days=6), today=TODAY), customer_id=who)
    assert before.overdue_minor == 60_00
    assert before.buckets == (0, 0, 60_00, 0, 0)  # 34 days late on that day
    on_the_day = overdue_accounts(TODAY - dt.timedelta(days=5), today=TODAY)
    assert on_the_day == []


def test_an_invoice_not_yet_issued_on_the_as_of_date_is_left_out(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 10_00, due_days_ago=1, issued_days_before_due=5)
    assert overdue_accounts(TODAY - dt.timedelta(days=10), today=TODAY,
                            include_all=True)[0].balance_minor == 0


def test_past_and_present_agree_for_today(demo_store: db.Store) -> None:
    kept = overdue_accounts(TODAY, today=TODAY, include_all=True)
    derived = overdue_accounts(TODAY, today=TODAY + dt.timedelta(days=1), include_all=True)
    assert sorted(kept, key=lambda r: (r.customer_id, r.currency)) == sorted(
        derived, key=lambda r: (r.customer_id, r.currency))


def test_flags_show_hold_dispute_plan_promise_and_agency(demo_store: db.Store) -> None:
    rows = overdue_accounts(TODAY, today=TODAY, include_all=True)
    assert any(r.has_plan for r in rows)
    assert any(r.with_agency for r in rows)
    assert any(r.has_open_promise for r in rows)
    assert any(r.disputed_minor > 0 for r in rows)
    target = next(r for r in rows if r.overdue_minor and not r.on_hold)
    put_on_hold(target.customer_id, "Owner in hospital")
    rows = overdue_accounts(TODAY, today=TODAY)
    assert only(rows, customer_id=target.customer_id, currency=target.currency).on_hold


def test_a_disputed_invoice_still_counts_but_is_marked(empty_store: db.Store) -> None:
    who = customer()
    disputed = invoice(who, 70_00, due_days_ago=12)
    dispute_invoice(disputed, "Goods arrived damaged")
    row = only(overdue_accounts(TODAY, today=TODAY), customer_id=who)
    assert row.overdue_minor == row.disputed_minor == 70_00


def test_last_contact_and_next_action_today_and_in_the_past(demo_store: db.Store) -> None:
    rows = overdue_accounts(TODAY, today=TODAY, include_all=True)
    contacted = [r for r in rows if r.last_contact_on is not None]
    assert contacted and all(r.last_contact_on <= TODAY for r in contacted)
    assert all(r.last_contact_kind in ("call", "email") for r in contacted)
    assert any(r.next_action_on for r in rows)
    derived = overdue_accounts(TODAY, today=TODAY + dt.timedelta(days=1), include_all=True)
    key = lambda r: (r.customer_id, r.currency)  # noqa: E731
    assert [(r.last_contact_on, r.last_contact_kind, r.next_action_on)
            for r in sorted(rows, key=key)] == [
        (r.last_contact_on, r.last_contact_kind, r.next_action_on)
        for r in sorted(derived, key=key)]
    earlier = overdue_accounts(dt.date(2026, 3, 1), today=TODAY, include_all=True)
    assert all(r.last_contact_on is None or r.last_contact_on <= dt.date(2026, 3, 1)
               for r in earlier)


def test_customers_are_found_by_any_invoice_number(demo_store: db.Store) -> None:
    row = overdue_accounts(TODAY, today=TODAY)[0]
    (number,) = [r.number for r in customer_invoices(row.customer_id, TODAY)][:1]
    assert invoice_customers(number.lower()) == {row.customer_id}
    assert invoice_customers("no such number") == set()
    assert invoice_customers("  ") == set()


def test_bucket_labels_follow_the_edges() -> None:
    assert bucket_labels() == ("Current", "1–30", "31–60", "61–90", "Over 90")
    assert bucket_labels((7, 14, 28)) == ("Current", "1–7", "8–14", "15–28", "Over 28")


def test_custom_edges_move_the_boundaries(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 10_00, due_days_ago=8)
    row = only(overdue_accounts(TODAY, today=TODAY, edges=(7, 14, 28)), customer_id=who)
    assert row.buckets == (0, 0, 10_00, 0, 0)
    with pytest.raises(ValueError):
        overdue_accounts(TODAY, today=TODAY, edges=(30, 20, 90))
