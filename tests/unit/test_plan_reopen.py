"""A payment plan closed as completed by money later taken back is kept again: voiding a
payment it counted puts it back to active, its instalments standing as the money left
pays them, recorded in the audit log; ``check`` finds a completed plan that is not paid.
And what a plan agreed from a Today item is in, and replaces."""

from __future__ import annotations

import datetime as dt
import json

from models import db
from models.allocations import undo_allocation
from models.check import check_store
from models.kinds import InstalmentState, PlanFrequency, PlanStatus
from models.ledger import record_payment, void_payment
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan, plan_currency, plan_standing
from models.relationship import PLAN_COMPLETED, thanks_due
from models.schema import Allocation, AuditEntry, Payment, PaymentPlan
from models.today import INSTALMENT_DUE, INSTALMENT_LATE, plan_to_replace
from tests.unit.ledger_helpers import TODAY, customer, invoice

D = dt.date
NOW = dt.datetime(2026, 11, 24, 10, 0)
P, L, DUE = (InstalmentState.PAID, InstalmentState.PAID_LATE, InstalmentState.DUE)


def _weekly_plan(who: int, bill: int) -> int:
    return agree_plan(PlanDraft(who, TODAY, ScheduleTerms(PlanFrequency.WEEKLY, D(2026, 12, 1),
                                                          count=3),
                                invoice_ids=(bill,)), now=NOW)


def _pay(who: int, bill: int, amount: int, on: dt.date) -> int:
    record_payment(who, received_on=on, amount_minor=amount, allocate_to=[(bill, amount)],
                   today=on)
    return int(Payment.select().order_by(Payment.id.desc()).first().id)


def _completed_plan() -> tuple[int, int, int, list[int]]:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = _weekly_plan(who, bill)
    payments = [_pay(who, bill, 300_00, day)
                for day in (D(2026, 12, 1), D(2026, 12, 8), D(2026, 12, 16))]
    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on) == (PlanStatus.COMPLETED, D(2026, 12, 16))
    return who, bill, plan_id, payments


def test_voiding_a_payment_a_completed_plan_counted_puts_the_plan_back_to_active(
        empty_store: db.Store) -> None:
    _who, _bill, plan_id, payments = _completed_plan()
    assert [t.kind for t in thanks_due(D(2026, 12, 20))] == [PLAN_COMPLETED]

    void_payment(payments[1], "Cheque bounced")

    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on, plan.end_reason) == (PlanStatus.ACTIVE, None, "")
    # The money left pays the first instalment and, rolled on, the second (late).
    standing = plan_standing(plan_id, D(2026, 12, 20))
    assert [i.state for i in standing.instalments] == [P, L, DUE]  # in its grace
    assert standing.paid_minor == 600_00
    assert standing.summary.startswith("on plan: 2 of 3 paid")
    [entry] = AuditEntry.select().where((AuditEntry.action == "plan reopened")
                                        & (AuditEntry.row_id == plan_id))
    assert json.loads(entry.before)["status"] == PlanStatus.COMPLETED
    assert json.loads(entry.after) == {"status": PlanStatus.ACTIVE,
                                       "reason": "A payment it counted was voided: "
                                                 "Cheque bounced"}
    assert thanks_due(D(2026, 12, 20)) == []  # no thank-you for a plan not completed
    assert check_store() == []


def test_a_plan_reopened_closes_again_when_the_money_is_paid_again(
        empty_store: db.Store) -> None:
    who, bill, plan_id, payments = _completed_plan()
    void_payment(payments[2], "Entered twice by mistake")
    assert PaymentPlan.get_by_id(plan_id).status == PlanStatus.ACTIVE

    _pay(who, bill, 300_00, D(2026, 12, 18))

    plan = PaymentPlan.get_by_id(plan_id)
    assert (plan.status, plan.ended_on) == (PlanStatus.COMPLETED, D(2026, 12, 18))
    assert check_store() == []


def test_voiding_money_the_plan_did_not_count_leaves_it_completed(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 1_000_00, due_days_ago=40)
    before = _pay(who, bill, 100_00, TODAY - dt.timedelta(days=1))  # before the plan
    plan_id = _weekly_plan(who, bill)
    for day in (D(2026, 12, 1), D(2026, 12, 8), D(2026, 12, 15)):
        _pay(who, bill, 300_00, day)
    assert PaymentPlan.get_by_id(plan_id).status == PlanStatus.COMPLETED

    void_payment(before, "Paid into the wrong account")

    assert PaymentPlan.get_by_id(plan_id).status == PlanStatus.COMPLETED
    assert not AuditEntry.select().where(AuditEntry.action == "plan reopened").exists()
    assert check_store() == []


def test_check_finds_a_completed_plan_whose_money_was_taken_back_behind_its_back(
        empty_store: db.Store) -> None:
    _who, _bill, plan_id, payments = _completed_plan()
    with db.writing():
        undo_allocation(Allocation.get(Allocation.payment == payments[2]))
        Payment.update(voided=True, unallocated_minor=0).where(
            Payment.id == payments[2]).execute()

    assert [p.message for p in check_store()] == [
        f"Zoë Ødegård AS's payment plan #{plan_id} is marked completed but instalment 3 is "
        f"not paid"]


def test_a_plan_from_today_is_in_the_debts_currency_or_the_customers(
        empty_store: db.Store) -> None:
    who = customer(currency="EUR")
    assert plan_currency(who) == "EUR"
    assert plan_currency(who, "USD") == "USD"


def test_a_missed_instalment_replaces_its_plan_and_other_items_agree_a_new_one(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 900_00, due_days_ago=40)
    plan_id = _weekly_plan(who, bill)
    first = plan_standing(plan_id, TODAY).instalments[0].id
    assert plan_to_replace(INSTALMENT_LATE, first) == plan_id
    assert plan_to_replace(INSTALMENT_DUE, first) is None
    PaymentPlan.update(status=PlanStatus.CANCELLED).where(PaymentPlan.id == plan_id).execute()
    assert plan_to_replace(INSTALMENT_LATE, first) is None  # no longer kept: a new plan
