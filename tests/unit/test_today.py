"""The Today worklist: nothing due slips, whatever days Duly was closed."""

from __future__ import annotations

import datetime as dt

import pytest

from models import db
from models.check import check_store
from models.contacts import (
    PROMISE_GRACE_DAYS,
    ContactEntry,
    log_contact,
    promise_deadline,
    record_promise,
)
from models.dates import short_date
from models.errors import LedgerError
from models.ledger import dispute_invoice, put_on_hold, record_payment
from models.schema import (
    AuditEntry,
    Customer,
    FollowUpPolicy,
    FollowUpStage,
    Interaction,
    StageExecution,
)
from models.today import (
    FOLLOW_UP,
    NEW_OVERDUE,
    NEW_OVERDUE_DAYS,
    PROMISE_BROKEN,
    PROMISE_DUE,
    STAGE_ACTION,
    WorkItem,
    _new_overdue,
    dismiss,
    mark_done,
    snooze,
    worklist,
    worklist_summary,
)
from tests.helpers import query_plan
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

NOON = dt.datetime.combine(TODAY, dt.time(12))
DAY = dt.timedelta(days=1)


def items_of(kind: str, as_of: dt.date) -> list[WorkItem]:
    return [item for item in worklist(as_of) if item.kind == kind]


def call_with_follow_up(customer_id: int, follow_up_on: dt.date,
                        at: dt.datetime = NOON) -> int:
    return log_contact(customer_id, ContactEntry(
        kind="call", occurred_at=at, summary="Asked for the remittance advice",
        follow_up_on=follow_up_on), now=at)


# --- follow-ups --------------------------------------------------------------------

def test_a_follow_up_appears_on_its_date_and_not_before(empty_store: db.Store) -> None:
    who = customer()
    contact = call_with_follow_up(who, TODAY + 3 * DAY)
    assert items_of(FOLLOW_UP, TODAY + 2 * DAY) == []
    [item] = items_of(FOLLOW_UP, TODAY + 3 * DAY)
    assert (item.ref_id, item.customer_id, item.days_waiting) == (contact, who, 0)
    assert item.detail == "Asked for the remittance advice"
    assert item.title == "Follow up the call of 24 Nov 2026"  # as the lists write days


def test_follow_ups_missed_while_duly_was_closed_are_still_listed(
        empty_store: db.Store) -> None:
    who = customer()
    contact = call_with_follow_up(who, TODAY + DAY)
    # Duly is next opened two weeks later: the follow-up is there, and says how late.
    [item] = items_of(FOLLOW_UP, TODAY + 15 * DAY)
    assert item.ref_id == contact
    assert item.due_on == TODAY + DAY
    assert item.days_waiting == 14


def test_a_follow_up_done_leaves_the_list_and_the_customers_next_action(
        empty_store: db.Store) -> None:
    who = customer()
    contact = call_with_follow_up(who, TODAY)
    mark_done(FOLLOW_UP, contact, on=TODAY, note="Remittance received")
    assert items_of(FOLLOW_UP, TODAY + 30 * DAY) == []
    assert Interaction.get_by_id(contact).follow_up_done
    assert Customer.get_by_id(who).next_action_on is None
    assert AuditEntry.select().where(AuditEntry.action == "today: done").count() == 1
    assert check_store() == []


def test_a_snoozed_item_reappears_on_its_date(empty_store: db.Store) -> None:
    who = customer()
    contact = call_with_follow_up(who, TODAY)
    snooze(FOLLOW_UP, contact, TODAY + 4 * DAY, on=TODAY)
    assert items_of(FOLLOW_UP, TODAY) == []
    assert items_of(FOLLOW_UP, TODAY + 3 * DAY) == []
    [back] = items_of(FOLLOW_UP, TODAY + 4 * DAY)
    assert back.ref_id == contact
    assert items_of(FOLLOW_UP, TODAY + 9 * DAY) == [back._replace(days_waiting=9)]
    # Snoozed while still to do: the customer's next action is unchanged.
    assert Customer.get_by_id(who).next_action_on == TODAY


def test_snoozing_again_moves_the_date(empty_store: db.Store) -> None:
    contact = call_with_follow_up(customer(), TODAY)
    snooze(FOLLOW_UP, contact, TODAY + 2 * DAY, on=TODAY)
    snooze(FOLLOW_UP, contact, TODAY + 5 * DAY, on=TODAY + 2 * DAY)
    assert items_of(FOLLOW_UP, TODAY + 4 * DAY) == []
    assert len(items_of(FOLLOW_UP, TODAY + 5 * DAY)) == 1


