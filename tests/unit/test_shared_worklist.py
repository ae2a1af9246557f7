"""Today's list in the window: worked out once between writes, whoever reads it (the
navigation's count, the status bar, the Today page), and never stale after a write."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from models import db
from models.contacts import ContactEntry, log_contact, record_promise, review_promises
from models.ledger import record_payment
from models.schema import Promise
from models.today import (
    FOLLOW_UP,
    WorkItem,
    mark_done,
    shared_worklist,
    snooze,
    worklist,
    worklists_worked_out,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOON = dt.datetime.combine(TODAY, dt.time(12))
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def heard_as_the_window_does(empty_store: db.Store) -> Iterator[None]:
    """The window hears of other Dulys' writes (on a server, by listening): only then
    is a list worked out kept until the next write."""
    db.OtherWrites()
    yield


def _follow_up_due(who: int, summary: str = "Asked for the remittance advice") -> int:
    return log_contact(who, ContactEntry(kind="call", occurred_at=NOON, summary=summary,
                                         follow_up_on=TODAY), now=NOON)


def test_readers_share_one_list_until_the_store_is_written_to(empty_store: db.Store) -> None:
    contact = _follow_up_due(customer())
    before = worklists_worked_out()
    first = shared_worklist(TODAY)
    again = shared_worklist(TODAY)
    assert again is first  # the second reader is given the same list
    assert worklists_worked_out() == before + 1
    assert [(i.kind, i.ref_id) for i in first] == [(FOLLOW_UP, contact)]
    assert list(first) == worklist(TODAY)  # the same list the model works out


def test_a_write_makes_the_next_reader_work_the_list_out_again(empty_store: db.Store) -> None:
    who = customer()
    done, snoozed = _follow_up_due(who), _follow_up_due(who, "Ask about the credit note")
    assert {i.ref_id for i in shared_worklist(TODAY)} == {done, snoozed}
    before = worklists_worked_out()
    mark_done(FOLLOW_UP, done, on=TODAY, note="Remittance received")
    assert [i.ref_id for i in shared_worklist(TODAY)] == [snoozed]
    snooze(FOLLOW_UP, snoozed, TODAY + 3 * DAY, on=TODAY)
    assert shared_worklist(TODAY) == ()
    assert shared_worklist(TODAY) == ()  # read again with no write between: kept
    assert worklists_worked_out() == before + 2
    later = _follow_up_due(who, "Call back about the statement")  # a contact logged
    assert [i.ref_id for i in shared_worklist(TODAY)] == [later]


def test_another_day_is_worked_out_for_itself(empty_store: db.Store) -> None:
    who = customer()
    log_contact(who, ContactEntry(kind="call", occurred_at=NOON, summary="Call back",
                                  follow_up_on=TODAY + 2 * DAY), now=NOON)
    assert shared_worklist(TODAY) == ()
    [item] = shared_worklist(TODAY + 2 * DAY)
    assert item.due_on == TODAY + 2 * DAY
    assert shared_worklist(TODAY) == ()


def test_readers_asking_at_once_wait_for_the_one_list_being_worked_out(
        empty_store: db.Store) -> None:
    _follow_up_due(customer())
    before = worklists_worked_out()
    start = threading.Barrier(3)
    lists: list[tuple[WorkItem, ...]] = []

    def read() -> None:  # as the window's count and page do, each on a worker thread
        start.wait()
        try:
            lists.append(shared_worklist(TODAY))
        finally:
            db.close_thread_connection()

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers[1:]:
        reader.start()
    readers[0].run()  # this thread reads too
    for reader in readers[1:]:
        reader.join()
    assert len(lists) == 3 and all(found is lists[0] for found in lists)
    assert worklists_worked_out() == before + 1


def test_open_promises_of_many_customers_are_reviewed_together(empty_store: db.Store) -> None:
    # One read finds the money paid towards every open promise: each is still judged by
    # its own invoices, its own day and its own amount.
    first, second, third = customer("Ash Ltd"), customer("Birch Ltd"), customer("Cedar Ltd")
    promises = {}
    for who, amount in ((first, 300_00), (second, 200_00), (third, 100_00)):
        target = invoice(who, 300_00, due_days_ago=20)
        promises[who] = record_promise(who, amount_minor=amount, invoice_ids=[target],
                                       promised_for=TODAY + 2 * DAY, now=NOON - DAY)
    record_payment(first, received_on=TODAY, amount_minor=300_00, today=TODAY)
    record_payment(second, received_on=TODAY, amount_minor=150_00, today=TODAY)
    status = {who: Promise.get_by_id(p).status for who, p in promises.items()}
    assert status == {first: "kept", second: "open", third: "open"}
    # Reviewed for one customer, the others' promises are left as they are.
    review = review_promises(TODAY + 30 * DAY, customer_id=second)
    assert review.broken == (promises[second],)
    assert Promise.get_by_id(promises[third]).status == "open"
    review = review_promises(TODAY + 30 * DAY)
    assert (review.kept, review.broken) == ((), (promises[third],))
