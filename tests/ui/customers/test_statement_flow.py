"""A customer's statement from their account: asked for, built off the GUI thread, and
shown in the preview; dates and refusals answered in the user's words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument

from models import db
from models.customer_account import customer_draft
from models.ledger import CustomerDraft, add_customer, update_customer
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common.pdf_preview import PdfPreviewDialog
from ui.customers.customers_page import CustomersPage
from ui.customers.statement_dialog import (
    ACTIVITY,
    OPEN_ITEMS,
    StatementDialog,
    StatementRequest,
    default_request,
)
from ui.window.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
OVERPAID = 36  # Ødegård Bakeri AS: paid everything and 50.00 EUR more
CHRONIC = 1  # Hughes Ltd: two overdue invoices


def customer_shown(qtbot, window: MainWindow, customer_id: int) -> CustomersPage:
    """Go to Customers and open ``customer_id``'s account."""
    page = window.page("customers")
    with qtbot.waitSignal(page.customers_loaded, timeout=10000):
        window.show_area("customers")
    with qtbot.waitSignal(page.account_loaded, timeout=10000,
                          check_params_cb=lambda i: i == customer_id):
        page.show_customer(customer_id)
    return page


def statement_dialog(qtbot, window: MainWindow) -> StatementDialog:
    def found() -> list[StatementDialog]:
        return [d for d in window.findChildren(StatementDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=10000)
    return found()[0]


def preview_opened(qtbot, window: MainWindow) -> PdfPreviewDialog:
    def found() -> list[PdfPreviewDialog]:
        return [d for d in window.findChildren(PdfPreviewDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=20000)
    return found()[0]


def type_date(qtbot, edit, day: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, day)


def test_a_statement_asked_for_in_the_customers_account_opens_in_the_preview(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = customer_shown(qtbot, window, OVERPAID)
    assert page.header.name == "Ødegård Bakeri AS"
    assert page.statement_action in window.area_menu("customers").actions()

    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(page.view, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = statement_dialog(qtbot, window)
    assert dialog.open_items_radio.isChecked()
    assert dialog.as_of_edit.text() == DEMO_TODAY.isoformat()
    qtbot.mouseClick(dialog.build_button, LEFT)

    preview = preview_opened(qtbot, window)
    try:
        assert preview.windowTitle() == "Statement – Ødegård Bakeri AS"
        assert preview.document.status() == QPdfDocument.Status.Ready
        assert preview.document.pageCount() >= 1
        assert preview.pdf.file_name == f"Statement C00036 {DEMO_TODAY}.pdf"
        assert preview.warning_texts() == []  # Ø and å are in the document font
        folder = preview.pdf.path.parent
    finally:
        preview.reject()
    assert not folder.exists()


def test_an_activity_statement_covers_the_period_chosen(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = customer_shown(qtbot, window, CHRONIC)

    page.statement_action.trigger()
    dialog = statement_dialog(qtbot, window)
    assert (dialog.start_edit.text(), dialog.end_edit.text()) == ("2026-08-01", "2026-11-24")
    qtbot.mouseClick(dialog.activity_radio, LEFT)
    type_date(qtbot, dialog.start_edit, "2026-09-01")
    qtbot.mouseClick(dialog.build_button, LEFT)

    preview = preview_opened(qtbot, window)
    try:
        assert preview.windowTitle() == "Activity statement – Hughes Ltd"
        assert preview.pdf.file_name == \
            "Activity statement C00001 2026-09-01 to 2026-11-24.pdf"
        assert preview.document.status() == QPdfDocument.Status.Ready
        assert preview.document.pageCount() >= 1
    finally:
        preview.reject()


def test_a_chinese_name_prints_without_a_warning(open_window, demo_file, qtbot):
    store = db.open_store(demo_file)
    try:
        draft = customer_draft(CHRONIC)
        update_customer(CHRONIC, CustomerDraft(**{**draft.__dict__, "name": "Hughes 王 Ltd"}))
    finally:
        store.close()
    window = open_window(demo_file)
    page = customer_shown(qtbot, window, CHRONIC)

    page.statement_action.trigger()
    qtbot.mouseClick(statement_dialog(qtbot, window).build_button, LEFT)

    preview = preview_opened(qtbot, window)
    try:
        assert preview.windowTitle() == "Statement – Hughes 王 Ltd"
        assert "王" not in preview.banner.text()
    finally:
        preview.reject()


def test_a_name_no_font_can_print_is_refused_in_the_users_words(open_window, demo_file,
                                                                 qtbot):
    from models.schema import Customer

    store = db.open_store(demo_file)
    try:  # as an import or an older store may hold it
        Customer.update(name="Hughes \ue000 Ltd").where(Customer.id == CHRONIC).execute()
    finally:
        store.close()
    window = open_window(demo_file)
    customer_shown(qtbot, window, CHRONIC)

    window.findChild(CustomersPage).statement_action.trigger()
    qtbot.mouseClick(statement_dialog(qtbot, window).build_button, LEFT)

    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)), timeout=10000)
    box = visible_message_boxes(window)[0]
    assert box.text().startswith("Not printed: the statement to “Hughes \ue000 Ltd” — the "
                                 "customer's name has a character no font here can print")
    assert "U+E000" in box.text()
    assert not window.findChildren(PdfPreviewDialog)
    box.close()


@pytest.mark.parametrize(("kind", "edits", "field", "words"), [
    (OPEN_ITEMS, {"as_of": "24/13/2026"}, "as_of", "“24/13/2026” is not a date."),
    (OPEN_ITEMS, {"as_of": "2026-11-25"}, "as_of",
     "The statement cannot be for a day after today (24 November 2026)"),
    (ACTIVITY, {"start": "2026-11-01", "end": "2026-10-01"}, "period",
     "The period ends on 1 October 2026, before it starts on 1 November 2026."),
    (ACTIVITY, {"start": "yesterday"}, "period", "“yesterday” is not a date."),
    (ACTIVITY, {"end": "2027-01-31"}, "period",
     "The period cannot be for a day after today (24 November 2026)"),
])
def test_dates_that_will_not_do_are_refused_at_the_field(qtbot, window, kind, edits, field,
                                                         words):
    chosen = []
    window.show()
    dialog = StatementDialog.ask(window, chosen.append, customer_name="Hughes Ltd",
                                 today=DEMO_TODAY)
    qtbot.waitExposed(dialog)
    if kind == ACTIVITY:
        qtbot.mouseClick(dialog.activity_radio, LEFT)
    for name, text in edits.items():
        type_date(qtbot, getattr(dialog, f"{name}_edit"), text)

    qtbot.mouseClick(dialog.build_button, LEFT)

    assert dialog.isVisible() and chosen == []
    assert dialog.error_text(field).startswith(words)
    dialog.reject()
    assert chosen == [None]


def test_typing_a_date_chooses_its_kind_of_statement(qtbot, window):
    chosen = []
    window.show()
    dialog = StatementDialog.ask(window, chosen.append, customer_name="Hughes Ltd",
                                 today=DEMO_TODAY)
    qtbot.waitExposed(dialog)

    type_date(qtbot, dialog.end_edit, "2026-10-31")
    qtbot.mouseClick(dialog.build_button, LEFT)

    assert chosen == [StatementRequest(ACTIVITY, DEMO_TODAY, dt.date(2026, 8, 1),
                                       dt.date(2026, 10, 31))]


def test_the_default_period_starts_on_the_first_of_the_month_three_months_back():
    assert default_request(dt.date(2026, 11, 24)).start == dt.date(2026, 8, 1)
    assert default_request(dt.date(2026, 2, 10)).start == dt.date(2025, 11, 1)
    assert default_request(dt.date(2026, 3, 31)).start == dt.date(2025, 12, 1)


def test_a_business_not_set_up_is_told_in_the_users_words(qtbot, window, runner,
                                                          tmp_path: Path):
    store = db.open_store(tmp_path / "no-business.sqlite", create=True)
    try:
        customer = add_customer(CustomerDraft(code="C00001", name="Hughes Ltd",
                                              currency="GBP"))
        page = CustomersPage(runner, lambda: DEMO_TODAY, window)
        window.show()
        with qtbot.waitSignal(page.account_loaded, timeout=10000):
            page.show_customer(customer)

        page.statement_action.trigger()
        qtbot.mouseClick(statement_dialog_of(qtbot, window).build_button, LEFT)
        qtbot.waitUntil(lambda: bool(visible_message_boxes(page)), timeout=10000)

        box = visible_message_boxes(page)[0]
        assert box.text() == "Set up the business before printing statements."
        assert not window.findChildren(PdfPreviewDialog)
        runner.stop_all()
    finally:
        store.close()


def statement_dialog_of(qtbot, window) -> StatementDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(StatementDialog)))
    return next(d for d in window.findChildren(StatementDialog) if d.isVisible())