def test_a_dismissed_item_needs_a_reason_and_then_stays_away(empty_store: db.Store) -> None:
    contact = call_with_follow_up(customer(), TODAY)
    with pytest.raises(LedgerError) as refused:
        dismiss(FOLLOW_UP, contact, "  ", on=TODAY)
    assert refused.value.field == "reason"
    dismiss(FOLLOW_UP, contact, "Customer closed the account", on=TODAY)
    assert items_of(FOLLOW_UP, TODAY + 60 * DAY) == []


@pytest.mark.parametrize("until", [TODAY, TODAY - DAY])
def test_a_snooze_must_be_to_a_later_day(empty_store: db.Store, until: dt.date) -> None:
    contact = call_with_follow_up(customer(), TODAY)
    with pytest.raises(LedgerError) as refused:
        snooze(FOLLOW_UP, contact, until, on=TODAY)
    assert refused.value.field == "until"
    assert len(items_of(FOLLOW_UP, TODAY)) == 1


def test_deciding_on_an_item_that_is_gone_is_refused(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError) as refused:
        mark_done(PROMISE_DUE, 999, on=TODAY)
    assert refused.value.field == "item"
    with pytest.raises(LedgerError):
        mark_done("phone the bank", 1, on=TODAY)


# --- promises --------------------------------------------------------------------

def promise_for(who: int, amount_minor: int, days: int = 0) -> tuple[int, int]:
    bill = invoice(who, amount_minor, due_days_ago=20)
    promise = record_promise(who, amount_minor=amount_minor, promised_for=TODAY + days * DAY,
                             invoice_ids=[bill], now=NOON)
    return bill, promise


def test_a_promise_is_due_on_its_date_and_through_its_grace(empty_store: db.Store) -> None:
    who = customer()
    _, promise = promise_for(who, 300_00, days=2)
    assert items_of(PROMISE_DUE, TODAY + DAY) == []
    for day in range(2, 2 + PROMISE_GRACE_DAYS + 1):
        [due] = items_of(PROMISE_DUE, TODAY + day * DAY)
        assert due.ref_id == promise
        assert due.title == "Promise to pay 300.00 GBP by 26 Nov 2026"
        assert due.detail == ("Check the payment has arrived (grace until "
                              f"{short_date(promise_deadline(TODAY + 2 * DAY))})")
    assert items_of(PROMISE_DUE, TODAY + (3 + PROMISE_GRACE_DAYS) * DAY) == []


def test_a_promise_past_its_grace_unpaid_is_broken(empty_store: db.Store) -> None:
    who = customer()
    _, promise = promise_for(who, 300_00, days=2)
    after_grace = TODAY + (3 + PROMISE_GRACE_DAYS) * DAY
    [broken] = items_of(PROMISE_BROKEN, after_grace)
    assert broken.ref_id == promise
    assert broken.due_on == after_grace
    assert broken.title == "Broken promise to pay 300.00 GBP by 26 Nov 2026"


def test_a_kept_promise_leaves_the_list(empty_store: db.Store) -> None:
    who = customer()
    _, promise = promise_for(who, 300_00)
    record_payment(who, received_on=TODAY, amount_minor=300_00, today=TODAY)
    assert items_of(PROMISE_DUE, TODAY) == []
    assert items_of(PROMISE_BROKEN, TODAY + 30 * DAY) == []


def test_a_broken_promise_paid_late_is_no_longer_chased(empty_store: db.Store) -> None:
    who = customer()
    promise_for(who, 300_00)
    late = TODAY + (PROMISE_GRACE_DAYS + 5) * DAY
    assert len(items_of(PROMISE_BROKEN, late)) == 1
    record_payment(who, received_on=TODAY, amount_minor=300_00, today=TODAY)
    assert items_of(PROMISE_BROKEN, late) == []


def test_a_broken_promise_dealt_with_stays_away(empty_store: db.Store) -> None:
    who = customer()
    _, promise = promise_for(who, 300_00)
    late = TODAY + (PROMISE_GRACE_DAYS + 1) * DAY
    mark_done(PROMISE_BROKEN, promise, on=late, note="Called; a plan is coming")
    assert items_of(PROMISE_BROKEN, late + 10 * DAY) == []


# --- newly overdue accounts ---------------------------------------------------------

def late_starter(who: int, first_offset: int = 30) -> None:
    """Put ``who`` on a policy whose first stage comes ``first_offset`` days after due."""
    policy = FollowUpPolicy.create(name="Late starter")
    FollowUpStage.create(policy=policy, position=1, name="First letter",
                         offset_days=first_offset, channel="letter")
    Customer.update(followup_policy=policy).where(Customer.id == who).execute()


