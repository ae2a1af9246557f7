"""A document in the window: a PDF shown page after page, saved or printed from there.

The preview owns the temporary folder its PDF was built in and removes it when
it closes. Saving copies the PDF's bytes; printing draws each page, rendered at
the printer's resolution, onto the printer. Both leave the preview open, so a
save to a folder that refuses it loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, QSizeF, QStandardPaths, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QImage,
    QKeySequence,
    QPageSize,
    QPainter,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.files import StoreFileChosen, write_failure_words
from ui.common import messages
from ui.common.pdf_files import PdfFile, discard_pdf, save_pdf_copy
from ui.common.style import WARNING, mute
from ui.common.tasks import Progress, TaskRunner

PDF_FILTER = "PDF documents (*.pdf)"
# A page rendered finer than this grows to hundreds of megabytes (an A4 page at
# 1200 dpi is 556 MB as an image) and prints no sharper to the eye.
MAX_PRINT_DPI = 600
PREFERRED_SIZE = QSize(820, 940)
ZOOM_STEP = 1.25
ZOOM_RANGE = (0.25, 5.0)
BANNER_STYLE = (f"QLabel {{ color: {WARNING}; background: rgba(224, 161, 0, 0.16); "
                f"border-radius: 4px; padding: 6px 10px; }}")


class PrintFailed(Exception):
    """The printer would not start (no such printer, or its file cannot be written)."""


def print_pdf(document: QPdfDocument, printer: QPrinter, first: int, last: int,
              progress: Progress | None = None) -> int:
    """Print pages ``first`` to ``last`` (counted from 1) of ``document`` on ``printer``,
    each rendered at the printer's resolution (up to ``MAX_PRINT_DPI``) and fitted to
    its page; gives the number of pages printed. ``progress(done, total)`` is called
    after each page; if it raises, the print run is abandoned (see :func:`_abandon`)."""
    first = max(first, 1)
    last = min(last, document.pageCount())
    total = max(last - first + 1, 0)
    painter = QPainter()
    if total and not painter.begin(printer):
        raise PrintFailed(printer.printerName() or printer.outputFileName())
    try:
        for done, page in enumerate(range(first - 1, last)):
            if done:
                printer.newPage()
            _print_page(document, page, printer, painter)
            if progress is not None:
                progress(done + 1, total)
    except BaseException:
        _abandon(printer, painter)
        raise
    finally:
        if painter.isActive():
            painter.end()
    return total


def _abandon(printer: QPrinter, painter: QPainter) -> None:
    """Stop a print run part of the way through. Qt's PDF and CUPS engines cannot abort
    (``abort()`` is False): a file is removed once ended; pages already sent to a
    printer that cannot abort are printed."""
    if printer.abort():
        return
    painter.end()
    name = printer.outputFileName()
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and name:
        Path(name).unlink(missing_ok=True)


def _print_page(document: QPdfDocument, page: int, printer: QPrinter,
                painter: QPainter) -> None:
    """Draw one page, as large as the printer's page allows, at the top centre."""
    target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
    points = document.pagePointSize(page)
    if points.isEmpty() or target.isEmpty():
        return
    scale = min(target.width() / points.width(), target.height() / points.height())
    size = QSize(round(points.width() * scale), round(points.height() * scale))
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    render = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
    image = document.render(page, render.boundedTo(size))
    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)  # the page renders on transparency
    with_paper = QPainter(paper)
    with_paper.drawImage(QPoint(0, 0), image)
    with_paper.end()
    left = (target.width() - size.width()) // 2
    painter.drawImage(QRect(QPoint(left, 0), size), paper)


