"""Exporting Today's work list as the user sees it: a spreadsheet or CSV (the command
line's table: amounts and days as numbers, dates as dates), in the table's order; and
the work list printed as a report, built in the background and shown to print."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from models.money import from_minor
from reports.worklist_export import WORKLIST_HEADER
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages
from ui.today.today_page import TodayPage
from ui.today.worklist_model import WorklistModel, kind_text

LOAD_TIMEOUT_MS = 10_000


@pytest.fixture
def page(qtbot, demo_store, show_page, window, runner, settings) -> TodayPage:
    """The Today page on the demo company, today's list loaded."""
    page = show_page(TodayPage(runner, lambda: DEMO_TODAY, window, settings=settings))
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page


def export(qtbot, page: TodayPage, suffix: str, target: Path) -> str:
    """Choose XLSX or CSV in the Export menu, pick ``target``; what the page then says."""
    menu = page.exports.menu
    (menu.xlsx_action if suffix == "xlsx" else menu.csv_action).trigger()
    dialog = page.findChild(QFileDialog, "exportTableDialog")
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(page.exports.exported, timeout=LOAD_TIMEOUT_MS) as told:
        dialog.fileSelected.emit(str(target))
    dialog.close()
    return told.args[0]


def test_the_spreadsheet_is_the_list_as_sorted_with_numbers_and_dates(
        qtbot, page: TodayPage, tmp_path: Path):
    page.model.sort(WorklistModel.CUSTOMER, Qt.SortOrder.AscendingOrder)
    items = page.items()
    assert len(items) > 10

    target = tmp_path / "today.xlsx"
    told = export(qtbot, page, "xlsx", target)

    assert told == f"Exported {len(items)} row(s) to {target}."
    assert page.notice() == told
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert list(rows[0]) == list(WORKLIST_HEADER)
    assert [(row[0], row[2]) for row in rows[1:]] == [(kind_text(i), i.customer_code)
                                                      for i in items]
    for row, item in zip(rows[1:], items, strict=True):
        assert row[3] == dt.datetime.combine(item.due_on, dt.time())  # a date cell
        assert row[4] == item.days_waiting
        if item.amount_minor is None:
            assert row[6] is None
        else:
            assert Decimal(str(row[6])) == from_minor(item.amount_minor, item.currency)


def test_the_csv_has_bare_numbers(qtbot, page: TodayPage, tmp_path: Path):
    items = page.items()
    target = tmp_path / "today.csv"
    export(qtbot, page, "csv", target)

    text = target.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(items) + 1
    with_amount = next(n for n, i in enumerate(items, 1) if i.amount_minor is not None)
    line = text.splitlines()[with_amount]
    assert f",{rows[with_amount][4]}," in line and f",{rows[with_amount][6]}," in line
    assert Decimal(rows[with_amount][6]) == from_minor(items[with_amount - 1].amount_minor,
                                                       items[with_amount - 1].currency)


def test_the_work_list_report_opens_in_the_preview(qtbot, page: TodayPage):
    items = page.items()
    with qtbot.waitSignal(page.exports.report_shown, timeout=20_000) as opened:
        page.exports.menu.report_action.trigger()
    preview = opened.args[0]
    try:
        assert preview.windowTitle() == "Work list – 24 Nov 2026"
        assert preview.pdf.file_name == "Work list 2026-11-24.pdf"
        pages = pdf_pages(preview.pdf.path.read_bytes())
        text = " ".join(page_text for page_text, _ in pages)
        assert "Work list for 24 November 2026" in text
        assert f"{len(items)} to do:" in text
        assert all(f"({item.customer_code})" in text for item in items)
        assert f"Page 1 of {len(pages)}" in text
    finally:
        preview.close()


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")
def test_ctrl_e_opens_the_export_menu(qtbot, page: TodayPage):
    assert "Ctrl+E" in page.exports.button.toolTip()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.exports.menu.menu.isVisible)
    page.exports.menu.menu.close()
