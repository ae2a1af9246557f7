"""Whose payment is it: a customer searched by name or code, for a credit Duly could
not match (or matched to someone else)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.bank_review import PayingCustomer
from ui.common.list_table import list_table
from ui.common.style import mute, scale_font
from ui.importing.bank_models import CustomersModel


class BankCustomerDialog(QDialog):
    """A search box over the customers invoiced in the credit's currency; OK keeps the
    customer chosen."""

    @classmethod
    def ask(cls, parent: QWidget, customers: Sequence[PayingCustomer], credit_words: str,
            done: Callable[[PayingCustomer | None], None]) -> BankCustomerDialog:
        """Open the dialog; ``done`` later receives the customer, or None if cancelled."""
        dialog = cls(parent, customers, credit_words)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: done(dialog.chosen))
        dialog.open()
        return dialog

    def __init__(self, parent: QWidget | None, customers: Sequence[PayingCustomer],
                 credit_words: str) -> None:
        super().__init__(parent)
        self.setObjectName("bankCustomerDialog")
        self.setWindowTitle("Choose Customer")
        self.resize(620, 520)
        self.chosen: PayingCustomer | None = None
        heading = QLabel("Who paid this?")
        scale_font(heading, 1.4, bold=True)
        words = QLabel(credit_words)
        words.setTextFormat(Qt.TextFormat.PlainText)
        words.setWordWrap(True)
        mute(words)
        self.search = QLineEdit()
        self.search.setObjectName("bankCustomerSearch")
        self.search.setPlaceholderText("Type part of the customer's name or account code")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search customers")
        self.search.installEventFilter(self)
        self.model = CustomersModel(self)
        self.model.set_rows(customers)
        self.table = list_table(self.model, "bankCustomers", "Customers")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 110)
        self.table.setColumnWidth(2, 140)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.search.textChanged.connect(self._on_search_text_changed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Pay From This Customer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel("The payment goes to the customer's oldest invoices due first; "
                      "what is left is kept as credit.")
        note.setWordWrap(True)
        mute(note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(words)
        layout.addSpacing(10)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._select_first()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Up and Down in the search box move through the list below it."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.table.currentIndex().row()
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = max(0, min(self.model.rowCount() - 1, row + step))
            self.table.selectRow(row)
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        """Keep the customer chosen (nothing chosen: stay open)."""
        chosen = self.model.row_at(self.table.currentIndex().row())
        if chosen is None:
            return
        self.chosen = chosen
        super().accept()

    def _on_search_text_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._select_first()

    def _select_first(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)
        self.ok_button.setEnabled(self.model.rowCount() > 0)
