"""When a payment counts as following a contact: the one notion a customer's profile
(:mod:`models.customer_profile`) and what works (:mod:`models.what_works`) share.

Money received on the contact's own day or later follows it, and its days after are
the difference of the two days (0 on the day itself); it came *within* N days when that
difference is N or less.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import Any


def first_on_or_after(days: Sequence[Any], day: Any, start: int = 0,
                      end: int | None = None) -> int:
    """Where, in the sorted payment (or allocation) ``days`` (those from ``start`` to
    ``end``), the first that follows a contact on ``day`` is: the first on that day or
    later (``end``: none)."""
    return bisect.bisect_left(days, day, start, len(days) if end is None else end)


def days_after(contact_day: int, paid_day: int) -> int | None:
    """Days from a contact to a payment, both as day ordinals; None when the payment
    came before the contact (it does not follow it)."""
    days = paid_day - contact_day
    return days if days >= 0 else None


def within(days: int | None, limit: int) -> bool:
    """Whether a payment ``days`` after a contact (None: none followed) came within
    ``limit`` days."""
    return days is not None and days <= limit


def next_payment(payments: Sequence[dt.date], day: dt.date) -> int | None:
    """Days from ``day`` to the first of the (sorted) payment days on it or after, if any."""
    index = first_on_or_after(payments, day)
    return (payments[index] - day).days if index < len(payments) else None
