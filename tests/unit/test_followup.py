"""The follow-up engine: the right stage, once, for the accounts that should be chased."""

from __future__ import annotations

import datetime as dt

import pytest

from models import db
from models.check import check_store
from models.contacts import PROMISE_GRACE_DAYS, ContactEntry, log_contact, record_promise
from models.errors import LedgerError
from models.followup import (
    DueAction,
    FollowUpPlan,
    SkippedAccount,
    default_policy_id,
    due_action,
    execute_action,
    follow_up_plan,
    skip_action,
    stages_by_policy,
    start_chasing,
)
from models.ledger import (
    CustomerDraft,
    InvoiceDraft,
    add_customer,
    add_invoice,
    dispute_invoice,
    put_on_hold,
    record_payment,
    update_customer,
)
from models.schema import (
    FollowUpPolicy,
    Interaction,
    PaymentPlan,
    PaymentPlanItem,
    StageExecution,
)
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines

DAY = dt.timedelta(days=1)
# The Standard policy: courtesy -3, overdue 1, second reminder 14 (gap 7),
# phone call 30 (gap 7), final notice 45 (gap 7), agency review 60 (gap 7).


def plan_on(day: dt.date) -> FollowUpPlan:
    plan = follow_up_plan(day)
    # Read for its actions alone (Today, the e-mails due), it has the same actions and
    # tells none of the accounts held back.
    assert follow_up_plan(day, held_back=False) == FollowUpPlan(plan.due, ())
    return plan


def stage_on(day: dt.date, who: int) -> str | None:
    action = next((a for a in plan_on(day).due if a.customer_id == who), None)
    return action.stage.name if action is not None else None


def skipped(day: dt.date, who: int) -> SkippedAccount:
    return next(s for s in plan_on(day).skipped if s.customer_id == who)


def send(action: DueAction, day: dt.date) -> int:
    return execute_action(action.customer_id, action.currency, day, stage_id=action.stage.id,
                          subject="Your account", text="Dear customer…",
                          now=dt.datetime.combine(day, dt.time(9)))


def invoice_due(who: int, due_on: dt.date, amount_minor: int = 500_00) -> int:
    return invoice(who, amount_minor, due_days_ago=(TODAY - due_on).days)


# --- stage selection -----------------------------------------------------------

def test_nothing_is_due_before_the_courtesy_reminder(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY + 10 * DAY)
    assert stage_on(TODAY + 6 * DAY, who) is None
    assert stage_on(TODAY + 7 * DAY, who) == "Courtesy reminder"  # three days before due


@pytest.mark.parametrize(("days_after_due", "stage"), [
    (-3, "Courtesy reminder"), (0, "Courtesy reminder"), (1, "Payment overdue"),
    (13, "Payment overdue"), (14, "Second reminder"), (30, "Phone call"),
    (45, "Final notice"), (60, "Agency review"), (400, "Agency review")])
def test_each_offset_brings_its_stage(empty_store: db.Store, days_after_due: int,
                                      stage: str) -> None:
    who = customer()
    invoice_due(who, TODAY)
    assert stage_on(TODAY + days_after_due * DAY, who) == stage


