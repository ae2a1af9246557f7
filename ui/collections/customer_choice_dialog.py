"""Which customer's account to refer: the customers with something overdue, by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from models.errors import LedgerError
from ui.common.ledger_dialog import LedgerDialog


class CustomerChoiceDialog(LedgerDialog):
    """A customer chosen from a list; OK keeps (id, name)."""

    @classmethod
    def ask(cls, parent: QWidget, customers: Sequence[tuple[int, str]],
            done: Callable[[tuple[int, str] | None], None], *,
            preferred: int | None = None) -> CustomerChoiceDialog:
        """Open the dialog; ``done`` later receives (id, name), or None if cancelled."""
        dialog = cls(parent, customers, preferred)
        dialog.open_for(done, lambda: dialog.chosen)
        return dialog

    def __init__(self, parent: QWidget | None, customers: Sequence[tuple[int, str]],
                 preferred: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerChoiceDialog")
        self.setWindowTitle("Refer Account")
        self.setMinimumWidth(420)
        self.chosen: tuple[int, str] | None = None
        self.combo = QComboBox()
        self.combo.setObjectName("referCustomer")
        self.combo.setAccessibleName("Customer")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for customer_id, name in customers:
            self.combo.addItem(name, customer_id)
        if preferred is not None and self.combo.findData(preferred) >= 0:
            self.combo.setCurrentIndex(self.combo.findData(preferred))
        form = QFormLayout()
        form.addRow("&Customer:", self._errors.wrap("customer", self.combo))
        self._buttons("&Next…")
        self._lay_out("Refer Account", "Whose account goes to a collection agency? Only "
                                       "customers with something overdue are listed.", form)

    def _take_input(self) -> None:
        position = self.combo.findText(self.combo.currentText())
        if position < 0:
            raise LedgerError("customer", "Choose a customer from the list.")
        self.chosen = (int(self.combo.itemData(position)), self.combo.itemText(position))

    def _declined(self) -> None:
        self.chosen = None
