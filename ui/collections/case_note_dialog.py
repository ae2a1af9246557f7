"""Add a note to a dispute case: what was said or done, kept with the case."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QWidget

from models.errors import LedgerError
from ui.common.ledger_dialog import LedgerDialog


class CaseNoteDialog(LedgerDialog):
    """A note on one case (the store says if it will not do)."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[str | None], None], *, case_words: str,
            text: str = "", error: LedgerError | None = None) -> CaseNoteDialog:
        """Open the dialog; ``done`` later receives the note, or None if cancelled."""
        dialog = cls(parent, case_words=case_words, text=text)
        dialog.open_for(done, lambda: dialog.accepted_text, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, case_words: str,
                 text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Note")
        self.setMinimumWidth(520)
        self.accepted_text: str | None = None
        self.text_edit = QPlainTextEdit(text)
        self.text_edit.setObjectName("caseNote")
        self.text_edit.setPlaceholderText("e.g. Called Anna: she will send photos of the "
                                          "damage by Friday")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(self.text_edit.fontMetrics().lineSpacing() * 6)
        self.text_edit.textChanged.connect(lambda: self._errors.clear("text"))
        self._buttons("&Add Note")
        form = QFormLayout()
        label = QLabel("&Note:")
        label.setBuddy(self.text_edit)
        form.addRow(label, self._errors.wrap("text", self.text_edit))
        self._lay_out("Add Note", case_words, form)
        self.text_edit.setFocus()

    def _take_input(self) -> None:
        self.accepted_text = self.text_edit.toPlainText()
