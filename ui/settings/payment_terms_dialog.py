"""Add or change payment terms: net days and an optional early-payment discount."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QVBoxLayout, QWidget

from models.errors import LedgerError
from models.policies import (
    MAX_NET_DAYS,
    PaymentTermsDraft,
    check_payment_terms,
    parse_percent,
    percent_text,
    terms_words,
)
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import day_spin, hint, inline, settings_form


class PaymentTermsDialog(LedgerDialog):
    """Payment terms as the customer reads them on the invoice; errors at their field."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[PaymentTermsDraft | None], None], *,
            draft: PaymentTermsDraft | None = None, editing: bool = False,
            error: LedgerError | None = None) -> PaymentTermsDialog:
        """Open the dialog; ``done`` later receives the terms, or None if cancelled."""
        dialog = cls(parent, draft=draft, editing=editing)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *,
                 draft: PaymentTermsDraft | None = None, editing: bool = False) -> None:
        super().__init__(parent)
        title = "Edit payment terms" if editing else "Add payment terms"
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.accepted_draft: PaymentTermsDraft | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. 2% 10, net 30")
        self.name_edit.setMaxLength(80)
        self.name_edit.textEdited.connect(lambda _text: self._errors.clear("name"))
        self.net_spin = day_spin(0, MAX_NET_DAYS, 30)
        self.net_spin.setAccessibleName("Net days")
        self.net_spin.valueChanged.connect(self._on_field_changed)

        self.discount_check = QCheckBox("Offer a discount for paying early")
        self.discount_check.toggled.connect(self._on_discount_check_toggled)
        self.percent_edit = QLineEdit()
        self.percent_edit.setPlaceholderText("e.g. 2")
        self.percent_edit.setAccessibleName("Discount in percent")
        self.percent_edit.setMaximumWidth(80)
        self.percent_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.percent_edit.textEdited.connect(self._on_percent_edit_text_edited)
        self.discount_days_spin = day_spin(0, MAX_NET_DAYS, 10)
        self.discount_days_spin.setAccessibleName("Discount days")
        self.discount_days_spin.valueChanged.connect(self._on_field_changed)
        self.summary = hint()
        self.summary.setObjectName("termsSummary")

        discount = QWidget()
        column = QVBoxLayout(discount)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.discount_check)
        column.addWidget(self._errors.wrap(
            "discount_percent", inline(self.percent_edit, "% off"), focus=self.percent_edit))
        column.addWidget(self._errors.wrap(
            "discount_days", inline("if paid within", self.discount_days_spin,
                                    "of the invoice date"), focus=self.discount_days_spin))

        form = settings_form()
        form.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        form.addRow("Pay &within:", self._errors.wrap(
            "net_days", inline(self.net_spin, "of the invoice date"), focus=self.net_spin))
        form.addRow("&Discount:", self._errors.wrap("discount", discount,
                                                     focus=self.discount_check))
        form.addRow("", self.summary)

        self.save_button = self._buttons("Save Changes" if editing else "Add Terms")
        self._lay_out(title, "What the customer is asked to pay by, and any discount for "
                             "paying early.", form)
        self._fill(draft)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def draft(self) -> PaymentTermsDraft:
        """The terms as they are in the fields now (LedgerError if the discount will not do)."""
        percent, days = None, None
        if self.discount_check.isChecked():
            percent = parse_percent(self.percent_edit.text(), "discount_percent")
            if percent is None:
                raise LedgerError("discount_percent", "Enter the discount in percent, e.g. 2.")
            days = self.discount_days_spin.value()
        return PaymentTermsDraft(self.name_edit.text(), self.net_spin.value(), percent, days)

    def _take_input(self) -> None:
        self.accepted_draft = check_payment_terms(self.draft())

    def _fill(self, draft: PaymentTermsDraft | None) -> None:
        if draft is not None:
            self.name_edit.setText(draft.name)
            self.net_spin.setValue(draft.net_days)
            has_discount = draft.discount_percent is not None
            self.discount_check.setChecked(has_discount)
            if draft.discount_percent is not None:
                self.percent_edit.setText(percent_text(draft.discount_percent))
            if draft.discount_days is not None:
                self.discount_days_spin.setValue(draft.discount_days)
        self._on_discount_check_toggled(self.discount_check.isChecked())

    def _on_discount_check_toggled(self, checked: bool) -> None:
        self.percent_edit.setEnabled(checked)
        self.discount_days_spin.setEnabled(checked)
        self._errors.clear("discount_percent")
        self._errors.clear("discount_days")
        self._on_field_changed()

    def _on_percent_edit_text_edited(self, _text: str) -> None:
        self._errors.clear("discount_percent")
        self._on_field_changed()

    def _on_field_changed(self, *_args: object) -> None:
        self._errors.clear("net_days")
        self._errors.clear("discount_days")
        try:
            draft = self.draft()
        except LedgerError:
            self.summary.setText("")
            return
        self.summary.setText("In short: " + terms_words(
            draft.net_days, draft.discount_percent, draft.discount_days) + ".")
