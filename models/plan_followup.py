"""Chasing follows the plan, not the invoices: the reminders due on the instalments of
active payment plans.

While a plan is kept its invoices are not chased (``models.followup._held_invoices``);
instead the stages of the one policy for plans (``PolicyUse.PLANS``, "Payment plans")
fall due by each instalment's date: a courtesy reminder a few days before it, and a
gentle reminder the day after an instalment that was not paid in full by its date.
State-based like the invoices' engine: for each plan, the first instalment not yet
paid whose highest stage reached has no reminder yet (a contact naming the instalment
and a stage at least that far along) makes one action, so a reminder missed while Duly
was closed is caught up and none is sent twice. A plan broken past its grace is the
daily step's work (``models.daily.settle_day``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from models.kinds import PlanStatus
from models.plans import InstalmentLeft, PlanAhead, plans_ahead
from models.policy_stages import Stage, plans_policy_id, stages_by_policy
from models.schema import Customer, FollowUpStage, Interaction, PaymentPlan
from models.steady import steady_answer

INSTALMENT_SOON_DAYS = 7  # an instalment is "due soon" (Today) from a week before its date


@dataclass(frozen=True)
class InstalmentDue:
    """An instalment with a reminder due, the stage it is due at, and why it is held back
    ("" when it is not): the engine makes it an action (``models.followup``)."""

    plan: PlanAhead
    instalment: InstalmentLeft
    stage: Stage
    held: str


def instalments_due(as_of: dt.date, stages: Sequence[Stage],
                    customer_id: int | None = None) -> list[InstalmentDue]:
    """The instalment reminders due on ``as_of`` under the plans policy's ``stages``, one
    a plan at most, each with why it is held back (a customer on hold) if it is. A few
    queries whatever the number of plans, which are read as far ahead as the store's plans
    policy reminds (:func:`active_plans`)."""
    if not stages:
        return []
    plans = active_plans(as_of, customer_id)
    if not plans:
        return []
    sent = reminders_sent(customer_id)
    holds = _holds(customer_id)
    found = []
    for plan in plans:
        due = reminder_due(plan, stages, sent, as_of)
        if due is None:
            continue
        instalment, stage = due
        hold = holds.get(plan.customer_id)
        held = "" if hold is None else "the customer is on hold" + (f": {hold}" if hold else "")
        found.append(InstalmentDue(plan, instalment, stage, held))
    return found


def reminder_due(plan: PlanAhead, stages: Sequence[Stage], sent: dict[int, int],
                 as_of: dt.date) -> tuple[InstalmentLeft, Stage] | None:
    """The plan's instalment with a reminder due on ``as_of`` and its stage, if any: the
    first not paid in full whose highest stage reached (by its date) has not been
    reached already (``sent``: the furthest stage position reminded, by instalment).

    A reminder before the date is not sent once the date has passed, nor a reminder
    that would have fallen before the plan was agreed (a deposit due that day)."""
    offsets = [s.offset_days for s in stages]
    for instalment in plan.unpaid:
        days = (as_of - instalment.due_date).days
        reached = bisect.bisect_right(offsets, days)
        if not reached:
            return None  # the later instalments are later still
        stage = stages[reached - 1]
        if stage.offset_days <= 0 < days:
            continue  # its date has passed and no stage is for a missed instalment
        falls_on = instalment.due_date + dt.timedelta(days=stage.offset_days)
        if falls_on < plan.agreed_on or sent.get(instalment.id, 0) >= stage.position:
            continue
        return instalment, stage
    return None


@steady_answer
def active_plans(as_of: dt.date, customer_id: int | None = None) -> list[PlanAhead]:
    """The active plans with their instalments not paid in full on ``as_of`` that fall
    due by the furthest day anyone looks ahead to: a week on (Today's instalments due
    soon), or further if the plans policy reminds earlier before the date. (Read once
    inside ``models.steady``: Today and the follow-up plan ask the same.)"""
    stages = stages_by_policy().get(plans_policy_id() or 0, [])
    ahead = max([INSTALMENT_SOON_DAYS, *(-stage.offset_days for stage in stages)])
    return plans_ahead(as_of, as_of + dt.timedelta(days=ahead), customer_id=customer_id)


def reminders_sent(customer_id: int | None = None) -> dict[int, int]:
    """The furthest stage of the plans policy each instalment of an active plan has been
    reminded at (carried out or passed over), by the instalment's id."""
    policy_id = plans_policy_id()
    if policy_id is None:
        return {}
    query = (Interaction.select(Interaction.instalment, FollowUpStage.position)
             .join(FollowUpStage, on=(Interaction.stage == FollowUpStage.id))
             .switch(Interaction)
             .join(PaymentPlan, on=(Interaction.plan == PaymentPlan.id))
             .where((PaymentPlan.status == PlanStatus.ACTIVE)
                    & Interaction.instalment.is_null(False)
                    & (FollowUpStage.policy == policy_id)))
    if customer_id is not None:
        query = query.where(PaymentPlan.customer == customer_id)
    sent: dict[int, int] = {}
    for instalment_id, position in query.tuples():
        sent[instalment_id] = max(sent.get(instalment_id, 0), position)
    return sent


def _holds(customer_id: int | None) -> dict[int, str]:
    """The customers with an active plan who are on hold, with the reason."""
    query = (Customer.select(Customer.id, Customer.hold_reason)
             .join(PaymentPlan, on=(PaymentPlan.customer == Customer.id))
             .where((PaymentPlan.status == PlanStatus.ACTIVE) & Customer.on_hold)
             .distinct())
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    return dict(query.tuples())
