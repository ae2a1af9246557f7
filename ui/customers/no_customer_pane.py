"""What the Customers area shows where an account goes until a customer is chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.common.resources import icon
from ui.common.style import centred_column, mute, scale_font

_TEXT_WIDTH = 420
_CHOOSE = ("Pick a customer on the left to see what they owe, their invoices and payments, "
           "and to record what they pay.")
_NONE_YET = ("Bring your customers and invoices in from your accounting program's export, "
             "or add your first customer by hand, to see who owes what.")


class NoCustomerPane(QWidget):
    """Asks the user to choose a customer, or, while there are none, to add the first."""

    def __init__(self, add_customer_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customersEmpty")
        self._import_action: QAction | None = None
        picture = QLabel()
        picture.setPixmap(icon("customers").pixmap(48, 48))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel("Choose a customer")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(self.title, 1.4, bold=True)
        self.text = QLabel(_CHOOSE)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mute(self.text)
        self.add_button = QPushButton("Add Customer…")
        self.add_button.clicked.connect(add_customer_action.trigger)
        self.add_button.hide()
        self.import_button = QPushButton("Import from your accounting program…")
        self.import_button.setObjectName("importFromEmpty")
        self.import_button.hide()
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.import_button)
        button_row.addWidget(self.add_button)
        button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(2)
        column = centred_column(layout, _TEXT_WIDTH)
        column.addWidget(picture)
        column.addSpacing(10)
        column.addWidget(self.title)
        column.addSpacing(6)
        column.addWidget(self.text)
        column.addSpacing(12)
        column.addLayout(button_row)
        layout.addStretch(3)

    def set_none_yet(self, none_yet: bool) -> None:
        """Invite the user to add their first customer (``none_yet``), or to choose one."""
        self.title.setText("No customers yet" if none_yet else "Choose a customer")
        self.text.setText(_NONE_YET if none_yet else _CHOOSE)
        self.add_button.setVisible(none_yet)
        self.import_button.setVisible(none_yet and self._import_action is not None)

    def offer_import(self, action: QAction) -> None:
        """Offer the window's Import while there are no customers yet."""
        self._import_action = action
        self.import_button.clicked.connect(action.trigger)
