"""Customers: each customer's account, invoices, payments, timeline and documents."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.common.area import Area, AreaContext


def _build(context: AreaContext) -> QWidget:
    from ui.customers.customers_page import CustomersPage

    page = CustomersPage(context.tasks, context.today)
    page.mail_settings_requested.connect(lambda: context.show_area("settings", "mail"))
    page.set_contact_logger(context.contact_logger())  # the window's, for Ctrl+L too
    page.empty.offer_import(context.import_action)
    return page


AREA = Area(key="customers", title="Customers", icon="customers", shortcut="Ctrl+3",
            build=_build, menu="&Customer", log_contact_in_menu=True, opens_customers=True)
