"""Each customer, assessed and explained: how they pay, the class it makes of them with
the facts it rests on, and what to do next (issue 18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from playhouse.test_utils import count_queries

from main import main
from models import db
from models.company import create_business
from models.contacts import ContactEntry, log_contact, record_promise, review_promises
from models.customer_class import (
    Classification,
    ClassThresholds,
    assessed_profile,
    class_thresholds,
    classify,
    set_class_thresholds,
    suggestion,
)
from models.customer_profile import (
    ChannelResponse,
    CustomerProfile,
    JudgedInvoice,
    Trend,
    customer_profile,
    lateness,
)
from models.errors import LedgerError
from models.followup import execute_action, follow_up_plan
from models.kinds import ContactKind, CustomerClass, Direction, ReminderAspect
from models.ledger import dispute_invoice, record_payment
from models.schema import Customer
from models.what_works import Lesson, WhatWorksRow
from tests.unit.ledger_helpers import TODAY, customer, invoice

DAY = dt.timedelta(days=1)


def paid(who: int, *, due_days_ago: int, days_late: int, amount_minor: int = 100_00) -> int:
    """An invoice due ``due_days_ago`` days before TODAY, paid ``days_late`` after its due
    date (negative: early)."""
    bill = invoice(who, amount_minor, due_days_ago=due_days_ago)
    due = TODAY - due_days_ago * DAY
    record_payment(who, received_on=due + days_late * DAY, amount_minor=amount_minor,
                   allocate_to=[(bill, amount_minor)], today=TODAY)
    return bill


def history(who: int, lates: Sequence[int], *, first_due_days_ago: int,
            every: int = 30) -> None:
    """Monthly invoices from ``first_due_days_ago``, each paid as late as ``lates`` says."""
    for n, late in enumerate(lates):
        paid(who, due_days_ago=first_due_days_ago - n * every, days_late=late)


def assess(who: int, thresholds: ClassThresholds | None = None,
           as_of: dt.date = TODAY) -> Classification:
    return assessed_profile(who, as_of, thresholds)[1]


def contact(who: int, kind: ContactKind, day: dt.date, *,
            direction: Direction = Direction.OUTGOING) -> None:
    log_contact(who, ContactEntry(kind=kind, occurred_at=dt.datetime.combine(day, dt.time(10)),
                                  direction=direction, summary="About the account"),
                now=dt.datetime.combine(TODAY, dt.time(18)))


def broken_promise(who: int, invoice_id: int, promised_for: dt.date) -> None:
    record_promise(who, amount_minor=100, promised_for=promised_for, invoice_ids=[invoice_id],
                   now=dt.datetime.combine(promised_for - 5 * DAY, dt.time(9)))
    review_promises(promised_for + 10 * DAY, customer_id=who)


# --- days late -----------------------------------------------------------------------

def test_days_late_are_weighted_by_amount_and_early_payment_counts_as_none(
        empty_store: db.Store) -> None:
    who = customer()
    paid(who, due_days_ago=100, days_late=10, amount_minor=300_00)
    paid(who, due_days_ago=80, days_late=-5, amount_minor=100_00)  # early: 0, not -5
    profile = customer_profile(who, TODAY)
    assert profile.overall.days_late == Decimal("7.5")  # (300 × 10 + 100 × 0) ÷ 400
    assert (profile.overall.least_days_late, profile.overall.most_days_late) == (0, 10)


def test_an_unpaid_overdue_invoice_counts_as_late_to_date(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=20)
    invoice(who, 100_00, due_days_ago=2)  # within the tolerance: not judged yet
    invoice(who, 100_00, due_days_ago=-10)  # not due yet
    profile = customer_profile(who, TODAY)
    assert (profile.overall.judged, profile.overall.on_time) == (1, 0)
    assert profile.overall.days_late == 20
    assert profile.overall.still_open == 1


def test_a_profile_as_of_an_earlier_day_sees_a_later_payment_as_not_made(
        empty_store: db.Store) -> None:
    who = customer()
    paid(who, due_days_ago=50, days_late=40)
    earlier = customer_profile(who, TODAY - 20 * DAY)
    assert earlier.overall.still_open == 1 and earlier.overall.days_late == 30
    assert customer_profile(who, TODAY).overall.still_open == 0


def test_the_last_12_months_are_kept_apart_from_before(empty_store: db.Store) -> None:
    who = customer()
    paid(who, due_days_ago=500, days_late=60)
    paid(who, due_days_ago=100, days_late=0)
    profile = customer_profile(who, TODAY)
    assert profile.last_12_months.days_late == 0
    assert profile.before.days_late == 60


@pytest.mark.parametrize(("days_late", "on_time"), [(3, 1), (4, 0)])
def test_paid_within_the_tolerance_is_on_time(empty_store: db.Store, days_late: int,
                                              on_time: int) -> None:
    who = customer()
    paid(who, due_days_ago=30, days_late=days_late)
    assert customer_profile(who, TODAY, on_time_days=3).overall.on_time == on_time


@given(st.lists(st.tuples(st.integers(1, 10**9), st.integers(0, 3000)), min_size=1,
                max_size=50))
def test_weighted_days_late_lie_between_the_least_and_the_most(
        invoices: list[tuple[int, int]]) -> None:
    judged = [JudgedInvoice(n, dt.date(2026, 1, 1), amount, days, None)
              for n, (amount, days) in enumerate(invoices)]
    figures = lateness(judged, 3)
    assert figures.days_late is not None
    assert min(d for _a, d in invoices) <= figures.days_late <= max(d for _a, d in invoices)
    assert figures.least_days_late == min(d for _a, d in invoices)


def test_a_profile_takes_the_same_few_queries_whatever_the_history(
        empty_store: db.Store) -> None:
    small, big = customer("Small Ltd"), customer("Big Ltd")
    history(small, [0] * 2, first_due_days_ago=100)
    history(big, [0, 5, 40] * 10, first_due_days_ago=950)
    contact(big, ContactKind.CALL, TODAY - 40 * DAY)
    with count_queries() as few:
        customer_profile(small, TODAY)
    with count_queries() as many:
        customer_profile(big, TODAY)
    assert few.count == many.count <= 10


# --- the classes ---------------------------------------------------------------------

@pytest.mark.parametrize(("invoices", "kind"), [(3, CustomerClass.NEW),
                                                (4, CustomerClass.RELIABLE)])
def test_too_little_history_is_new(empty_store: db.Store, invoices: int,
                                   kind: CustomerClass) -> None:
    who = customer()
    history(who, [0] * invoices, first_due_days_ago=200)
    assessed = assess(who)
    assert assessed.kind is kind
    if kind is CustomerClass.NEW:
        assert assessed.reasons == ("Only 3 invoices to judge by so far (4 are needed).",)


def test_a_reliable_customer_is_told_by_the_facts(empty_store: db.Store) -> None:
    who = customer()
    history(who, [0] * 10, first_due_days_ago=300)
    assert assess(who) == Classification(CustomerClass.RELIABLE, (
        "Paid 10 of 10 invoices on time in the last 12 months (100%).",
        "On average 0 days late in the last 12 months, weighted by amount."))


@pytest.mark.parametrize(("lates", "kind"), [
    ([0] * 9 + [10], CustomerClass.RELIABLE),  # 90% on time, 1 day late on average
    ([0] * 8 + [10, 10], CustomerClass.OCCASIONALLY_LATE),  # 80% on time
    ([0] * 9 + [50], CustomerClass.RELIABLE),  # 5.0 days late on average
    ([0] * 9 + [51], CustomerClass.OCCASIONALLY_LATE),  # 5.1 days late on average
])
def test_reliable_ends_at_90_percent_on_time_and_5_days_late(
        empty_store: db.Store, lates: list[int], kind: CustomerClass) -> None:
    who = customer()
    history(who, lates, first_due_days_ago=340)
    assert assess(who).kind is kind


@pytest.mark.parametrize(("lates", "kind"), [
    ([0] * 5 + [10] * 5, CustomerClass.OCCASIONALLY_LATE),  # 50% on time
    ([0] * 4 + [10] * 6, CustomerClass.RECURRING_LATE),  # 40% on time
    ([0] * 9 + [299], CustomerClass.OCCASIONALLY_LATE),  # 29.9 days late on average
    ([0] * 9 + [300], CustomerClass.RECURRING_LATE),  # 30 days late on average
])
def test_recurring_late_starts_under_half_on_time_or_at_30_days_late(
        empty_store: db.Store, lates: list[int], kind: CustomerClass) -> None:
    who = customer()
    history(who, lates, first_due_days_ago=640, every=30)
    assert assess(who, as_of=TODAY).kind is kind


def test_a_recurring_late_payer_is_told_the_share_and_the_days(empty_store: db.Store) -> None:
    who = customer()
    history(who, [0] * 4 + [20] * 6, first_due_days_ago=300)
    assert assess(who).reasons == (
        "Paid 4 of 10 invoices on time in the last 12 months (40%).",
        "On average 12 days late in the last 12 months, weighted by amount.")


def test_a_good_record_that_changed_lately_is_a_temporary_difficulty(
        empty_store: db.Store) -> None:
    who = customer()
    history(who, [0] * 14 + [9], first_due_days_ago=600)  # the last due 180 days ago
    history(who, [40, 45], first_due_days_ago=150)
    invoice(who, 100_00, due_days_ago=90)  # still unpaid: 90 days late to date
    profile, assessed, advice = assessed_profile(who, TODAY)
    assert assessed == Classification(CustomerClass.TEMPORARY_DIFFICULTY, (
        "Paid 14 of 15 invoices on time until May 2026.",
        "The last 3 are all late: 40 to 90 days (1 still unpaid)."))
    assert profile.trend.earlier_until == TODAY - 180 * DAY
    assert advice.startswith("Offer a payment plan rather than escalate")


@pytest.mark.parametrize(("recent", "kind"), [
    ([30, 30, 30], CustomerClass.TEMPORARY_DIFFICULTY),
    ([29, 29, 29], CustomerClass.OCCASIONALLY_LATE),
    ([0, 60, 60], CustomerClass.OCCASIONALLY_LATE),  # one of the last three on time
])
def test_a_temporary_difficulty_needs_each_of_the_last_three_late_30_days(
        empty_store: db.Store, recent: list[int], kind: CustomerClass) -> None:
    who = customer()
    history(who, [0] * 15, first_due_days_ago=600)
    history(who, recent, first_due_days_ago=150)
    assert assess(who).kind is kind


@pytest.mark.parametrize(("earlier", "kind"), [
    ([0, 0, 0, 0, 9], CustomerClass.TEMPORARY_DIFFICULTY),  # 80% on time before
    ([0, 0, 0, 9, 9], CustomerClass.RECURRING_LATE),  # 60% on time before
    ([0, 0, 0], CustomerClass.OCCASIONALLY_LATE),  # too short a history to have changed
])
def test_a_temporary_difficulty_needs_a_good_history(empty_store: db.Store,
                                                     earlier: list[int],
                                                     kind: CustomerClass) -> None:
    who = customer()
    history(who, earlier, first_due_days_ago=300)
    history(who, [40, 40, 40], first_due_days_ago=120)
    assert assess(who).kind is kind


def _struggling(who: int, *, emails: int) -> None:
    """A customer who paid six invoices on time, then left two unpaid, broke two
    promises about them and was sent ``emails`` e-mails since without an answer."""
    history(who, [0] * 6, first_due_days_ago=400)
    first, second = (invoice(who, 500_00, due_days_ago=60),
                     invoice(who, 500_00, due_days_ago=40))
    broken_promise(who, first, TODAY - 50 * DAY)
    broken_promise(who, second, TODAY - 30 * DAY)
    for n in range(emails):
        contact(who, ContactKind.EMAIL, TODAY - (15 - 5 * n) * DAY)


def test_broken_promises_and_no_answer_put_an_account_at_risk(empty_store: db.Store) -> None:
    who = customer()
    _struggling(who, emails=3)
    assert assess(who) == Classification(CustomerClass.AT_RISK, (
        "1,000.00 GBP is overdue.", "Broke 2 promises in the last 180 days.",
        "No payment and no word from them since 9 Nov 2026: 3 contacts unanswered."))


def test_one_warning_sign_alone_is_not_at_risk_but_is_told(empty_store: db.Store) -> None:
    who = customer()
    _struggling(who, emails=2)
    assessed = assess(who)
    # The two large invoices unpaid for 40 and 60 days weigh: 35.7 days late on average.
    assert assessed.kind is CustomerClass.RECURRING_LATE
    assert assessed.reasons[-1] == "Broke 2 promises in the last 180 days."


def test_a_word_from_the_customer_answers_the_contacts_before_it(
        empty_store: db.Store) -> None:
    who = customer()
    _struggling(who, emails=3)
    contact(who, ContactKind.CALL, TODAY - 2 * DAY, direction=Direction.INCOMING)
    assert assess(who).kind is not CustomerClass.AT_RISK
    assert customer_profile(who, TODAY).unanswered_contacts == 0


@pytest.mark.parametrize(("added_minor", "at_risk"), [(50_00, True), (49_99, False)])
def test_an_overdue_balance_grown_by_half_in_90_days_is_a_warning_sign(
        empty_store: db.Store, added_minor: int, at_risk: bool) -> None:
    who = customer()
    invoice(who, 100_00, due_days_ago=100)
    invoice(who, added_minor, due_days_ago=30)
    for n in range(3):
        contact(who, ContactKind.CALL, TODAY - (20 - n) * DAY)
    assessed = assess(who)
    assert (assessed.kind is CustomerClass.AT_RISK) is at_risk
    grown = "The overdue balance grew from 100.00 GBP to 150.00 GBP in 90 days."
    assert (grown in assessed.reasons) is at_risk


def _profile_of(lates: list[int], *, overdue: int, before: int, broken: int,
                unanswered: int) -> CustomerProfile:
    judged = [JudgedInvoice(n, dt.date(2026, 1, 1) + n * DAY, 100, late, None)
              for n, late in enumerate(lates)]
    figures = lateness(judged, 3)
    trend = Trend(lateness(judged[-3:], 3), lateness(judged[:-3], 3),
                  judged[-4].due_date if len(judged) > 3 else None)
    return CustomerProfile(
        customer_id=1, code="C1", name="Zoe Ltd", currency="GBP", as_of=TODAY,
        on_time_days=3, last_12_months=figures, before=lateness([], 3), overall=figures,
        trend=trend, promises_kept=0, promises_broken=broken, promises_open=0,
        broken_lately=broken, last_broken_on=TODAY if broken else None, disputes=0,
        disputed_now=0, plans_kept=0, plans_defaulted=0, plans_active=0,
        defaulted_lately=0, stages=(), channels=(), answered_channel=None,
        overdue_minor=overdue, overdue_before_minor=before,
        unanswered_contacts=unanswered, unanswered_since=TODAY if unanswered else None,
        written_off=0)


@given(lates=st.lists(st.integers(0, 400), max_size=30), overdue=st.integers(0, 10**6),
       before=st.integers(0, 10**6), broken=st.integers(0, 5), unanswered=st.integers(0, 6))
def test_every_class_is_explained_and_at_risk_needs_something_overdue(
        lates: list[int], overdue: int, before: int, broken: int, unanswered: int) -> None:
    profile = _profile_of(lates, overdue=overdue, before=before, broken=broken,
                          unanswered=unanswered)
    assessed = classify(profile, ClassThresholds())
    assert assessed.reasons and all(reason.strip() for reason in assessed.reasons)
    assert suggestion(profile, assessed)
    if assessed.kind is CustomerClass.AT_RISK:
        assert overdue > 0
    elif len(lates) < 4:
        assert assessed.kind is CustomerClass.NEW
    if not overdue and len(lates) >= 4 and all(late <= 3 for late in lates):
        assert assessed.kind is CustomerClass.RELIABLE


def test_the_thresholds_are_the_business_s_setting(empty_store: db.Store) -> None:
    who = customer()
    history(who, [0] * 4, first_due_days_ago=200)
    assert class_thresholds() == ClassThresholds()
    assert assess(who).kind is CustomerClass.RELIABLE
    set_class_thresholds(ClassThresholds(min_invoices=5))
    assert class_thresholds().min_invoices == 5
    assert assess(who).kind is CustomerClass.NEW


@pytest.mark.parametrize("wrong", [ClassThresholds(min_invoices=0),
                                   ClassThresholds(reliable_percent=101),
                                   ClassThresholds(recurring_percent=95),
                                   ClassThresholds(recurring_days=4)])
def test_thresholds_out_of_their_range_are_refused(empty_store: db.Store,
                                                   wrong: ClassThresholds) -> None:
    with pytest.raises(LedgerError):
        set_class_thresholds(wrong)
    assert class_thresholds() == ClassThresholds()


def test_each_class_has_its_word() -> None:
    assert CustomerClass.RECURRING_LATE.word == "Recurring late payer"
    assert CustomerClass.TEMPORARY_DIFFICULTY.word == "Temporary difficulty"
    assert all(member.word for member in CustomerClass)


def test_a_customer_that_is_gone_is_said_so(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError, match="That customer no longer exists."):
        customer_profile(404, TODAY)


# --- what answers: stages, channels and the suggestion --------------------------------

def test_the_channel_they_answer_and_the_one_that_stopped_working(
        empty_store: db.Store) -> None:
    who = customer()
    june = invoice(who, 100_00, due_days_ago=200)  # due 8 May 2026
    contact(who, ContactKind.EMAIL, dt.date(2026, 6, 5))
    record_payment(who, received_on=dt.date(2026, 6, 8), amount_minor=100_00,
                   allocate_to=[(june, 100_00)], today=TODAY)
    for due_days_ago in (150, 100, 50):
        bill = invoice(who, 100_00, due_days_ago=due_days_ago)
        due = TODAY - due_days_ago * DAY
        contact(who, ContactKind.EMAIL, due + 5 * DAY)
        contact(who, ContactKind.CALL, due + 15 * DAY)
        record_payment(who, received_on=due + 20 * DAY, amount_minor=100_00,
                       allocate_to=[(bill, 100_00)], today=TODAY)
    profile, assessed, advice = assessed_profile(who, TODAY)
    assert profile.answered_channel is ContactKind.CALL
    assert "Usually pays within 5 days of a phone call (3 of 3 calls were followed by a " \
           "payment within 7 days)." in advice
    assert "E-mails have not worked since June 2026 (3 since without a payment within 7 " \
           "days)." in advice


def test_how_long_after_each_stage_they_pay(empty_store: db.Store) -> None:
    who = customer()
    due = TODAY - 40 * DAY
    bill = invoice(who, 500_00, due_days_ago=40)
    day = due + DAY
    [action] = [a for a in follow_up_plan(day).due if a.customer_id == who]
    execute_action(who, action.currency, day, stage_id=action.stage.id, subject="Overdue",
                   text="Please pay.", now=dt.datetime.combine(day, dt.time(9)))
    record_payment(who, received_on=day + 4 * DAY, amount_minor=500_00,
                   allocate_to=[(bill, 500_00)], today=TODAY)
    [stage] = customer_profile(who, TODAY).stages
    assert (stage.stage, stage.contacts, stage.paid_within_7, stage.median_days) == (
        action.stage.name, 1, 1, 4)


def test_promises_plans_and_disputes_are_counted(empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 500_00, due_days_ago=60)
    broken_promise(who, first, TODAY - 50 * DAY)
    dispute_invoice(invoice(who, 100_00, due_days_ago=10), "Wrong goods")
    profile = customer_profile(who, TODAY)
    assert (profile.promises_kept, profile.promises_broken, profile.broken_lately) == (0, 1, 1)
    assert (profile.disputes, profile.disputed_now) == (1, 1)


# --- the command -------------------------------------------------------------------

@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, str]:
    """A closed store with a customer whose good record changed lately."""
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Quayside Bakery")
        history(who, [0] * 15, first_due_days_ago=600)
        history(who, [40, 45, 50], first_due_days_ago=150)
        return path, Customer.get_by_id(who).code
    finally:
        store.close()


def test_profile_prints_the_class_its_reasons_and_the_suggestion(
        shop: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, code = shop
    assert main(["--db", str(path), "insights", "Quayside Bakery",
                 "--as-of", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert f"Payment profile of Quayside Bakery ({code}) on 2026-11-24" in out
    assert "Class: Temporary difficulty" in out
    assert "  - Paid 15 of 15 invoices on time until May 2026." in out
    assert "  - The last 3 are all late: 40 to 50 days." in out
    assert "Suggestion: Offer a payment plan rather than escalate" in out
    assert "Last 12 months" in out and "Promises: 0 kept, 0 broken, 0 open" in out


def test_profile_of_an_unknown_customer_says_so(shop: tuple[Path, str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path, _code = shop
    assert main(["--db", str(path), "insights", "Nobody Ltd"]) == 2
    assert "No customer has the account code or name “Nobody Ltd”." in capsys.readouterr().err


def test_profile_works_on_the_demo_company(demo_file: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code = db.run_in_store(demo_file, lambda: Customer.select(Customer.code)
                           .order_by(Customer.id).first().code)
    assert main(["--db", str(demo_file), "insights", code, "--as-of", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert "Class: " in out and "Suggestion: " in out and "Days late (by amount)" in out


def _answers_emails(profile: CustomerProfile) -> CustomerProfile:
    """The profile of a customer who pays after an e-mail and not after a call."""
    email = ChannelResponse(ContactKind.EMAIL, 6, 5, 3, TODAY - 20 * DAY, 0, None)
    call = ChannelResponse(ContactKind.CALL, 4, 0, None, None, 4, TODAY - 90 * DAY)
    return replace(profile, channels=(email, call), answered_channel=ContactKind.EMAIL)


def _calls_work_better(kind: CustomerClass) -> Lesson:
    def row(value: str, paid: str, cases: int) -> WhatWorksRow:
        share = Decimal(paid)
        return WhatWorksRow(kind, ReminderAspect.CHANNEL, value, cases, 100_00 * cases,
                            (share, share, share), cases // 2, 10, (None,) * 3, (None,) * 3)
    return Lesson(kind, ReminderAspect.CHANNEL, row("Call", "11.5", 197),
                  row("E-mail", "3", 205), 3.2)


def test_the_customer_s_own_record_wins_over_the_advice_and_lesson_of_their_class() -> None:
    profile = _answers_emails(_profile_of([0] * 4 + [10] * 6, overdue=0, before=0,
                                          broken=0, unanswered=0))
    assessed = classify(profile, ClassThresholds())
    assert assessed.kind is CustomerClass.RECURRING_LATE

    advice = suggestion(profile, assessed, _calls_work_better(assessed.kind))

    assert "call early rather than send another e-mail" not in advice
    assert advice.startswith("Remind them before the due date, by an e-mail, the way they "
                             "answer;")
    assert advice.endswith("(197 and 205 cases); their own record points to an e-mail, and "
                           "it counts for more.")


def test_a_customer_without_a_record_of_their_own_gets_the_class_s_advice() -> None:
    profile = _profile_of([0] * 4 + [10] * 6, overdue=0, before=0, broken=0, unanswered=0)
    assessed = classify(profile, ClassThresholds())

    advice = suggestion(profile, assessed, _calls_work_better(assessed.kind))

    assert advice.startswith("Remind them before the due date and call early")
    assert advice.endswith("(197 and 205 cases).")
