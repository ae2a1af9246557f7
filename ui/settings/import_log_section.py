"""Settings › Imports: the files imported, when, from which program, and what they did."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.dates import short_date
from models.imports.log import LoggedImport, import_log
from ui.common.list_table import list_table
from ui.common.rows_model import Column, RowsModel
from ui.common.style import mute, scale_font
from ui.common.tasks import Progress, TaskRunner


class ImportLogModel(RowsModel):
    """The import log, the latest first."""

    columns = (
        Column("When", lambda r: f"{short_date(r.imported_at.date())} "
                                 f"{r.imported_at:%H:%M}", lambda r: r.imported_at),
        Column("From", lambda r: r.source, lambda r: r.source),
        Column("File", lambda r: r.file_name, lambda r: r.file_name.casefold(),
               tooltip=lambda r: f"{r.layout}\nSHA-256 {r.file_hash}"),
        Column("What it did", lambda r: _did(r), lambda r: _did(r)),
    )


def _did(row: LoggedImport) -> str:
    return row.summary() + (" (undone)" if row.undone_at is not None else "")


class ImportLogSection(QWidget):
    """Reads and shows the import log; nothing is read until :meth:`reload`."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        title = QLabel("Imports")
        scale_font(title, 1.1, bold=True)
        intro = QLabel("Every file brought in from your accounting program. Importing the "
                       "same file again changes nothing; a newer export updates what "
                       "changed.")
        intro.setWordWrap(True)
        mute(intro)
        self.model = ImportLogModel(self)
        self.table = list_table(self.model, "importLog", "Imports")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        """Read the log again."""
        def work(_progress: Progress) -> list[LoggedImport]:
            return import_log()

        self._tasks.run(work, latest=(self, "log"), on_success=self.model.set_rows)

    def clear(self) -> None:
        """Forget the log (the store closed)."""
        self._tasks.forget((self, "log"))
        self.model.set_rows([])
