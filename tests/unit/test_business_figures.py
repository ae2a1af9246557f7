"""The business at a glance: month-end A/R, DSO, best possible DSO, ADD, CEI, aging,
the top debtors and the cash expected, each on a store built by hand and checked by
hand (the worked figures are written out beside each assertion)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.accounts import overdue_accounts
from models.business_figures import (
    business_figures,
    cash_expected,
    collection_effectiveness,
    count_back_dso,
    month_ends,
    standard_dso,
    top_debtors,
)
from models.contacts import record_promise
from models.kinds import PlanFrequency
from models.ledger import InvoiceDraft, add_invoice, dispute_invoice, record_payment
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan
from tests.conftest import DEMO_TODAY
from tests.unit.ledger_helpers import TODAY, customer, invoice

D = dt.date
NOW = dt.datetime(2026, 11, 24, 10, 0)


def _invoice(customer_id: int, issued: dt.date, amount: int, *, days: int = 30) -> int:
    return add_invoice(customer_id, InvoiceDraft(
        number=f"R-{issued.isoformat()}-{amount}", issue_date=issued,
        due_date=issued + dt.timedelta(days=days), amount_minor=amount), today=issued)


def _pay(customer_id: int, invoice_id: int, amount: int, on: dt.date) -> None:
    record_payment(customer_id, received_on=on, amount_minor=amount,
                   allocate_to=[(invoice_id, amount)], today=on)


@pytest.fixture
def reference_book(empty_store: object) -> dict[str, int]:
    """REFERENCE.md E1's count-back example as invoices: credit sales of 500.00 in
    September 2025, 700.00 in October, 600.00 in November, 400.00 in December and
    200.00 in January 2026 (each due 30 days after issue), 400.00 of September's paid on
    20 January, so A/R on 31 January is 2,000.00; 700.00 of October's paid on 3 February."""
    who = customer()
    ids = {"sep": _invoice(who, D(2025, 9, 15), 50_000),
           "oct": _invoice(who, D(2025, 10, 15), 70_000),
           "nov": _invoice(who, D(2025, 11, 15), 60_000),
           "dec": _invoice(who, D(2025, 12, 15), 40_000),
           "jan": _invoice(who, D(2026, 1, 15), 20_000)}
    _pay(who, ids["sep"], 40_000, D(2026, 1, 20))
    _pay(who, ids["oct"], 70_000, D(2026, 2, 3))
    return ids


def test_month_ends_are_the_whole_months_up_to_the_as_of_date() -> None:
    assert month_ends(D(2026, 11, 24), 3) == (D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31))
    assert month_ends(D(2026, 11, 30), 2) == (D(2026, 10, 31), D(2026, 11, 30))
    assert month_ends(D(2024, 3, 10), 2) == (D(2024, 1, 31), D(2024, 2, 29))
    with pytest.raises(ValueError, match="1 to 240 months"):
        month_ends(D(2024, 3, 10), 0)


def test_a_store_without_invoices_has_no_figures(empty_store: object) -> None:
    figures = business_figures(TODAY)
    assert figures.months == () and len(figures.month_ends) == 18
    assert top_debtors(TODAY, today=TODAY) == []
    assert cash_expected(TODAY, today=TODAY).weeks == ()


def test_count_back_reproduces_the_reference_example() -> None:
    # A/R 2000; sales Jan 200, Dec 400, Nov 600, Oct 700, Sep 500:
    # 31 + 31 + 30 + 31 + 30 × 100 / 500 = 129 days.
    sales = [(200, 31), (400, 31), (600, 30), (700, 31), (500, 30)]
    assert count_back_dso(2000, sales) == Decimal("129.0")
    assert count_back_dso(0, sales) == Decimal("0.0")
    assert count_back_dso(3000, sales) is None  # more owed than was ever sold


def test_the_month_end_figures_of_the_reference_example(reference_book: dict[str, int]
                                                        ) -> None:
    figures = business_figures(D(2026, 1, 31), months=2)
    december, january = figures.of_currency("GBP")
    assert figures.currencies == ("GBP",)
    assert december.month_end == D(2025, 12, 31)
    # A/R 31 Dec: 500 + 700 + 600 + 400 issued, nothing paid yet = 2,200.00.
    assert december.receivables_minor == 220_000
    # A/R 31 Jan: 100 (Sep, 400 paid) + 700 + 600 + 400 + 200 = 2,000.00; the 700.00
    # paid on 3 February does not count yet.
    assert january.receivables_minor == 200_000
    assert january.credit_sales_minor == 20_000
    # Not yet due on 31 Jan: only January's invoice (due 14 Feb).
    assert january.current_minor == 20_000
    assert january.overdue_minor == 180_000
    # Count-back: 129 days (the reference's worked example).
    assert january.dso == Decimal("129.0")
    # Standard: 2000 / 200 × 31 = 310 days.
    assert january.dso_standard == Decimal("310.0")
    # Best possible, standard: 200 / 200 × 31 = 31; by count-back, 200 exhausts
    # January's 200 exactly: 31.
    assert january.best_possible_dso_standard == Decimal("31.0")
    assert january.best_possible_dso == Decimal("31.0")
    # ADD = 129 − 31 = 98 days.
    assert january.average_days_delinquent == Decimal("98.0")
    # CEI = (2200 + 200 − 2000) / (2200 + 200 − 200) × 100 = 400 / 2200 = 18.2 %.
    assert january.cei == Decimal("18.2")
    # Aging on 31 Jan: Jan current 200; Dec due 14 Jan, 17 days: 400; Nov due 15 Dec,
    # 47 days: 600; Oct due 14 Nov, 78 days: 700; Sep due 15 Oct, 108 days: 100.
    assert january.aging == (20_000, 40_000, 60_000, 70_000, 10_000)


