"""Exporting the Accounts list as the user sees it: a spreadsheet or CSV with the command
line's columns, numbers as numbers, only the accounts the filters leave, in the table's
order; and the aging report of them, built in the background and shown to print."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from models.accounts import AccountRow
from reports.accounts_export import write_overdue_csv
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages
from ui.accounts.accounts_model import COLUMN_CUSTOMER
from ui.accounts.accounts_page import AccountsPage

LOAD_TIMEOUT_MS = 10_000
CLI_HEADER = ["Code", "Customer", "Currency", "Balance", "Overdue", "Current", "1–30",
              "31–60", "61–90", "Over 90", "Days overdue", "Last contact", "Contact kind",
              "Next action", "Flags"]


@pytest.fixture
def page(qtbot, demo_store, show_page, window, runner, settings) -> AccountsPage:
    """The Accounts page on the demo company, today's list loaded."""
    page = show_page(AccountsPage(runner, lambda: DEMO_TODAY, window, settings=settings))
    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page


def choose_currency(page: AccountsPage, currency: str) -> None:
    page.currency_combo.setCurrentIndex(page.currency_combo.findData(currency))


def export(qtbot, page: AccountsPage, trigger: Callable[[], None], target: Path) -> str:
    """Choose the menu item, pick ``target`` in the file dialog; what the page was told."""
    trigger()
    dialog = page.findChild(QFileDialog, "exportTableDialog")
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(page.exports.exported, timeout=LOAD_TIMEOUT_MS) as told:
        dialog.fileSelected.emit(str(target))
    dialog.close()
    return told.args[0]


def test_the_spreadsheet_holds_the_accounts_shown_in_their_order_as_numbers(
        qtbot, page: AccountsPage, tmp_path: Path):
    choose_currency(page, "EUR")
    page.model.sort(COLUMN_CUSTOMER, Qt.SortOrder.AscendingOrder)
    shown: list[AccountRow] = page.model.visible_rows()
    assert 0 < len(shown) < len(page.model.rows())

    target = tmp_path / "accounts.xlsx"
    told = export(qtbot, page, page.exports.menu.xlsx_action.trigger, target)

    assert told == f"Exported {len(shown)} row(s) to {target}."
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CLI_HEADER
    assert [row[0] for row in rows[1:]] == [account.code for account in shown]
    assert [row[1] for row in rows[1:]] == sorted((a.name for a in shown), key=str.casefold)
    assert {row[2] for row in rows[1:]} == {"EUR"}
    first = shown[0]
    assert rows[1][3] == pytest.approx(first.balance_minor / 100)
    assert all(isinstance(row[4], int | float) for row in rows[1:])  # overdue: a number
    assert all(isinstance(row[10], int) for row in rows[1:])  # days overdue


def test_the_csv_is_the_filtered_list_with_bare_numbers(qtbot, page: AccountsPage,
                                                        tmp_path: Path):
    qtbot.keyClicks(page.filter_edit, "ltd")
    shown = page.model.visible_rows()
    assert 0 < len(shown) < len(page.model.rows())

    target = tmp_path / "accounts.csv"
    export(qtbot, page, page.exports.menu.csv_action.trigger, target)

    text = target.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CLI_HEADER
    assert [row[0] for row in rows[1:]] == [account.code for account in shown]
    assert all("ltd" in row[1].casefold() for row in rows[1:])
    first_line = text.splitlines()[1]
    overdue = Decimal(rows[1][4])
    assert overdue * 100 == shown[0].overdue_minor
    assert f",{rows[1][4]}," in first_line  # not quoted: a spreadsheet reads a number
    # The very table the command line writes for these accounts.
    cli = io.StringIO()
    write_overdue_csv(shown, cli)
    assert text.splitlines() == cli.getvalue().splitlines()


def test_the_aging_report_of_the_accounts_shown_opens_in_the_preview(
        qtbot, page: AccountsPage):
    choose_currency(page, "GBP")
    shown = page.model.visible_rows()
    hidden = next(row for row in page.model.rows() if row.currency != "GBP")

    with qtbot.waitSignal(page.exports.report_shown, timeout=20_000) as opened:
        page.exports.menu.report_action.trigger()
    preview = opened.args[0]
    try:
        assert preview.isVisible()
        assert preview.windowTitle() == "Aging report – 24 Nov 2026"
        assert preview.pdf.file_name == "Aging report 2026-11-24.pdf"
        text = " ".join(page_text for page_text, _ in pdf_pages(preview.pdf.path.read_bytes()))
        assert "Aging report as of 24 November 2026" in text
        assert f"Filtered: GBP ({len(shown)} of {len(page.model.rows())} accounts)" in text
        assert "Amounts in GBP" in text and "Amounts in EUR" not in text
        assert f"Total ({len(shown)} account" in text
        assert all(row.code in text for row in shown)
        assert hidden.code not in text
    finally:
        preview.close()


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")
def test_ctrl_e_opens_the_menu_and_an_empty_list_offers_nothing(qtbot, page: AccountsPage):
    assert "filters and sort" in page.exports.button.toolTip()
    assert "Ctrl+E" in page.exports.button.toolTip()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    menu = page.exports.menu.menu
    qtbot.waitUntil(menu.isVisible)
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Spreadsheet (&XLSX)…", "&CSV…", "&Print / PDF report…"]
    menu.close()

    qtbot.keyClicks(page.filter_edit, "no such customer")
    assert page.model.rowCount() == 0
    assert not page.exports.button.isEnabled()
    assert not page.exports.menu.open_action.isEnabled()
