"""A payment plan's schedule worked out: the instalments' dates and amounts (pure).

Three ways to schedule what a plan covers, after an optional deposit: a number of
instalments at a frequency from a first date (equal, the last balancing to the minor
unit), an amount each until paid (the last for what is left), or the business's own
list of dates and amounts, which must add up. Amounts are integer minor units, so a
currency without decimals (JPY) balances to the yen. A monthly schedule from the 31st
falls on the last day of a shorter month and goes back to the 31st after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from models import input_rules as rules
from models.dates import short_date
from models.errors import LedgerError
from models.kinds import PlanFrequency
from models.money import format_money

MAX_INSTALMENTS = 120  # ten years of monthly payments: more is a typing mistake
_DAYS_APART = {PlanFrequency.WEEKLY: 7, PlanFrequency.FORTNIGHTLY: 14}


@dataclass(frozen=True)
class ScheduleTerms:
    """How the user asked for the schedule: ``count`` instalments, or ``amount_minor``
    each until paid, at ``frequency`` from ``first_on``; or ``custom`` (date, amount)
    pairs. A deposit, if any, is paid on ``deposit_on`` before the first instalment."""

    frequency: PlanFrequency = PlanFrequency.MONTHLY
    first_on: dt.date | None = None
    count: int | None = None
    amount_minor: int | None = None
    custom: tuple[tuple[dt.date, int], ...] = ()
    deposit_minor: int = 0
    deposit_on: dt.date | None = None


@dataclass(frozen=True)
class ScheduledInstalment:
    """One instalment of a schedule, in order (``position`` from 1; the deposit first)."""

    position: int
    due_date: dt.date
    amount_minor: int
    is_deposit: bool = False


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` so many months on; the 29th to 31st fall on the last day of a shorter
    month (31 January, one month on: 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalment_dates(first_on: dt.date, count: int, frequency: PlanFrequency) -> list[dt.date]:
    """``count`` dates at ``frequency`` from ``first_on``; each monthly date counts from
    the first, so a short month does not pull the later ones back."""
    if frequency == PlanFrequency.MONTHLY:
        return [add_months(first_on, n) for n in range(count)]
    days = _DAYS_APART.get(frequency)
    if days is None:
        raise LedgerError("frequency", "Choose weekly, fortnightly or monthly instalments, or "
                                       "give each instalment's date.")
    return [first_on + dt.timedelta(days=days * n) for n in range(count)]


def schedule(total_minor: int, currency: str, terms: ScheduleTerms, *,
             agreed_on: dt.date) -> tuple[ScheduledInstalment, ...]:
    """The instalments paying ``total_minor`` under ``terms``, the deposit first; they add
    up to the total exactly, none is zero and their dates strictly increase. Raises
    :class:`LedgerError` for a schedule that cannot be: one that does not add up, starts
    before ``agreed_on``, or asks for more instalments than the amount can carry."""
    if total_minor <= 0:
        raise LedgerError("items", "The plan covers nothing still to pay.")
    deposit = _deposit(total_minor, currency, terms, agreed_on)
    rest = total_minor - deposit[0].amount_minor if deposit else total_minor
    if terms.custom:
        rows = _custom(rest, currency, terms.custom)
    else:
        rows = _regular(rest, currency, terms)
    if rows[0][0] < agreed_on:
        raise LedgerError("first_on", f"The first instalment ({short_date(rows[0][0])}) is "
                                      f"before the day the plan is agreed "
                                      f"({short_date(agreed_on)}). Choose a later date.")
    if deposit and rows[0][0] <= deposit[0].due_date:
        raise LedgerError("first_on", "The first instalment falls on or before the deposit; "
                                      "choose a first date after the deposit's.")
    offset = len(deposit)
    return (*deposit, *(ScheduledInstalment(offset + n, day, amount)
                        for n, (day, amount) in enumerate(rows, 1)))


def _deposit(total_minor: int, currency: str, terms: ScheduleTerms,
             agreed_on: dt.date) -> tuple[ScheduledInstalment, ...]:
    if not terms.deposit_minor:
        return ()
    amount = rules.check_amount(terms.deposit_minor, "deposit", "the deposit")
    if amount >= total_minor:
        raise LedgerError("deposit", f"The deposit ({format_money(amount, currency)}) is not "
                                     f"less than the {format_money(total_minor, currency)} the "
                                     f"plan covers; take the payment instead of a plan.")
    on = rules.check_date(terms.deposit_on or agreed_on, "deposit_on", "The deposit's date")
    if on < agreed_on:
        raise LedgerError("deposit_on", "The deposit is due before the day the plan is agreed; "
                                        "choose that day or later.")
    return (ScheduledInstalment(1, on, amount, is_deposit=True),)


def _regular(total_minor: int, currency: str,
             terms: ScheduleTerms) -> list[tuple[dt.date, int]]:
    if terms.first_on is None:
        raise LedgerError("first_on", "Choose the date of the first instalment.")
    rules.check_date(terms.first_on, "first_on", "The first instalment's date")
    if (terms.count is None) == (terms.amount_minor is None):
        raise LedgerError("count", "Give either the number of instalments or the amount of "
                                   "each.")
    if terms.count is not None:
        amounts = _equal_by_count(total_minor, currency, terms.count)
    else:
        amounts = _equal_by_amount(total_minor, currency, terms.amount_minor or 0)
    dates = instalment_dates(terms.first_on, len(amounts), terms.frequency)
    rules.check_date(dates[-1], "count", "The last instalment's date")
    return list(zip(dates, amounts, strict=True))


def _equal_by_count(total_minor: int, currency: str, count: int) -> list[int]:
    if not 1 <= count <= MAX_INSTALMENTS:
        raise LedgerError("count", f"Choose between 1 and {MAX_INSTALMENTS} instalments.")
    share = total_minor // count
    if share == 0:
        raise LedgerError("count", f"{format_money(total_minor, currency)} cannot be paid in "
                                   f"{count} instalments; choose fewer.")
    # Equal shares; the last balances to the minor unit.
    return [share] * (count - 1) + [total_minor - share * (count - 1)]


def _equal_by_amount(total_minor: int, currency: str, amount_minor: int) -> list[int]:
    amount = rules.check_amount(amount_minor, "amount", "each instalment")
    count = -(-total_minor // amount)
    if count > MAX_INSTALMENTS:
        raise LedgerError("amount", f"{format_money(amount, currency)} at a time would take "
                                    f"{count} instalments; at most {MAX_INSTALMENTS} are "
                                    f"kept. Choose a larger amount.")
    return [amount] * (count - 1) + [total_minor - amount * (count - 1)]


def _custom(total_minor: int, currency: str,
            rows: Sequence[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    if len(rows) > MAX_INSTALMENTS:
        raise LedgerError("custom", f"At most {MAX_INSTALMENTS} instalments are kept.")
    checked = []
    for n, (day, amount) in enumerate(rows, 1):
        rules.check_date(day, "custom", f"Instalment {n}'s date")
        checked.append((day, rules.check_amount(amount, "custom", f"instalment {n}")))
        if n > 1 and day <= checked[-2][0]:
            raise LedgerError("custom", f"Instalment {n} ({short_date(day)}) is not after "
                                        f"instalment {n - 1}; list them in date order, one "
                                        f"a day at most.")
    given = sum(amount for _day, amount in checked)
    if given != total_minor:
        raise LedgerError("custom", f"The instalments add up to "
                                    f"{format_money(given, currency)}, not the "
                                    f"{format_money(total_minor, currency)} to pay. Change "
                                    f"an amount so that they add up.")
    return checked
