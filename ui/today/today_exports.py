"""Today's work list exported as it is shown: to a spreadsheet (XLSX) or CSV
(:func:`reports.worklist_export.worklist_sheet`, the command line's table), or printed
as the work list report (:mod:`reports.worklist_report`), built off the GUI thread and
shown in the window's PDF preview, from where the user prints it or saves it.

What is exported is the list on show, in the table's sort order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from models.dates import short_date
from ui.common.export_menu import ExportMenu
from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from ui.common.table_export import TableExport
    from ui.today.today_page import TodayPage

TIP = ("Export the work list as shown (in the table's order): to a spreadsheet, CSV, or "
       "a report to print or save as PDF")


class TodayExports(QObject):
    """The Today page's Export button: XLSX, CSV, and the work list to print."""

    exported = Signal(str)
    """A file was written: where, in words ("Exported 28 row(s) to …")."""
    report_shown = Signal(object)
    """The work list report is on show in a preview (the ``PdfPreviewDialog``)."""

    def __init__(self, page: TodayPage, tasks: TaskRunner,
                 today: Callable[[], dt.date]) -> None:
        super().__init__(page)
        self._page = page
        self._tasks = tasks
        self._today = today
        self._files: TableExport | None = None  # made when first used (it loads openpyxl)
        self.menu = ExportMenu(page, name="todayExport", tip=TIP, xlsx=self.export_xlsx,
                               csv=self.export_csv, report=self.show_report)
        self.button = self.menu.button
        model = page.model
        for signal in (model.modelReset, model.layoutChanged):
            signal.connect(self._update)
        self._update()

    def export_xlsx(self) -> None:
        """Ask where to save the list on show as a workbook, then write it."""
        self.export_table("xlsx")

    def export_csv(self) -> None:
        """Ask where to save the list on show as CSV, then write it."""
        self.export_table("csv")

    def export_table(self, suffix: str) -> None:
        """Ask where to save the work list on show, then write it
        (``suffix`` "xlsx" or "csv")."""
        from reports.table_files import TableFormat
        from reports.worklist_export import worklist_sheet
        from ui.common.table_export import TableExport

        if self._files is None:
            self._files = TableExport(self._page, self._tasks, self._tell)
        items, as_of = self._page.items(), self._as_of()
        self._files.ask([worklist_sheet(items, as_of)], f"To do {as_of.isoformat()}",
                        TableFormat(suffix))

    def show_report(self) -> None:
        """Build the work list report of the items on show off the GUI thread, then show
        it in the preview."""
        from reports.worklist_report import render_worklist_report, worklist_report_data

        items, as_of, today = self._page.items(), self._as_of(), self._today()
        name = f"Work list {as_of.isoformat()}.pdf"

        def build(_progress: Progress) -> PdfFile:
            data = worklist_report_data(as_of, items, today=today)
            path = new_pdf_path(name)
            try:
                render_worklist_report(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Work list – {short_date(as_of)}", name)

        self._tasks.run(build, label="Building the work list…", on_success=self._show)

    def _show(self, pdf: PdfFile) -> None:
        from ui.common.pdf_preview import PdfPreviewDialog

        self.report_shown.emit(PdfPreviewDialog.show_pdf(self._page.window(), pdf, self._tasks))

    def _as_of(self) -> dt.date:
        return self._page.list_date() or self._page.as_of()

    def _update(self) -> None:
        self.menu.set_enabled(self._page.model.rowCount() > 0)

    def _tell(self, text: str) -> None:
        self._page.show_notice(text)
        self.exported.emit(text)
