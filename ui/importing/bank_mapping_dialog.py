"""How to read a bank's CSV: the column mapping saved in the import, and the account's
currency when the file has no currency column."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from models.errors import LedgerError
from ui.common.ledger_dialog import LedgerDialog


class BankMappingDialog(LedgerDialog):
    """A saved mapping and a currency; OK keeps (mapping name, currency)."""

    @classmethod
    def ask(cls, parent: QWidget, file_name: str, mappings: Sequence[str], currency: str,
            done: Callable[[tuple[str, str] | None], None]) -> BankMappingDialog:
        """Open the dialog; ``done`` later receives (mapping, currency), or None."""
        dialog = cls(parent, file_name, mappings, currency)
        dialog.open_for(done, lambda: dialog.chosen)
        return dialog

    def __init__(self, parent: QWidget | None, file_name: str, mappings: Sequence[str],
                 currency: str) -> None:
        super().__init__(parent)
        self.setObjectName("bankMappingDialog")
        self.setWindowTitle("Read a Bank's CSV")
        self.setMinimumWidth(480)
        self.chosen: tuple[str, str] | None = None
        self.mapping_combo = QComboBox()
        self.mapping_combo.setObjectName("bankMapping")
        self.mapping_combo.addItems(list(mappings))
        self.currency_edit = QLineEdit(currency)
        self.currency_edit.setObjectName("bankCurrency")
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setMaximumWidth(80)
        form = QFormLayout()
        form.addRow("Column &mapping:", self._errors.wrap("mapping", self.mapping_combo))
        form.addRow("&Currency:", self._errors.wrap("currency", self.currency_edit))
        self._buttons("&Read Statement")
        self._lay_out("Read a Bank's CSV", f"{file_name} is a table: choose the column "
                      "mapping you saved for your bank's CSV in File → Import… (Map the "
                      "columns myself), with the day, the amount paid, the payer and the "
                      "reference. The currency is used when the file has no currency "
                      "column.", form)

    def _take_input(self) -> None:
        name = self.mapping_combo.currentText()
        if not name:
            raise LedgerError("mapping", "Save your bank's columns as a mapping in File → "
                                         "Import… first.")
        currency = self.currency_edit.text().strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise LedgerError("currency", "Give the account's currency as a three-letter "
                                          "code, e.g. EUR.")
        self.chosen = (name, currency)

    def _declined(self) -> None:
        self.chosen = None
