"""The Accounts list exported as it is shown: to a spreadsheet (XLSX) or CSV with the
command line's columns (:func:`reports.accounts_export.accounts_sheet`), or printed as
the aging report by currency with totals, built off the GUI thread and shown in the
window's PDF preview, from where the user prints it or saves it.

What is exported is what the list shows: the accounts that pass the filters, in the
table's sort order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from models.accounts import DEFAULT_BUCKET_EDGES, bucket_labels
from models.dates import short_date
from ui.accounts.accounts_model import AccountFilter
from ui.common.export_menu import ExportMenu
from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from ui.accounts.accounts_page import AccountsPage
    from ui.common.table_export import TableExport

TIP = ("Export the accounts as the list shows them (the current filters and sort): to a "
       "spreadsheet, CSV, or the aging report to print or save as PDF")
TOLD_MS = 15_000  # how long the status bar says where the file went


def selection_words(account_filter: AccountFilter, shown: int, held: int) -> str:
    """Which accounts a report holds when the list is filtered, in words: "Filtered:
    “bak”, 31–60 days late, EUR (3 of 58 accounts)"; nothing when it is not."""
    if shown == held and account_filter.is_empty():
        return ""
    labels = bucket_labels(DEFAULT_BUCKET_EDGES)
    parts = []
    if account_filter.text.strip():
        parts.append(f"“{account_filter.text.strip()}”")
    if account_filter.bucket is not None:
        parts.append("not yet due" if account_filter.bucket == 0
                     else f"{labels[account_filter.bucket]} days late")
    if account_filter.flag is not None:
        parts.append(account_filter.flag.title.lower())
    if account_filter.currency:
        parts.append(account_filter.currency)
    count = f"{shown:,} of {held:,} account{'s' if held != 1 else ''}"
    return f"Filtered: {', '.join(parts)} ({count})" if parts else f"Filtered ({count})"


class AccountsExports(QObject):
    """The Accounts page's Export button: XLSX, CSV, and the aging report to print."""

    exported = Signal(str)
    """A file was written: where, in words ("Exported 17 row(s) to …")."""
    report_shown = Signal(object)
    """The aging report is on show in a preview (the ``PdfPreviewDialog``)."""

    def __init__(self, page: AccountsPage, tasks: TaskRunner,
                 today: Callable[[], dt.date]) -> None:
        super().__init__(page)
        self._page = page
        self._tasks = tasks
        self._today = today
        self._files: TableExport | None = None  # made when first used (it loads openpyxl)
        self.menu = ExportMenu(page, name="accountsExport", tip=TIP, xlsx=self.export_xlsx,
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
        """Ask where to save the accounts on show, then write them
        (``suffix`` "xlsx" or "csv")."""
        from reports.accounts_export import accounts_sheet
        from reports.table_files import TableFormat
        from ui.common.table_export import TableExport

        if self._files is None:
            self._files = TableExport(self._page, self._tasks, self._tell)
        rows, as_of = self._page.model.visible_rows(), self._as_of()
        self._files.ask([accounts_sheet(rows, as_of)], f"Accounts {as_of.isoformat()}",
                        TableFormat(suffix))

    def show_report(self) -> None:
        """Build the aging report of the accounts on show off the GUI thread, then show it
        in the preview."""
        from reports.aging_report import aging_report_data, render_aging_report

        model = self._page.model
        rows, as_of, today = model.visible_rows(), self._as_of(), self._today()
        include_all = self._page.show_all_box.isChecked()
        selection = selection_words(model.filter, len(rows), len(model.rows()))
        name = f"Aging report {as_of.isoformat()}.pdf"

        def build(_progress: Progress) -> PdfFile:
            data = aging_report_data(as_of, include_all=include_all, today=today, rows=rows,
                                     selection=selection)
            path = new_pdf_path(name)
            try:
                render_aging_report(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Aging report – {short_date(as_of)}", name)

        self._tasks.run(build, label="Building the aging report…", on_success=self._show)

    def _show(self, pdf: PdfFile) -> None:
        from ui.common.pdf_preview import PdfPreviewDialog

        self.report_shown.emit(PdfPreviewDialog.show_pdf(self._page.window(), pdf, self._tasks))

    def _as_of(self) -> dt.date:
        return self._page.model.as_of or self._page.as_of()

    def _update(self) -> None:
        self.menu.set_enabled(self._page.model.rowCount() > 0)

    def _tell(self, text: str) -> None:
        window = self._page.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, TOLD_MS)
        self.exported.emit(text)
