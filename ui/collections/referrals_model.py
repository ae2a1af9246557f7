"""The Referrals tab's list: each account handed to an agency, what it was given, how it
stands, and the money recovered, the commission kept and the net; filtered by status
and agency."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from models.kinds import LIVE_REFERRAL_STATUSES, ReferralStatus
from models.money import format_money
from models.referrals import ReferralRow
from ui.common.rows_model import QUIET, Column, Paint, RowsModel, format_day

ALL_STATUSES, LIVE, ENDED = "all", "live", "ended"
# The status filter: (words, what it keeps), the statuses one by one after the groups.
STATUS_FILTERS: tuple[tuple[str, str], ...] = (
    ("All", ALL_STATUSES), ("With the agency", LIVE), ("Ended", ENDED),
    *((ReferralStatus.word_for(s), str(s)) for s in ReferralStatus))
ALL_AGENCIES = 0


def _money(row: ReferralRow, minor: int) -> str:
    return format_money(minor, row.currency)


class ReferralsModel(RowsModel):
    """Every referral, latest first until sorted; filtered by status and agency."""

    columns = (
        Column("Customer", lambda r: r.customer_name, lambda r: r.customer_name.casefold(),
               tooltip=lambda r: _tip(r)),
        Column("Agency", lambda r: r.agency_name, lambda r: r.agency_name.casefold()),
        Column("Invoices", lambda r: ", ".join(r.invoice_numbers),
               lambda r: ", ".join(r.invoice_numbers)),
        Column("Referred", lambda r: _money(r, r.referred_minor), lambda r: r.referred_minor,
               money=True),
        Column("On", lambda r: format_day(r.referred_on), lambda r: r.referred_on),
        Column("Status", lambda r: r.status_word, lambda r: r.status_word),
        Column("Recovered", lambda r: _money(r, r.recovered_minor) if r.recovered_minor
               else "", lambda r: r.recovered_minor, money=True),
        Column("Commission", lambda r: _money(r, r.commission_minor) if r.recovered_minor
               else "", lambda r: r.commission_minor, money=True),
        Column("Net", lambda r: _money(r, r.net_minor) if r.recovered_minor else "",
               lambda r: r.net_minor, money=True),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._status = ALL_STATUSES
        self._agency = ALL_AGENCIES

    def set_filter(self, status: str, agency_id: int) -> None:
        """Show only ``status``'s referrals (``ALL_STATUSES``, ``LIVE``, ``ENDED`` or one
        status) of ``agency_id`` (``ALL_AGENCIES``: any)."""
        if (status, agency_id) != (self._status, self._agency):
            self._status, self._agency = status, agency_id
            self.refilter()

    def total_count(self) -> int:
        """How many referrals there are, whatever is shown."""
        return len(self._all)

    def _accepts(self, row: Any) -> bool:
        if self._agency != ALL_AGENCIES and row.agency_id != self._agency:
            return False
        if self._status == ALL_STATUSES:
            return True
        live = row.status in LIVE_REFERRAL_STATUSES
        if self._status == LIVE:
            return live
        if self._status == ENDED:
            return not live
        return bool(row.status == self._status)

    def _foreground(self, row: Any, column: int) -> Paint:
        return None if row.live else QColor(QUIET)


def _tip(row: ReferralRow) -> str:
    lines = [f"{row.customer_name} ({row.customer_code}), referred to {row.agency_name} on "
             f"{format_day(row.referred_on)}: {_money(row, row.referred_minor)}",
             f"Still open on its invoices: {_money(row, row.open_minor)}"]
    if row.override_reason:
        lines.append(f"Referred before the check was passed: {row.override_reason}")
    if row.notes:
        lines.append(row.notes)
    return "\n".join(lines)
