"""Payment plans: agreed with a preview first, refused when they cannot be, tracked
instalment by instalment, completed, broken and chased again, renegotiated, cancelled;
interest and fees frozen while a plan is kept; ``check`` on plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.charges import record_charges
from models.check import check_store
from models.errors import LedgerError
from models.followup import carry_out_action, follow_up_plan
from models.interest import invoice_interest, period_interest
from models.kinds import (
    ContactPurpose,
    InstalmentState,
    InvoiceStatus,
    PlanFrequency,
    PlanStatus,
)
from models.ledger import dispute_invoice, record_payment
from models.money import round_to_minor
from models.plan_freeze import charges_frozen_on
from models.plan_schedule import ScheduleTerms
from models.plans import (
    PlanDraft,
    agree_plan,
    cancel_plan,
    default_plan,
    instalment_states,
    plan_problems,
    plan_standing,
    plan_standings,
    plans_to_default,
    preview_plan,
    renegotiate_plan,
    set_plan_grace_days,
    settle_plans,
)
from models.schema import (
    AuditEntry,
    FollowUpStage,
    Instalment,
    Interaction,
    InteractionInvoice,
    Invoice,
    PaymentPlan,
    PaymentPlanItem,
    StageExecution,
)
from tests.unit.interest_helpers import customer_on, invoice_due, policy
from tests.unit.ledger_helpers import TODAY, customer, invoice

D = dt.date
NOW = dt.datetime(2026, 11, 24, 10, 0)
FIRST = D(2027, 1, 15)


def _draft(customer_id: int, *invoice_ids: int, count: int = 6, first: dt.date = FIRST,
           every: PlanFrequency = PlanFrequency.MONTHLY, deposit: int = 0,
           freeze: bool = False, agreed: dt.date = TODAY, currency: str = "") -> PlanDraft:
    return PlanDraft(customer_id, agreed, ScheduleTerms(every, first, count=count,
                                                        deposit_minor=deposit),
                     invoice_ids=invoice_ids, freeze_charges=freeze, currency=currency)


def _pay(customer_id: int, invoice_id: int, amount: int, on: dt.date) -> None:
    record_payment(customer_id, received_on=on, amount_minor=amount,
                   allocate_to=[(invoice_id, amount)], today=on)


def _counts() -> tuple[int, ...]:
    return (PaymentPlan.select().count(), Instalment.select().count(),
            Interaction.select().count(), AuditEntry.select().count())


# --- agreeing ---------------------------------------------------------------------------

def test_a_preview_covers_the_overdue_invoices_shows_the_schedule_and_writes_nothing(
        empty_store: db.Store) -> None:
    who = customer()
    old = invoice(who, 1_000_00, due_days_ago=40)
    recent = invoice(who, 500_00, due_days_ago=10)
    invoice(who, 700_00, due_days_ago=-10)  # not yet due: left out by default
    before = _counts()
    preview = preview_plan(_draft(who))
    assert _counts() == before
    assert [i.invoice_id for i in preview.items] == [old, recent]
    assert preview.total_minor == 1_500_00
    assert [i.amount_minor for i in preview.instalments] == [250_00] * 6
    assert preview.summary == "6 monthly instalments of 250.00 GBP from 15 Jan 2027"
    assert preview.grace_days == 5


def test_agreeing_a_plan_records_it_with_a_timeline_contact_and_an_audit_entry(
        empty_store: db.Store) -> None:
    who = customer()
    first, second = invoice(who, 1_000_00, due_days_ago=40), invoice(who, 500_00, due_days_ago=10)
    set_plan_grace_days(9)
    plan_id = agree_plan(_draft(who, freeze=True), now=NOW)
    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.grace_days, plan.freeze_charges, plan.frequency) == (
        PlanStatus.ACTIVE, 9, True, PlanFrequency.MONTHLY)
    assert [(i.position, i.due_date, i.amount_minor) for i in
            Instalment.select().where(Instalment.plan == plan_id).order_by(
                Instalment.position)][:2] == [(1, FIRST, 250_00), (2, D(2027, 2, 15), 250_00)]
    contact = Interaction.get(Interaction.plan == plan_id)
    assert contact.purpose == ContactPurpose.PLAN
    assert contact.summary == ("Payment plan agreed: 6 monthly instalments of 250.00 GBP "
                               "from 15 Jan 2027.")
    assert {link.invoice_id for link in InteractionInvoice.select().where(
        InteractionInvoice.interaction == contact.id)} == {first, second}
    assert AuditEntry.select().where((AuditEntry.action == "agree payment plan")
                                     & (AuditEntry.row_id == plan_id)).exists()
    skipped = follow_up_plan(TODAY, customer_id=who).skipped
    assert skipped and "in a payment plan in good standing" in skipped[0].reasons[0]
    assert check_store() == []


def test_a_plan_records_the_furthest_stage_its_invoices_had_reached(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    _reach(bill, "Payment overdue", "Second reminder")
    plan = PaymentPlan.get_by_id(agree_plan(_draft(who, count=3), now=NOW))
    assert plan.stage_reached.name == "Second reminder"


def _reach(invoice_id: int, *names: str) -> None:
    for name in names:
        StageExecution.create(invoice=invoice_id, stage=_stage(name), executed_on=TODAY)


def _stage(name: str) -> FollowUpStage:
    return FollowUpStage.get((FollowUpStage.name == name)
                             & (FollowUpStage.policy == 2))  # Standard


@pytest.mark.parametrize(("spoil", "words"), [
    ("dispute", "is in dispute: settle the dispute before putting it in a plan"),
    ("agency", "is with a collection agency"),
    ("paid", "is not open: nothing is left to pay on it"),
    ("other customer", "An invoice chosen is not on this customer's account"),
    ("currency", "and the plan is in EUR: a plan is in one currency"),
    ("planned", "is already in the active payment plan agreed on 24 Nov 2026. Renegotiate "
                "that plan instead"),
])
def test_what_cannot_be_put_in_a_plan_is_refused_saying_why(empty_store: db.Store, spoil: str,
                                                            words: str) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    currency = ""
    if spoil == "dispute":
        dispute_invoice(bill, "Goods damaged")
    elif spoil == "agency":
        Invoice.update(status=InvoiceStatus.WITH_AGENCY).where(Invoice.id == bill).execute()
    elif spoil == "paid":
        _pay(who, bill, 900_00, TODAY)
    elif spoil == "other customer":
        bill = invoice(customer("Other Ltd"), 100_00, due_days_ago=5)
    elif spoil == "currency":
        currency = "EUR"
    elif spoil == "planned":
        agree_plan(_draft(who, bill, count=3), now=NOW)
    before = _counts()
    with pytest.raises(LedgerError) as refused:
        agree_plan(_draft(who, bill, count=3, currency=currency), now=NOW)
    assert words in refused.value.message
    assert _counts() == before


def test_a_schedule_starting_before_the_agreement_is_refused(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 900_00, due_days_ago=40)
    with pytest.raises(LedgerError, match="is before the day the plan is agreed"):
        agree_plan(_draft(who, first=TODAY - dt.timedelta(days=1)), now=NOW)
    assert not PaymentPlan.select().exists()


def test_a_customer_with_nothing_overdue_has_nothing_to_plan(empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 900_00, due_days_ago=-3)
    with pytest.raises(LedgerError, match="has no overdue invoices in GBP to put in a plan"):
        preview_plan(_draft(who))


# --- tracking ---------------------------------------------------------------------------

_THREE = [(1, 1, D(2027, 1, 15), 100_00, False), (2, 2, D(2027, 2, 15), 100_00, False),
          (3, 3, D(2027, 3, 15), 100_00, False)]


def _states(payments: list[tuple[dt.date, int]], as_of: dt.date) -> list[InstalmentState]:
    return [i.state for i in instalment_states(_THREE, payments, 5, as_of)]


U, DUE, P, LATE, PART, MISSED = (InstalmentState.UPCOMING, InstalmentState.DUE,
                                 InstalmentState.PAID, InstalmentState.PAID_LATE,
                                 InstalmentState.PART_PAID, InstalmentState.MISSED)


def test_an_instalment_paid_early_or_on_its_day_is_paid() -> None:
    assert _states([(D(2027, 1, 2), 100_00)], D(2027, 1, 20)) == [P, U, U]
    assert _states([(D(2027, 1, 15), 100_00)], D(2027, 1, 15)) == [P, U, U]


def test_grace_paid_on_its_last_day_is_late_not_missed_and_a_day_after_is_missed() -> None:
    assert _states([], D(2027, 1, 14)) == [U, U, U]
    assert _states([], D(2027, 1, 15)) == [DUE, U, U]
    assert _states([], D(2027, 1, 20)) == [DUE, U, U]
    assert _states([(D(2027, 1, 20), 100_00)], D(2027, 1, 20)) == [LATE, U, U]
    assert _states([], D(2027, 1, 21)) == [MISSED, U, U]
    assert _states([(D(2027, 1, 22), 100_00)], D(2027, 1, 22)) == [LATE, U, U]


def test_part_of_an_instalment_is_part_paid_in_its_grace_and_missed_after() -> None:
    rows = instalment_states(_THREE, [(D(2027, 1, 16), 40_00)], 5, D(2027, 1, 18))
    assert (rows[0].state, rows[0].paid_minor, rows[0].left_minor) == (PART, 40_00, 60_00)
    assert _states([(D(2027, 1, 16), 40_00)], D(2027, 1, 21)) == [MISSED, U, U]


def test_an_overpayment_rolls_on_to_the_next_instalment() -> None:
    rows = instalment_states(_THREE, [(D(2027, 1, 15), 150_00)], 5, D(2027, 1, 15))
    assert [(r.state, r.paid_minor) for r in rows] == [(P, 100_00), (U, 50_00), (U, 0)]
    rows = instalment_states(_THREE, [(D(2027, 1, 15), 150_00), (D(2027, 2, 14), 50_00)], 5,
                             D(2027, 2, 28))
    assert [(r.state, r.paid_on) for r in rows] == [
        (P, D(2027, 1, 15)), (P, D(2027, 2, 14)), (U, None)]


@given(st.lists(st.tuples(st.dates(D(2027, 1, 1), D(2027, 4, 30)), st.integers(1, 120_00)),
                max_size=8),
       st.dates(D(2027, 1, 1), D(2027, 4, 30)))
def test_each_instalment_is_paid_on_the_day_the_money_reached_it(
        payments: list[tuple[dt.date, int]], as_of: dt.date) -> None:
    rows = instalment_states(_THREE, payments, 5, as_of)
    counted = sorted(p for p in payments if p[0] <= as_of)
    for row, needed in zip(rows, (100_00, 200_00, 300_00), strict=True):
        reached = [day for day, _ in counted
                   if sum(a for d, a in counted if d <= day) >= needed]
        assert row.paid_on == (min(reached) if reached else None)
        assert row.paid_minor == min(max(sum(a for _, a in counted) - needed + 100_00, 0),
                                     100_00)


def test_money_after_the_day_asked_about_does_not_count() -> None:
    assert _states([(D(2027, 1, 25), 100_00)], D(2027, 1, 21)) == [MISSED, U, U]


def test_payments_on_the_plans_invoices_from_its_agreement_pay_its_instalments(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=40)
    _pay(who, bill, 100_00, TODAY - dt.timedelta(days=1))  # before the plan: not counted
    plan_id = agree_plan(_draft(who, bill, count=3, first=D(2026, 12, 10)), now=NOW)
    assert plan_standing(plan_id, TODAY).total_minor == 900_00
    _pay(who, bill, 400_00, D(2026, 12, 10))
    standing = plan_standing(plan_id, D(2026, 12, 11))
    assert [i.state for i in standing.instalments] == [P, U, U]
    assert standing.paid_minor == 400_00
    assert standing.summary == "on plan: 1 of 3 paid, next 200.00 GBP on 10 Jan 2027"
    missed = plan_standing(plan_id, D(2027, 1, 16))
    assert missed.summary == "on plan: 1 of 3 paid, 200.00 GBP missed on 10 Jan 2027"


def test_a_plan_closes_itself_when_its_last_instalment_is_paid(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = agree_plan(_draft(who, bill, count=3, first=D(2026, 12, 1),
                                every=PlanFrequency.WEEKLY), now=NOW)
    _pay(who, bill, 300_00, D(2026, 12, 1))
    _pay(who, bill, 300_00, D(2026, 12, 9))
    assert PaymentPlan.get_by_id(plan_id).status == PlanStatus.ACTIVE
    _pay(who, bill, 300_00, D(2026, 12, 14))
    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on) == (PlanStatus.COMPLETED, D(2026, 12, 14))
    assert plan_standing(plan_id, D(2026, 12, 31)).summary == \
        "plan completed on 14 Dec 2026: 3 of 3 paid"
    assert settle_plans() == ()  # already closed: nothing more to do
    assert check_store() == []


# --- broken plans -----------------------------------------------------------------------

def test_a_broken_plan_is_chased_again_from_the_stage_after_the_one_reached(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=100)  # by its due date: at "Agency review"
    _reach(bill, "Payment overdue", "Second reminder")
    plan_id = agree_plan(_draft(who, bill, count=3), now=NOW)
    # The missed instalment's gentle reminder goes first (models.plan_followup).
    (reminder,) = [a for a in follow_up_plan(D(2027, 1, 16), customer_id=who).due
                   if a.plan_id == plan_id]
    carry_out_action(reminder, D(2027, 1, 16), now=dt.datetime(2027, 1, 16, 9))
    assert plans_to_default(D(2027, 1, 20)) == []  # the last day of grace
    assert [p.plan_id for p in plans_to_default(D(2027, 1, 21))] == [plan_id]
    resumed = default_plan(plan_id, D(2027, 1, 22))
    assert resumed is not None and resumed.stage_name == "Phone call"
    assert resumed.due_on == D(2027, 1, 29)  # a week on: sooner than the policy's 16 days
    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on) == (PlanStatus.DEFAULTED, D(2027, 1, 22))
    assert plan.end_reason == "Instalment 1 of 300.00 GBP due 15 Jan 2027 not paid."
    assert not [a for a in follow_up_plan(D(2027, 1, 28), customer_id=who).due]
    (action,) = follow_up_plan(D(2027, 1, 29), customer_id=who).due
    assert action.stage.name == "Phone call"
    assert plans_to_default(D(2027, 2, 1)) == []
    assert check_store() == []


def test_a_plan_agreed_before_any_reminder_resumes_at_the_first_overdue_reminder(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=100)
    plan_id = agree_plan(_draft(who, bill, count=3), now=NOW)
    resumed = default_plan(plan_id, D(2027, 1, 22), "Stopped paying.")
    assert resumed is not None
    assert (resumed.stage_name, resumed.due_on) == ("Payment overdue", D(2027, 1, 23))
    assert PaymentPlan.get_by_id(plan_id).end_reason == "Stopped paying."


def test_only_an_active_plan_is_defaulted(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = agree_plan(_draft(who, bill, count=3), now=NOW)
    default_plan(plan_id, D(2027, 1, 22))
    with pytest.raises(LedgerError, match="defaulted already"):
        default_plan(plan_id, D(2027, 1, 23))


# --- interest and fees frozen -------------------------------------------------------------

def _interest(days: int) -> int:
    return round_to_minor(period_interest(10_000_00, "GBP", Decimal(8), days), "GBP")


def test_no_interest_runs_while_a_freezing_plan_is_kept_and_it_runs_again_from_its_default(
        empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "8"))
    bill = invoice_due(who, D(2026, 10, 1), 10_000_00, "F-1")
    plan_id = agree_plan(_draft(who, bill, count=3, first=D(2026, 12, 1), freeze=True,
                                agreed=D(2026, 11, 1)), now=dt.datetime(2026, 11, 1, 9))
    # From 2 Oct to 31 Oct: 30 days; nothing from 1 Nov while the plan is kept.
    assert invoice_interest(bill, D(2026, 12, 31)).interest_minor == _interest(30)
    assert charges_frozen_on(bill, D(2026, 12, 31))
    assert record_charges(bill, D(2026, 12, 10), interest=False, compensation=False,
                          fee_minor=25_00) == []  # no stage fee while it is kept
    default_plan(plan_id, D(2027, 1, 10))
    # Then again from the day of the default: 10 to 31 January, 22 days.
    calculation = invoice_interest(bill, D(2027, 1, 31))
    assert calculation.interest_minor == round_to_minor(
        period_interest(10_000_00, "GBP", Decimal(8), 30)
        + period_interest(10_000_00, "GBP", Decimal(8), 22), "GBP")
    assert "No interest from 1 Nov 2026 to 9 Jan 2027" in calculation.description
    assert not charges_frozen_on(bill, D(2027, 1, 10))
    assert len(record_charges(bill, D(2027, 1, 31), interest=False, compensation=False,
                              fee_minor=25_00)) == 1


def test_a_plan_that_does_not_freeze_leaves_interest_running(empty_store: db.Store) -> None:
    who = customer_on(policy("contractual_annual", "8"))
    bill = invoice_due(who, D(2026, 10, 1), 10_000_00, "F-2")
    agree_plan(_draft(who, bill, count=3, first=D(2026, 12, 1), agreed=D(2026, 11, 1)),
               now=dt.datetime(2026, 11, 1, 9))
    assert invoice_interest(bill, D(2026, 12, 31)).interest_minor == _interest(91)
    assert not charges_frozen_on(bill, D(2026, 12, 1))


# --- renegotiated and cancelled ---------------------------------------------------------

def test_renegotiating_replaces_the_plan_and_keeps_its_history(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    _reach(bill, "Payment overdue")
    old = agree_plan(_draft(who, bill, count=3, first=D(2026, 12, 1)), now=NOW)
    _pay(who, bill, 300_00, D(2026, 12, 1))
    new = renegotiate_plan(old, _draft(who, bill, count=6, first=D(2027, 1, 5),
                                       agreed=D(2026, 12, 20)),
                           reason="Lost a big customer", now=dt.datetime(2026, 12, 20, 9))
    replaced, successor = PaymentPlan.get_by_id(old), PaymentPlan.get_by_id(new)
    assert (replaced.status, replaced.ended_on, replaced.end_reason) == (
        PlanStatus.REPLACED, D(2026, 12, 20), "Lost a big customer")
    assert (successor.status, successor.replaces_id) == (PlanStatus.ACTIVE, old)
    assert successor.stage_reached.name == "Payment overdue"
    assert plan_standing(new, D(2026, 12, 20)).total_minor == 600_00
    assert [p.plan_id for p in plan_standings(D(2026, 12, 31), customer_id=who)] == [new, old]
    assert "Payment plan renegotiated" in Interaction.get(Interaction.plan == new).summary
    assert plan_problems() == []


def test_cancelling_needs_a_reason_and_ends_the_plan(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = agree_plan(_draft(who, bill, count=3), now=NOW)
    with pytest.raises(LedgerError, match="Say why the plan is cancelled"):
        cancel_plan(plan_id, TODAY, "  ")
    cancel_plan(plan_id, D(2026, 11, 30), "Customer paid through their bank")
    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on) == (PlanStatus.CANCELLED, D(2026, 11, 30))
    assert plan_standing(plan_id, D(2026, 12, 1)).summary.startswith(
        "plan cancelled on 30 Nov 2026")
    agree_plan(_draft(who, bill, count=2, agreed=D(2026, 12, 1)), now=NOW)  # free again


# --- check --------------------------------------------------------------------------------

def test_check_passes_on_the_demo_plans(demo_store: db.Store) -> None:
    assert PaymentPlan.select().exists()
    assert [p for p in check_store() if p.area == "plans"] == []


def test_check_finds_a_broken_plan(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = agree_plan(_draft(who, bill, count=3), now=NOW)
    assert plan_problems() == []
    Instalment.update(position=1).where(Instalment.plan == plan_id).execute()
    Instalment.update(is_deposit=True).where((Instalment.plan == plan_id)
                                             & (Instalment.due_date == D(2027, 3, 15))).execute()
    someone = customer("Second Ltd")
    invoice(someone, 100_00, due_days_ago=3)
    second = agree_plan(_draft(someone, count=2), now=NOW)
    PaymentPlan.update(status=PlanStatus.REPLACED).where(PaymentPlan.id == second).execute()
    other = PaymentPlan.create(customer=who, agreed_on=TODAY, currency="EUR", created_at=NOW)
    Instalment.create(plan=other, due_date=FIRST, amount_minor=900_00, position=1)
    PaymentPlanItem.create(plan=other, invoice=bill)
    found = "\n".join(str(p) for p in check_store() if p.area == "plans")
    assert "numbered 1, 1, 1, not 1 to 3" in found
    assert "a deposit that is not its first instalment" in found
    assert "is marked renegotiated but no plan replaces it" in found
    number = Invoice.get_by_id(bill).number
    assert f"invoice {number} is in more than one active payment plan" in found
    assert f"in EUR covers invoice {number} in another currency" in found


def test_the_timeline_shows_the_agreement_once_and_how_the_plan_ended(
        empty_store: db.Store) -> None:
    from models.timeline import customer_timeline

    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = agree_plan(_draft(who, bill, count=3), now=NOW)
    default_plan(plan_id, D(2027, 1, 22))
    titles = [(e.title, e.detail) for e in customer_timeline(who)]
    assert [t for t, _d in titles].count("Payment plan agreed") == 0
    assert ("Note", "Payment plan agreed: 3 monthly instalments of 300.00 GBP from "
                    "15 Jan 2027.") in titles
    assert ("Payment plan defaulted", "Instalment 1 of 300.00 GBP due 15 Jan 2027 not paid.") \
        in titles


def test_the_items_a_plan_may_cover_are_offered_with_why_some_cannot(
        empty_store: db.Store) -> None:
    from models.plans import plan_candidates

    who = customer()
    old = invoice(who, 900_00, due_days_ago=40)
    disputed = invoice(who, 200_00, due_days_ago=20)
    later = invoice(who, 100_00, due_days_ago=-5)
    dispute_invoice(disputed, "Short delivery")
    rows = {c.item.invoice_id: c for c in plan_candidates(who, "GBP", TODAY)}
    assert (rows[old].overdue, rows[old].refused) == (True, "")
    assert "is in dispute" in rows[disputed].refused
    assert (rows[later].overdue, rows[later].refused) == (False, "")
    agree_plan(_draft(who, old, count=3), now=NOW)
    again = {c.item.invoice_id: c for c in plan_candidates(who, "GBP", TODAY)}
    assert "already in the active payment plan" in again[old].refused
