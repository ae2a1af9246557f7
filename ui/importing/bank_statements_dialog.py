"""File → Bank Statements…: the statements recorded, newest first, to undo one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.bank_review import KeptStatement, kept_statements
from ui.common.list_table import list_table
from ui.common.style import ACCENT, mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.importing.bank_models import StatementsModel
from ui.importing.bank_undo import undo_bank_statement


class BankStatementsDialog(QDialog):
    """The bank statements recorded and what each recorded; Undo Statement… voids the
    chosen one's payments."""

    undone = Signal(int)
    """A statement was undone (how many payments were voided)."""

    def __init__(self, parent: QWidget | None, tasks: TaskRunner,
                 statements: Sequence[KeptStatement],
                 import_statement: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bankStatementsDialog")
        self.setWindowTitle("Bank Statements")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(860, 420)
        self.tasks = tasks
        heading = QLabel("Bank statements recorded")
        scale_font(heading, 1.4, bold=True)
        words = QLabel("Undoing a statement voids every payment it recorded and forgets its "
                       "credits, so it can be imported again.")
        words.setWordWrap(True)
        mute(words)
        self.notice = QLabel()
        self.notice.setObjectName("bankStatementsNotice")
        self.notice.setStyleSheet(f"color: {ACCENT};")
        self.model = StatementsModel(self)
        self.table = list_table(self.model, "bankStatements", "Bank statements")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column, width in ((0, 140), (2, 90), (3, 80), (4, 130), (5, 70), (6, 130)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.empty = QLabel("No bank statement has been recorded yet. Choose File → Import "
                            "Bank Statement… to bring one in.")
        self.empty.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.undo_button = QPushButton("&Undo Statement…")
        self.undo_button.setObjectName("bankStatementsUndo")
        self.undo_button.clicked.connect(self.undo_chosen)
        self.buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        if import_statement is not None:
            more = QPushButton("&Import Bank Statement…")
            more.clicked.connect(lambda: (self.close(), import_statement()))
            self.buttons.addButton(more, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(words)
        layout.addWidget(self.notice)
        layout.addSpacing(8)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.show_statements(statements)

    def show_statements(self, statements: Sequence[KeptStatement]) -> None:
        """List ``statements`` (the newest chosen)."""
        self.model.set_rows(statements)
        self.table.setVisible(bool(statements))
        self.empty.setVisible(not statements)
        first = next((n for n, s in enumerate(self.model.rows()) if not s.undone), 0)
        if statements:
            self.table.selectRow(first)
        self._update()

    def chosen(self) -> KeptStatement | None:
        """The statement chosen in the list."""
        return self.model.row_at(self.table.currentIndex().row())

    def undo_chosen(self) -> None:
        """Undo the chosen statement (asks why first)."""
        statement = self.chosen()
        if statement is None or statement.undone:
            return

        def undone(voided: int) -> None:
            self.notice.setText(f"{statement.file_name} undone: {voided:,} payment"
                                f"{'s' if voided != 1 else ''} voided.")
            self.undone.emit(voided)

            def work(_progress: Progress) -> list[KeptStatement]:
                return kept_statements()

            self.tasks.run(work, on_success=self.show_statements)

        undo_bank_statement(self, self.tasks, statement, undone, initiator=self)

    def _update(self) -> None:
        statement = self.chosen()
        self.undo_button.setEnabled(statement is not None and not statement.undone)
