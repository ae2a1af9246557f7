"""Two people approving the same reminder at the same moment: it goes once, and the second
is told who sent it and when ("already sent by Anna at 10:14"), on a file and on a server,
each person on a connection of their own."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

from models import db
from models.check import check_store
from models.errors import AlreadyCarriedOut
from models.followup import DueAction, due_action, execute_action, skip_action
from models.schema import AuditEntry, Interaction, StageExecution, on_server
from models.today import STAGE_ACTION, mark_done
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

NINE = dt.datetime.combine(TODAY, dt.time(9))


def reminder_due() -> DueAction:
    """One customer with an invoice two days overdue: "Payment overdue" is due today."""
    who = customer("Fenwick Catering Ltd")
    invoice(who, 500_00, due_days_ago=2)
    action = due_action(who, "GBP", TODAY)
    assert action is not None and action.stage.name == "Payment overdue"
    return action


def approve(action: DueAction) -> int:
    return execute_action(action.customer_id, action.currency, TODAY,
                          stage_id=action.stage.id, subject="Your account",
                          text="Dear Fenwick Catering…", now=NINE)


def at_once(work: Callable[[], Any], people: int = 2) -> list[Any]:
    """``work`` done by ``people`` at the same moment, each on a thread and a connection of
    their own (as two windows): what each got back, or the refusal each got."""
    start = threading.Barrier(people)
    outcomes: list[Any] = [None] * people

    def person(n: int) -> None:
        try:
            if on_server():
                # A real race: each reads the reminder in their own write, and neither
                # writes until both have read it (a server lets both in at once).
                with db.writing():
                    due_action(action_customer[0], "GBP", TODAY)
                    start.wait()
                    outcomes[n] = work()
            else:
                # A file lets one writer in at a time: both read, then both write.
                due_action(action_customer[0], "GBP", TODAY)
                start.wait()
                outcomes[n] = work()
        except AlreadyCarriedOut as refused:
            outcomes[n] = refused
        finally:
            db.close_thread_connection()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


action_customer: list[int] = [0]  # the customer whose reminder both are approving


def sent_contacts(action: DueAction) -> list[int]:
    return [row.id for row in Interaction.select(Interaction.id).where(
        (Interaction.customer == action.customer_id) & (Interaction.stage == action.stage.id))]


def test_two_people_approving_one_reminder_at_once_send_it_once(empty_store: db.Store) -> None:
    action = reminder_due()
    action_customer[0] = action.customer_id

    outcomes = at_once(lambda: approve(action))

    sent = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, AlreadyCarriedOut)]
    assert len(sent) == 1 and len(refused) == 1, outcomes
    assert sent_contacts(action) == sent  # one contact, one reminder
    assert StageExecution.select().where(StageExecution.stage == action.stage.id).count() == 1
    entry = AuditEntry.get((AuditEntry.action == "follow-up stage")
                           & (AuditEntry.row_id == sent[0]))
    [second] = refused
    assert (second.who, second.at) == (entry.who, entry.at)
    assert f"“Payment overdue” was already sent by {entry.who} " in second.message
    assert f"at {entry.at:%H:%M}" in second.message
    assert second.field == "action"  # the window says it and reads its list again
    assert [str(p) for p in check_store()] == []


def test_ten_people_approving_one_reminder_at_once_send_it_once(empty_store: db.Store) -> None:
    action = reminder_due()
    action_customer[0] = action.customer_id

    outcomes = at_once(lambda: approve(action), people=10)

    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, AlreadyCarriedOut) for o in outcomes) == 9
    assert len(sent_contacts(action)) == 1


def test_approving_a_reminder_someone_passed_over_says_who_and_why(
        empty_store: db.Store) -> None:
    action = reminder_due()
    skip_action(action.customer_id, "GBP", TODAY, stage_id=action.stage.id,
                reason="Paid by cheque, in the post")
    entry = AuditEntry.get(AuditEntry.action == "skip follow-up stage")

    with pytest.raises(AlreadyCarriedOut) as refused:
        approve(action)

    assert refused.value.message.startswith(
        f"“Payment overdue” was already passed over by {entry.who} ")
    assert "(Paid by cheque, in the post)" in refused.value.message
    assert sent_contacts(action) == []


def test_marking_done_a_reminder_another_person_sent_is_refused_with_their_name(
        empty_store: db.Store) -> None:
    action = reminder_due()
    [oldest] = action.invoices
    contact = approve(action)  # sent from one window…
    who = AuditEntry.get((AuditEntry.action == "follow-up stage")
                         & (AuditEntry.row_id == contact)).who

    with pytest.raises(AlreadyCarriedOut) as refused:  # …marked done from another's list
        mark_done(STAGE_ACTION, oldest.id, on=TODAY, note="Sent by hand")

    assert f"already sent by {who}" in refused.value.message
    assert sent_contacts(action) == [contact]


def test_a_reminder_sent_on_another_day_is_no_reason_given_for_a_refusal_today(
        empty_store: db.Store) -> None:
    action = reminder_due()
    approve(action)
    later = TODAY + dt.timedelta(days=20)
    with pytest.raises(Exception) as refused:  # the account moved on since: not "already"
        execute_action(action.customer_id, "GBP", later, stage_id=action.stage.id)
    assert not isinstance(refused.value, AlreadyCarriedOut)
