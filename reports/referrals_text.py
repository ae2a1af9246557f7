"""Referrals as text for a terminal: the pre-referral check, and the list of referrals
with what each agency recovered, kept and handed over."""

from __future__ import annotations

from collections.abc import Sequence

from models.dates import short_date
from models.money import format_money
from models.referrals import ReferralCheck, ReferralRow
from models.terminal_text import safe_for_terminal
from reports.text_table import text_table

DONE, MISSING = "✓", "✗"


def check_text(check: ReferralCheck, agency_name: str) -> str:
    """The check, a line a step (✓ what was found, ✗ why not and what to do), and what
    would be referred."""
    out = [f"Pre-referral check for {safe_for_terminal(check.customer_name)}", ""]
    for step in check.steps:
        mark = DONE if step.done else MISSING
        out.append(f"{mark} {step.name}: {safe_for_terminal(step.words)}")
    out.append("")
    if check.invoice_ids:
        out.append(f"To refer to {safe_for_terminal(agency_name)}: "
                   f"{', '.join(safe_for_terminal(n) for n in check.invoice_numbers)} "
                   f"({format_money(check.amount_minor, check.currency)}).")
    return "\n".join(out) + "\n"


def referrals_table(rows: Sequence[ReferralRow]) -> str:
    """A plain-text table of the referrals: who, to whom, what and when, how each stands,
    and the money recovered, the commission kept and the net."""
    out = ["Referrals to collection agencies", ""]
    if not rows:
        return "\n".join([*out, "No account has been referred."]) + "\n"
    header = ["Customer", "Agency", "Invoices", "Referred", "On", "Status", "Recovered",
              "Commission", "Net"]
    lines = [[safe_for_terminal(f"{r.customer_code} {r.customer_name}"),
              safe_for_terminal(r.agency_name),
              safe_for_terminal(", ".join(r.invoice_numbers)),
              format_money(r.referred_minor, r.currency), short_date(r.referred_on),
              r.status_word, format_money(r.recovered_minor, r.currency),
              format_money(r.commission_minor, r.currency),
              format_money(r.net_minor, r.currency)] for r in rows]
    out += text_table(header, lines, {3, 6, 7, 8})
    return "\n".join(out) + "\n"
