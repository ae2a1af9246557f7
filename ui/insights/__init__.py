"""Insights: the business at a glance (how fast customers pay, how much is collected,
how old the money owed is, who owes most, the cash expected), and what works."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.insights.insights_page import InsightsPage

    page = InsightsPage(context.tasks, context.today, context.settings)
    page.customer_requested.connect(context.open_customer)
    return page


AREA = Area(key="insights", title="Insights", icon="insights", shortcut="Ctrl+5",
            build=_build, menu="&Insights")
