"""File › Restore…: what a backup holds, before it replaces the store."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from models.backup import BackupSummary
from models.dates import long_date
from models.money import format_money
from ui.common.style import ERROR, mute, scale_font


class RestoreDialog(QDialog):
    """The backup's date and counts; restoring asks to be confirmed, and a backup that
    cannot be restored says why and offers only to close."""

    @classmethod
    def ask(cls, parent: QWidget, summary: BackupSummary, store_name: str,
            done: Callable[[bool], None]) -> RestoreDialog:
        """Open the dialog; ``done`` later receives whether to restore."""
        dialog = cls(summary, store_name, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(
            lambda result: done(result == QDialog.DialogCode.Accepted
                                and summary.problem is None))
        dialog.open()
        return dialog

    def __init__(self, summary: BackupSummary, store_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore a Backup")
        self.setMinimumWidth(500)
        heading = QLabel("Restore a Backup")
        scale_font(heading, 1.3, bold=True)
        self.file_label = QLabel(str(summary.path))
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setWordWrap(True)
        mute(self.file_label)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.taken_label = QLabel(f"{long_date(summary.taken_at.date())}, "
                                  f"{summary.taken_at:%H:%M}")
        self.customers_label = QLabel(f"{summary.customers:,}")
        self.invoices_label = QLabel(f"{summary.invoices:,}")
        self.balance_label = QLabel("\n".join(
            format_money(minor, currency) for currency, minor in summary.open_minor)
            or "Nothing open")
        form.addRow("Taken:", self.taken_label)
        if summary.problem is None:
            form.addRow("Customers:", self.customers_label)
            form.addRow("Invoices:", self.invoices_label)
            form.addRow("Open balance:", self.balance_label)

        if summary.problem is None:
            words = (f"Restoring puts this backup in place of {store_name}: everything "
                     f"recorded since it was taken is replaced. Duly first keeps a copy of "
                     f"{store_name} as it is now, in its backup folder.")
        else:
            words = summary.problem
        self.message_label = QLabel(words)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        if summary.problem is not None:
            self.message_label.setStyleSheet(f"color: {ERROR};")

        if summary.problem is None:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
            self.restore_button = self.buttons.addButton(
                "&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            self.restore_button = None
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(self.file_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.message_label)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
