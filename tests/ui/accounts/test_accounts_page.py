"""The Accounts page as a user meets it: the morning's overdue list, sorted, filtered, dated."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QMessageBox

import ui.accounts.accounts_page as accounts_page
from models.accounts import AccountRow, currency_totals, overdue_accounts
from models.customer_account import customer_invoices
from models.db import StoreReadOnly
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.accounts.accounts_model import COLUMN_CUSTOMER, COLUMN_FLAGS, COLUMN_OVERDUE, AccountFlag
from ui.accounts.accounts_page import AccountsPage

PAST = dt.date(2026, 6, 30)
LOAD_TIMEOUT_MS = 10_000


@pytest.fixture
def make_page(qtbot, show_page, window, runner, settings) -> Callable[[], AccountsPage]:
    """A page in ``window``, shown, not yet loaded."""

    def make() -> AccountsPage:
        page = show_page(AccountsPage(runner, lambda: DEMO_TODAY, window, settings=settings))
        return page

    return make


@pytest.fixture
def page(qtbot, demo_store, make_page) -> AccountsPage:
    """The page on the demo company, with today's list loaded."""
    page = make_page()
    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page


def shown(page: AccountsPage) -> list[AccountRow]:
    return page.model.visible_rows()


def today_rows() -> list[AccountRow]:
    return overdue_accounts(DEMO_TODAY, today=DEMO_TODAY)


def click_header(qtbot, page: AccountsPage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


# --- loading ------------------------------------------------------------------------


def test_the_overdue_list_loads_off_the_gui_thread_with_a_loading_state(
        qtbot, demo_store, make_page, monkeypatch):
    threads: list[int] = []
    real = accounts_page.overdue_accounts

    def recorded(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts_page, "overdue_accounts", recorded)
    page = make_page()

    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        page.reload()
        assert page.is_loading()
        assert page.message_label.text() == "Loading the accounts…"
        assert "Loading" in page.count_label.text()

    assert loaded.args == [DEMO_TODAY]
    assert threads and threading.get_ident() not in threads
    expected = today_rows()
    assert sorted(shown(page)) == sorted(expected)
    assert page.body.currentWidget() is page.table
    assert page.count_label.text() == f" · {len(expected)} accounts"
    assert page.heading_label.text() == "Overdue today, Tue 24 Nov 2026"


def test_the_totals_strip_shows_each_currency_on_its_own_line(page):
    expected = currency_totals(today_rows())
    texts = page.totals_strip.texts()

    assert texts[0] == ["", "Accounts", "Current", "1–30", "31–60", "61–90", "Over 90",
                        "Overdue"]
    assert [line[0] for line in texts[1:]] == [t.currency for t in expected]
    for line, totals in zip(texts[1:], expected, strict=True):
        assert line[1] == str(totals.accounts)
        assert line[-1].endswith(f" {totals.currency}")  # one currency per figure
        assert line[-1].replace(",", "").split()[0] == \
            f"{totals.overdue_minor / 100:.2f}"
    assert page.chart.currencies() == [t.currency for t in expected]
    assert sum(page.chart.shares(expected[0].currency)) == pytest.approx(100)


def test_a_result_for_an_older_as_of_date_is_ignored(qtbot, demo_store, make_page,
                                                      monkeypatch, runner):
    release = threading.Event()
    real = accounts_page.overdue_accounts

    def slow_for_the_past(as_of, **kwargs):
        if as_of == PAST:
            release.wait(10)
        return real(as_of, **kwargs)

    monkeypatch.setattr(accounts_page, "overdue_accounts", slow_for_the_past)
    page = make_page()
    loaded: list[dt.date] = []
    page.accounts_loaded.connect(loaded.append)

    page.set_as_of(PAST)
    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.set_as_of(DEMO_TODAY)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=LOAD_TIMEOUT_MS)

    assert loaded == [DEMO_TODAY]
    assert page.model.as_of == DEMO_TODAY
    assert sorted(shown(page)) == sorted(today_rows())


def test_a_store_that_cannot_be_read_is_explained(qtbot, demo_store, make_page, monkeypatch,
                                                  window):
    def refuse(*_args, **_kwargs):
        raise StoreReadOnly(Path("shop.sqlite"), "shop.sqlite is read-only.")

    monkeypatch.setattr(accounts_page, "overdue_accounts", refuse)
    page = make_page()

    page.reload()
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)), timeout=LOAD_TIMEOUT_MS)

    assert visible_message_boxes(window)[0].text() == "shop.sqlite is read-only."
    assert not page.is_loading()
    assert page.message_label.text() == "The accounts could not be read."
    for box in visible_message_boxes(window):
        box.done(QMessageBox.StandardButton.Ok)


