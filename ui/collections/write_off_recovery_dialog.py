"""A written-off debt paid after all: the day and the amount received (the write-off is
reversed, the payment recorded, what it does not pay written off again; see
``models.write_offs.recover``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from models.errors import LedgerError
from models.ledger import parse_amount
from models.money import format_money
from models.write_offs import WriteOffRow
from ui.common.ledger_dialog import LedgerDialog, amount_text


@dataclass(frozen=True)
class WriteOffRecoveryInput:
    """A recovery as typed."""

    received_on: dt.date
    amount_minor: int
    reference: str


class WriteOffRecoveryDialog(LedgerDialog):
    """The money received on a written-off debt; OK keeps it."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[WriteOffRecoveryInput | None], None], *,
            row: WriteOffRow, today: dt.date, error: LedgerError | None = None
            ) -> WriteOffRecoveryDialog:
        """Open the dialog for ``row``; ``done`` later receives the input, or None."""
        dialog = cls(parent, row=row, today=today)
        dialog.open_for(done, lambda: dialog.recovery, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, row: WriteOffRow,
                 today: dt.date) -> None:
        super().__init__(parent)
        self.setObjectName("writeOffRecoveryDialog")
        self.setWindowTitle("Record Recovery")
        self.setMinimumWidth(440)
        self.row = row
        self.recovery: WriteOffRecoveryInput | None = None
        self.date_edit = self._date_edit(today, lambda _t: self._errors.clear("received_on"))
        self.date_edit.setObjectName("writeOffRecoveryDate")
        self.amount_edit = QLineEdit(amount_text(row.amount_minor, row.currency))
        self.amount_edit.setObjectName("writeOffRecoveryAmount")
        self.amount_edit.textEdited.connect(lambda _t: self._errors.clear("amount"))
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("writeOffRecoveryReference")
        self.reference_edit.setMaxLength(200)
        form = QFormLayout()
        form.addRow("&Received on:", self._errors.wrap("received_on", self.date_edit))
        form.addRow("&Amount:", self._errors.wrap("amount", self.amount_edit))
        form.addRow("Re&ference:", self._errors.wrap("reference", self.reference_edit))
        self._buttons("&Record")
        self._lay_out("Record Recovery",
                      f"{row.customer_name} paid invoice {row.invoice_number} after all. "
                      f"The write-off of {format_money(row.amount_minor, row.currency)} is "
                      f"reversed and the payment recorded; what it does not pay is written "
                      f"off again. VAT relief claimed is repaid for what is recovered.", form)

    def _take_input(self) -> None:
        day = self.date_edit.date()
        if day is None:
            raise LedgerError("received_on", "Give the day as YYYY-MM-DD.")
        amount = parse_amount(self.amount_edit.text(), self.row.currency)
        self.recovery = WriteOffRecoveryInput(day, amount, self.reference_edit.text().strip())

    def _declined(self) -> None:
        self.recovery = None
