"""The morning round as a user does it: the overdue list, a customer, a payment."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from models.money import format_money
from models.today import FOLLOW_UP
from tests.conftest import DEMO_TODAY
from ui.accounts.accounts_model import COLUMN_CUSTOMER, COLUMN_OVERDUE
from ui.contacts.contact_dialog import LogContactDialog
from ui.customers.customer_account_view import TIMELINE_TAB
from ui.customers.payment_dialog import PaymentDialog

LEFT = Qt.MouseButton.LeftButton


def overdue_list_shown(window, qtbot):
    """Go to Accounts and wait for its list."""
    with qtbot.waitSignal(window.page("accounts").accounts_loaded, timeout=10000):
        window.show_area("accounts")
    return window.page("accounts")


def open_payment_dialog(qtbot, window) -> PaymentDialog:
    def found() -> list[PaymentDialog]:
        return [d for d in window.findChildren(PaymentDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()))
    return found()[0]


def test_sort_filter_open_a_customer_record_a_payment_and_see_the_list_update(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    page = overdue_list_shown(window, qtbot)
    model = page.model

    # Sort by overdue, largest first, with a click on the column header.
    header = page.table.horizontalHeader()
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), LEFT, pos=_centre_of(header, COLUMN_OVERDUE))
        if model.sort_order == Qt.SortOrder.DescendingOrder \
                and model.sort_column == COLUMN_OVERDUE:
            break
    amounts = [row.overdue_minor for row in model.visible_rows()]
    assert amounts == sorted(amounts, reverse=True)

    # Filter by typing the biggest debtor's account code (QTest types ASCII only).
    target = model.visible_rows()[0]
    qtbot.keyClicks(page.filter_edit, target.code.lower())
    qtbot.waitUntil(lambda: [r.customer_id for r in model.visible_rows()] ==
                    [target.customer_id])
    assert model.index(0, COLUMN_CUSTOMER).data() == target.name

    # Enter opens the customer's account in the Customers area.
    page.table.setFocus()
    page.table.setCurrentIndex(model.index(0, COLUMN_CUSTOMER))
    customers = window.page("customers")
    with qtbot.waitSignal(customers.account_loaded, timeout=10000,
                          check_params_cb=lambda cid: cid == target.customer_id):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.current_area().key == "customers"
    assert customers.header.name == target.name

    # Record a payment of the whole overdue amount, oldest invoices first.
    customers.record_payment_action.trigger()
    dialog = open_payment_dialog(qtbot, window)
    qtbot.keyClicks(dialog.amount_edit, str(target.overdue_minor / 100))
    with qtbot.waitSignal(customers.account_changed, timeout=10000):
        qtbot.mouseClick(dialog.record_button, LEFT)

    # Back in Accounts, the list is read again: the customer owes nothing overdue,
    # and the status bar's overdue total for that currency fell by the payment.
    before = _overdue_in(window.overview, target.currency)
    page = overdue_list_shown(window, qtbot)
    assert (target.customer_id, target.currency) not in {
        (r.customer_id, r.currency) for r in page.model.rows()}
    qtbot.waitUntil(lambda: _overdue_in(window.overview, target.currency) != before)
    assert _overdue_in(window.overview, target.currency) == before - target.overdue_minor
    assert format_money(before - target.overdue_minor, target.currency) in \
        window.status_texts()[2]


def test_customer_actions_do_not_fire_outside_the_customers_area(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = overdue_list_shown(window, qtbot)
    debtor = page.model.visible_rows()[0].customer_id
    window.show_area("customers")
    with qtbot.waitSignal(window.page("customers").account_loaded, timeout=10000):
        window.page("customers").show_customer(debtor)
    assert window.area_menu("customers").isEnabled()
    assert window.page("customers").record_payment_action.isEnabled()
    titles = [a.text() for a in window.area_menu("customers").actions() if not a.isSeparator()]
    assert "Record &Payment…" in titles and "Add &Invoice…" in titles

    window.show_area("accounts")  # already read: nothing changed since
    with qtbot.waitActive(window):
        window.activateWindow()
    assert not window.area_menu("customers").isEnabled()
    qtbot.keyClick(window.page("accounts").table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert [d for d in window.findChildren(PaymentDialog) if d.isVisible()] == []


def test_log_a_call_with_a_follow_up_and_find_it_on_the_timeline_and_in_today(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    customers = window.page("customers")
    with qtbot.waitSignal(customers.customers_loaded, timeout=10000):
        window.show_area("customers")

    # Find a customer by typing part of the name, and open the account with Enter.
    qtbot.keyClicks(customers.search_edit, "hughes")
    with qtbot.waitSignal(customers.account_loaded, timeout=10000):
        qtbot.keyClick(customers.search_edit, Qt.Key.Key_Return)
    target = customers.header
    assert target.name == "Hughes Ltd"

    # Ctrl+L: log the call, with a reminder to follow up in three days.
    follow_up_on = DEMO_TODAY + dt.timedelta(days=3)
    qtbot.keyClick(customers.search_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = _open_log_dialog(qtbot, window)
    dialog.set_kind("call")
    qtbot.keyClicks(dialog.summary_edit, "Asked for the remittance advice")
    qtbot.mouseClick(dialog.follow_up_box, LEFT)
    dialog.follow_up_edit.selectAll()
    qtbot.keyClicks(dialog.follow_up_edit, follow_up_on.isoformat())
    with qtbot.waitSignal(customers.account_loaded, timeout=10000,
                          check_params_cb=lambda cid: cid == target.id):
        qtbot.mouseClick(dialog.log_button, LEFT)

    # The call is on the customer's timeline.
    view = customers.view
    view.tabs.setCurrentIndex(TIMELINE_TAB)
    assert any(entry.kind == "call" and "Asked for the remittance advice" in
               f"{entry.title} {entry.detail}" for entry in view.timeline.rows())

    # Today's list has no follow-up for it yet; the list for three days ahead has.
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.nav, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area().key == "today"
    today = window.page("today")
    qtbot.waitUntil(lambda: today.list_date() == DEMO_TODAY and not today.is_loading(),
                    timeout=10000)
    assert not _follow_ups_for(today, target.id)
    with qtbot.waitSignal(today.worklist_changed, timeout=10000):
        today.date_edit.setDate(QDate(follow_up_on.year, follow_up_on.month, follow_up_on.day))
    [item] = _follow_ups_for(today, target.id)
    assert item.due_on == follow_up_on
    assert item.detail == "Asked for the remittance advice"
    assert item.customer_name == "Hughes Ltd"


def _open_log_dialog(qtbot, window) -> LogContactDialog:
    def found() -> list[LogContactDialog]:
        return [d for d in window.findChildren(LogContactDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=10000)
    return found()[0]


def _follow_ups_for(page, customer_id: int) -> list:
    return [item for item in page.items()
            if item.kind == FOLLOW_UP and item.customer_id == customer_id]


def _overdue_in(overview, currency: str) -> int:
    return sum(t.overdue_minor for t in overview.overdue if t.currency == currency)


def _centre_of(header, column: int):
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    return QPoint(x, header.height() // 2)


def test_a_call_logged_for_a_follow_up_in_today_completes_it(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    today = window.page("today")
    qtbot.waitUntil(lambda: bool(today.items()) and not today.is_loading(), timeout=10000)
    follow_up = next(item for item in today.items() if item.kind == FOLLOW_UP)
    row = today.model.position_of((follow_up.kind, follow_up.ref_id))
    today.table.selectRow(row)
    assert today.current_item() == follow_up
    count = len(today.items())

    qtbot.keyClick(today.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = _open_log_dialog(qtbot, window)
    # The dialog knows what the call is for: the follow-up's invoice is ticked, and
    # the item will be marked done.
    assert dialog.settles_box.isChecked()
    assert follow_up.title in dialog.settles_box.text()
    assert dialog.invoices.checked_ids()
    qtbot.keyClicks(dialog.summary_edit, "Paying on Friday")
    with qtbot.waitSignal(today.worklist_changed, timeout=10000):
        qtbot.mouseClick(dialog.log_button, LEFT)

    assert (follow_up.kind, follow_up.ref_id) not in {(i.kind, i.ref_id) for i in today.items()}
    # The call also holds back the reminder due to the same customer (contact gap).
    left = len(today.items())
    assert left < count
    qtbot.waitUntil(lambda: window.nav_badge("today") == str(left), timeout=10000)


def test_the_days_actions_fit_a_1280_by_800_window_without_the_overflow_menu(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.resize(1280, 800)
    today = window.page("today")
    window.show_area("today")
    qtbot.waitUntil(lambda: today.list_date() is not None, timeout=10000)

    def on_show(bar, actions) -> list[str]:
        """The actions of ``bar`` that are not shown on it (but in its » menu)."""
        return [a.text() for a in actions if not bar.widgetForAction(a).isVisible()]

    daily = [today.review_action, today.approve_selected_action, today.done_action,
             today.snooze_action, today.dismiss_action, today.open_customer_action,
             today.print_letters_action, today.send_emails_action,
             window.log_contact_action]
    qtbot.waitUntil(lambda: on_show(today.action_bar, daily) == [], timeout=5000)

    customers = window.page("customers")
    window.show_area("customers")
    with qtbot.waitSignal(customers.account_loaded, timeout=10000):
        customers.show_customer(4)  # Müller GmbH: a long name and a disputed invoice
    bar = customers.view.account_bar
    daily = [customers.record_payment_action, customers.add_credit_note_action,
             customers.add_invoice_action, customers.statement_action,
             customers.email_statement_action]
    qtbot.waitUntil(lambda: on_show(bar, daily) == [], timeout=5000)
