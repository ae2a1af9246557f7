"""Today: the day's follow-up worklist, reminders to review and approve, and letters to
print."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from models.changes import Change, changes
from ui.common.area import Area, AreaContext, Badge


def _build(context: AreaContext) -> QWidget:
    from ui.today.today_page import TodayPage

    page = TodayPage(context.tasks, context.today, settings=context.settings)
    page.customer_requested.connect(context.open_customer)
    page.mail_settings_requested.connect(lambda: context.show_area("settings", "mail"))
    # A check-in is logged like any contact, for its item: logging it completes it.
    page.check_in_requested.connect(
        lambda customer_id, item: context.contact_logger().log_for(customer_id, item))
    page.action_bar.addSeparator()
    page.action_bar.addAction(context.log_contact_action)  # the usual next step
    return page


def _badge(as_of: dt.date) -> Badge:
    from models.today import shared_worklist, worklist_summary

    items = shared_worklist(as_of)  # the page's own list, worked out once between writes
    return Badge(len(items), worklist_summary(items))


AREA = Area(
    key="today", title="Today", icon="today", shortcut="Ctrl+1", build=_build,
    menu="&Worklist", log_contact_in_menu=True, badge=_badge,
    badge_reads=changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                        Change.FOLLOW_UP, Change.WORKLIST, Change.OUTBOX, Change.POLICIES))