def test_an_account_no_reminder_chases_is_newly_overdue_for_a_week(
        empty_store: db.Store) -> None:
    who = customer()
    late_starter(who)
    first = invoice(who, 120_00, due_days_ago=-1)  # falls due tomorrow
    invoice(who, 80_00, due_days_ago=-1)
    assert items_of(NEW_OVERDUE, TODAY + DAY) == []  # due, not yet overdue
    [item] = items_of(NEW_OVERDUE, TODAY + 2 * DAY)
    assert (item.ref_id, item.amount_minor) == (first, 200_00)
    assert item.detail.endswith(" and 1 more fell due on 25 Nov 2026")
    assert len(items_of(NEW_OVERDUE, TODAY + (1 + NEW_OVERDUE_DAYS) * DAY)) == 1
    assert items_of(NEW_OVERDUE, TODAY + (2 + NEW_OVERDUE_DAYS) * DAY) == []


def test_the_newly_overdue_are_read_through_the_open_invoices_indexes(
        empty_store: db.Store, store_engine: str) -> None:
    if store_engine != "sqlite":
        pytest.skip("SQLite's planner")
    plan = query_plan(lambda: _new_overdue(TODAY))
    # The week's from the open invoices by due day, the accounts' earlier ones from the
    # open invoices by account: never a scan of every open invoice.
    assert not any(step.startswith("SCAN") for step in plan), plan
    assert {step.split(" INDEX ")[1].split()[0] for step in plan
            if " INDEX " in step} == {"invoice_due", "invoice_open"}, plan


def test_a_reminder_due_or_sent_replaces_newly_overdue(empty_store: db.Store) -> None:
    who = customer()  # the Standard policy: "Payment overdue" the day after due
    invoice(who, 120_00, due_days_ago=2)
    [reminder] = items_of(STAGE_ACTION, TODAY)
    assert reminder.title == "Payment overdue (e-mail)"
    assert reminder.amount_minor == 120_00
    assert items_of(NEW_OVERDUE, TODAY) == []
    mark_done(STAGE_ACTION, reminder.ref_id, on=TODAY, note="Sent from the accounts system")
    assert items_of(STAGE_ACTION, TODAY) == []
    assert items_of(NEW_OVERDUE, TODAY) == []  # the account is being chased
    contact = Interaction.get(Interaction.stage.is_null(False))
    assert "Sent from the accounts system" in contact.summary


def test_a_reminder_dismissed_is_skipped_with_its_reason(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 120_00, due_days_ago=2)
    [reminder] = items_of(STAGE_ACTION, TODAY)
    dismiss(STAGE_ACTION, reminder.ref_id, "Agreed at the meeting to wait", on=TODAY)
    assert items_of(STAGE_ACTION, TODAY + 5 * DAY) == []
    assert StageExecution.get().skip_reason == "Agreed at the meeting to wait"
    # The next stage still comes when its day does.
    assert [i.title for i in items_of(STAGE_ACTION, TODAY + 12 * DAY)] == [
        "Second reminder (e-mail)"]


def test_an_account_long_overdue_is_not_new(empty_store: db.Store) -> None:
    who = customer()
    late_starter(who, first_offset=90)
    invoice(who, 50_00, due_days_ago=40)
    invoice(who, 70_00, due_days_ago=2)
    assert items_of(NEW_OVERDUE, TODAY) == []


def test_accounts_on_hold_and_disputed_invoices_are_not_new_work(
        empty_store: db.Store) -> None:
    held, disputing = customer("Held Ltd"), customer("Disputing Ltd")
    late_starter(held)
    Customer.update(followup_policy=Customer.get_by_id(held).followup_policy).where(
        Customer.id == disputing).execute()
    invoice(held, 50_00, due_days_ago=2)
    put_on_hold(held, "Owner in hospital")
    dispute_invoice(invoice(disputing, 60_00, due_days_ago=2), "Goods damaged")
    assert items_of(NEW_OVERDUE, TODAY) == []


# --- the whole list --------------------------------------------------------------

def test_the_most_pressing_work_comes_first_and_the_summary_counts_it(
        empty_store: db.Store) -> None:
    who = customer()
    invoice(customer("Newly Late SA", "EUR"), 75_00, due_days_ago=3)
    call_with_follow_up(who, TODAY - 2 * DAY, at=NOON - 5 * DAY)
    promise_for(who, 40_00, days=0)
    other = customer("Other GmbH", "EUR")
    promise = record_promise(other, amount_minor=10_00, promised_for=TODAY,
                             invoice_ids=[invoice(other, 10_00, due_days_ago=30)],
                             now=NOON - 10 * DAY)
    items = worklist(TODAY + (PROMISE_GRACE_DAYS - 2) * DAY)
    assert [i.kind for i in items] == [FOLLOW_UP, PROMISE_DUE, PROMISE_DUE, STAGE_ACTION]
    late = worklist(TODAY + (PROMISE_GRACE_DAYS + 1) * DAY)
    assert [i.kind for i in late][:2] == [PROMISE_BROKEN, PROMISE_BROKEN]
    assert promise in {i.ref_id for i in late if i.kind == PROMISE_BROKEN}
    assert worklist_summary(items) == "4 to do: 1 follow-up, 2 promises due, " \
                                      "1 reminder due"
    assert worklist_summary([]) == "Nothing to do today"


