"""Accounts: who owes what and how late, with aging buckets per customer."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.accounts.accounts_page import AccountsPage

    page = AccountsPage(context.tasks, context.today, settings=context.settings)
    page.customer_requested.connect(context.open_customer)
    page.offer_import(context.import_action)
    return page


AREA = Area(key="accounts", title="Accounts", icon="accounts", shortcut="Ctrl+2",
            build=_build)
