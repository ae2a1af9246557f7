"""The document preview: pages shown and zoomed, a copy saved, pages printed, warnings
named, and its temporary PDF gone once it closes."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tests.ui.conftest import visible_message_boxes
from ui.common.pdf_files import PdfFile, new_pdf_path
from ui.common.pdf_preview import PdfPreviewDialog, print_pdf
from ui.common.tasks import TaskCancelled

WARNING_TEXT = ("The customer's name has characters the document font cannot print "
                "(“王”); they print as “?”.")


def three_page_pdf() -> Path:
    """A real three-page A4 PDF in a temporary folder of its own, as the window builds."""
    path = new_pdf_path("Statement C00047 2026-11-24.pdf")
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(1, 4):
        canvas.setFont("Helvetica", 28)
        canvas.drawString(72, 700, f"Statement page {page}")
        canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def open_preview(qtbot, window, runner):
    """Open a preview of a three-page PDF over the window (with the given warnings)."""
    opened: list[PdfPreviewDialog] = []

    def open_(warnings: tuple[str, ...] = ()) -> PdfPreviewDialog:
        path = three_page_pdf()
        window.show()
        preview = PdfPreviewDialog.show_pdf(
            window, PdfFile(path, "Statement – Zoë Ødegård", path.name, warnings), runner)
        qtbot.waitExposed(preview)
        opened.append(preview)
        return preview

    yield open_
    for preview in opened:
        if shiboken6.isValid(preview) and not preview.isHidden():
            preview.reject()


def printer_to(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_every_page_shows_fitted_to_the_width_under_the_documents_title(open_preview):
    preview = open_preview()

    assert preview.windowTitle() == "Statement – Zoë Ødegård"
    assert not preview.isModal()
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.document.pageCount() == 3
    assert preview.view.pageMode() == QPdfView.PageMode.MultiPage
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert preview.page_text() == "Page 1 of 3"
    assert preview.zoom_label.text() == f"{preview.zoom_factor():.0%}" != "0%"


def test_the_page_indicator_follows_the_page_shown(open_preview, qtbot):
    preview = open_preview()

    preview.view.pageNavigator().jump(2, preview.view.pageNavigator().currentLocation())

    qtbot.waitUntil(lambda: preview.page_text() == "Page 3 of 3")


def test_zooming_in_and_out_and_back_to_the_width(open_preview):
    preview = open_preview()
    fitted = preview.zoom_factor()

    preview.zoom_in_action.trigger()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert preview.zoom_factor() == pytest.approx(fitted * 1.25)
    assert preview.zoom_label.text() == f"{fitted * 1.25:.0%}"
    preview.zoom_out_action.trigger()
    preview.zoom_out_action.trigger()
    assert preview.zoom_factor() == pytest.approx(fitted / 1.25)

    preview.fit_width_action.trigger()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert not preview.fit_width_action.isEnabled()
    assert preview.zoom_label.text() == f"{fitted:.0%}"


def test_save_as_pdf_writes_the_very_bytes_shown(open_preview, qtbot, tmp_path):
    preview = open_preview()
    target = tmp_path / "saved" / "statement.pdf"
    target.parent.mkdir()

    preview.save_action.trigger()
    qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
    dialog = preview.findChild(QFileDialog, "savePdfDialog")
    assert dialog.selectedFiles()[0].endswith("Statement C00047 2026-11-24.pdf")
    dialog.selectFile(str(target))
    dialog.accept()

    assert target.read_bytes() == preview.pdf.path.read_bytes()
    assert preview.status_label.text() == f"Saved as {target}."


def test_a_folder_that_cannot_be_written_is_named_and_nothing_is_lost(
        open_preview, qtbot, tmp_path):
    preview = open_preview()
    gone = tmp_path / "usb-stick" / "statement.pdf"  # the folder is no longer there

    assert not preview.save_to(gone)

    box = visible_message_boxes(preview)[0]
    assert box.text() == "The PDF could not be saved as statement.pdf."
    assert f"The folder {gone.parent} does not exist." in box.informativeText()
    assert "still open" in box.informativeText()
    box.close()
    # The document is still there to be saved elsewhere.
    elsewhere = tmp_path / "statement.pdf"
    assert preview.save_to(elsewhere)
    assert elsewhere.read_bytes() == preview.pdf.path.read_bytes()


def test_the_open_store_is_not_saved_over_and_the_advice_is_given_once(
        open_preview, empty_store):
    if empty_store.server is not None:
        pytest.skip("a store on a server has no file to choose")
    preview = open_preview()
    store = empty_store.path
    before = store.stat()  # not read: that would drop the store's locks

    assert not preview.save_to(store)

    box = visible_message_boxes(preview)[0]
    assert box.informativeText() == (
        f"{store.name} could not be written in {store.parent}: it is the store Duly has "
        f"open; choose another file. Nothing was changed there, and the document is still "
        f"open here.")
    box.close()
    after = store.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino, before.st_size, before.st_mtime_ns)


def test_saving_over_a_file_replaces_it_whole(open_preview, tmp_path):
    preview = open_preview()
    target = tmp_path / "statement.pdf"
    target.write_bytes(b"an older statement")

    assert preview.save_to(target)

    assert target.read_bytes() == preview.pdf.path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["statement.pdf"]


def test_printing_draws_every_page_on_the_printer(open_preview, tmp_path):
    preview = open_preview()
    out = tmp_path / "printed.pdf"
    printer = printer_to(out)

    printed = print_pdf(preview.document, printer, 1, preview.document.pageCount())

    assert printed == 3
    assert len(PdfReader(out).pages) == 3


def test_printing_honours_the_page_range(open_preview, tmp_path):
    preview = open_preview()
    out = tmp_path / "pages-2-3.pdf"

    assert print_pdf(preview.document, printer_to(out), 2, 3) == 2
    assert len(PdfReader(out).pages) == 2


def test_a_print_to_a_file_stopped_part_way_leaves_no_file(open_preview, tmp_path):
    preview = open_preview()
    out = tmp_path / "stopped.pdf"

    def progress(done: int, total: int) -> None:
        if done == 1:
            raise TaskCancelled

    with pytest.raises(TaskCancelled):
        print_pdf(preview.document, printer_to(out), 1, 3, progress)

    assert not out.exists()


def test_ctrl_s_and_ctrl_p_in_the_preview(open_preview, qtbot):
    preview = open_preview()
    with qtbot.waitActive(preview):
        preview.activateWindow()

    qtbot.keyClick(preview.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
    preview.findChild(QFileDialog, "savePdfDialog").reject()
    with qtbot.waitActive(preview):
        preview.activateWindow()
    qtbot.keyClick(preview.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: preview.findChild(QPrintDialog, "printDialog") is not None)
    preview.findChild(QPrintDialog, "printDialog").reject()


def test_print_from_the_preview_runs_off_the_gui_thread_and_says_so(
        open_preview, qtbot, tmp_path):
    preview = open_preview()
    out = tmp_path / "printed.pdf"

    preview.print_to(printer_to(out))
    assert not preview.close_button.isEnabled()  # not closed under the printer
    qtbot.waitUntil(lambda: preview.status_label.text() != "", timeout=10000)

    assert preview.status_label.text() == f"3 pages sent to {out}."
    assert preview.close_button.isEnabled()
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    # Printed at the document's own page size.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_warnings_show_in_a_banner_over_the_document(open_preview):
    preview = open_preview((WARNING_TEXT,))

    assert preview.banner.isVisible()
    assert preview.banner.text() == WARNING_TEXT
    assert preview.warning_texts() == [WARNING_TEXT]


def test_a_document_without_warnings_has_no_banner(open_preview):
    preview = open_preview()

    assert not preview.banner.isVisible()
    assert preview.warning_texts() == []


def test_closing_removes_the_temporary_pdf(open_preview, qtbot):
    preview = open_preview()
    folder = preview.pdf.path.parent
    assert folder.is_dir()

    qtbot.keyClick(preview, Qt.Key.Key_Escape)

    assert preview.isHidden()
    assert not folder.exists()


def test_print_asks_the_system_print_dialog_and_prints_what_it_chose(
        open_preview, qtbot, tmp_path):
    preview = open_preview()
    out = tmp_path / "from-the-dialog.pdf"

    preview.print_action.trigger()
    qtbot.waitUntil(lambda: preview.findChild(QPrintDialog, "printDialog") is not None)
    dialog = preview.findChild(QPrintDialog, "printDialog")
    assert dialog.isVisible() and dialog.printer().docName() == "Statement – Zoë Ødegård"
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer().setOutputFileName(str(out))
    dialog.printer().setPrintRange(QPrinter.PrintRange.PageRange)
    dialog.printer().setFromTo(2, 3)
    # What the Print button does once it has put the choices made into the printer.
    dialog.done(QDialog.DialogCode.Accepted)

    qtbot.waitUntil(lambda: preview.status_label.text() != "", timeout=10000)
    assert len(PdfReader(out).pages) == 2