def test_the_demo_company_has_work_of_every_kind_today(demo_store: db.Store) -> None:
    from tests.conftest import DEMO_TODAY

    items = worklist(DEMO_TODAY)
    kinds = {item.kind for item in items}
    assert {FOLLOW_UP, PROMISE_BROKEN, STAGE_ACTION} <= kinds
    assert all(item.due_on <= DEMO_TODAY for item in items)
    assert len({(i.kind, i.ref_id) for i in items}) == len(items)


def test_a_contact_logged_for_an_item_marks_it_done_in_the_same_step(
        empty_store: db.Store) -> None:
    from models.today import item_invoices, log_contact_for_item

    who = customer()
    bill = invoice(who, 90_00, due_days_ago=12)
    first = log_contact(who, ContactEntry(kind="call", occurred_at=NOON, summary="No answer",
                                          invoice_ids=(bill,), follow_up_on=TODAY + DAY),
                        now=NOON)
    assert item_invoices(FOLLOW_UP, first) == (bill,)
    later = NOON + DAY
    log_contact_for_item(FOLLOW_UP, first, ContactEntry(
        kind="call", occurred_at=later, summary="Paying Friday", invoice_ids=(bill,)),
        on=TODAY + DAY, now=later)
    assert items_of(FOLLOW_UP, TODAY + DAY) == []
    assert Interaction.get_by_id(first).follow_up_done
    # A contact the store refuses leaves the item on the list.
    second = call_with_follow_up(who, TODAY + 2 * DAY)
    with pytest.raises(LedgerError):
        log_contact_for_item(FOLLOW_UP, second, ContactEntry(kind="call", occurred_at=later),
                             on=TODAY + 2 * DAY, now=later)
    assert [i.ref_id for i in items_of(FOLLOW_UP, TODAY + 2 * DAY)] == [second]


def test_a_call_logged_for_a_reminder_carries_out_its_stage_once(empty_store: db.Store) -> None:
    from models.today import log_contact_for_item

    who = customer()
    bill = invoice(who, 120_00, due_days_ago=31)  # Standard: "Phone call" from day 30
    [reminder] = items_of(STAGE_ACTION, TODAY)
    assert reminder.title == "Phone call"
    contact = log_contact_for_item(STAGE_ACTION, reminder.ref_id, ContactEntry(
        kind="call", occurred_at=NOON, summary="Will pay on Friday", invoice_ids=(bill,)),
        on=TODAY, now=NOON)
    assert Interaction.select().count() == 1  # the user's call, not a second record
    execution = StageExecution.get(StageExecution.invoice == bill)
    assert execution.interaction_id == contact and execution.stage.name == "Phone call"
    assert Interaction.get_by_id(contact).stage_id == execution.stage_id
    assert items_of(STAGE_ACTION, TODAY) == []


def test_an_email_not_sent_comes_first_after_broken_promises_until_retried(
        empty_store: db.Store) -> None:
    from models.outbox import queue_message, retry
    from models.schema import OutboxMessage
    from models.today import EMAIL_FAILED, WORK_KINDS, worklist_summary

    who = customer()
    invoice(who, 120_00, due_days_ago=2)  # Standard: "Payment overdue" by e-mail
    outbox_id = queue_message(who, kind="statement", subject="Your statement", text="Attached.",
                              to=[("Zoë", "zoe@example.com")], now=NOON - 2 * DAY)
    OutboxMessage.update(status="failed", error="The mail server refused …").where(
        OutboxMessage.id == outbox_id).execute()
    items = worklist(TODAY)
    assert [i.kind for i in items] == [EMAIL_FAILED, STAGE_ACTION]
    assert WORK_KINDS.index(EMAIL_FAILED) == 1
    failed = items[0]
    assert (failed.ref_id, failed.customer_id, failed.days_waiting) == (outbox_id, who, 2)
    assert (failed.title, failed.detail) == ("E-mail not sent: Your statement",
                                             "The mail server refused …")
    assert worklist_summary(items) == "2 to do: 1 e-mail not sent, 1 reminder due"
    retry(outbox_id)
    assert [i.kind for i in worklist(TODAY)] == [STAGE_ACTION]
