"""Chasing follows the plan, not the invoices: a courtesy reminder before each instalment,
a gentle one for an instalment missed, the plan broken only after its grace and that
reminder, chasing resumed where the account had got to and Today saying so; a completed
plan stops its reminders; offers hold chasing until their day; the day's settling."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.company import create_business
from models.contacts import ContactEntry
from models.daily import settle_day
from models.errors import LedgerError
from models.followup import (
    carry_out_action,
    default_policy_id,
    follow_up_plan,
    plans_policy_id,
    skip_action,
)
from models.kinds import (
    ContactKind,
    ContactPurpose,
    OfferKind,
    OutboxKind,
    PlanFrequency,
    PlanStatus,
    PolicyUse,
)
from models.ledger import CustomerDraft, pick_lists, record_payment, update_customer
from models.offers import make_offer
from models.plan_freeze import charges_frozen_on
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan, plans_to_default
from models.policies import set_default_policies
from models.schema import (
    AuditEntry,
    FollowUpPolicy,
    FollowUpStage,
    Interaction,
    LetterTemplate,
    OutboxMessage,
    PaymentPlan,
    StageExecution,
)
from models.today import (
    INSTALMENT_DUE,
    INSTALMENT_LATE,
    PLAN_DEFAULTED,
    STAGE_ACTION,
    log_contact_for_item,
    mark_done,
    worklist,
)
from reports.actions_text import actions_table
from tests.helpers import undo_v15
from tests.unit.ledger_helpers import TODAY, customer, invoice

D = dt.date
NOW = dt.datetime(2026, 11, 24, 10, 0)
FIRST = D(2027, 1, 15)  # the first instalment; the grace runs to 20 January


def _reach(invoice_id: int, *names: str) -> None:
    for name in names:
        stage = FollowUpStage.get((FollowUpStage.name == name) & (FollowUpStage.policy == 2))
        StageExecution.create(invoice=invoice_id, stage=stage, executed_on=TODAY)


def _plan(who: int, *invoice_ids: int, count: int = 3, freeze: bool = False) -> int:
    return agree_plan(PlanDraft(who, TODAY, ScheduleTerms(PlanFrequency.MONTHLY, FIRST,
                                                          count=count),
                                invoice_ids=invoice_ids, freeze_charges=freeze), now=NOW)


def _pay(who: int, invoice_id: int, amount: int, on: dt.date) -> None:
    record_payment(who, received_on=on, amount_minor=amount,
                   allocate_to=[(invoice_id, amount)], today=on)


def _plan_actions(day: dt.date, who: int) -> list:
    return [a for a in follow_up_plan(day, customer_id=who).due if a.instalment is not None]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9))


def _broken_account(freeze: bool = False) -> tuple[int, int, int]:
    """A customer whose invoice had reached "Second reminder" when a plan of three
    instalments of 300.00 from 15 January was agreed for it."""
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=100)
    _reach(bill, "Payment overdue", "Second reminder")
    return who, bill, _plan(who, bill, freeze=freeze)


# --- the plans policy ---------------------------------------------------------------------

def test_a_new_store_has_the_plans_policy_with_its_two_stages(empty_store: db.Store) -> None:
    policy = FollowUpPolicy.get_by_id(plans_policy_id())
    assert (policy.name, policy.use) == ("Payment plans", PolicyUse.PLANS)
    stages = [(s.name, s.offset_days, s.channel, s.tone, s.template.name) for s in
              FollowUpStage.select().where(FollowUpStage.policy == policy.id)
              .order_by(FollowUpStage.position)]
    assert stages == [("Instalment reminder", -3, "email", "friendly",
                       "Instalment reminder email"),
                      ("Missed instalment", 1, "email", "polite", "Missed instalment email")]
    languages = {t.language for t in LetterTemplate.select().where(
        LetterTemplate.name == "Missed instalment letter")}
    assert len(languages) == 11


def test_the_plans_policy_is_never_a_customers_nor_the_default(empty_store: db.Store) -> None:
    plans = plans_policy_id()
    assert plans not in [c.id for c in pick_lists().followup_policies]
    assert default_policy_id() != plans
    with pytest.raises(LedgerError, match="payment plans' instalments"):
        set_default_policies(plans, None)
    who = customer()
    with pytest.raises(LedgerError):
        update_customer(who, CustomerDraft(code="", name="Zoë", currency="GBP",
                                           followup_policy_id=plans))


def test_a_v14_store_gains_the_plans_policy_and_the_relationship_templates(
        tmp_path: Path) -> None:
    path = tmp_path / "v14.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    finally:
        store.close()
    with sqlite3.connect(path) as connection:  # as Duly 14 made it
        connection.execute('DELETE FROM "follow_up_stage" WHERE "policy_id" IN (SELECT "id" '
                           'FROM "follow_up_policy" WHERE "use" = \'plans\')')
        connection.execute('DELETE FROM "follow_up_policy" WHERE "use" = \'plans\'')
        connection.execute('DELETE FROM "letter_template" WHERE "name" LIKE \'%instalment%\' '
                           'OR "name" LIKE \'Welcome%\' OR "name" LIKE \'Thank you%\'')
        undo_v15(connection)
        connection.execute("PRAGMA user_version = 14")
    connection.close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == 14
        policy = FollowUpPolicy.get(FollowUpPolicy.use == PolicyUse.PLANS)
        assert [s.name for s in policy.stages.order_by(FollowUpStage.position)] == [
            "Instalment reminder", "Missed instalment"]
        for name in ("Instalment reminder email", "Welcome letter", "Thank you email"):
            assert LetterTemplate.select().where(LetterTemplate.name == name).count() == 11
        assert check_store() == []
    finally:
        store.close()


# --- reminders before each instalment -------------------------------------------------------

def test_an_instalment_reminder_goes_three_days_before_its_date_and_only_once(
        empty_store: db.Store) -> None:
    who, bill, plan_id = _broken_account()
    assert _plan_actions(D(2027, 1, 11), who) == []
    (action,) = _plan_actions(D(2027, 1, 12), who)
    assert (action.stage.name, action.total_minor, action.invoices) == (
        "Instalment reminder", 300_00, ())
    assert action.instalment is not None and action.instalment.position == 1
    contact_id = carry_out_action(action, D(2027, 1, 12), subject="Your next instalment",
                                  text="Dear Zoë", now=_at(D(2027, 1, 12)))
    contact = Interaction.get_by_id(contact_id)
    assert (contact.purpose, contact.plan_id, contact.instalment_id, contact.stage_id) == (
        ContactPurpose.PLAN, plan_id, action.instalment.instalment_id, action.stage.id)
    assert not StageExecution.select().where(StageExecution.interaction == contact_id).exists()
    assert _plan_actions(D(2027, 1, 13), who) == []  # not again
    assert _plan_actions(D(2027, 1, 15), who) == []


def test_a_paid_instalment_gets_no_reminder(empty_store: db.Store) -> None:
    who, bill, _ = _broken_account()
    _pay(who, bill, 300_00, D(2027, 1, 5))
    assert _plan_actions(D(2027, 1, 12), who) == []
    (action,) = _plan_actions(D(2027, 2, 12), who)  # the second one's, in its turn
    assert action.instalment is not None and action.instalment.position == 2


def test_the_plans_invoices_are_not_chased_while_it_is_kept(empty_store: db.Store) -> None:
    who, bill, _ = _broken_account()
    for day in (TODAY, D(2026, 12, 20), D(2027, 1, 12)):
        plan = follow_up_plan(day, customer_id=who)
        assert [a for a in plan.due if a.instalment is None] == []
        assert any("in a payment plan in good standing" in r for s in plan.skipped
                   for r in s.reasons)


# --- a missed instalment and a broken plan --------------------------------------------------

def test_a_missed_instalment_gets_the_gentle_reminder_first(empty_store: db.Store) -> None:
    who, _, _ = _broken_account()
    assert _plan_actions(D(2027, 1, 15), who)[0].stage.name == "Instalment reminder"
    (action,) = _plan_actions(D(2027, 1, 16), who)
    assert (action.stage.name, action.stage.tone) == ("Missed instalment", "polite")
    # Past its grace but not yet reminded: the plan stands until the customer has had it.
    assert plans_to_default(D(2027, 1, 25)) == []
    assert settle_day(D(2027, 1, 25)).defaulted == ()
    assert PaymentPlan.get_by_id(action.plan_id).status == PlanStatus.ACTIVE
    assert [i.kind for i in worklist(D(2027, 1, 25)) if i.customer_id == who][0] == \
        INSTALMENT_LATE


def test_a_plan_breaks_after_its_grace_and_reminder_and_chasing_resumes_past_its_stage(
        empty_store: db.Store) -> None:
    who, bill, plan_id = _broken_account()
    (reminder,) = _plan_actions(D(2027, 1, 16), who)
    carry_out_action(reminder, D(2027, 1, 16), now=_at(D(2027, 1, 16)))
    assert settle_day(D(2027, 1, 20)).defaulted == ()  # still in its grace
    settled = settle_day(D(2027, 1, 21))
    (broken,) = settled.defaulted
    assert broken.reason == "Instalment 1 of 3 (300.00 GBP) due 15 Jan 2027 not paid."
    assert broken.resumed is not None and broken.resumed.stage_name == "Phone call"
    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on, plan.end_reason) == (
        PlanStatus.DEFAULTED, D(2027, 1, 21), broken.reason)
    # Not the first stage, not the harshest: the one after "Second reminder".
    due_on = broken.resumed.due_on
    assert due_on == D(2027, 1, 28)
    assert [a for a in follow_up_plan(due_on - dt.timedelta(days=1), customer_id=who).due] == []
    (action,) = follow_up_plan(due_on, customer_id=who).due
    assert (action.stage.name, [i.id for i in action.invoices]) == ("Phone call", [bill])
    item = next(i for i in worklist(D(2027, 1, 22)) if i.kind == PLAN_DEFAULTED)
    assert item.title == ("Plan broken: Zoë Ødegård AS — instalment 1 missed; chasing resumes "
                          "at “Phone call” on 28 Jan 2027")
    mark_done(PLAN_DEFAULTED, plan_id, on=D(2027, 1, 22))
    assert not [i for i in worklist(D(2027, 1, 22)) if i.kind == PLAN_DEFAULTED]
    assert check_store() == []


def test_frozen_interest_runs_again_from_the_day_the_plan_broke(empty_store: db.Store) -> None:
    who, bill, plan_id = _broken_account(freeze=True)
    (reminder,) = _plan_actions(D(2027, 1, 16), who)
    carry_out_action(reminder, D(2027, 1, 16), now=_at(D(2027, 1, 16)))
    settle_day(D(2027, 1, 22))
    assert charges_frozen_on(bill, D(2027, 1, 21))
    assert not charges_frozen_on(bill, D(2027, 1, 22))


def test_a_reminder_passed_over_also_lets_the_plan_break(empty_store: db.Store) -> None:
    who, _, plan_id = _broken_account()
    (reminder,) = _plan_actions(D(2027, 1, 16), who)
    skip_action(who, "GBP", D(2027, 1, 16), stage_id=reminder.stage.id,
                reason="Spoke to them on the phone.", plan_id=plan_id)
    assert _plan_actions(D(2027, 1, 17), who) == []
    assert [p.plan_id for p in plans_to_default(D(2027, 12, 1))] == [plan_id]


def test_settling_the_day_twice_does_nothing_more(empty_store: db.Store) -> None:
    who, _, _ = _broken_account()
    (reminder,) = _plan_actions(D(2027, 1, 16), who)
    carry_out_action(reminder, D(2027, 1, 16), now=_at(D(2027, 1, 16)))
    assert settle_day(D(2027, 1, 21)).changed
    audited = AuditEntry.select().count()
    again = settle_day(D(2027, 1, 21))
    assert (again.changed, again.completed, again.defaulted, again.offers_lapsed) == (
        False, (), (), 0)
    assert AuditEntry.select().count() == audited


def test_a_completed_plan_closes_and_its_reminders_stop(empty_store: db.Store) -> None:
    who, bill, plan_id = _broken_account()
    _pay(who, bill, 900_00, D(2027, 1, 10))
    assert PaymentPlan.get_by_id(plan_id).status == PlanStatus.COMPLETED
    for day in (D(2027, 1, 12), D(2027, 2, 12), D(2027, 3, 16)):
        assert _plan_actions(day, who) == []
    assert not [i for i in worklist(D(2027, 1, 12))
                if i.kind in (INSTALMENT_DUE, INSTALMENT_LATE)]


# --- carrying reminders out -------------------------------------------------------------

def test_the_days_e_mails_remind_of_the_instalment_through_the_outbox(
        empty_store: db.Store) -> None:
    from reports.email_reminders import queue_due_emails

    who, _, plan_id = _broken_account()
    result = queue_due_emails(D(2027, 1, 12), now=_at(D(2027, 1, 12)))
    assert result.queued == 1
    message = OutboxMessage.get(OutboxMessage.customer == who)
    assert message.kind == OutboxKind.PLAN
    assert message.subject == ("Your next instalment: £300.00 due on 15 Jan 2027 "
                               "(payment plan PP-000001)")
    assert "instalment 1 of 3, £300.00, falls due on 15 Jan 2027" in message.body
    assert "£900.00 is still to pay on the plan in all" in message.body
    contact = Interaction.get_by_id(message.interaction_id)
    assert (contact.purpose, contact.plan_id) == (ContactPurpose.PLAN, plan_id)
    assert queue_due_emails(D(2027, 1, 12)).queued == 0  # never twice


def test_a_customer_without_e_mail_gets_the_instalment_reminder_as_a_letter(
        empty_store: db.Store, tmp_path: Path) -> None:
    from reports.due_letters import print_due_letters
    from tests.helpers import pdf_pages

    who, _, _ = _broken_account()
    update_customer(who, CustomerDraft(code="", name="Zoë Ødegård AS", currency="GBP"))
    out = tmp_path / "letters.pdf"
    result = print_due_letters(D(2027, 1, 16), out, now=_at(D(2027, 1, 16)))
    (letter,) = result.printed
    assert (letter.stage_name, letter.invoices, letter.amount_minor) == (
        "Missed instalment", (), 300_00)
    text = " ".join(pdf_pages(out.read_bytes())[letter.first_page - 1][0].split())
    assert "instalment 1 of 3 of your payment plan PP-000001" in text
    assert "Please pay it by 20 Jan 2027" in text
    assert _plan_actions(D(2027, 1, 16), who) == []


def test_actions_list_the_instalment_reminders(empty_store: db.Store) -> None:
    who, _, _ = _broken_account()
    text = actions_table(follow_up_plan(D(2027, 1, 12)), D(2027, 1, 12))
    assert "Instalment reminder" in text
    assert "Instalment 1 of 3 of plan PP-000001, due 15 Jan 2027" in text


# --- Today ----------------------------------------------------------------------------------

def test_today_shows_an_instalment_due_soon_and_a_contact_for_it_is_the_plans(
        empty_store: db.Store) -> None:
    who, _, plan_id = _broken_account()
    assert not [i for i in worklist(D(2027, 1, 7)) if i.kind == INSTALMENT_DUE]
    (item,) = [i for i in worklist(D(2027, 1, 12)) if i.kind == INSTALMENT_DUE]
    assert (item.title, item.amount_minor) == ("Instalment due on 15 Jan 2027: 300.00 GBP",
                                               300_00)
    assert "Plan PP-000001, instalment 1 of 3" in item.detail
    assert "“Instalment reminder” (e-mail) is due" in item.detail
    assert not [i for i in worklist(D(2027, 1, 12)) if i.kind == STAGE_ACTION]
    contact_id = log_contact_for_item(
        INSTALMENT_DUE, item.ref_id, ContactEntry(kind=ContactKind.CALL,
                                                  occurred_at=_at(D(2027, 1, 12)),
                                                  summary="Reminded them on the phone."),
        on=D(2027, 1, 12), now=_at(D(2027, 1, 12)))
    contact = Interaction.get_by_id(contact_id)
    assert (contact.purpose, contact.plan_id, contact.instalment_id) == (
        ContactPurpose.PLAN, plan_id, item.ref_id)
    assert contact.stage is not None  # the call carried out the reminder
    assert _plan_actions(D(2027, 1, 12), who) == []
    assert not [i for i in worklist(D(2027, 1, 12)) if i.kind == INSTALMENT_DUE]


# --- offers ---------------------------------------------------------------------------------

def test_an_open_offer_holds_chasing_until_its_last_day(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=50)
    pay_by = TODAY + dt.timedelta(days=14)
    make_offer(who, OfferKind.SETTLEMENT, [bill], pay_by=pay_by, as_of=TODAY,
               percent=Decimal(80))
    for day in (TODAY, pay_by):
        plan = follow_up_plan(day, customer_id=who)
        assert plan.due == ()
        assert any("on offer until 8 Dec 2026" in r for s in plan.skipped for r in s.reasons)
    day_after = pay_by + dt.timedelta(days=1)
    assert settle_day(day_after).offers_lapsed == 1
    assert [a.invoices[0].id for a in follow_up_plan(day_after, customer_id=who).due] == [bill]
