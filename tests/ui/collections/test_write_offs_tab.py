"""The Write-offs tab and the write-off dialog: writing off through the dialog (the VAT
share and relief date the models work out shown before OK; bad input at its field), a
reversal, a recovered debt, the period chosen, the exports read back, and Write Off
Invoice… on the customer's account."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from models.check import check_store
from models.dates import short_date
from models.kinds import InvoiceStatus, WriteOffReason
from models.money import format_money
from models.schema import Invoice
from models.write_offs import (
    relief_from,
    set_vat_percent_setting,
    write_off,
    write_offs,
)
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, customer, invoice
from ui.collections.customer_choice_dialog import CustomerChoiceDialog
from ui.collections.write_off_recovery_dialog import WriteOffRecoveryDialog
from ui.collections.write_offs_tab import ALL, BETWEEN, LAST_YEAR, THIS_YEAR, WriteOffsTab
from ui.common.area import AreaContext
from ui.common.reason_dialog import ReasonDialog
from ui.common.tasks import TaskRunner
from ui.common.write_off_dialog import WriteOffDialog

TIMEOUT = 20_000


def gbp(minor: int) -> str:
    return format_money(minor, "GBP")


def make_tab(qtbot, window: QWidget, tmp_path) -> WriteOffsTab:
    tasks = TaskRunner(window)
    context = AreaContext(
        tasks=tasks, today=lambda: TODAY,
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        window=window, log_contact_action=QAction(window), import_action=QAction(window),
        contact_logger=lambda: None, open_customer=lambda _id: None,
        show_area=lambda _a, _s: None)
    tab = WriteOffsTab(context, window)
    tab.is_current = True
    tab.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    return tab


@pytest.fixture
def books(empty_store):
    """A customer with two overdue invoices, one written off last year, VAT at 20%."""
    set_vat_percent_setting("20")
    who = customer("Quayside Bakery Ltd")
    old = invoice(who, 300_00, due_days_ago=400, number="INV-OLD")
    write_off(old, reason=WriteOffReason.INSOLVENT, on=dt.date(TODAY.year - 1, 12, 1),
              today=TODAY)
    invoice(who, 1200_00, due_days_ago=200, number="INV-1")
    invoice(who, 500_00, due_days_ago=100, number="INV-2")
    return who


@pytest.fixture
def tab(qtbot, window, tmp_path, books):
    tab = make_tab(qtbot, window, tmp_path)
    yield tab
    tab.tasks.stop_all()


def visible(qtbot, parent: QWidget, kind: type) -> object:
    def found() -> list:
        return [d for d in parent.window().findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=TIMEOUT)
    return found()[-1]


def write_off_in_tab(qtbot, tab: WriteOffsTab, number: str, amount: str = "") -> WriteOffDialog:
    tab.write_off_action.trigger()
    chooser = visible(qtbot, tab, CustomerChoiceDialog)
    chooser.accept()
    dialog = visible(qtbot, tab, WriteOffDialog)
    dialog.invoice_combo.setCurrentIndex(
        next(i for i in range(dialog.invoice_combo.count())
             if dialog.invoice_combo.itemText(i).startswith(number)))
    if amount:
        dialog.amount_edit.setText(amount)
        dialog.amount_edit.textEdited.emit(amount)
    return dialog


def test_this_year_is_shown_first_and_last_years_write_off_under_last_year(
        tab, qtbot, qtmodeltester):
    assert tab.period_combo.currentData() == THIS_YEAR
    assert tab.model.rowCount() == 0
    assert "No write-offs in this period" in tab.details_label.text()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.set_period(LAST_YEAR)
    assert tab.model.rowCount() == 1
    row = tab.current_write_off()
    assert row is not None and row.invoice_number == "INV-OLD"
    assert [tab.model.data(tab.model.index(0, c)) for c in range(8)] == [
        "Quayside Bakery Ltd", "INV-OLD", short_date(dt.date(TODAY.year - 1, 12, 1)),
        "Customer insolvent", gbp(300_00), gbp(50_00), short_date(row.relief_from), ""]
    assert tab.totals_text() == f"Total written off: {gbp(300_00)} (VAT share {gbp(50_00)})"
    qtmodeltester.check(tab.model)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.set_period(BETWEEN, TODAY - dt.timedelta(days=10), TODAY)
    assert tab.model.rowCount() == 0
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.set_period(ALL)
    assert tab.model.rowCount() == 1


def test_writing_off_through_the_dialog_shows_the_models_relief_date(tab, qtbot, books):
    dialog = write_off_in_tab(qtbot, tab, "INV-1", "1000.00")
    bill = Invoice.get(Invoice.number == "INV-1")
    relief = short_date(relief_from(bill.issue_date, bill.due_date))
    assert dialog.relief_text() == (f"VAT share {gbp(166_67)} at 20%. VAT bad-debt relief "
                                    f"claimable from {relief}.")
    dialog.choose_reason(WriteOffReason.TOO_SMALL)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        dialog.accept()
    bill = Invoice.get(Invoice.number == "INV-1")
    assert (bill.status, bill.open_minor) == (InvoiceStatus.OPEN, 200_00)
    row = tab.current_write_off()
    assert row is not None and (row.amount_minor, row.reason) == (
        1000_00, WriteOffReason.TOO_SMALL)
    assert tab.model.data(tab.model.index(0, 6)) == relief
    assert tab.property("last_notice") == "Invoice INV-1 of Quayside Bakery Ltd written off."
    assert [str(p) for p in check_store()] == []


def test_bad_input_is_shown_at_its_field(tab, qtbot):
    dialog = write_off_in_tab(qtbot, tab, "INV-2", "600.00")
    dialog.accept()  # more than is open: the model refuses, the dialog opens again
    dialog = visible(qtbot, tab, WriteOffDialog)
    qtbot.waitUntil(lambda: bool(dialog.error_text("amount")), timeout=TIMEOUT)
    assert dialog.error_text("amount") == (f"Invoice INV-2 has only {gbp(500_00)} open; "
                                           f"write off that much at most.")
    dialog.amount_edit.setText("ten")
    dialog.accept()
    assert "is not an amount" in dialog.error_text("amount")
    dialog.date_edit.setText("someday")
    dialog.amount_edit.setText("100")
    dialog.accept()
    assert "is not a day" in dialog.error_text("on")
    dialog.reject()
    assert write_offs(date_from=dt.date(TODAY.year, 1, 1)) == []


def test_reversing_puts_the_amount_back_on_the_invoice(tab, qtbot):
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.set_period(ALL)
    tab.reverse_action.trigger()
    dialog = visible(qtbot, tab, ReasonDialog)
    dialog.reason_edit.setText("Written off by mistake")
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        dialog.accept()
    bill = Invoice.get(Invoice.number == "INV-OLD")
    assert (bill.status, bill.open_minor) == (InvoiceStatus.OPEN, 300_00)
    assert tab.model.data(tab.model.index(0, 7)) == f"Reversed {short_date(TODAY)}"
    assert not tab.reverse_action.isEnabled() and not tab.recovery_action.isEnabled()
    assert tab.totals_text() == ""
    assert [str(p) for p in check_store()] == []


def test_a_recovery_reverses_and_writes_off_the_rest_again(tab, qtbot):
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.set_period(ALL)
    tab.recovery_action.trigger()
    dialog = visible(qtbot, tab, WriteOffRecoveryDialog)
    assert dialog.amount_edit.text() == "300.00"
    dialog.amount_edit.setText("120.00")
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        dialog.accept()
    rows = tab.model.rows()
    assert [(r.amount_minor, r.reversed_on is not None) for r in rows] == [
        (300_00, True), (180_00, False)]
    bill = Invoice.get(Invoice.number == "INV-OLD")
    assert (bill.status, bill.open_minor) == (InvoiceStatus.WRITTEN_OFF, 0)
    assert tab.property("last_notice") == (f"{gbp(120_00)} recovered on invoice INV-OLD "
                                           f"from Quayside Bakery Ltd.")
    assert [str(p) for p in check_store()] == []


def export(qtbot, tab: WriteOffsTab, trigger, target: Path) -> None:
    trigger()
    [dialog] = [d for d in tab.findChildren(QFileDialog, "exportTableDialog")
                if d.isVisible()]
    with qtbot.waitSignal(tab.exports.exported, timeout=TIMEOUT):
        dialog.fileSelected.emit(str(target))
    dialog.close()


def test_the_exports_hold_the_write_offs_shown(tab, qtbot, tmp_path):
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.set_period(LAST_YEAR)
    row = tab.current_write_off()
    assert row is not None
    export(qtbot, tab, tab.exports.menu.csv_action.trigger, tmp_path / "wo.csv")
    lines = list(csv.reader(io.StringIO((tmp_path / "wo.csv").read_text("utf-8-sig"))))
    assert lines[0][:5] == ["Write-off", "Written off on", "Code", "Customer", "Invoice"]
    assert [line[4] for line in lines[1:]] == ["INV-OLD"]
    assert lines[1][8] == "300.00" and lines[1][11] == row.relief_from.isoformat()

    export(qtbot, tab, tab.exports.menu.xlsx_action.trigger, tmp_path / "wo.xlsx")
    sheet = load_workbook(tmp_path / "wo.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert sheet.title == f"Write-offs {TODAY.year - 1}"
    assert values[1][4] == "INV-OLD" and values[1][8] == pytest.approx(300)

    with qtbot.waitSignal(tab.exports.report_shown, timeout=TIMEOUT) as opened:
        tab.print_action.trigger()
    preview = opened.args[0]
    try:
        text = " ".join(t for t, _ in pdf_pages(preview.pdf.path.read_bytes()))
        assert "Bad debts written off" in text and str(TODAY.year - 1) in text
        assert "INV-OLD" in text and gbp(300_00) in text and gbp(50_00) in text
        assert short_date(row.relief_from) in text
        assert "Total written off (GBP)" in text
    finally:
        preview.close()


def test_write_off_invoice_on_the_account_writes_off_the_invoice_chosen(qtbot, window,
                                                                         demo_store):
    from tests.conftest import DEMO_TODAY
    from tests.ui.customers.test_customers_page import (
        dialog_of,
        open_page,
        posted_and_reloaded,
        select_invoice,
        show,
    )

    hughes = 1  # two overdue GBP invoices: INV-0000005 and INV-0000006
    page = open_page(qtbot, window)
    try:
        show(qtbot, page, hughes)
        select_invoice(qtbot, page, "INV-0000006")
        assert page.write_off_action.isEnabled()
        page.write_off_action.trigger()
        dialog = dialog_of(qtbot, page, WriteOffDialog)
        bill = Invoice.get(Invoice.number == "INV-0000006")
        assert dialog.invoice() is not None and dialog.invoice().number == "INV-0000006"
        assert dialog.amount_edit.text() == "1204.10"
        assert short_date(relief_from(bill.issue_date, bill.due_date)) in dialog.relief_text()
        with posted_and_reloaded(qtbot, page, hughes):
            dialog.accept()
        bill = Invoice.get(Invoice.number == "INV-0000006")
        assert (bill.status, bill.open_minor) == (InvoiceStatus.WRITTEN_OFF, 0)
        assert page.view.notice() == "Invoice INV-0000006 written off."
        [row] = write_offs(customer_id=hughes, date_from=DEMO_TODAY)
        assert row.amount_minor == 1204_10
        assert [str(p) for p in check_store()] == []
    finally:
        page.tasks.stop_all()
