"""A bank statement's matches as the ``bank`` command prints them: matched with
certainty, suggested and unmatched, each credit with its reasons."""

from __future__ import annotations

from models.bank_matching import Confidence, CreditMatch
from models.bank_statements import BankPreview
from models.money import format_money
from models.terminal_text import safe_for_terminal

_HEADS = {Confidence.SURE: "Matched", Confidence.SUGGESTED: "Suggested",
          Confidence.UNMATCHED: "Unmatched"}


def bank_summary(bank_preview: BankPreview) -> str:
    """The statement's new credits grouped by confidence, with the reasons in words, and
    how many an earlier import already recorded or ignored."""
    statement = bank_preview.statement
    out = [f"{statement.file_name}: {len(statement.credits):,} credit(s) in "
           f"{statement.currency}, {bank_preview.already_done:,} already recorded or "
           f"ignored."]
    for confidence, head in _HEADS.items():
        lines = bank_preview.new_lines(confidence)
        out.append("")
        out.append(f"{head} ({len(lines):,}):")
        out.extend(_credit_lines(line.match) for line in lines)
    return safe_for_terminal("\n".join(out)) + "\n"


def _credit_lines(match: CreditMatch) -> str:
    credit = match.credit
    who = f" from {credit.payer_name}" if credit.payer_name else ""
    text = f" “{credit.text}”" if credit.text else ""
    lines = [f"  {credit.booked_on.isoformat()}  "
             f"{format_money(credit.amount_minor, credit.currency)}{who}{text}"]
    if match.note:
        lines.append(f"    → unmatched: {match.note}")
    for candidate in match.candidates[:3]:
        lines.append(f"    → {candidate.customer_name} ({candidate.customer_code}), "
                     f"{candidate.points} points: " + "; ".join(candidate.reasons))
    return "\n".join(lines)


def bank_counts(bank_preview: BankPreview) -> str:
    """The statement's new credits counted by confidence, in a few words: "3 matched, 1
    suggested and 2 unmatched (4 already recorded or ignored)"."""
    counts = {c: len(bank_preview.new_lines(c)) for c in Confidence}
    return (f"{counts[Confidence.SURE]:,} matched, {counts[Confidence.SUGGESTED]:,} suggested "
            f"and {counts[Confidence.UNMATCHED]:,} unmatched ({bank_preview.already_done:,} "
            f"already recorded or ignored)")
