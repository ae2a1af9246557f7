"""The Write-offs tab's list: each write-off of the period with its VAT share, the first
day bad-debt relief can be claimed, and whether it was reversed."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from models.kinds import WriteOffReason
from models.money import format_money
from models.write_offs import WriteOffRow
from reports.write_offs_report import state_text
from ui.common.rows_model import QUIET, Column, Paint, RowsModel, format_day


class WriteOffsModel(RowsModel):
    """The write-offs of a period, oldest first until sorted; reversed ones greyed."""

    columns = (
        Column("Customer", lambda r: r.customer_name, lambda r: r.customer_name.casefold(),
               tooltip=lambda r: _tip(r)),
        Column("Invoice", lambda r: r.invoice_number, lambda r: r.invoice_number),
        Column("Written off on", lambda r: format_day(r.written_off_on),
               lambda r: r.written_off_on),
        Column("Reason", lambda r: WriteOffReason.word_for(r.reason),
               lambda r: WriteOffReason.word_for(r.reason)),
        Column("Amount", lambda r: format_money(r.amount_minor, r.currency),
               lambda r: r.amount_minor, money=True),
        Column("VAT share", lambda r: format_money(r.vat_minor, r.currency)
               if r.vat_percent is not None else "", lambda r: r.vat_minor, money=True),
        Column("Relief claimable from", lambda r: format_day(r.relief_from),
               lambda r: r.relief_from),
        Column("State", state_text, state_text),
    )

    def row_key(self, row: Any) -> object:
        """A write-off is known by its id."""
        return row.write_off_id

    def _foreground(self, row: Any, column: int) -> Paint:
        return None if row.reversed_on is None else QColor(QUIET)


def _tip(row: WriteOffRow) -> str:
    lines = [f"{row.number}: {row.customer_name} ({row.customer_code}), invoice "
             f"{row.invoice_number} due {format_day(row.due_date)}",
             f"Relief can be claimed from {format_day(row.relief_from)} until "
             f"{format_day(row.relief_claim_by)}"]
    if row.reversed_on is not None:
        lines.append(f"Reversed on {format_day(row.reversed_on)}: {row.reversal_reason}")
    if row.notes:
        lines.append(row.notes)
    return "\n".join(lines)
