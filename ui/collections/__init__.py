"""Collections: the end of the road, handled with care (disputes, referrals to a
collection agency, write-offs and claims), each a tab of its own."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.collections.collections_page import CollectionsPage

    page = CollectionsPage(context)
    page.customer_requested.connect(context.open_customer)
    return page


AREA = Area(key="collections", title="Collections", icon="collections", shortcut="Ctrl+6",
            build=_build, menu="C&ollections")
