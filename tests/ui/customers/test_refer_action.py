"""Refer to Agency… on a customer's account opens the pre-referral check for that
customer's overdue invoices."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tests.conftest import DEMO_TODAY
from ui.common.refer_dialog import ReferDialog
from ui.common.tasks import TaskRunner
from ui.customers.customers_page import CustomersPage

CHRONIC = 1  # Hughes Ltd: a chronic late payer with two overdue invoices in the demo
MOST_OVERDUE = 47  # Łukaszewski S.A.: the demo's most overdue invoices, a long check


def test_refer_to_agency_opens_the_check_for_the_customer_shown(qtbot, window: QWidget,
                                                                demo_store):
    tasks = TaskRunner(window)
    page = CustomersPage(tasks, lambda: DEMO_TODAY, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    try:
        with qtbot.waitSignal(page.customers_loaded):
            page.reload()
        with qtbot.waitSignal(page.account_loaded, check_params_cb=lambda i: i == CHRONIC):
            page.show_customer(CHRONIC)
        assert page.refer_action.isEnabled()
        assert page.refer_action.shortcut().toString() == "Ctrl+Shift+R"
        assert page.refer_action in page.actions_for_menu()
        page.refer_action.trigger()

        def dialogs() -> list[ReferDialog]:
            return [d for d in window.findChildren(ReferDialog) if d.isVisible()]

        qtbot.waitUntil(lambda: bool(dialogs()), timeout=20000)
        dialog = dialogs()[0]
        assert dialog.setup.customer_id == CHRONIC
        assert len(dialog.ticked_invoice_ids()) == 2
        assert [t[0] for t in dialog.step_texts()][0] == "✓"  # the invoices
        assert dialog.agency_combo.count() >= 1
        dialog.reject()
    finally:
        tasks.stop_all()


def test_every_line_of_a_long_check_shows_above_the_rows_below_it(qtbot, window: QWidget,
                                                                 demo_store):
    # The check's lines wrap; the dialog, sized before they were read, drew the warning
    # row over the last of them ("Warned of the referral", the step still to do).
    tasks = TaskRunner(window)
    page = CustomersPage(tasks, lambda: DEMO_TODAY, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    try:
        with qtbot.waitSignal(page.customers_loaded):
            page.reload()
        with qtbot.waitSignal(page.account_loaded,
                              check_params_cb=lambda i: i == MOST_OVERDUE):
            page.show_customer(MOST_OVERDUE)
        page.refer_action.trigger()
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ReferDialog)),
                        timeout=20000)
        dialog = next(d for d in window.findChildren(ReferDialog) if d.isVisible())
        steps = dialog.steps_label
        qtbot.waitUntil(lambda: steps.height() >= steps.heightForWidth(steps.width()))
        assert len(dialog.step_texts()) >= 5
        assert steps.geometry().bottom() < dialog.warning_row.geometry().top()
        assert dialog.warning_row.isVisible()
        dialog.reject()
    finally:
        tasks.stop_all()
