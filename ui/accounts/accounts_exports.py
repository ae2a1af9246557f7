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
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

from models.accounts import DEFAULT_BUCKET_EDGES, bucket_labels
from ui.accounts.accounts_model import AccountFilter
from ui.common.list_exports import ListExports, ListReport
from ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from reports.spreadsheet_xlsx import Sheet
    from ui.accounts.accounts_page import AccountsPage

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


class AccountsExports(ListExports):
    """The Accounts page's Export button: XLSX, CSV, and the aging report to print."""

    def __init__(self, page: AccountsPage, tasks: TaskRunner,
                 today: Callable[[], dt.date]) -> None:
        self._accounts = page
        super().__init__(page, page.model, tasks, today, name="accountsExport", tip=TIP)

    def as_of(self) -> dt.date:
        """The day the accounts on show are for."""
        return self._accounts.model.as_of or self._accounts.as_of()

    def table(self, as_of: dt.date) -> tuple[Sheet, str]:
        """The accounts on show, with the command line's columns."""
        from reports.accounts_export import accounts_sheet

        return (accounts_sheet(self._accounts.model.visible_rows(), as_of),
                f"Accounts {as_of.isoformat()}")

    def report(self, as_of: dt.date) -> ListReport:
        """The aging report of the accounts on show, saying how the list is filtered."""
        from reports.aging_report import aging_report_data, render_aging_report

        model, today = self._accounts.model, self._today()
        rows = model.visible_rows()
        include_all = self._accounts.show_all_box.isChecked()
        selection = selection_words(model.filter, len(rows), len(model.rows()))

        def render(path: Path) -> None:
            render_aging_report(aging_report_data(as_of, include_all=include_all, today=today,
                                                  rows=rows, selection=selection), path)

        return ListReport("Aging report", "Building the aging report…", render)

    def tell(self, text: str) -> None:
        """Say in the status bar where the file went."""
        window = self._accounts.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, TOLD_MS)
        super().tell(text)