def test_a_month_without_sales_and_a_payment_after_the_month_end(
        reference_book: dict[str, int]) -> None:
    (february,) = business_figures(D(2026, 2, 28), months=1).of_currency("GBP")
    # A/R 28 Feb: 2000 − 700 paid on 3 Feb = 1,300.00, all overdue (Jan's due 14 Feb).
    assert february.receivables_minor == 130_000
    assert february.current_minor == 0
    assert february.credit_sales_minor == 0
    # No sales: the standard formulas have no answer.
    assert february.dso_standard is None
    assert february.best_possible_dso_standard is None
    # Count-back walks through February (no sales, 28 days), January 200 (31: 1100
    # left), December 400 (31: 700), November 600 (30: 100), then October 100/700 × 31 =
    # 4.43: 124.4 days.
    assert february.dso == Decimal("124.4")
    assert february.best_possible_dso == Decimal("0.0")
    assert february.average_days_delinquent == Decimal("124.4")
    # CEI = (2000 + 0 − 1300) / (2000 + 0 − 0) × 100 = 35 %.
    assert february.cei == Decimal("35.0")


def test_aging_at_a_month_boundary(empty_store: object) -> None:
    who = customer()
    for due in (D(2026, 1, 31), D(2026, 1, 30), D(2026, 1, 1), D(2025, 12, 31)):
        add_invoice(who, InvoiceDraft(number=f"B-{due}", issue_date=D(2025, 12, 1),
                                      due_date=due, amount_minor=1_000), today=D(2025, 12, 1))
    january, february, march = business_figures(D(2026, 3, 31), months=3).of_currency("GBP")
    # On 31 Jan: due that day, current; due 30 Jan (1 day) and 1 Jan (30 days), 1–30;
    # due 31 Dec (31 days), 31–60.
    assert january.aging == (1_000, 2_000, 1_000, 0, 0)
    assert january.current_minor == 1_000
    # On 28 Feb: 28, 29 days (1–30); 58, 59 days (31–60).
    assert february.aging == (0, 2_000, 2_000, 0, 0)
    # On 31 Mar: 59, 60 days (31–60); 89, 90 days (61–90).
    assert march.aging == (0, 0, 2_000, 2_000, 0)


def test_currencies_are_never_added_together(empty_store: object) -> None:
    pounds, euros = customer("Pounds Ltd", "GBP"), customer("Euro GmbH", "EUR")
    _invoice(pounds, D(2026, 1, 10), 10_000)
    _invoice(euros, D(2026, 1, 12), 7_000)
    figures = business_figures(D(2026, 1, 31), months=1)
    assert figures.currencies == ("EUR", "GBP")
    assert [m.receivables_minor for m in figures.months] == [7_000, 10_000]


def test_the_standard_formulas_and_cei_on_their_own() -> None:
    assert standard_dso(200_000, 20_000, 31) == Decimal("310.0")
    assert standard_dso(1, 0, 31) is None
    assert collection_effectiveness(220_000, 20_000, 200_000, 20_000) == Decimal("18.2")
    assert collection_effectiveness(0, 0, 0, 0) is None  # nothing to collect


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=24),
       st.data())
def test_count_back_never_exceeds_the_days_walked_and_grows_with_ar(
        sales: list[int], data: st.DataObject) -> None:
    months = [(amount, 30) for amount in sales]
    owed = data.draw(st.integers(min_value=0, max_value=sum(sales)))
    more = data.draw(st.integers(min_value=owed, max_value=sum(sales)))
    days, later = count_back_dso(owed, months), count_back_dso(more, months)
    assert days is not None and later is not None
    assert Decimal(0) <= days <= later <= 30 * len(sales)


def test_month_end_ar_agrees_with_the_overdue_list_of_that_day(demo_store: object) -> None:
    figures = business_figures(DEMO_TODAY, months=4)
    for end in figures.month_ends:
        rows = overdue_accounts(end, today=DEMO_TODAY, include_all=True)
        for currency in figures.currencies:
            month = next(m for m in figures.of_currency(currency) if m.month_end == end)
            listed = [r for r in rows if r.currency == currency]
            assert month.receivables_minor == sum(r.balance_minor + r.unallocated_minor
                                                  for r in listed)
            assert month.overdue_minor == sum(r.overdue_minor for r in listed)


