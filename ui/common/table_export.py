"""Exporting a table from the window: the user picks a file, Duly writes it off the
GUI thread, and says where it went.

A page hands over its tables as data (:class:`reports.spreadsheet_xlsx.Sheet`:
numbers as numbers, dates as dates) and a file name to offer; the file is written
by :func:`reports.table_files.write_table_file`, so a full disk or a folder that
cannot be written is told in the user's words and nothing half-written is left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from reports.spreadsheet_xlsx import Sheet
from reports.table_files import TableFormat, table_format_of, write_table_file
from ui.common.tasks import Progress, TaskRunner

XLSX_FILTER = "Excel workbook (*.xlsx)"
CSV_FILTER = "CSV, comma separated (*.csv)"


class TableExport:
    """Asks where to export tables, then writes them in the background."""

    _last_folder: Path | None = None  # where the last export went, this session

    def __init__(self, parent: QWidget, tasks: TaskRunner,
                 told: Callable[[str], None] | None = None) -> None:
        self._parent = parent
        self._tasks = tasks
        self._told = told  # where the page says "Exported 120 rows to …"

    def ask(self, sheets: Sequence[Sheet], file_name: str,
            file_format: TableFormat = TableFormat.XLSX) -> QFileDialog:
        """Offer a file called ``file_name`` (without suffix) in the format asked for;
        CSV takes the first table only. Returns the (non-modal) dialog."""
        chosen = list(sheets)
        dialog = QFileDialog(self._parent, "Export", str(self._folder() / file_name),
                             CSV_FILTER if file_format is TableFormat.CSV else XLSX_FILTER)
        dialog.setObjectName("exportTableDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix(file_format.value)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.write(Path(name), chosen) if name else None)
        dialog.open()
        return dialog

    def write(self, target: Path, sheets: Sequence[Sheet]) -> None:
        """Write the tables to ``target`` (its suffix says CSV or XLSX) off the GUI
        thread; a refusal (full disk, no permission) is shown in the user's words."""
        file_format = table_format_of(target)

        def work(progress: Progress) -> int:
            return write_table_file(target, sheets, file_format)

        def written(rows: int) -> None:
            TableExport._last_folder = target.parent
            if self._told is not None:
                self._told(f"Exported {rows:,} row(s) to {target}.")

        self._tasks.run(work, on_success=written, label=f"Exporting to {target.name}…")

    def _folder(self) -> Path:
        documents = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        return next((f for f in (self._last_folder, documents) if f and f.is_dir()),
                    Path.home())