def test_nothing_overdue_shows_a_friendly_empty_state(qtbot, empty_store, make_page):
    from tests.unit.ledger_helpers import customer, invoice

    invoice(customer(), 100_00, due_days_ago=-10)  # invoiced, and not due yet
    page = make_page()

    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()

    assert page.body.currentWidget() is not page.table
    assert page.message_label.text() == \
        "No overdue accounts on 24 Nov 2026 — everyone has paid on time."
    assert not page.clear_filters_button.isVisible()
    assert page.totals_strip.totals() == []


def test_show_all_customers_lists_those_who_owe_nothing_too(qtbot, page):
    overdue = len(shown(page))

    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.show_all_box.click()

    everyone = overdue_accounts(DEMO_TODAY, today=DEMO_TODAY, include_all=True)
    assert len(shown(page)) == len(everyone) > overdue
    assert any(row.overdue_minor == 0 for row in shown(page))


# --- the as-of date ---------------------------------------------------------------


def test_a_past_as_of_date_shows_the_figures_as_they_stood(qtbot, page):
    today = page.totals()

    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.set_as_of(PAST)

    past = overdue_accounts(PAST, today=DEMO_TODAY)
    assert page.totals() == currency_totals(past) != today
    assert sorted(shown(page)) == sorted(past)
    assert page.as_of_edit.date() == QDate(2026, 6, 30)
    assert page.heading_label.text().startswith("As it stood on Tue 30 Jun 2026")
    assert page.today_button.isEnabled()


def test_changing_the_date_in_the_box_reloads_once_it_settles(qtbot, page):
    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        page.as_of_edit.setDate(QDate(2026, 6, 30))

    assert loaded.args == [PAST]
    assert page.totals() == currency_totals(overdue_accounts(PAST, today=DEMO_TODAY))

    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        page.today_button.click()

    assert loaded.args == [DEMO_TODAY]
    assert not page.today_button.isEnabled()


def test_a_future_date_is_labelled_as_a_look_ahead(qtbot, page):
    ahead = DEMO_TODAY + dt.timedelta(days=30)

    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.set_as_of(ahead)

    assert page.heading_label.text().startswith("Looking ahead to Thu 24 Dec 2026")
    assert sum(t.overdue_minor for t in page.totals() if t.currency == "EUR") > sum(
        t.overdue_minor for t in currency_totals(today_rows()) if t.currency == "EUR")


# --- sorting and filtering ------------------------------------------------------


def test_clicking_a_header_sorts_by_it_and_clicking_again_reverses(qtbot, page):
    click_header(qtbot, page, COLUMN_CUSTOMER)
    names = [row.name.casefold() for row in shown(page)]
    assert page.model.sort_column == COLUMN_CUSTOMER
    first_order = page.table.horizontalHeader().sortIndicatorOrder()
    assert names == sorted(names, reverse=first_order == Qt.SortOrder.DescendingOrder)

    click_header(qtbot, page, COLUMN_CUSTOMER)
    names = [row.name.casefold() for row in shown(page)]
    assert page.table.horizontalHeader().sortIndicatorOrder() != first_order
    assert names == sorted(names, reverse=first_order != Qt.SortOrder.DescendingOrder)

    click_header(qtbot, page, COLUMN_OVERDUE)
    amounts = [row.overdue_minor for row in shown(page)]
    assert page.model.sort_column == COLUMN_OVERDUE
    assert amounts in (sorted(amounts), sorted(amounts, reverse=True))


