"""The Export button a list page shows: a menu of a spreadsheet (XLSX), CSV, and a
printed report, and Ctrl+E to open it from the keyboard.

The page says what each does (:class:`ExportMenu` calls it back); the files are
written by :class:`ui.common.table_export.TableExport` and the report shown in the
window's PDF preview.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from ui.common.page_actions import page_action

EXPORT_KEYS = "Ctrl+E"


class ExportMenu:
    """An "Export" tool button whose menu offers XLSX, CSV and a PDF report."""

    def __init__(self, page: QWidget, *, name: str, tip: str,
                 xlsx: Callable[[], None], csv: Callable[[], None],
                 report: Callable[[], None]) -> None:
        """``xlsx()`` and ``csv()`` export what the page shows to a file; ``report()``
        builds the page's report and shows it ready to print or save. ``name`` is the button's
        object name; ``tip`` says what is exported (the tooltip)."""
        self.menu = QMenu(page)
        self.menu.setObjectName(f"{name}Menu")
        self.menu.setToolTipsVisible(True)
        self.xlsx_action = self._add("Spreadsheet (&XLSX)…",
                                     xlsx,
                                     "Save the list as an Excel workbook: amounts as "
                                     "numbers, dates as dates")
        self.csv_action = self._add("&CSV…", csv,
                                    "Save the list as comma-separated values for any "
                                    "spreadsheet or program")
        self.menu.addSeparator()
        self.report_action = self._add("&Print / PDF report…", report,
                                       "Show the list as a report to print or save as PDF")
        self.button = QToolButton(page)
        self.button.setObjectName(name)
        self.button.setText("Export")
        self.button.setAccessibleName("Export")
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)
        self.open_action = page_action(page, "E&xport…", EXPORT_KEYS, self.popup, tip=tip)
        self.button.setToolTip(self.open_action.toolTip())

    def popup(self) -> None:
        """Open the menu under the button (Ctrl+E), without waiting for a choice."""
        if not self.button.isEnabled():
            return
        self.menu.popup(self.button.mapToGlobal(QPoint(0, self.button.height())))

    def set_enabled(self, enabled: bool) -> None:
        """Offer the exports only while there is a list to export."""
        self.button.setEnabled(enabled)
        self.open_action.setEnabled(enabled)

    def _add(self, text: str, slot: Callable[[], None], tip: str) -> QAction:
        action = self.menu.addAction(text)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action
