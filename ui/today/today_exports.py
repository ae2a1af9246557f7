"""Today's work list exported as it is shown: to a spreadsheet (XLSX) or CSV
(:func:`reports.worklist_export.worklist_sheet`, the command line's table), or printed
as the work list report (:mod:`reports.worklist_report`), built off the GUI thread and
shown in the window's PDF preview, from where the user prints it or saves it.

What is exported is the list on show, in the table's sort order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ui.common.list_exports import ListExports, ListReport
from ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from reports.spreadsheet_xlsx import Sheet
    from ui.today.today_page import TodayPage

TIP = ("Export the work list as shown (in the table's order): to a spreadsheet, CSV, or "
       "a report to print or save as PDF")


class TodayExports(ListExports):
    """The Today page's Export button: XLSX, CSV, and the work list to print."""

    def __init__(self, page: TodayPage, tasks: TaskRunner,
                 today: Callable[[], dt.date]) -> None:
        self._today_page = page
        super().__init__(page, page.model, tasks, today, name="todayExport", tip=TIP)

    def as_of(self) -> dt.date:
        """The day the work list on show is for."""
        return self._today_page.list_date() or self._today_page.as_of()

    def table(self, as_of: dt.date) -> tuple[Sheet, str]:
        """The work list on show, with the command line's columns."""
        from reports.worklist_export import worklist_sheet

        return worklist_sheet(self._today_page.items(), as_of), f"To do {as_of.isoformat()}"

    def report(self, as_of: dt.date) -> ListReport:
        """The work list report of the items on show."""
        from reports.worklist_report import render_worklist_report, worklist_report_data

        items, today = self._today_page.items(), self._today()

        def render(path: Path) -> None:
            render_worklist_report(worklist_report_data(as_of, items, today=today), path)

        return ListReport("Work list", "Building the work list…", render)

    def tell(self, text: str) -> None:
        """Say on the page where the file went."""
        self._today_page.show_notice(text)
        super().tell(text)
