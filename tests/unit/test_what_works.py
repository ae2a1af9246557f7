"""What works: how much of the chased amount was paid after each kind of reminder,
against accounts that were not chased then, and template A against template B (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from main import main
from models import db
from models.action_letters import draft_for
from models.company import create_business
from models.contacts import ContactEntry, log_contact
from models.customer_class import classes_by_customer
from models.followup import execute_action, follow_up_plan
from models.kinds import ContactKind, CustomerClass, ReminderAspect
from models.ledger import CustomerDraft, add_customer, record_payment
from models.schema import FollowUpPolicy
from models.what_works import (
    MIN_CASES,
    NOT_ENOUGH,
    WhatWorks,
    WhatWorksRow,
    compare_templates,
    what_works,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice

DAY = dt.timedelta(days=1)
DUE_DAYS_AGO = 100
DUE = TODAY - DUE_DAYS_AGO * DAY


def chased_by_stage(who: int, days_overdue: int, template: str | None = None) -> str:
    """Carry out the follow-up stage due ``days_overdue`` days after the invoice's due
    date (the customer's one invoice), its text written from ``template`` (by default
    the stage's own, as Today's review drafts it); the stage's name."""
    day = DUE + days_overdue * DAY
    [action] = [a for a in follow_up_plan(day).due if a.customer_id == who]
    draft = draft_for(action, day)
    execute_action(who, action.currency, day, stage_id=action.stage.id, subject=draft.subject,
                   text=draft.text, now=dt.datetime.combine(day, dt.time(9)),
                   template_name=draft.template_name if template is None else template)
    return action.stage.name


def pay(who: int, bill: int, day: dt.date, amount_minor: int = 100_00) -> None:
    record_payment(who, received_on=day, amount_minor=amount_minor,
                   allocate_to=[(bill, amount_minor)], today=TODAY)


def called(who: int, day: dt.date, invoice_ids: tuple[int, ...] = ()) -> None:
    log_contact(who, ContactEntry(kind=ContactKind.CALL,
                                  occurred_at=dt.datetime.combine(day, dt.time(10)),
                                  summary="Asked them to pay", invoice_ids=invoice_ids),
                now=dt.datetime.combine(TODAY, dt.time(18)))


def row(answer: WhatWorks, aspect: ReminderAspect, value: str,
        customer_class: CustomerClass | None = None) -> WhatWorksRow:
    [found] = [r for r in answer.rows_for(customer_class)
               if r.aspect == aspect and r.value == value]
    return found


# --- a history where the answer is known ---------------------------------------------

def known_history() -> tuple[list[int], list[int], str, str]:
    """Three customers who each paid in full 3 days after "Payment overdue", and three
    who never paid after "Second reminder" (the Standard policy's stages)."""
    payers, silent = [], []
    first = second = ""
    for n in range(3):
        who = customer(f"Prompt {n}")
        bill = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        first = chased_by_stage(who, 1)
        pay(who, bill, DUE + 4 * DAY)
        payers.append(who)
    for n in range(3):
        who = customer(f"Silent {n}")
        invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        second = chased_by_stage(who, 15)
        silent.append(who)
    return payers, silent, first, second


@pytest.fixture
def known(empty_store: db.Store) -> tuple[list[int], list[int], str, str]:
    """The known history in an open store."""
    return known_history()


def test_a_stage_after_which_everyone_paid_in_3_days_against_one_after_which_nobody_did(
        known: tuple[list[int], list[int], str, str]) -> None:
    _payers, _silent, first, second = known
    answer = what_works(TODAY)
    paid = row(answer, ReminderAspect.STAGE, first)
    assert (paid.cases, paid.chased_minor) == (3, 300_00)
    assert paid.paid_percent == (Decimal(100), Decimal(100), Decimal(100))
    assert (paid.median_days, paid.settled_within_14) == (3, 3)
    unpaid = row(answer, ReminderAspect.STAGE, second)
    assert unpaid.paid_percent == (Decimal(0), Decimal(0), Decimal(0))
    assert (unpaid.median_days, unpaid.settled_within_14) == (None, 0)  # over 30 days


