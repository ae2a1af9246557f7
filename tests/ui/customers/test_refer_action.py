"""Refer to Agency… on a customer's account opens the pre-referral check for that
customer's overdue invoices."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget

from tests.conftest import DEMO_TODAY
from ui.common.refer_dialog import ReferDialog
from ui.common.tasks import TaskRunner
from ui.customers.customers_page import CustomersPage

CHRONIC = 1  # Hughes Ltd: a chronic late payer with two overdue invoices in the demo
MOST_OVERDUE = 47  # Łukaszewski S.A.: the demo's most overdue invoices, a long check


@pytest.fixture
def page(qtbot, window: QWidget, demo_store) -> Iterator[CustomersPage]:
    """The Customers page on the demo company, its list read."""
    tasks = TaskRunner(window)
    page = CustomersPage(tasks, lambda: DEMO_TODAY, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    try:
        with qtbot.waitSignal(page.customers_loaded):
            page.reload()
        yield page
    finally:
        tasks.stop_all()


def _refer(qtbot, window: QWidget, page: CustomersPage, customer_id: int) -> ReferDialog:
    """Refer to Agency… on the customer's account: the dialog, open."""
    with qtbot.waitSignal(page.account_loaded, check_params_cb=lambda i: i == customer_id):
        page.show_customer(customer_id)
    assert page.refer_action.isEnabled()
    page.refer_action.trigger()

    def dialogs() -> list[ReferDialog]:
        return [d for d in window.findChildren(ReferDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(dialogs()), timeout=20000)
    return dialogs()[0]


def test_refer_to_agency_opens_the_check_for_the_customer_shown(qtbot, window: QWidget,
                                                                page: CustomersPage):
    assert page.refer_action.shortcut().toString() == "Ctrl+Shift+R"
    assert page.refer_action in page.actions_for_menu()
    dialog = _refer(qtbot, window, page, CHRONIC)
    assert dialog.setup.customer_id == CHRONIC
    assert len(dialog.ticked_invoice_ids()) == 2
    assert [t[0] for t in dialog.step_texts()][0] == "✓"  # the invoices
    assert dialog.agency_combo.count() >= 1
    dialog.reject()


def test_every_line_of_a_long_check_shows_above_the_rows_below_it(qtbot, window: QWidget,
                                                                 page: CustomersPage):
    # The check's lines wrap; the dialog, sized before they were read, drew the warning
    # row over the last of them ("Warned of the referral", the step still to do).
    dialog = _refer(qtbot, window, page, MOST_OVERDUE)
    steps = dialog.steps_label
    qtbot.waitUntil(lambda: steps.height() >= steps.heightForWidth(steps.width()))
    assert len(dialog.step_texts()) >= 5
    assert steps.geometry().bottom() < dialog.warning_row.geometry().top()
    assert dialog.warning_row.isVisible()
    dialog.reject()
