"""The window's work areas, in the order of the navigation list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One work area: its name, icon and what it will do for the business."""

    key: str
    title: str
    icon: str
    coming: str


AREAS: tuple[Area, ...] = (
    Area("today", "Today", "today",
         "Who to remind, call or write to today, with the letter ready to send "
         "— coming next."),
    Area("accounts", "Accounts", "accounts",
         "Who owes what, and how late: aging buckets per customer — coming next."),
    Area("customers", "Customers", "customers",
         "Each customer at a glance: balance, invoices, payments, promises and every "
         "conversation — coming next."),
    Area("insights", "Insights", "insights",
         "How your customers pay: days to pay, who pays late, and which reminders "
         "work — coming next."),
    Area("templates", "Templates", "templates",
         "The reminder letters and e-mails Duly sends, in your own words — coming next."),
    Area("settings", "Settings", "settings",
         "Your business details, payment terms, reminder stages and e-mail sending "
         "— coming next."),
)


def area_index(key: str) -> int | None:
    """The position of the area called ``key``, or None if there is none."""
    for index, area in enumerate(AREAS):
        if area.key == key:
            return index
    return None