def test_the_baseline_is_the_accounts_not_chased_then_and_the_uplift_what_the_stage_added(
        known: tuple[list[int], list[int], str, str]) -> None:
    _payers, _silent, first, _second = known
    answer = what_works(TODAY)
    # The silent customers' unpaid, unchased days are the only comparable accounts.
    [bucket] = [b for b in answer.baseline if b.customer_class is None and b.bucket == 1]
    assert bucket.account_days > 0
    assert bucket.paid_percent == (Decimal(0), Decimal(0), Decimal(0))
    paid = row(answer, ReminderAspect.STAGE, first)
    assert paid.baseline_percent == (Decimal(0), Decimal(0), Decimal(0))
    assert paid.uplift_points == (Decimal(100), Decimal(100), Decimal(100))


def test_the_stage_also_counts_under_its_channel_tone_and_template(
        known: tuple[list[int], list[int], str, str]) -> None:
    answer = what_works(TODAY)
    assert row(answer, ReminderAspect.CHANNEL, "E-mail").cases == 6
    assert row(answer, ReminderAspect.TONE, "Friendly").cases == 3  # Payment overdue
    assert row(answer, ReminderAspect.TONE, "Polite").cases == 3  # Second reminder
    assert {r.value for r in answer.rows_for(None) if r.aspect == ReminderAspect.TEMPLATE} \
        == {"Friendly email", "Polite email"}


def test_a_reminder_less_than_30_days_old_is_not_counted_yet(
        known: tuple[list[int], list[int], str, str]) -> None:
    earlier = DUE + 30 * DAY  # the "Payment overdue" reminders were 29 days before
    assert not [r for r in what_works(earlier).rows if r.aspect == ReminderAspect.STAGE
                and r.cases == 3 and r.paid_percent[0] == 100]
    later = DUE + 31 * DAY
    assert row(what_works(later), ReminderAspect.STAGE, known[2]).cases == 3


def test_by_class_the_caller_says_each_customers_class(
        known: tuple[list[int], list[int], str, str]) -> None:
    payers, silent, first, second = known
    classes = {**dict.fromkeys(payers, CustomerClass.RELIABLE),
               **dict.fromkeys(silent, CustomerClass.RECURRING_LATE)}
    answer = what_works(TODAY, classes)
    assert answer.classes == (CustomerClass.RELIABLE, CustomerClass.RECURRING_LATE)
    late = answer.rows_for(CustomerClass.RECURRING_LATE)
    assert {r.value for r in late if r.aspect == ReminderAspect.STAGE} == {second}
    assert row(answer, ReminderAspect.STAGE, first, CustomerClass.RELIABLE).cases == 3
    assert row(answer, ReminderAspect.STAGE, first).cases == 3  # all customers, too


def test_within_each_class_reminders_that_helped_are_not_judged_against_good_payers_quiet_days(
        empty_store: db.Store) -> None:
    # Late payers: five reminded the day after the due date, two of whom paid 3 days
    # later; one never reminded and never paying. Good payers, never reminded, paid each
    # of their invoices 3 days late: many quiet overdue days, each paid within the week.
    late = []
    for n in range(5):
        who = customer(f"Late {n}")
        bill = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        first = chased_by_stage(who, 1)
        if n < 2:
            pay(who, bill, DUE + 4 * DAY)
        late.append(who)
    quiet_late = customer("Late, left alone")
    invoice(quiet_late, 100_00, due_days_ago=DUE_DAYS_AGO)
    good = []
    for n in range(2):
        who = customer(f"Good {n}")
        for days_ago in range(DUE_DAYS_AGO, 39, -5):
            bill = invoice(who, 1_000_00, due_days_ago=days_ago)
            pay(who, bill, TODAY - (days_ago - 3) * DAY, 1_000_00)
        good.append(who)
    classes = {**dict.fromkeys([*late, quiet_late], CustomerClass.RECURRING_LATE),
               **dict.fromkeys(good, CustomerClass.RELIABLE)}
    # Against every customer's quiet days, the good payers' among them, the reminder
    # would seem to slow payment down.
    unclassed = row(what_works(TODAY), ReminderAspect.STAGE, first)
    assert unclassed.paid_percent[1] == Decimal(40)
    assert unclassed.uplift_points[1] < 0
    # Against the late payers' own quiet days (none of them paid), it added 40 points.
    answer = what_works(TODAY, classes)
    for scope in (None, CustomerClass.RECURRING_LATE):
        helped = row(answer, ReminderAspect.STAGE, first, scope)
        assert (helped.baseline_percent[1], helped.uplift_points[1]) == (Decimal(0),
                                                                        Decimal(40))
    assert answer.all_customers().rows == tuple(answer.rows_for(None))
    assert answer.all_customers().classes == ()


