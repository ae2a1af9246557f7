"""The class of every customer at once, for the lists (issue 18): read in bulk, the same
as one by one, and each class where the history puts it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from models import customer_profile as profiles
from models import db
from models.customer_class import (
    ClassThresholds,
    assessed_profile,
    class_thresholds,
    classify,
    customer_classes,
    listed_classes,
    set_class_thresholds,
)
from models.customer_profile import customer_profile, customer_profiles
from models.kinds import ContactKind, CustomerClass
from models.schema import Customer
from tests.conftest import DEMO_TODAY
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_customer_profile import _struggling, contact, history, paid

DAY = dt.timedelta(days=1)


def _every_customer() -> list[int]:
    return [c.id for c in Customer.select(Customer.id).order_by(Customer.id)]


@pytest.mark.parametrize("days_before", [0, 45, 400])
@pytest.mark.parametrize("batch", [900, 4])
def test_the_demo_s_profiles_read_in_bulk_are_those_read_one_by_one(
        demo_store: db.Store, monkeypatch: pytest.MonkeyPatch, days_before: int,
        batch: int) -> None:
    # Small batches mix several customers' rows in each read, and split the demo's.
    monkeypatch.setattr(profiles, "BATCH_CUSTOMERS", batch)
    as_of = DEMO_TODAY - days_before * DAY
    everyone = _every_customer()
    one_by_one = {cid: customer_profile(cid, as_of) for cid in everyone}
    assert customer_profiles(as_of) == one_by_one
    assert list(customer_profiles(as_of)) == everyone  # by customer id, every one


def test_the_demo_s_classes_read_in_bulk_are_those_drawn_one_by_one(
        demo_store: db.Store) -> None:
    thresholds = ClassThresholds(on_time_days=1, recent_invoices=2, min_invoices=3)
    bulk = customer_classes(DEMO_TODAY, thresholds=thresholds)
    assert bulk == {cid: assessed_profile(cid, DEMO_TODAY, thresholds)[1]
                    for cid in _every_customer()}
    # The demo is meant to show more than one kind of payer.
    assert len({c.kind for c in bulk.values()}) >= 3


def _one_of_each() -> dict[CustomerClass, int]:
    """A customer of each class, built through the ledger as the window would."""
    reliable, occasional, recurring, difficulty, at_risk, new = (
        customer(name) for name in ("Reliable Ltd", "Occasional Ltd", "Recurring Ltd",
                                    "Difficulty Ltd", "At Risk Ltd", "New Ltd"))
    history(reliable, [0] * 10, first_due_days_ago=300)
    history(occasional, [0] * 8 + [10, 10], first_due_days_ago=340)
    history(recurring, [0] * 4 + [20] * 6, first_due_days_ago=300)
    history(difficulty, [0] * 14 + [9], first_due_days_ago=600)
    history(difficulty, [40, 45], first_due_days_ago=150)
    invoice(difficulty, 100_00, due_days_ago=90)
    _struggling(at_risk, emails=3)
    history(new, [0, 0], first_due_days_ago=60)
    return {CustomerClass.RELIABLE: reliable, CustomerClass.OCCASIONALLY_LATE: occasional,
            CustomerClass.RECURRING_LATE: recurring,
            CustomerClass.TEMPORARY_DIFFICULTY: difficulty, CustomerClass.AT_RISK: at_risk,
            CustomerClass.NEW: new}


def test_each_class_appears_where_the_history_puts_it(empty_store: db.Store) -> None:
    expected = _one_of_each()
    classes = customer_classes(TODAY)
    assert {kind: classes[cid].kind for kind, cid in expected.items()} == {
        kind: kind for kind in expected}
    for cid, classification in classes.items():
        assert classification == assessed_profile(cid, TODAY)[1]
    assert classes[expected[CustomerClass.TEMPORARY_DIFFICULTY]].reasons == (
        "Paid 14 of 15 invoices on time until May 2026.",
        "The last 3 are all late: 40 to 90 days (1 still unpaid).")


def test_the_business_s_thresholds_draw_the_classes_in_bulk(empty_store: db.Store) -> None:
    expected = _one_of_each()
    strict = ClassThresholds(min_invoices=11)
    classes = customer_classes(TODAY, thresholds=strict)
    assert classes[expected[CustomerClass.RELIABLE]].kind is CustomerClass.NEW
    assert all(c == classify(customer_profile(cid, TODAY, on_time_days=strict.on_time_days),
                             strict) for cid, c in classes.items())


def test_only_the_customers_asked_for_and_still_there_are_read(empty_store: db.Store) -> None:
    expected = _one_of_each()
    wanted = [expected[CustomerClass.NEW], expected[CustomerClass.AT_RISK], 404]
    classes = customer_classes(TODAY, wanted)
    assert sorted(classes) == sorted(wanted[:2])
    assert customer_classes(TODAY, []) == {}


def test_the_bulk_read_takes_the_same_few_queries_for_three_customers_or_thirty(
        empty_store: db.Store) -> None:
    few = [customer(f"Few {n}") for n in range(3)]
    many = few + [customer(f"Many {n}") for n in range(27)]
    for n, cid in enumerate(many):
        history(cid, [0, 5 * n], first_due_days_ago=200)
        contact(cid, ContactKind.CALL, TODAY - (n + 1) * DAY)
    paid(many[-1], due_days_ago=30, days_late=3)
    with count_queries() as three:
        customer_classes(TODAY, few)
    with count_queries() as thirty:
        customer_classes(TODAY, many)
    assert three.count == thirty.count <= 12


def test_the_bulk_read_tells_its_progress_batch_by_batch(
        empty_store: db.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profiles, "BATCH_CUSTOMERS", 2)
    for n in range(5):
        customer(f"Customer {n}")
    told: list[tuple[int, int]] = []
    customer_classes(TODAY, progress=lambda done, total: told.append((done, total)))
    assert told == [(2, 5), (4, 5), (5, 5)]


def test_the_lists_classes_are_read_once_until_the_store_is_written_to(
        empty_store: db.Store) -> None:
    db.OtherWrites()  # as the window does: on a server, others' writes are heard
    expected = _one_of_each()
    ids = sorted(expected.values())
    with count_queries() as first:
        classes = listed_classes(TODAY, ids[:2])
    assert first.count > 3
    with count_queries() as again:  # the same customers: nothing read but the key
        assert listed_classes(TODAY, ids[:2]) == classes
    with count_queries() as more:  # the rest: only they are read
        everyone = listed_classes(TODAY)
    assert again.count < first.count and more.count >= first.count
    assert {cid: c.kind for cid, c in everyone.items()} == {
        cid: c.kind for cid, c in customer_classes(TODAY).items()}
    reliable = expected[CustomerClass.RELIABLE]
    invoice(reliable, 50_000, due_days_ago=120)  # a write: now long overdue
    assert listed_classes(TODAY)[reliable] == customer_classes(TODAY)[reliable]
    assert listed_classes(TODAY)[reliable].kind != CustomerClass.RELIABLE
    set_class_thresholds(dataclasses.replace(class_thresholds(), min_invoices=50))
    assert listed_classes(TODAY)[reliable].kind == CustomerClass.NEW
