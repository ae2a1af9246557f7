"""The registry: the window's areas, in the order of the navigation.

Adding an area is adding its package (with its ``AREA`` entry, see
``ui/common/area.py``) and its line here; nothing else in the window changes.
"""

from __future__ import annotations

from ui import accounts, collections, customers, insights, plans, settings, templates, today
from ui.common.area import Area

AREAS: tuple[Area, ...] = (today.AREA, accounts.AREA, customers.AREA, plans.AREA,
                           insights.AREA, collections.AREA, templates.AREA,
                           settings.AREA)


def area_index(key: str) -> int | None:
    """The position of the area called ``key`` in the navigation, or None."""
    return next((n for n, area in enumerate(AREAS) if area.key == key), None)