def test_classes_assessed_one_by_one(known: tuple[list[int], list[int], str, str]) -> None:
    payers, silent, _first, _second = known
    classes = classes_by_customer(TODAY)
    assert set(classes) == set(payers) | set(silent)
    assert all(isinstance(kind, CustomerClass) for kind in classes.values())


def test_progress_is_told_and_may_stop_the_work(
        known: tuple[list[int], list[int], str, str]) -> None:
    told: list[tuple[int, int]] = []
    what_works(TODAY, progress=lambda done, total: told.append((done, total)))
    assert told[0] == (0, 100) and told[-1] == (100, 100)

    class Stop(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done >= 30:
            raise Stop

    with pytest.raises(Stop):
        what_works(TODAY, progress=cancel)


# --- the baseline's quiet days ---------------------------------------------------------

@pytest.mark.parametrize(("days_before", "account_days"), [(14, 1), (13, 0)])
def test_an_account_chased_in_the_14_days_before_is_not_in_the_baseline(
        empty_store: db.Store, days_before: int, account_days: int) -> None:
    grid_day = TODAY - 30 * DAY  # the baseline's last day
    who = customer()
    invoice(who, 100_00, due_days_ago=40)  # overdue on the grid days G-7 and G
    called(who, grid_day - days_before * DAY)
    answer = what_works(TODAY)
    assert sum(b.account_days for b in answer.baseline if b.customer_class is None) \
        == account_days


def test_an_unchased_account_that_pays_shows_in_the_baseline(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 100_00, due_days_ago=60)  # grid days at 30, 37, 44, 51, 58 days ago
    pay(who, bill, TODAY - 35 * DAY)
    answer = what_works(TODAY)
    [bucket] = [b for b in answer.baseline if b.customer_class is None]
    # Overdue on the grid days 58, 51, 44 and 37 days ago; paid 2, 9, 16 and 23 days later.
    assert (bucket.bucket, bucket.account_days) == (1, 4)
    assert bucket.paid_percent == (Decimal(25), Decimal(50), Decimal(100))


# --- not enough cases ----------------------------------------------------------------

@pytest.mark.parametrize("cases", [MIN_CASES - 1, MIN_CASES])
def test_a_row_on_fewer_than_30_cases_says_not_enough_cases_yet(
        empty_store: db.Store, cases: int) -> None:
    for n in range(cases):
        who = customer(f"Customer {n}")
        bill = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        called(who, DUE + 5 * DAY, (bill,))
    calls = row(what_works(TODAY), ReminderAspect.CHANNEL, "Call")
    assert calls.cases == cases
    assert calls.enough is (cases >= MIN_CASES)


def test_template_a_against_b_at_the_same_stage(empty_store: db.Store) -> None:
    standard = FollowUpPolicy.get(FollowUpPolicy.name == "Standard").id
    firm = FollowUpPolicy.get(FollowUpPolicy.name == "Firm").id
    for n, policy in enumerate((standard, firm)):
        who = add_customer(CustomerDraft(code="", name=f"Policy {n}", currency="GBP",
                                         billing_email="a@example.com",
                                         followup_policy_id=policy))
        invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        assert chased_by_stage(who, 1) == "Payment overdue"
    [comparison] = what_works(TODAY).comparisons_for(None)
    assert (comparison.stage, comparison.template_a, comparison.template_b) == (
        "Payment overdue", "Friendly email", "Polite email")
    assert (comparison.cases_a, comparison.cases_b) == (1, 1)
    assert (comparison.verdict, comparison.z) == (NOT_ENOUGH, None)


@pytest.mark.parametrize(("cases_a", "cases_b", "enough"), [
    (MIN_CASES - 1, MIN_CASES, False), (MIN_CASES, MIN_CASES - 1, False),
    (MIN_CASES, MIN_CASES, True)])
def test_a_comparison_needs_30_cases_on_each_side(cases_a: int, cases_b: int,
                                                  enough: bool) -> None:
    z, verdict = compare_templates(cases_a, cases_a, cases_b, 0)
    assert (verdict != NOT_ENOUGH) is enough
    assert (z is not None) is enough


def test_a_clear_difference_is_more_than_noise_and_a_small_one_is_not() -> None:
    # 25 of 30 against 10 of 30: pooled 35/60, z = 0.5 / √(0.583 × 0.417 × 2/30) ≈ 3.93
    assert compare_templates(30, 25, 30, 10) == (3.93, "A works better")
    assert compare_templates(30, 10, 30, 25) == (-3.93, "B works better")
    z, verdict = compare_templates(30, 16, 30, 14)
    assert verdict == "no difference beyond noise" and z is not None and abs(z) < 1.96
    # at the line: 1.96 is not more than noise
    assert compare_templates(100, 50, 100, 50) == (0.0, "no difference beyond noise")
    assert compare_templates(30, 30, 30, 30) == (None, "no difference")


# --- the command -----------------------------------------------------------------------

def test_the_command_prints_the_table_csv_and_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        _payers, _silent, first, second = known_history()
    finally:
        store.close()
    args = ["--db", str(path), "insights", "--what-works", "--as-of", TODAY.isoformat()]
    assert main([*args, "--by-class"]) == 0
    table = capsys.readouterr().out
    assert first in table and second in table and "not enough cases yet" in table
    assert "How it is measured:" in table
    assert main([*args, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith('"Class","By","Which","Cases"')
    assert any(f'"{first}",3,100.0,100.0,100.0,3,0.0' in line for line in lines)
    assert main([*args, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    [paid] = [r for r in document["rows"] if r["which"] == first and not r["customer_class"]]
    assert (paid["cases"], paid["paid_percent"], paid["uplift_points"]) == (
        3, [100.0, 100.0, 100.0], [100.0, 100.0, 100.0])
    # Without --by-class, all customers' tables alone, the very ones the classes come with
    # (compared within each class, as the window's are).
    assert {r["customer_class"] for r in document["rows"]} == {None}
    assert main([*args, "--format", "json", "--by-class"]) == 0
    by_class = json.loads(capsys.readouterr().out)
    assert {r["customer_class"] for r in by_class["rows"]} > {None}
    assert [r for r in by_class["rows"] if r["customer_class"] is None] == document["rows"]


# --- what a contact chased ---------------------------------------------------------------

def test_a_contact_chases_the_overdue_invoices_it_names_not_those_still_to_fall_due(
        empty_store: db.Store) -> None:
    who = customer()
    overdue = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    later = invoice(who, 300_00, due_days_ago=DUE_DAYS_AGO - 20)  # due 20 days after
    called(who, DUE + 5 * DAY, (overdue, later))
    pay(who, overdue, DUE + 10 * DAY)  # 5 days after the call
    calls = row(what_works(TODAY), ReminderAspect.CHANNEL, "Call")
    assert (calls.cases, calls.chased_minor) == (1, 100_00)
    assert calls.paid_percent == (Decimal(100), Decimal(100), Decimal(100))
    assert calls.median_days == 5


def test_a_contact_naming_no_invoice_chases_the_overdue_balance(empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    invoice(who, 300_00, due_days_ago=DUE_DAYS_AGO - 3)
    called(who, DUE + 5 * DAY)
    pay(who, first, DUE + 12 * DAY)  # a quarter of the balance, 7 days after the call
    calls = row(what_works(TODAY), ReminderAspect.CHANNEL, "Call")
    assert (calls.cases, calls.chased_minor) == (1, 400_00)
    assert calls.paid_percent == (Decimal(25), Decimal(25), Decimal(25))
    assert calls.median_days is None  # not paid in full within 30 days: over 30
