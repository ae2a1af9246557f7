"""Before a bank statement's payments are recorded: exactly what will be posted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from models.bank_review import RecordingSummary
from models.money import format_money
from ui.common.list_table import list_table
from ui.common.style import mute, scale_font
from ui.importing.bank_models import PaymentsModel


def summary_words(summary: RecordingSummary) -> str:
    """What recording does, in a sentence or two."""
    count = len(summary.payments)
    parts = []
    if count:
        parts.append(f"records {count:,} payment{'s' if count != 1 else ''}, "
                     f"{format_money(summary.total_minor, summary.currency)} in all,")
    if summary.ignored:
        parts.append(f"remembers {summary.ignored:,} credit{'s' if summary.ignored != 1 else ''}"
                     f" as not a customer payment")
    sentence = f"Duly {' and '.join(parts)} in one go." if parts else "Nothing is recorded."
    credit = (f" {format_money(summary.left_minor, summary.currency)} is kept as credit on "
              f"the customers' accounts." if summary.left_minor else "")
    return f"{sentence}{credit} Credits left undecided wait for a later import."


class BankConfirmDialog(QDialog):
    """The payments recording will post, each with the invoices it pays; Record or Back."""

    @classmethod
    def ask(cls, parent: QWidget, summary: RecordingSummary,
            done: Callable[[bool], None]) -> BankConfirmDialog:
        """Open the dialog; ``done(True)`` once the user confirms, ``done(False)`` if not."""
        dialog = cls(parent, summary)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: done(code == QDialog.DialogCode.Accepted))
        dialog.open()
        return dialog

    def __init__(self, parent: QWidget | None, summary: RecordingSummary) -> None:
        super().__init__(parent)
        self.setObjectName("bankConfirmDialog")
        self.setWindowTitle("Record Bank Payments")
        rows = len(summary.payments)
        self.resize(900, min(560, 250 + 30 * rows) if rows else 220)
        self.summary = summary
        heading = QLabel("Record these payments?")
        scale_font(heading, 1.4, bold=True)
        self.words = QLabel(summary_words(summary))
        self.words.setObjectName("bankConfirmWords")
        self.words.setTextFormat(Qt.TextFormat.PlainText)
        self.words.setWordWrap(True)
        self.model = PaymentsModel(self)
        self.model.set_rows(summary.payments)
        self.table = list_table(self.model, "bankPayments", "Payments to record")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate((95, 160, 160, 115, 0, 115)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(summary.payments))
        note = QLabel("Each payment goes through the ledger as if typed by hand: promises, "
                      "plan instalments and early-payment discounts count it, and reminders "
                      "for what it pays are dropped.")
        note.setWordWrap(True)
        mute(note)
        self.buttons = QDialogButtonBox()
        count = len(summary.payments)
        text = (f"&Record {count:,} Payment{'s' if count != 1 else ''}" if count
                else f"&Record {summary.ignored:,} as Ignored")
        self.record_button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setObjectName("bankRecord")
        self.record_button.setDefault(True)
        back = self.buttons.addButton("&Back", QDialogButtonBox.ButtonRole.RejectRole)
        back.setObjectName("bankBack")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addSpacing(4)
        layout.addWidget(self.words)
        layout.addSpacing(10)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
