"""Settling a dispute case with a credit note, posted through the ledger.

Apart from :mod:`models.disputes` because the ledger opens and ends cases for its old
dispute actions (``dispute_invoice``, ``release_dispute``): the cases cannot import the
ledger back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models import input_rules as rules
from models.allocations import hold_account_of
from models.db import writing
from models.disputes import DisputedLine, close_case, lines_of, open_case
from models.errors import LedgerError
from models.kinds import DisputeStatus
from models.ledger import add_credit_note, allocate_credit
from models.money import format_money
from models.schema import DisputeCase


def resolve_by_credit(case_id: int, *, number: str, issue_date: dt.date, reason: str,
                      credits: Sequence[tuple[int, int]] | None = None,
                      today: dt.date | None = None) -> int:
    """Settle a case with a credit note, posted through the ledger: ``credits`` lists
    (invoice id, amount) credited, each at most what is in dispute of that invoice;
    None credits all that is in dispute. What is left of a disputed amount not credited
    is chased again. The credit note's id."""
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT)
    if not reason:
        raise LedgerError("reason", "Say why the credit is granted.")
    with writing():
        hold_account_of(DisputeCase, case_id)
        case = open_case(case_id)
        lines = {line.invoice_id: line for line in lines_of([case.id])[case.id]}
        if credits is None:
            credits = [(i, line.disputed_minor) for i, line in lines.items()
                       if line.disputed_minor > 0]
        parts = _credited(case, lines, credits)
        total = sum(amount for _, amount in parts)
        only = parts[0][0] if len(parts) == 1 else None
        note_id = add_credit_note(case.customer_id, number=number, issue_date=issue_date,
                                  amount_minor=total, reason=reason, invoice_id=only,
                                  today=today)
        if only is None:
            allocate_credit(case.customer_id, credit_note_id=note_id, allocate_to=parts,
                            on=issue_date)
        close_case(case, DisputeStatus.CREDITED, issue_date, reason, credit_note=note_id,
               resume=False)
    return int(note_id)


def _credited(case: DisputeCase, lines: dict[int, DisputedLine],
              credits: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    for invoice_id, amount in credits:
        line = lines.get(invoice_id)
        if line is None:
            raise LedgerError("credits", "That invoice is not in this dispute.")
        if any(invoice_id == i for i, _ in parts):
            raise LedgerError("credits", f"Invoice {line.number} is listed twice.")
        amount = rules.check_amount(amount, "credits", f"the credit on invoice {line.number}")
        if amount > line.disputed_minor:
            raise LedgerError("credits", f"Only {format_money(line.disputed_minor, case.currency)}"
                                         f" of invoice {line.number} is in dispute: credit "
                                         f"that much at most.")
        parts.append((invoice_id, amount))
    if not parts:
        raise LedgerError("credits", "Nothing of this dispute is left to credit: reject it "
                                     "or record that the customer withdrew it.")
    return parts
