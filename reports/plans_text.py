"""Payment plans as text for a terminal: a plan's schedule before or once it is agreed,
and the list of plans with how each stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models.dates import short_date
from models.kinds import InstalmentState, PlanStatus
from models.money import format_money
from models.plans import PlanPreview, PlanStanding
from reports.text_table import text_table


def schedule_text(preview: PlanPreview, *, plan_id: int | None = None) -> str:
    """What the plan covers and its instalments; says whether it was recorded
    (``plan_id``) or only worked out."""
    currency = preview.currency
    out = [f"Payment plan for {preview.customer_name} ({preview.customer_code}), agreed "
           f"{short_date(preview.agreed_on)}", ""]
    covered = ", ".join(f"{item.label} ({format_money(item.open_minor, currency)})"
                        for item in preview.items)
    out.append(f"Covers: {covered}; {format_money(preview.total_minor, currency)} in all.")
    out.append(f"Schedule: {preview.summary}.")
    out.append("")
    rows = [[str(i.position), i.due_date.isoformat(), format_money(i.amount_minor, currency),
             "deposit" if i.is_deposit else ""] for i in preview.instalments]
    out += text_table(["#", "Due", "Amount", ""], rows, {0, 2})
    out.append("")
    out.append(f"Grace: {preview.grace_days} day{'' if preview.grace_days == 1 else 's'} "
               f"after each instalment's date.")
    out.append("Interest and fees: stopped while the plan is kept." if preview.freeze_charges
               else "Interest and fees: keep running under the customer's terms.")
    if preview.stage_reached_name:
        out.append(f"Follow-up had reached “{preview.stage_reached_name}”; if the plan is "
                   f"broken, it resumes after it.")
    out.append("")
    out.append(f"Recorded as payment plan #{plan_id}." if plan_id is not None else
               "Dry run: nothing was recorded.")
    return "\n".join(out) + "\n"


def plans_table(standings: Sequence[PlanStanding], as_of: dt.date) -> str:
    """Each plan: customer, status, instalments paid, the next one and how the plan
    stands, active plans first."""
    out = [f"Payment plans on {as_of.isoformat()}", ""]
    if not standings:
        out.append("No payment plans.")
        return "\n".join(out) + "\n"
    rows = []
    for plan in standings:
        following = plan.next_instalment if plan.status == PlanStatus.ACTIVE else None
        rows.append([
            f"{plan.customer_name} ({plan.customer_code})", PlanStatus.word_for(plan.status),
            plan.agreed_on.isoformat(), f"{plan.paid_count} of {len(plan.instalments)}",
            following.due_date.isoformat() if following else "",
            format_money(following.left_minor, plan.currency) if following else "",
            InstalmentState.word_for(following.state) if following else "",
            format_money(plan.total_minor - plan.paid_minor, plan.currency)])
    out += text_table(["Customer", "Status", "Agreed", "Paid", "Next due", "Next amount",
                       "Next is", "Left"], rows, {5, 7})
    active = sum(1 for p in standings if p.status == PlanStatus.ACTIVE)
    missed = sum(1 for p in standings if p.status == PlanStatus.ACTIVE and p.missed)
    out += ["", f"{len(standings):,} plan(s), {active:,} active, {missed:,} with an "
                f"instalment missed."]
    return "\n".join(out) + "\n"
