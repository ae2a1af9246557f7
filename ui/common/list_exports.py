"""A list page's exports, as it shows the list: a spreadsheet (XLSX) or CSV written by
:class:`ui.common.table_export.TableExport`, and a report built off the GUI thread and
shown in the window's PDF preview, from where the user prints it or saves it.

A page's exports say only what is theirs (:meth:`ListExports.table`,
:meth:`ListExports.report`, where the outcome is told); the menu, the files and the
preview are the same for every list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QObject, Signal
from PySide6.QtWidgets import QWidget

from models.dates import short_date
from ui.common.export_menu import ExportMenu
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from reports.spreadsheet_xlsx import Sheet
    from ui.common.pdf_files import PdfFile
    from ui.common.table_export import TableExport


@dataclass(frozen=True)
class ListReport:
    """What a page's report is: its title ("Aging report"), the progress dialog's words,
    and how to write it (``render(path)``, run off the GUI thread)."""

    title: str
    label: str  # "Building the aging report…"
    render: Callable[[Path], object]


class ListExports(QObject):
    """The Export button of a list page: XLSX, CSV, and the page's report to print."""

    exported = Signal(str)
    """A file was written: where, in words ("Exported 17 row(s) to …")."""
    report_shown = Signal(object)
    """The report is on show in a preview (the ``PdfPreviewDialog``)."""

    def __init__(self, page: QWidget, model: QAbstractItemModel, tasks: TaskRunner,
                 today: Callable[[], dt.date], *, name: str, tip: str) -> None:
        super().__init__(page)
        self._page = page
        self._model = model
        self._tasks = tasks
        self._today = today
        self._files: TableExport | None = None  # made when first used (it loads openpyxl)
        self.menu = ExportMenu(page, name=name, tip=tip, xlsx=self.export_xlsx,
                               csv=self.export_csv, report=self.show_report)
        self.button = self.menu.button
        for signal in (model.modelReset, model.layoutChanged):
            signal.connect(self._update)
        self._update()

    # --- what each page says ---------------------------------------------------------

    def as_of(self) -> dt.date:
        """The day the list on show is for."""
        raise NotImplementedError

    def table(self, as_of: dt.date) -> tuple[Sheet, str]:
        """The list on show as a sheet, and the file name to offer (without suffix)."""
        raise NotImplementedError

    def report(self, as_of: dt.date) -> ListReport:
        """The page's report of the list on show."""
        raise NotImplementedError

    def tell(self, text: str) -> None:
        """Say where an export went (the page's own place for it)."""
        self.exported.emit(text)

    # --- the exports -----------------------------------------------------------------

    def export_xlsx(self) -> None:
        """Ask where to save the list on show as a workbook, then write it."""
        self.export_table("xlsx")

    def export_csv(self) -> None:
        """Ask where to save the list on show as CSV, then write it."""
        self.export_table("csv")

    def export_table(self, suffix: str) -> None:
        """Ask where to save the list on show, then write it (``suffix`` "xlsx" or "csv")."""
        from reports.table_files import TableFormat
        from ui.common.table_export import TableExport

        if self._files is None:
            self._files = TableExport(self._page, self._tasks, self.tell)
        sheet, file_name = self.table(self.as_of())
        self._files.ask([sheet], file_name, TableFormat(suffix))

    def show_report(self) -> None:
        """Build the page's report of the list on show off the GUI thread, then show it
        in the preview."""
        from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path

        as_of = self.as_of()
        report = self.report(as_of)
        name = f"{report.title} {as_of.isoformat()}.pdf"

        def build(_progress: Progress) -> PdfFile:
            path = new_pdf_path(name)
            try:
                report.render(path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"{report.title} – {short_date(as_of)}", name)

        self._tasks.run(build, label=report.label, on_success=self._show)

    def _show(self, pdf: PdfFile) -> None:
        from ui.common.pdf_preview import PdfPreviewDialog

        self.report_shown.emit(PdfPreviewDialog.show_pdf(self._page.window(), pdf, self._tasks))

    def _update(self) -> None:
        self.menu.set_enabled(self._model.rowCount() > 0)
