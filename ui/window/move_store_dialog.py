"""File › Move Store to a Server…: where on the server the store goes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.places import is_server_address
from ui.common.style import mute, scale_font

PLACEHOLDER = "postgresql://user@host:5432/duly"


class MoveStoreDialog(QDialog):
    """The server's address, with what moving does; Move is enabled once the text is a
    server's address."""

    @classmethod
    def ask(cls, parent: QWidget, store_name: str,
            done: Callable[[str | None], None]) -> MoveStoreDialog:
        """Open the dialog; ``done`` later receives the address, or None if cancelled."""
        dialog = cls(store_name, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result: done(
            dialog.address() if result == QDialog.DialogCode.Accepted else None))
        dialog.open()
        return dialog

    def __init__(self, store_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moveStoreDialog")
        self.setWindowTitle("Move Store to a Server")
        self.setMinimumWidth(480)
        heading = QLabel("Move Store to a Server")
        scale_font(heading, 1.3, bold=True)
        words = QLabel(f"Every row of {store_name} is copied into an empty database on a "
                       f"PostgreSQL server, and checked on both sides. {store_name} stays "
                       f"as it is.")
        words.setTextFormat(Qt.TextFormat.PlainText)
        words.setWordWrap(True)
        self.address_field = QLineEdit()
        self.address_field.setPlaceholderText(PLACEHOLDER)
        self.address_field.setAccessibleName("Server address")
        hint = QLabel("The server's address and its empty database. The password is the "
                      "one Duly keeps for it (File › Connect to a Server…), else the "
                      "server's own password file (~/.pgpass).")
        hint.setWordWrap(True)
        mute(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.move_button = self.buttons.addButton("Move",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.move_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.address_field.textChanged.connect(self._on_address_field_text_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(words)
        layout.addWidget(self.address_field)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

    def address(self) -> str:
        """The server's address as typed."""
        return self.address_field.text().strip()

    def _on_address_field_text_changed(self, _text: str) -> None:
        self.move_button.setEnabled(is_server_address(self.address()))
