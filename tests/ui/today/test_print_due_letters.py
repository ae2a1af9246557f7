"""Print due letters from Today: the count first, then the letters in one PDF shown in
the preview, recorded as sent only when it is printed or saved; closing the preview, or
a cancel, records nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common.pdf_files import TEMP_PREFIX
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.tasks import TaskCancelled
from ui.today.due_letters_printing import letters_due, print_letters
from ui.today.today_page import TodayPage
from ui.today.worklist_model import is_reminder
from ui.window.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
DUE_IN_DEMO = 4  # reminder letters due on DEMO_TODAY in the demo company, one a plan's


def today_shown(qtbot, window: MainWindow) -> TodayPage:
    page = window.page("today")
    qtbot.waitUntil(lambda: page.list_date() is not None and not page.is_loading(),
                    timeout=10000)
    window.show_area("today")
    return page


def question(qtbot, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "printDueLettersBox") is not None,
                    timeout=10000)
    return window.findChild(QMessageBox, "printDueLettersBox")


def button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text() == text)


def our_temp_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"))


def prepared_preview(qtbot, window: MainWindow, page: TodayPage) -> PdfPreviewDialog:
    """Ask for the due letters by the keyboard, say yes: the preview of them."""
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(page.table, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    box = question(qtbot, window)
    assert box.text() == "4 letters are due on 24 November 2026. Print them now?"
    assert "when you print or save the PDF" in box.informativeText()
    qtbot.mouseClick(button(box, "Print Letters"), LEFT)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(PdfPreviewDialog)),
                    timeout=30000)
    [preview] = [d for d in window.findChildren(PdfPreviewDialog) if d.isVisible()]
    return preview


def test_due_letters_are_shown_and_closing_the_preview_records_nothing(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    reminders = sum(map(is_reminder, page.items()))

    preview = prepared_preview(qtbot, window, page)
    assert preview.windowTitle() == "Due letters – 24 November 2026"
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.document.pageCount() >= DUE_IN_DEMO + 1
    assert preview.pdf.file_name == f"Letters {DEMO_TODAY}.pdf"
    assert page.notice() == ("4 letters are ready to print: printing or saving them "
                             "records them as sent.")
    assert letters_due(DEMO_TODAY) == DUE_IN_DEMO  # shown, not sent

    preview.reject()
    assert letters_due(DEMO_TODAY) == DUE_IN_DEMO
    assert sum(map(is_reminder, page.items())) == reminders


def test_saving_the_letters_records_them_as_sent_and_saves_what_was_recorded(
        open_window, demo_file, qtbot, tmp_path):
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    reminders = sum(map(is_reminder, page.items()))
    preview = prepared_preview(qtbot, window, page)
    shown = [p.extract_text() for p in PdfReader(preview.pdf.path).pages]
    target = tmp_path / "letters.pdf"

    preview.save_action.trigger()
    qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
    dialog = preview.findChild(QFileDialog, "savePdfDialog")
    dialog.selectFile(str(target))
    with qtbot.waitSignal(page.letters_printed, timeout=30000) as printed:
        dialog.accept()
    qtbot.waitUntil(lambda: target.exists() and not page.is_loading(), timeout=10000)
    try:
        assert printed.args[0].letters == DUE_IN_DEMO
        assert page.notice() == "4 letters were recorded as sent."
        assert letters_due(DEMO_TODAY) == 0  # recorded: no longer due, off the list
        # Each letter's reminder is done, the plan's (told with its instalment) too.
        assert sum(map(is_reminder, page.items())) == reminders - DUE_IN_DEMO
        # What was saved is what was shown, and what was recorded.
        assert [p.extract_text() for p in PdfReader(target).pages] == shown
        assert target.read_bytes() == preview.pdf.path.read_bytes()
        assert preview.pdf.keep is None  # saved or printed again: nothing more recorded
    finally:
        preview.reject()


def test_saying_no_records_nothing(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(qtbot, window)

    page.print_letters_action.trigger()
    box = question(qtbot, window)
    box.reject()

    assert letters_due(DEMO_TODAY) == DUE_IN_DEMO
    assert page.print_letters_action.isEnabled()
    assert not window.findChildren(PdfPreviewDialog)


def test_with_no_letters_due_it_says_so_and_prints_nothing(open_window, company_file, qtbot):
    window = open_window(company_file)
    page = today_shown(qtbot, window)

    page.print_letters_action.trigger()
    qtbot.waitUntil(lambda: bool(visible_message_boxes(page)), timeout=10000)

    assert visible_message_boxes(page)[0].text() == "No letters are due on 24 November 2026."
    assert not window.findChildren(PdfPreviewDialog)


class _CancelledAlready:
    """A worker's progress after the user pressed Cancel."""

    cancelled = True

    def __call__(self, done: int, total: int) -> None:
        raise TaskCancelled


def test_a_cancelled_print_records_nothing_and_leaves_no_file(demo_store, tmp_path,
                                                              monkeypatch):
    # A temporary folder of its own: the other workers' previews come and go in the
    # shared one (this test once failed on a folder another worker removed meanwhile).
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = our_temp_folders()

    try:
        print_letters(DEMO_TODAY, _CancelledAlready())
    except TaskCancelled:
        pass
    else:
        raise AssertionError("the print was not cancelled")

    assert letters_due(DEMO_TODAY) == DUE_IN_DEMO
    assert our_temp_folders() == before


def test_a_customer_without_an_e_mail_address_is_counted_as_the_letter_printed(
        empty_store, tmp_path):
    from models.followup import follow_up_plan
    from models.ledger import CustomerDraft, InvoiceDraft, add_customer, add_invoice
    from reports.due_letters import print_due_letters

    account = add_customer(CustomerDraft(code="", name="No Mail Ltd", currency="GBP",
                                         contact_name="Ann Post",
                                         address="2 High Street\nBath BA1 1AA"))
    add_invoice(account, InvoiceDraft(number="INV-NM-1", issue_date=DEMO_TODAY.replace(day=1),
                                      due_date=DEMO_TODAY.replace(day=20),
                                      amount_minor=120_00),
                today=DEMO_TODAY.replace(day=1))  # entered when issued, whatever the clock says
    (action,) = follow_up_plan(DEMO_TODAY).due
    assert action.stage.channel == "email" and action.no_email_address  # a letter instead

    announced = letters_due(DEMO_TODAY)
    printed = print_due_letters(DEMO_TODAY, tmp_path / "letters.pdf")

    assert announced == printed.letters == 1
