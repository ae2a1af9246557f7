"""Ask why: disputing an invoice, putting a customer on hold, voiding a posted record."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.ledger import LedgerError
from ui.common.ledger_dialog import LedgerDialog
from ui.common.style import ERROR, scale_font


class ReasonDialog(LedgerDialog):
    """A heading, what will happen, and a required reason; the confirm button says the act.

    With ``warning`` set (voiding), the consequence is shown in the error
    colour so it reads as a confirmation, not a formality.
    """

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[str | None], None], *, title: str,
            text: str, confirm: str, placeholder: str = "", warning: str = "",
            reason: str = "", error: LedgerError | None = None) -> ReasonDialog:
        """Open the dialog; ``done`` later receives the reason, or None if cancelled."""
        dialog = cls(parent, title=title, text=text, confirm=confirm,
                     placeholder=placeholder, warning=warning, reason=reason)
        dialog.open_for(done, lambda: dialog.accepted_reason, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, title: str, text: str, confirm: str,
                 placeholder: str = "", warning: str = "", reason: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.accepted_reason: str | None = None

        heading = QLabel(title)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        scale_font(heading, 1.3, bold=True)
        self.text_label = QLabel(text)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setWordWrap(True)
        self.warning_label = QLabel(warning)
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(f"color: {ERROR};")
        self.warning_label.setVisible(bool(warning))

        reason_label = QLabel("&Reason:")
        self.reason_edit = QLineEdit(reason)
        self.reason_edit.setPlaceholderText(placeholder)
        self.reason_edit.setMaxLength(500)
        self.reason_edit.textEdited.connect(lambda _text: self._errors.clear("reason"))
        reason_label.setBuddy(self.reason_edit)

        self.confirm_button = self._buttons(confirm)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addSpacing(6)
        layout.addWidget(self.text_label)
        layout.addWidget(self.warning_label)
        layout.addSpacing(12)
        layout.addWidget(reason_label)
        layout.addWidget(self._errors.wrap("reason", self.reason_edit))
        layout.addWidget(self._errors.general)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def error_text(self, field: str = "reason") -> str:
        """The error shown at ``field`` (the reason, unless named)."""
        return super().error_text(field)

    def _take_input(self) -> None:
        reason = self.reason_edit.text().strip()
        if not reason:
            raise LedgerError("reason", "Say why, in a few words: it is kept with the record.")
        self.accepted_reason = reason