def test_the_top_debtors_and_how_their_balance_moved(empty_store: object) -> None:
    big, middle, small = customer("Big plc"), customer("Middle Ltd"), customer("Small & Co")
    first = _invoice(big, D(2026, 8, 10), 90_000)
    _invoice(big, D(2026, 10, 5), 30_000)
    _invoice(middle, D(2026, 9, 1), 50_000)
    _invoice(small, D(2026, 9, 1), 10_000)
    _pay(big, first, 60_000, D(2026, 10, 20))
    found = top_debtors(TODAY, count=2, months=3, today=TODAY)
    assert [(d.name, d.balance_minor) for d in found] == [("Big plc", 60_000),
                                                         ("Middle Ltd", 50_000)]
    # Big plc: 900 on 31 Aug and 30 Sep; 900 + 300 − 600 paid = 600 on 31 Oct.
    assert found[0].history == ((D(2026, 8, 31), 90_000), (D(2026, 9, 30), 90_000),
                                (D(2026, 10, 31), 60_000))
    assert found[1].history == ((D(2026, 8, 31), 0), (D(2026, 9, 30), 50_000),
                                (D(2026, 10, 31), 50_000))
    # All of Big plc's 600.00 is past due on 24 Nov (due 9 Sep and 4 Nov).
    assert found[0].overdue_minor == 60_000
    # Whole minor units on either engine (a server's SUM is NUMERIC: a Decimal).
    assert {type(value) for d in found for value in
            (d.balance_minor, d.overdue_minor, *(amount for _, amount in d.history))} == {int}


def test_cash_expected_from_a_promise_an_instalment_and_a_usual_delay(
        empty_store: object) -> None:
    # TODAY is Tuesday 24 November 2026: week one runs to 30 Nov, week two 1–7 Dec,
    # week three 8–14 Dec, week four 15–21 Dec.
    habit = customer("Habit Ltd")
    for due_days_ago, late in ((100, 5), (80, 10), (60, 20)):
        paid = invoice(habit, 10_000, due_days_ago=due_days_ago)
        _pay(habit, paid, 10_000, TODAY - dt.timedelta(days=due_days_ago - late))
    # Usual delay: the median of 5, 10 and 20 days late = 10. Due 3 days ago, so
    # expected in 7 days (1 Dec, week two).
    invoice(habit, 25_000, due_days_ago=3)
    # Due 40 days ago: expected 30 days ago; past the usual delay, not in any week.
    invoice(habit, 12_000, due_days_ago=40)
    promiser = customer("Promiser Ltd")
    promised = invoice(promiser, 50_000, due_days_ago=10)
    # 300.00 promised for 26 Nov (week one); the other 200.00 of that invoice is under
    # the promise, so not expected on top of it.
    record_promise(promiser, amount_minor=30_000, promised_for=TODAY + dt.timedelta(days=2),
                   invoice_ids=[promised], now=NOW)
    planner = customer("Planner Ltd")
    planned = invoice(planner, 90_000, due_days_ago=20)
    # 3 monthly instalments of 300.00 from 4 Dec (week two); the next on 4 Jan is later.
    agree_plan(PlanDraft(planner, TODAY, ScheduleTerms(PlanFrequency.MONTHLY,
                                                       TODAY + dt.timedelta(days=10),
                                                       count=3),
                         invoice_ids=(planned,)), now=NOW)
    # A promise about the planned invoice: the instalments already expect that money.
    record_promise(planner, amount_minor=10_000, promised_for=TODAY + dt.timedelta(days=1),
                   invoice_ids=[planned], now=NOW)
    # A plan whose two instalments (15 Oct and 15 Nov, 5 days' grace) were both missed:
    # late, not expected, while it waits to be marked broken.
    lapsed = customer("Lapsed Ltd")
    owed = invoice(lapsed, 60_000, due_days_ago=70)
    agree_plan(PlanDraft(lapsed, TODAY - dt.timedelta(days=60),
                         ScheduleTerms(PlanFrequency.MONTHLY, TODAY - dt.timedelta(days=40),
                                       count=2), invoice_ids=(owed,)),
               now=dt.datetime(2026, 9, 25, 10, 0))
    newcomer = customer("Newcomer Ltd")
    # No paid invoice yet: expected on its due date, 14 Dec (week three).
    invoice(newcomer, 40_000, due_days_ago=-20)
    disputed = invoice(newcomer, 99_900, due_days_ago=-5)
    dispute_invoice(disputed, "Wrong quantity")  # not expected while in dispute

    cash = cash_expected(TODAY, today=TODAY)
    weeks = [(w.first_day, w.promised_minor, w.instalments_minor, w.usual_delay_minor)
             for w in cash.weeks]
    assert weeks == [(D(2026, 11, 24), 30_000, 0, 0),
                     (D(2026, 12, 1), 0, 30_000, 25_000),
                     (D(2026, 12, 8), 0, 0, 40_000),
                     (D(2026, 12, 15), 0, 0, 0)]
    assert cash.weeks[1].total_minor == 55_000
    assert cash.weeks[1].last_day == D(2026, 12, 7)
    # Late: the 120.00 past Habit Ltd's usual delay and Lapsed Ltd's 600.00 missed.
    assert cash.late == (("GBP", 72_000),)
