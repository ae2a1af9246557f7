"""The day's settling: what the passing of a day decides by itself, recorded before the
day's lists are read.

Payment plans whose last instalment is paid close as completed; plans whose missed
instalment stayed unpaid past its grace, after its reminder, are defaulted and their
invoices chased again (``models.plans.plans_to_default``, the one home of that rule);
offers whose last day went by lapse. Run by the command line before ``today``,
``actions``, ``send --due`` and ``letters --due``, and by the window as Today loads.
Safe to run again at any time: a second run the same day finds nothing more to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.dates import short_date
from models.db import writing
from models.money import format_money
from models.offers import settle_offers
from models.plans import (
    ResumedChase,
    default_plan,
    plan_reference,
    plan_standings,
    plans_to_default,
    settle_plans,
)


@dataclass(frozen=True)
class PlanDefaulted:
    """A plan the day's settling ended as broken, and where chasing resumes."""

    plan_id: int
    customer_id: int
    customer_name: str
    reason: str
    resumed: ResumedChase | None  # None: the policy has no stage left to resume at


@dataclass(frozen=True)
class DaySettled:
    """What settling the day recorded."""

    completed: tuple[int, ...]  # the plans closed as completed
    defaulted: tuple[PlanDefaulted, ...]
    offers_lapsed: int

    @property
    def changed(self) -> bool:
        """Whether anything was recorded."""
        return bool(self.completed or self.defaulted or self.offers_lapsed)

    def lines(self) -> list[str]:
        """What was done, a line each, for a terminal or a notice."""
        out = [f"Payment plan {plan_reference(plan_id)} completed: every instalment paid."
               for plan_id in self.completed]
        for broken in self.defaulted:
            out.append(f"Plan broken: {broken.customer_name}: {broken.reason} "
                       + resumed_words(broken.resumed))
        if self.offers_lapsed:
            noun = "offer" if self.offers_lapsed == 1 else "offers"
            out.append(f"{self.offers_lapsed} {noun} lapsed unpaid.")
        return out


def resumed_words(resumed: ResumedChase | None) -> str:
    """Where chasing resumes in words: "Chasing resumes at “Phone call” on 29 Jan 2027."."""
    if resumed is None:
        return "No follow-up stage is left to resume at."
    return f"Chasing resumes at “{resumed.stage_name}” on {short_date(resumed.due_on)}."


def settle_day(as_of: dt.date) -> DaySettled:
    """Record what ``as_of`` decides by itself, in one transaction: plans completed,
    plans broken (with the reason, and follow-up resumed where the account had got to),
    offers lapsed."""
    with writing():
        # The active plans are read once for both rules: on a big book each reading is
        # some 15 ms of the window's wait before Today's list.
        active = plan_standings(as_of, active_only=True)
        completed = settle_plans(as_of, standings=active)
        defaulted = []
        left = [standing for standing in active if standing.plan_id not in completed]
        for standing in plans_to_default(as_of, standings=left):
            first = standing.missed[0]
            reason = (f"Instalment {first.position} of {len(standing.instalments)} "
                      f"({format_money(first.amount_minor, standing.currency)}) due "
                      f"{short_date(first.due_date)} not paid.")
            resumed = default_plan(standing.plan_id, as_of, reason)
            defaulted.append(PlanDefaulted(standing.plan_id, standing.customer_id,
                                           standing.customer_name, reason, resumed))
        lapsed = settle_offers(as_of)
    return DaySettled(completed, tuple(defaulted), lapsed)
