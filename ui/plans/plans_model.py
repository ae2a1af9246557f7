"""The Plans area's lists: the plans as they stand, and the instalments of the one chosen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtGui import QColor

from models.kinds import InstalmentState, PlanStatus
from models.money import format_money
from models.plans import InstalmentStanding, PlanStanding
from ui.common.rows_model import QUIET, Column, Paint, RowsModel, format_day
from ui.common.style import ERROR

ACTIVE, ENDED, ALL = range(3)
FILTERS = ("Active", "Ended", "All")
_LATE = dt.date.max.toordinal() + 1  # no next instalment: after any date


def paid_words(plan: PlanStanding) -> str:
    """How many instalments are paid: "3 of 6"."""
    return f"{plan.paid_count} of {len(plan.instalments)}"


def _next_day(plan: PlanStanding) -> int:
    following = plan.next_instalment
    return following.due_date.toordinal() if following is not None else _LATE


def _next_amount(plan: PlanStanding) -> str:
    following = plan.next_instalment
    if following is None or plan.status != PlanStatus.ACTIVE:
        return ""
    return format_money(following.left_minor, plan.currency)


class PlansModel(RowsModel):
    """Every plan with how it stands; filtered to the active ones, the ended, or all."""

    columns = (
        Column("Customer", lambda r: r.customer_name, lambda r: r.customer_name.casefold()),
        Column("Agreed", lambda r: format_day(r.agreed_on), lambda r: r.agreed_on),
        Column("Paid", paid_words, lambda r: (r.paid_count, len(r.instalments))),
        Column("Next due", lambda r: format_day(r.next_instalment.due_date)
               if r.next_instalment is not None and r.status == PlanStatus.ACTIVE else "",
               _next_day),
        Column("Next amount", _next_amount,
               lambda r: r.next_instalment.left_minor if r.next_instalment else 0, money=True),
        Column("Missed", lambda r: str(len(r.missed)) if r.missed else "",
               lambda r: len(r.missed)),
        Column("Status", lambda r: PlanStatus.word_for(r.status), lambda r: str(r.status)),
        Column("Summary", lambda r: r.summary, lambda r: r.summary,
               tooltip=lambda r: _plan_tip(r)),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shown = ACTIVE

    def row_key(self, row: Any) -> object:
        """A plan is known by its id."""
        return row.plan_id

    def set_shown(self, shown: int) -> None:
        """Show the active plans (``ACTIVE``), the ended ones (``ENDED``) or ``ALL``."""
        if shown != self._shown:
            self._shown = shown
            self.refilter()

    def shown(self) -> int:
        """Which plans are shown: ``ACTIVE``, ``ENDED`` or ``ALL``."""
        return self._shown

    def total_count(self) -> int:
        """How many plans there are, whatever is shown."""
        return len(self._all)

    def _accepts(self, row: Any) -> bool:
        active = row.status == PlanStatus.ACTIVE
        return self._shown == ALL or active == (self._shown == ACTIVE)

    def _foreground(self, row: Any, column: int) -> Paint:
        if row.status != PlanStatus.ACTIVE:
            return QColor(QUIET)
        if row.missed and column in (5, 7):
            return QColor(ERROR)
        return None


def _plan_tip(plan: PlanStanding) -> str:
    lines = [f"{plan.customer_name} ({plan.customer_code}): {plan.summary}",
             f"{format_money(plan.paid_minor, plan.currency)} of "
             f"{format_money(plan.total_minor, plan.currency)} paid"]
    if plan.freeze_charges:
        lines.append("No interest or fees while it is kept.")
    if plan.end_reason:
        lines.append(plan.end_reason)
    if plan.notes:
        lines.append(plan.notes)
    return "\n".join(lines)


class InstalmentsModel(RowsModel):
    """The chosen plan's instalments in schedule order, each with its state."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency = ""
        self.columns = (
            Column("Instalment", lambda r: "Deposit" if r.is_deposit else str(r.position),
                   lambda r: r.position),
            Column("Due", lambda r: format_day(r.due_date), lambda r: r.due_date),
            Column("Amount", lambda r: format_money(r.amount_minor, self.currency),
                   lambda r: r.amount_minor, money=True),
            Column("Paid", lambda r: format_money(r.paid_minor, self.currency)
                   if r.paid_minor else "", lambda r: r.paid_minor, money=True),
            Column("Paid on", lambda r: format_day(r.paid_on),
                   lambda r: r.paid_on.toordinal() if r.paid_on else _LATE),
            Column("State", lambda r: InstalmentState.word_for(r.state),
                   lambda r: str(r.state)),
        )

    def set_plan(self, plan: PlanStanding | None) -> None:
        """Show ``plan``'s instalments (None: none)."""
        self.currency = plan.currency if plan is not None else ""
        self.set_rows(plan.instalments if plan is not None else ())

    def _foreground(self, row: Any, column: int) -> Paint:
        assert isinstance(row, InstalmentStanding)
        if row.state == InstalmentState.MISSED:
            return QColor(ERROR)
        if row.state in (InstalmentState.PAID, InstalmentState.PAID_LATE):
            return QColor(QUIET)
        return None
