"""The follow-up actions due on a day, as text for a terminal."""

from __future__ import annotations

import datetime as dt

from models.daily import DaySettled
from models.followup import DueAction, FollowUpPlan
from models.kinds import Channel
from models.money import format_money
from reports.text_table import text_table


def actions_table(plan: FollowUpPlan, as_of: dt.date, settled: DaySettled | None = None) -> str:
    """What the day's settling did (plans completed or broken, offers lapsed), then what
    is due to whom (stage, channel, invoices or a plan's instalment, amount), then what
    is held back."""
    out = [f"Follow-up actions due on {as_of.isoformat()}", ""]
    if settled is not None and settled.changed:
        out += [*settled.lines(), ""]
    if plan.due:
        rows = [[f"{a.customer_name} ({a.customer_code})", a.stage.name,
                 Channel.word_for(a.stage.channel), _about(a),
                 format_money(a.total_minor, a.currency)] for a in plan.due]
        out += text_table(["Customer", "Stage", "By", "Invoices", "Amount"], rows, {4})
        for action in plan.due:
            for warning in action.warnings:
                out.append(f"Before writing to {action.customer_name}: {warning}")
    else:
        out.append("Nothing is due.")
    if plan.skipped:
        out += ["", "Not chased:"]
        for account in plan.skipped:
            out.append(f"- {account.customer_name} ({account.customer_code}, "
                       f"{account.currency}), {account.stage_name}: "
                       f"{'; '.join(account.reasons)}")
    out += ["", f"{len(plan.due):,} action(s) due, {len(plan.skipped):,} account(s) held back."]
    return "\n".join(out) + "\n"


def _about(action: DueAction) -> str:
    """What the action is about: its invoices, or a plan's instalment."""
    if action.instalment is not None:
        words = action.instalment.words
        return words[:1].upper() + words[1:]
    return ", ".join(i.number for i in action.invoices)