def test_a_missed_period_catches_up_to_the_highest_stage_only(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice_due(who, TODAY)
    # Duly was not opened for five weeks: one phone call is due, not four reminders.
    [action] = plan_on(TODAY + 35 * DAY).due
    assert action.stage.name == "Phone call"
    send(action, TODAY + 35 * DAY)
    assert stage_on(TODAY + 36 * DAY, who) is None
    assert StageExecution.select().where(StageExecution.invoice == bill).count() == 1
    # The next stage still comes, after the contact gap.
    assert stage_on(TODAY + 45 * DAY, who) == "Final notice"


def test_a_stage_is_never_executed_twice(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 2 * DAY)
    [action] = plan_on(TODAY).due
    send(action, TODAY)
    assert plan_on(TODAY).due == ()
    assert plan_on(TODAY + 11 * DAY).due == ()  # 13 days late, still "Payment overdue": done
    with pytest.raises(LedgerError) as refused:
        send(action, TODAY)
    assert refused.value.field == "action"


def test_an_account_that_moved_on_since_review_is_refused(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 2 * DAY)
    [reviewed] = plan_on(TODAY - DAY).due  # "Payment overdue"
    invoice_due(who, TODAY - 20 * DAY)  # a new, older invoice: now "Second reminder"
    with pytest.raises(LedgerError) as refused:
        send(reviewed, TODAY)
    assert "Second reminder" in refused.value.message


def test_one_communication_lists_every_invoice_at_the_highest_stage(
        empty_store: db.Store) -> None:
    who = customer()
    old = invoice_due(who, TODAY - 20 * DAY, 300_00)
    new = invoice_due(who, TODAY - 2 * DAY, 200_00)
    invoice_due(who, TODAY + 30 * DAY, 100_00)  # not yet in any stage
    [action] = plan_on(TODAY).due
    assert action.stage.name == "Second reminder"
    assert [i.id for i in action.invoices] == [old, new]
    assert action.total_minor == 500_00
    send(action, TODAY)
    reached = {e.invoice_id: e.stage.name for e in StageExecution.select()}
    assert reached == {old: "Second reminder", new: "Payment overdue"}
    contact = Interaction.get(Interaction.stage.is_null(False))
    assert contact.kind == "email" and "Second reminder" in contact.summary
    assert check_store() == []


def test_a_paid_invoice_is_not_chased(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 20 * DAY, 80_00)
    record_payment(who, received_on=TODAY, amount_minor=80_00, today=TODAY)
    assert plan_on(TODAY).due == ()


def test_the_customers_own_policy_sets_the_pace(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 7 * DAY)
    firm = FollowUpPolicy.get(FollowUpPolicy.name == "Firm")
    from models.customer_account import customer_draft
    draft = customer_draft(who)
    update_customer(who, CustomerDraft(**{**draft.__dict__, "followup_policy_id": firm.id}))
    assert stage_on(TODAY, who) == "Phone call"  # Firm calls on day 7


# --- what is not chased, and why ---------------------------------------------------

def test_a_customer_on_hold_is_skipped_with_the_reason(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 20 * DAY)
    put_on_hold(who, "Owner in hospital")
    assert plan_on(TODAY).due == ()
    assert skipped(TODAY, who).reasons == ("the customer is on hold: Owner in hospital",)


def test_disputed_invoices_are_left_out_and_the_rest_chased(empty_store: db.Store) -> None:
    who = customer()
    disputed = invoice_due(who, TODAY - 40 * DAY)
    other = invoice_due(who, TODAY - 2 * DAY)
    dispute_invoice(disputed, "Wrong goods")
    [action] = plan_on(TODAY).due
    assert [i.id for i in action.invoices] == [other]
    assert action.stage.name == "Payment overdue"


def test_an_account_with_only_disputed_invoices_says_so(empty_store: db.Store) -> None:
    who = customer()
    dispute_invoice(invoice_due(who, TODAY - 40 * DAY), "Wrong goods")
    reasons = skipped(TODAY, who).reasons
    assert len(reasons) == 1 and reasons[0].endswith("is disputed")


def test_an_open_promise_holds_its_invoices_until_its_date_and_grace(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice_due(who, TODAY - 20 * DAY, 100_00)
    record_promise(who, amount_minor=100_00, promised_for=TODAY + 5 * DAY, invoice_ids=[bill],
                   now=dt.datetime.combine(TODAY, dt.time(9)))
    # The promise was a contact-free record: only the promise holds the invoice.
    assert "promised to pay" in skipped(TODAY, who).reasons[0]
    last_day = TODAY + (5 + PROMISE_GRACE_DAYS) * DAY
    assert stage_on(last_day, who) is None
    assert stage_on(last_day + DAY, who) is not None


def test_invoices_in_an_active_plan_are_not_chased(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice_due(who, TODAY - 20 * DAY)
    plan = PaymentPlan.create(customer=who, agreed_on=TODAY, currency="GBP",
                              created_at=dt.datetime.combine(TODAY, dt.time(9)))
    PaymentPlanItem.create(plan=plan, invoice=bill)
    assert skipped(TODAY, who).reasons == (
        f"{_number(bill)} is in a payment plan in good standing",)
    PaymentPlan.update(status="defaulted").where(PaymentPlan.id == plan.id).execute()
    assert stage_on(TODAY, who) == "Second reminder"


def test_a_balance_under_the_policys_minimum_is_not_chased(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 20 * DAY, 9_99)  # the Standard minimum is 10.00
    assert skipped(TODAY, who).reasons == (
        "9.99 GBP is under the policy's minimum of 10.00 GBP",)


def test_a_recent_contact_holds_a_stage_until_its_gap_has_passed(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 14 * DAY)  # "Second reminder" waits 7 days after a contact
    log_contact(who, ContactEntry(kind="call", occurred_at=dt.datetime.combine(
        TODAY - 3 * DAY, dt.time(10)), summary="Said they would look into it"),
        now=dt.datetime.combine(TODAY, dt.time(9)))
    assert "last contacted 3 days ago" in skipped(TODAY, who).reasons[0]
    assert stage_on(TODAY + 4 * DAY, who) == "Second reminder"


def test_unallocated_credit_is_warned_about_before_sending(empty_store: db.Store) -> None:
    who = customer()
    invoice_due(who, TODAY - 2 * DAY, 100_00)
    record_payment(who, received_on=TODAY, amount_minor=30_00, today=TODAY, allocate_to=[])
    [action] = plan_on(TODAY).due
    assert action.warnings == ("30.00 GBP of the customer's money is not yet allocated: "
                               "allocate it before sending.",)


# --- skipping and the demo ----------------------------------------------------------

def test_a_skipped_stage_needs_a_reason_and_does_not_come_back(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice_due(who, TODAY - 2 * DAY)
    [action] = plan_on(TODAY).due
    with pytest.raises(LedgerError):
        skip_action(who, "GBP", TODAY, stage_id=action.stage.id, reason=" ")
    skip_action(who, "GBP", TODAY, stage_id=action.stage.id, reason="Spoke to them at the fair")
    assert plan_on(TODAY).due == ()
    execution = StageExecution.get(StageExecution.invoice == bill)
    assert execution.skip_reason == "Spoke to them at the fair"
    assert execution.interaction_id is None
    assert Interaction.select().count() == 0
    assert stage_on(TODAY + 12 * DAY, who) == "Second reminder"


def test_due_action_reads_one_account(empty_store: db.Store) -> None:
    who, other = customer(), add_customer(CustomerDraft(code="", name="Other", currency="GBP"))
    invoice_due(who, TODAY - 2 * DAY)
    invoice_due(other, TODAY - 20 * DAY)
    action = due_action(who, "GBP", TODAY)
    assert action is not None and action.customer_id == who
    assert due_action(who, "EUR", TODAY) is None


def test_the_demo_company_has_actions_due_and_accounts_held_back(demo_store: db.Store) -> None:
    from tests.conftest import DEMO_TODAY

    plan = follow_up_plan(DEMO_TODAY)
    assert plan.due and plan.skipped
    reasons = " ".join(r for s in plan.skipped for r in s.reasons)
    for words in ("on hold", "disputed", "payment plan"):
        assert words in reasons
    keys = [a.key for a in plan.due]
    assert len(keys) == len(set(keys))
    assert follow_up_plan(DEMO_TODAY, held_back=False) == FollowUpPlan(plan.due, ())


def _number(invoice_id: int) -> str:
    from models.schema import Invoice

    return str(Invoice.get_by_id(invoice_id).number)


def test_the_customer_view_knows_what_is_due_held_and_next(empty_store: db.Store) -> None:
    from models.followup import customer_follow_up

    who = customer()
    invoice_due(who, TODAY - 2 * DAY)
    status = customer_follow_up(who, TODAY)
    assert status.policy_name == "Standard"
    assert [a.stage.name for a in status.due] == ["Payment overdue"]
    assert (status.next_stage, status.next_on) == ("Second reminder", TODAY + 12 * DAY)
    put_on_hold(who, "Owner in hospital")
    held = customer_follow_up(who, TODAY)
    assert held.due == () and held.held[0].reasons[0].startswith("the customer is on hold")


def test_a_stage_with_charges_records_them_with_the_contact(empty_store: db.Store) -> None:
    from decimal import Decimal

    from models.charges import invoice_charges
    from models.schema import CreditPolicy, Customer, FollowUpStage

    who = customer()
    contractual = CreditPolicy.get(CreditPolicy.name == "Contractual 8% a year")
    Customer.update(credit_policy=contractual).where(Customer.id == who).execute()
    old = invoice_due(who, TODAY - 50 * DAY, 1_000_00)
    new = invoice_due(who, TODAY - 46 * DAY, 500_00)
    FollowUpStage.update(apply_interest=True, fee_minor=15_00).where(
        FollowUpStage.name == "Final notice").execute()
    [action] = plan_on(TODAY).due
    assert action.stage.name == "Final notice"
    send(action, TODAY)
    old_charges = {c.kind: c for c in invoice_charges(old)}
    assert set(old_charges) == {"interest", "fee"}  # the stage's fee once, on the oldest
    assert old_charges["fee"].amount_minor == 15_00
    interest = old_charges["interest"]
    assert (interest.principal_minor, interest.rate_percent, interest.days) == (
        1_000_00, Decimal("8"), 50)
    assert interest.amount_minor == 10_96  # 1,000.00 x 8% x 50 / 365 = 10.958…
    assert [c.kind for c in invoice_charges(new)] == ["interest"]
    assert check_store() == []


def test_invoices_with_a_collection_agency_are_not_chased(empty_store: db.Store) -> None:
    from models.schema import Invoice

    who = customer()
    referred = invoice_due(who, TODAY - 70 * DAY)
    Invoice.update(status="with_agency").where(Invoice.id == referred).execute()
    assert skipped(TODAY, who).reasons == (
        f"{_number(referred)} is with a collection agency",)
    other = invoice_due(who, TODAY - 2 * DAY)
    [action] = plan_on(TODAY).due
    assert [i.id for i in action.invoices] == [other]


# --- an invoice that comes in already late --------------------------------------------

def test_an_invoice_entered_long_overdue_starts_at_the_first_reminder_not_the_harshest(
        empty_store: db.Store) -> None:
    who = customer()
    due = TODAY - 62 * DAY
    add_invoice(who, InvoiceDraft(number="OLD-1", issue_date=due - 30 * DAY, due_date=due,
                                  amount_minor=500_00), today=TODAY)

    assert stage_on(TODAY, who) == "Payment overdue"
    send(due_action(who, "GBP", TODAY), TODAY)
    # Later stages keep their usual gaps from that start: the second reminder 13 days on.
    assert stage_on(TODAY + 12 * DAY, who) is None
    assert stage_on(TODAY + 13 * DAY, who) == "Second reminder"
    # The letter still says how late it really is.
    assert due_action(who, "GBP", TODAY + 13 * DAY).invoices[0].days_overdue == 75


def test_an_invoice_entered_in_time_counts_from_its_due_date(empty_store: db.Store) -> None:
    who = customer()
    due = TODAY - 10 * DAY
    add_invoice(who, InvoiceDraft(number="NEW-1", issue_date=due - 30 * DAY, due_date=due,
                                  amount_minor=500_00), today=TODAY)
    assert stage_on(TODAY, who) == "Payment overdue"
    assert stage_on(TODAY + 4 * DAY, who) == "Second reminder"  # 14 days after due


def test_the_user_can_start_an_account_at_the_stage_they_choose(empty_store: db.Store) -> None:
    who = customer()
    invoice_id = invoice(who, 300_00, due_days_ago=90)
    assert stage_on(TODAY, who) == "Agency review"
    final = next(s for s in stages_by_policy()[default_policy_id()] if s.name == "Final notice")

    start_chasing([invoice_id], final.id, on=TODAY)

    assert stage_on(TODAY, who) == "Final notice"
    assert stage_on(TODAY + 14 * DAY, who) == "Final notice"  # not yet: 15 days' gap
    assert stage_on(TODAY + 15 * DAY, who) == "Agency review"
