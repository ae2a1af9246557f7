"""Exporting a table from the window: the dialog offers the file, the file is written
in the background, and the page is told where it went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from reports.spreadsheet_xlsx import Sheet
from reports.table_files import TableFormat
from ui.common.table_export import TableExport
from ui.common.tasks import TaskRunner

SHEETS = [Sheet("Overdue", ["Customer", "Days"], [["Acme", 31]])]


def test_choosing_a_csv_file_writes_it_and_tells_the_page(qtbot, window: QWidget,
                                                          tmp_path: Path):
    told: list[str] = []
    tasks = TaskRunner(window)
    dialog = TableExport(window, tasks, told.append).ask(SHEETS, "overdue", TableFormat.CSV)
    assert isinstance(dialog, QFileDialog) and dialog.defaultSuffix() == "csv"
    target = tmp_path / "overdue.csv"
    dialog.fileSelected.emit(str(target))
    qtbot.waitUntil(lambda: bool(told))
    assert told == [f"Exported 1 row(s) to {target}."]
    assert target.read_text(encoding="utf-8-sig").splitlines()[1] == '"Acme",31'
    tasks.stop_all()


def test_a_folder_that_is_gone_is_told_in_words(qtbot, window: QWidget, tmp_path: Path):
    told: list[str] = []
    tasks = TaskRunner(window)
    window.show()
    TableExport(window, tasks, told.append).write(tmp_path / "gone" / "x.xlsx", SHEETS)

    def refused() -> QMessageBox | None:
        return next((w for w in window.findChildren(QMessageBox) if w.isVisible()), None)

    qtbot.waitUntil(lambda: refused() is not None)
    box = refused()
    assert box is not None
    assert "does not exist" in box.text() and "Nothing was written" in box.text()
    assert told == []
    tasks.stop_all()
