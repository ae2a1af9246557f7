"""Plans: every payment plan, how each stands instalment by instalment, and what to do
with it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.plans.plans_page import PlansPage

    page = PlansPage(context.tasks, context.today)
    page.customer_requested.connect(context.open_customer)
    page.mail_settings_requested.connect(lambda: context.show_area("settings", "mail"))
    return page


AREA = Area(key="plans", title="Plans", icon="plans", shortcut="Ctrl+4", build=_build,
            menu="&Plans")
