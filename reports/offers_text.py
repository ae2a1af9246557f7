"""A customer's offers (settlements, loyalty incentives) as text for a terminal."""

from __future__ import annotations

import datetime as dt

from models.money import format_money
from models.offers import OfferPreview, OfferRow
from reports.text_table import text_table


def offers_text(customer: str, rows: list[OfferRow], as_of: dt.date) -> str:
    """The customer's offers, newest first, each as it stands on ``as_of``."""
    if not rows:
        return f"{customer} has no offers.\n"
    table = text_table(
        ("#", "Kind", "Offered", "Pay by", "Pay", "Waive", "State", "Invoices", "Credit note"),
        [(str(r.id), r.kind.value, r.offered_on.isoformat(), r.pay_by.isoformat(),
          format_money(r.pay_minor, r.currency), format_money(r.waive_minor, r.currency),
          r.status.value, ", ".join(r.invoice_numbers), r.credit_note_number) for r in rows],
        right_aligned=(0, 4, 5))
    return "\n".join([f"Offers to {customer} as of {as_of.isoformat()}", "", *table]) + "\n"


def preview_text(preview: OfferPreview) -> str:
    """What an offer would be, before it is made."""
    return (f"{preview.kind.value.capitalize()} offer on "
            f"{', '.join(preview.invoice_numbers)}: {preview.summary}\n")