def test_the_sort_is_remembered_for_the_next_page(qtbot, page, make_page):
    click_header(qtbot, page, COLUMN_CUSTOMER)
    order = page.model.sort_order

    again = make_page()
    with qtbot.waitSignal(again.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        again.reload()

    assert again.model.sort_column == COLUMN_CUSTOMER and again.model.sort_order == order
    names = [row.name.casefold() for row in shown(again)]
    assert names == sorted(names, reverse=order == Qt.SortOrder.DescendingOrder)


def test_typing_part_of_a_name_filters_the_list(qtbot, page):
    qtbot.keyClicks(page.filter_edit, "ltd")

    assert shown(page)
    assert all("ltd" in row.name.casefold() for row in shown(page))
    assert len(shown(page)) == sum("ltd" in r.name.casefold() for r in today_rows())
    assert page.count_label.text().startswith(f" · {len(shown(page))} of ")
    assert page.totals() == currency_totals(shown(page))


def test_typing_an_invoice_number_finds_its_customer(qtbot, page):
    target = next(r for r in today_rows() if not r.name.casefold().startswith("inv"))
    number = customer_invoices(target.customer_id, DEMO_TODAY)[0].number

    qtbot.keyClicks(page.filter_edit, number)

    qtbot.waitUntil(lambda: [r.customer_id for r in shown(page)] == [target.customer_id],
                    timeout=LOAD_TIMEOUT_MS)


def test_ctrl_f_goes_to_the_filter_and_escape_clears_it(qtbot, page, window):
    with qtbot.waitActive(window):
        window.activateWindow()
    page.table.setFocus()
    page.filter_edit.setText("zz")

    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_edit.hasFocus()
    assert page.filter_edit.selectedText() == "zz"

    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    assert page.filter_edit.text() == ""
    assert len(shown(page)) == len(today_rows())


def test_a_filter_that_matches_nothing_offers_to_clear_the_filters(qtbot, page):
    qtbot.keyClicks(page.filter_edit, "no such customer")

    assert page.body.currentWidget() is not page.table
    assert page.message_label.text() == "No accounts match the filters."
    assert page.clear_filters_button.isVisible()

    qtbot.mouseClick(page.clear_filters_button, Qt.MouseButton.LeftButton)

    assert page.filter_edit.text() == ""
    assert len(shown(page)) == len(today_rows())
    assert page.body.currentWidget() is page.table


def test_the_flag_filter_keeps_only_accounts_on_hold(page):
    page.flag_combo.setCurrentIndex(page.flag_combo.findData(AccountFlag.ON_HOLD.value))

    assert shown(page) and all(row.on_hold for row in shown(page))
    assert len(shown(page)) == sum(r.on_hold for r in today_rows())
    assert page.model.cell_text(0, COLUMN_FLAGS).startswith("On hold")


def test_the_age_filter_keeps_accounts_with_money_that_late(page):
    page.bucket_combo.setCurrentIndex(page.bucket_combo.findData(3))

    assert page.bucket_combo.currentText() == "61–90 days late"
    assert shown(page) and all(row.buckets[3] > 0 for row in shown(page))
    assert len(shown(page)) == sum(r.buckets[3] > 0 for r in today_rows())


def test_the_currency_filter_offers_the_currencies_there_are(page):
    offered = [page.currency_combo.itemText(i) for i in range(page.currency_combo.count())]
    assert offered == ["All currencies", *sorted({r.currency for r in today_rows()})]

    page.currency_combo.setCurrentIndex(page.currency_combo.findData("USD"))

    assert {row.currency for row in shown(page)} == {"USD"}
    assert [t.currency for t in page.totals_strip.totals()] == ["USD"]


# --- opening a customer ------------------------------------------------------------


def test_enter_on_a_row_asks_for_that_customer(qtbot, page):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    row = page.table.currentIndex().row()
    assert row == 2

    with qtbot.waitSignal(page.customer_requested) as requested:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)

    assert requested.args == [page.model.row_at(2).customer_id]


def test_double_clicking_a_row_asks_for_that_customer(qtbot, page):
    centre = page.table.visualRect(page.model.index(4, COLUMN_CUSTOMER)).center()
    # QTest's double-click is a lone event; an item view acts on it only after a press.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    with qtbot.waitSignal(page.customer_requested) as requested:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    assert requested.args == [page.model.row_at(4).customer_id]


def test_the_chosen_row_stays_chosen_through_a_sort_and_a_filter(qtbot, page):
    page.table.selectRow(3)
    chosen = page.model.row_at(3)

    click_header(qtbot, page, COLUMN_CUSTOMER)
    page.filter_edit.setText(chosen.name[:4])

    assert page.model.row_at(page.table.currentIndex().row()) == chosen
    assert page.table.selectionModel().isRowSelected(page.table.currentIndex().row())


def test_an_account_on_a_plan_says_how_the_plan_stands(page):
    khan = next(r for r in shown(page) if r.customer_id == 12)  # the demo's plan
    position = shown(page).index(khan)

    tip = page.model.data(page.model.index(position, COLUMN_FLAGS),
                          Qt.ItemDataRole.ToolTipRole)

    assert "Payment plan: on plan: 1 of 6 paid, next 163.44 GBP on 24 Nov 2026." in tip
