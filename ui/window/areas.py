"""The registry: the window's areas, in the order of the navigation.

Adding an area is adding its package (with its ``AREA`` entry, see
``ui/common/area.py``) and its line here; nothing else in the window changes.
"""

from __future__ import annotations

from ui import accounts, customers, plans, settings, templates, today
from ui.common.area import Area

INSIGHTS = Area(
    key="insights", title="Insights", icon="insights", shortcut="Ctrl+5",
    coming="How your customers pay: days to pay, who pays late, and which reminders "
           "work — coming next.")

AREAS: tuple[Area, ...] = (today.AREA, accounts.AREA, customers.AREA, plans.AREA, INSIGHTS,
                           templates.AREA, settings.AREA)


def area_index(key: str) -> int | None:
    """The position of the area called ``key`` in the navigation, or None."""
    return next((n for n, area in enumerate(AREAS) if area.key == key), None)
