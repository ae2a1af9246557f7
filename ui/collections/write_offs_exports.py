"""The Write-offs tab's Export button: the write-offs on show as XLSX or CSV (the command
line's columns), and the accountant's bad-debt note as a PDF to print."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ui.common.list_exports import ListExports, ListReport
from ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from reports.spreadsheet_xlsx import Sheet
    from ui.collections.write_offs_tab import WriteOffsTab

TIP = "Save the write-offs shown as a spreadsheet, or print the bad-debt note"


class WriteOffsExports(ListExports):
    """XLSX, CSV and the bad-debt note of the write-offs on show."""

    def __init__(self, tab: WriteOffsTab, tasks: TaskRunner,
                 today: Callable[[], dt.date]) -> None:
        self._tab = tab
        super().__init__(tab, tab.model, tasks, today, name="writeOffsExport", tip=TIP)

    def as_of(self) -> dt.date:
        """Today: the list is of a period, as it stands now."""
        return self._today()

    def table(self, as_of: dt.date) -> tuple[Sheet, str]:
        """The write-offs on show, with the command line's columns."""
        from reports.write_offs_report import write_offs_sheet

        period = self._tab.period_words()
        return (write_offs_sheet(self._tab.model.rows(), period),
                f"Write-offs {period} {as_of.isoformat()}")

    def report(self, as_of: dt.date) -> ListReport:
        """The bad-debt note of the write-offs on show."""
        from reports.write_offs_report import render_write_offs_report, write_offs_report_data

        rows, period = list(self._tab.model.rows()), self._tab.period_words()

        def render(path: Path) -> object:
            return render_write_offs_report(
                write_offs_report_data(rows, period, today=as_of), path)

        return ListReport("Bad debts written off", "Building the bad-debt note…", render)

    def tell(self, text: str) -> None:
        """Say where the file went on the page's notice line."""
        super().tell(text)
        self._tab.notice.emit(text)
