"""The suggestion says what has worked with customers like them: what-works by class,
on enough cases, kept until the store is written to (issue 18)."""

from __future__ import annotations

import datetime as dt

from models import db
from models.customer_class import assessed_profile, class_lessons
from models.kinds import CustomerClass
from models.what_works import MIN_CASES
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_what_works import DAY, DUE, DUE_DAYS_AGO, called, chased_by_stage, pay

LESSON = ("With new customers, a phone call gets 100% paid within 14 days against 0% for "
          "an e-mail ({calls} and {emails} cases).")


def called_and_paid(n: int) -> int:
    """A new customer (one invoice) called 5 days after the due date, who paid 3 days
    after the call."""
    who = customer(f"Called {n}")
    bill = invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    called(who, DUE + 5 * DAY, (bill,))
    pay(who, bill, DUE + 8 * DAY)
    return who


def emailed_and_unpaid(n: int) -> int:
    """A new customer sent the "Payment overdue" e-mail, who never paid."""
    who = customer(f"E-mailed {n}")
    invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
    chased_by_stage(who, 1)
    return who


def history(calls: int, emails: int) -> list[int]:
    """``calls`` new customers who paid after a call, ``emails`` who did not after an
    e-mail; the e-mailed ones."""
    for n in range(calls):
        called_and_paid(n)
    return [emailed_and_unpaid(n) for n in range(emails)]


def test_with_enough_cases_the_class_has_its_lesson(empty_store: db.Store) -> None:
    history(MIN_CASES, MIN_CASES)
    lessons = class_lessons(TODAY)
    assert lessons == {CustomerClass.NEW: LESSON.format(calls=MIN_CASES, emails=MIN_CASES)}


def test_below_30_cases_a_side_there_is_no_lesson(empty_store: db.Store) -> None:
    history(MIN_CASES - 1, MIN_CASES)
    assert class_lessons(TODAY) == {}


def test_no_lesson_when_the_difference_is_noise(empty_store: db.Store) -> None:
    for n in range(MIN_CASES):
        who = customer(f"Called {n}")
        invoice(who, 100_00, due_days_ago=DUE_DAYS_AGO)
        called(who, DUE + 5 * DAY)  # nobody paid after a call either
    history(0, MIN_CASES)
    assert class_lessons(TODAY) == {}


def test_the_suggestion_of_a_customer_of_that_class_ends_with_the_lesson(
        empty_store: db.Store) -> None:
    [who, *_others] = history(MIN_CASES, MIN_CASES)
    _profile, classification, advice = assessed_profile(who, TODAY)
    assert classification.kind is CustomerClass.NEW
    assert advice.endswith(LESSON.format(calls=MIN_CASES, emails=MIN_CASES))
    assert "With new customers" not in assessed_profile(who, TODAY, lesson=False)[2]


def test_the_lessons_are_kept_for_the_day_and_a_new_day_sees_the_writes(
        empty_store: db.Store) -> None:
    history(MIN_CASES - 1, MIN_CASES)
    told: list[tuple[int, int]] = []
    assert class_lessons(TODAY, progress=lambda done, total: told.append((done, total))) == {}
    assert told  # worked out
    told.clear()
    assert class_lessons(TODAY, progress=lambda done, total: told.append((done, total))) == {}
    assert not told  # kept: not worked out again
    called_and_paid(MIN_CASES)  # a write: the 30th call
    assert class_lessons(TODAY, progress=lambda done, total: told.append((done, total))) == {}
    assert not told  # a write does not make the next review wait
    lessons = class_lessons(TODAY + dt.timedelta(days=1))
    assert lessons[CustomerClass.NEW] == LESSON.format(calls=MIN_CASES, emails=MIN_CASES)


def test_the_lessons_of_another_day_are_worked_out_for_it(empty_store: db.Store) -> None:
    history(MIN_CASES, MIN_CASES)
    assert class_lessons(TODAY)
    # 31 days after the due date the e-mails (day 1) are 30 days old, the calls not yet.
    assert class_lessons(DUE + dt.timedelta(days=31)) == {}
