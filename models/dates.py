"""How Duly writes a day in words: one home for every date format shown or printed,
and how a stored day is read back.

English words, whatever the computer's locale (the letters are in English); a
letter in the customer's language comes with its own formats (issue 15).
"""

from __future__ import annotations

import datetime as dt

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def stored_day(value: object) -> dt.date:
    """A stored day, or the day of a stored moment, as a date: raw rows and aggregates
    come back as the store's text ("2026-11-24", "2026-11-24 10:30:00"), fields as dates
    or moments."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def long_date(day: dt.date) -> str:
    """A date as a letter writes it: "24 November 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """A short unambiguous date, as lists show it: "24 Nov 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def month_year(day: dt.date) -> str:
    """The month a day falls in: "August 2026"."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def weekday_date(day: dt.date) -> str:
    """A short date with its weekday: "Tue 24 Nov 2026"."""
    return f"{_WEEKDAYS[day.weekday()][:3]} {short_date(day)}"


def full_date(day: dt.date) -> str:
    """A date in full with its weekday: "Tuesday 24 November 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {long_date(day)}"