class PdfPreviewDialog(QDialog):
    """A PDF shown page after page, fitted to the width, with Save as PDF and Print."""

    _last_folder: Path | None = None  # where the last copy was saved, this session

    def __init__(self, pdf: PdfFile, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(pdf.title)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowMinimizeButtonHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pdf = pdf
        self._tasks = tasks
        self._printing = False
        self._removed = False
        self._printer: QPrinter | None = None  # kept alive while it prints
        path = pdf.path
        # Also when the window closes under the preview without closing it first.
        self.destroyed.connect(lambda: discard_pdf(path))

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.pageNavigator().currentPageChanged.connect(
            self._on_navigator_current_page_changed)

        self._build_actions()
        self._build()
        self.view.viewport().installEventFilter(self)
        if self.document.load(str(pdf.path)) != QPdfDocument.Error.None_:
            self.banner.setText(f"Duly could not open the document it built ({pdf.path}).")
            self.banner.show()
        self._update_page_label()
        self._fit_to_screen(parent)

    @classmethod
    def show_pdf(cls, parent: QWidget, pdf: PdfFile, tasks: TaskRunner) -> PdfPreviewDialog:
        """Open a preview of ``pdf`` beside ``parent`` (not modal) and return it."""
        dialog = cls(pdf, tasks, parent)
        dialog.show()
        dialog.activateWindow()
        return dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the zoom shown right while the pages follow the view's width."""
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._update_zoom_label()
        return super().eventFilter(watched, event)

    # --- what it shows -------------------------------------------------------

    def page_text(self) -> str:
        """The page indicator: "Page 1 of 3"."""
        return self.page_label.text()

    def warning_texts(self) -> list[str]:
        """The warnings shown over the document."""
        return list(self.pdf.warnings) if not self.banner.isHidden() else []

    def zoom_factor(self) -> float:
        """The scale the pages are shown at (1.0: actual size)."""
        if self.view.zoomMode() != QPdfView.ZoomMode.FitToWidth:
            return self.view.zoomFactor()
        points = self.document.pagePointSize(0)
        if points.isEmpty():
            return 1.0
        margins = self.view.documentMargins()
        width = self.view.viewport().width() - margins.left() - margins.right()
        return max(width, 1) / (points.width() / 72 * self.view.logicalDpiX())

    # --- saving and printing ----------------------------------------------------

    def save_to(self, target: Path) -> bool:
        """Copy the PDF to ``target``; on failure tell the user why and keep the preview."""
        try:
            save_pdf_copy(self.pdf.path, target)
        except OSError as error:
            # A refusal of the store's own files already says to choose another file.
            advice = "" if isinstance(error, StoreFileChosen) else \
                ": choose another folder or name"
            messages.show_message(
                self, QMessageBox.Icon.Warning, "Save as PDF",
                f"The PDF could not be saved as {target.name}.",
                informative=f"{write_failure_words(error, target)} Nothing was changed "
                            f"there, and the document is still open here{advice}.")
            return False
        PdfPreviewDialog._last_folder = target.parent
        self.status_label.setText(f"Saved as {target}.")
        return True

    def print_to(self, printer: QPrinter) -> None:
        """Print the pages the printer's range asks for, off the GUI thread."""
        pages = self.document.pageCount()
        first, last = _page_range(printer, pages, self.view.pageNavigator().currentPage())
        path = self.pdf.path
        self._printing = True
        self._update_actions()

        def work(progress: Progress) -> int:
            document = QPdfDocument()  # the worker's own: the view's stays in the GUI thread
            document.load(str(path))
            try:
                return print_pdf(document, printer, first, last, progress)
            finally:
                document.close()

        def ended() -> None:
            self._printing = False
            self._update_actions()

        def printed(count: int) -> None:
            ended()
            self.status_label.setText(
                f"{count} page{'s' if count != 1 else ''} sent to "
                f"{printer.printerName() or printer.outputFileName()}.")

        def failed(error: BaseException) -> bool:
            ended()
            if not isinstance(error, PrintFailed):
                return False
            messages.show_message(self, QMessageBox.Icon.Warning, "Print",
                                  f"The printer {error} could not be started.",
                                  informative="Check that it is switched on and connected, "
                                              "or choose another printer.")
            return True

        def stopped() -> None:
            ended()
            self.status_label.setText("Printing stopped.")

        self._printer = printer
        self._tasks.run(work, label="Printing…", cancellable=True, on_success=printed,
                        on_failure=failed, on_cancel=stopped)

    # --- recording what is printed ---------------------------------------------------

    def _keep_then(self, go: Callable[[], object]) -> None:
        """Record what the document shows, if it asks to be (see ``PdfFile.keep``), then
        ``go`` on with the document as recorded; closing the preview before records
        nothing."""
        keeping = self.pdf.keep
        if keeping is None:
            go()
            return
        if self._printing:
            return
        self._printing = True  # busy: no second print, no close, until recorded
        self._update_actions()

        def kept(outcome: tuple[PdfFile, Any]) -> None:
            pdf, done = outcome
            self._printing = False
            self._show(pdf)
            keeping.kept(done)
            go()

        def failed(_error: BaseException) -> bool:
            self._printing = False
            self._update_actions()
            return False

        def stopped() -> None:
            self._printing = False
            self._update_actions()
            self.status_label.setText("Nothing was recorded.")

        self._tasks.run(keeping.work, label=keeping.label, writes=True,
                        changes=keeping.changes, initiator=self.parentWidget(),
                        cancellable=True, on_success=kept, on_failure=failed,
                        on_cancel=stopped)

    def _show(self, pdf: PdfFile) -> None:
        """Show ``pdf`` in place of the document shown (which is removed)."""
        self.document.close()
        discard_pdf(self.pdf.path)
        self.pdf = pdf
        self.destroyed.connect(lambda: discard_pdf(pdf.path))
        self.document.load(str(pdf.path))
        self.banner.setText("\n".join(pdf.warnings))
        self.banner.setVisible(bool(pdf.warnings))
        self._update_actions()
        self._update_page_label()

    # --- closing ------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Close the preview and remove its temporary PDF (not while it prints)."""
        if self._printing:
            return
        self._remove_pdf()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Refuse to close while printing; otherwise close as ``done`` does."""
        if self._printing:
            event.ignore()
            return
        self._remove_pdf()
        super().closeEvent(event)

    def _remove_pdf(self) -> None:
        if self._removed:
            return
        self._removed = True
        self.document.close()  # Windows keeps an open file from being removed
        discard_pdf(self.pdf.path)

    # --- building -------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.save_action = self._action("&Save as PDF…", QKeySequence.StandardKey.Save,
                                        self._on_save_action_triggered,
                                        "Save a copy of this document as a PDF file")
        self.print_action = self._action("&Print…", QKeySequence.StandardKey.Print,
                                         self._on_print_action_triggered,
                                         "Print this document")
        self.zoom_in_action = self._action("Zoom &In", QKeySequence.StandardKey.ZoomIn,
                                           self._on_zoom_in_action_triggered, "Zoom in")
        self.zoom_out_action = self._action("Zoom &Out", QKeySequence.StandardKey.ZoomOut,
                                            self._on_zoom_out_action_triggered, "Zoom out")
        self.fit_width_action = self._action("&Fit Width", "Ctrl+0",
                                             self._on_fit_width_action_triggered,
                                             "Fit the pages to the window's width")

    def _action(self, text: str, keys: QKeySequence.StandardKey | str, slot: object,
                tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({native})" if native else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build(self) -> None:
        self.banner = QLabel("\n".join(self.pdf.warnings))
        self.banner.setObjectName("documentWarnings")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # names come from the user
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(bool(self.pdf.warnings))

        self.page_label = QLabel()
        self.page_label.setObjectName("pageIndicator")
        self.zoom_label = QLabel()
        mute(self.zoom_label)
        self.status_label = QLabel()
        self.status_label.setObjectName("documentStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        mute(self.status_label)
        self.save_button = self._button("Save as PDF…", self.save_action)
        self.print_button = self._button("Print…", self.print_action)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.setToolTip("Close the document (Esc)")
        self.close_button.clicked.connect(self.reject)

        bar = QHBoxLayout()
        bar.setSpacing(4)
        for action in (self.zoom_out_action, self.zoom_in_action, self.fit_width_action):
            button = QToolButton()
            button.setDefaultAction(action)
            bar.addWidget(button)
        bar.addSpacing(6)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status_label)

    def _fit_to_screen(self, parent: QWidget | None) -> None:
        """An A4 page's width at a comfortable size, as tall as the screen allows."""
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(PREFERRED_SIZE.width(), screen.width() * 9 // 10),
                    min(PREFERRED_SIZE.height(), screen.height() * 9 // 10))
        if parent is not None:
            centre = parent.window().frameGeometry().center()
            top_left = centre - self.rect().center()
            self.move(max(top_left.x(), screen.left()), max(top_left.y(), screen.top()))

    def _button(self, text: str, action: QAction) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)  # Enter in the preview does nothing by surprise
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        return button

    def _update_actions(self) -> None:
        idle = not self._printing
        for widget in (self.print_action, self.print_button, self.close_button):
            widget.setEnabled(idle)

    def _update_page_label(self) -> None:
        pages = self.document.pageCount()
        current = self.view.pageNavigator().currentPage() + 1
        self.page_label.setText(f"Page {min(current, pages)} of {pages}" if pages else "")

    def _update_zoom_label(self) -> None:
        fitted = self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        self.zoom_label.setText(f"{self.zoom_factor():.0%}")
        self.fit_width_action.setEnabled(not fitted)

    def _zoom_by(self, step: float) -> None:
        factor = min(max(self.zoom_factor() * step, ZOOM_RANGE[0]), ZOOM_RANGE[1])
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._update_zoom_label()

    # --- slots ------------------------------------------------------------------------

    def _on_navigator_current_page_changed(self, _page: int) -> None:
        self._update_page_label()

    def _on_zoom_in_action_triggered(self) -> None:
        self._zoom_by(ZOOM_STEP)

    def _on_zoom_out_action_triggered(self) -> None:
        self._zoom_by(1 / ZOOM_STEP)

    def _on_fit_width_action_triggered(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_zoom_label()

    def _on_save_action_triggered(self) -> None:
        documents = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        folder = next((f for f in (self._last_folder, documents) if f and f.is_dir()),
                      Path.home())
        dialog = QFileDialog(self, "Save as PDF", str(folder / self.pdf.file_name),
                             PDF_FILTER)
        dialog.setObjectName("savePdfDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self._on_save_dialog_file_selected)
        dialog.open()

    def _on_save_dialog_file_selected(self, name: str) -> None:
        if name:
            self._keep_then(lambda: self.save_to(Path(name)))

    def _on_print_dialog_finished(self, printer: QPrinter, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._keep_then(lambda: self.print_to(printer))

    def _on_print_action_triggered(self) -> None:
        if self._printing or self.document.pageCount() == 0:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.title)
        printer.setFullPage(True)  # the document has its own margins: print it actual size
        points = self.document.pagePointSize(0)
        printer.setPageSize(QPageSize(QSizeF(points), QPageSize.Unit.Point, "",
                                      QPageSize.SizeMatchPolicy.FuzzyMatch))
        printer.setFromTo(1, self.document.pageCount())
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.setMinMax(1, self.document.pageCount())
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # finished(int), not accepted: QPrintDialog's accepted signal is overloaded.
        dialog.finished.connect(lambda result: self._on_print_dialog_finished(printer, result))
        self._printer = printer
        QDialog.open(dialog)  # QPrintDialog's own open() wants a slot to call


def _page_range(printer: QPrinter, pages: int, current: int) -> tuple[int, int]:
    """The first and last page (from 1) the print dialog's choice covers."""
    match printer.printRange():
        case QPrinter.PrintRange.PageRange if printer.fromPage() > 0:
            return printer.fromPage(), min(printer.toPage() or pages, pages)
        case QPrinter.PrintRange.CurrentPage:
            return current + 1, current + 1
        case _:
            return 1, pages
