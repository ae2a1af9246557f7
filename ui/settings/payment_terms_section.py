"""Settings → Payment terms: what customers are asked to pay by, and any discount for
paying early."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from models.errors import LedgerError
from models.policies import PaymentTermsDraft, PaymentTermsRow, PolicySettings, save_payment_terms
from ui.settings.policy_models import PaymentTermsModel
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import (
    SettingsSection,
    button,
    lay_out_section,
    row_id,
    select_key,
    selected_row,
)


class PaymentTermsSection(SettingsSection):
    """The payment terms customers can be given, to add to and correct."""

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self.model = PaymentTermsModel(self)
        self.table = self._table(self.model, "termsTable", "Payment terms",
                                 {0: 200, 1: 300, 2: 90})
        self.table.activated.connect(self._on_edit_button_clicked)
        self.add_button = button("&Add Terms…", self._on_add_button_clicked,
                                 "Add payment terms customers can be given")
        self.edit_button = button("&Edit…", self._on_edit_button_clicked,
                                  "Change the terms selected (Enter)")
        lay_out_section(self, "Payment terms", "What customers are asked to pay by, and any "
                        "discount for paying early. Each customer has one set of terms.",
                        [self.add_button, self.edit_button], self.table)
        self._update_actions()

    def current(self) -> PaymentTermsRow | None:
        """The payment terms selected."""
        return selected_row(self.table, self.model)

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        kept = wanted.get("terms", row_id(self.current()))
        self.model.set_rows(settings.payment_terms)
        select_key(self.table, self.model, kept)

    def _forget(self) -> None:
        self.model.set_rows([])

    def _update_actions(self) -> None:
        ready = self._ready()
        self.add_button.setEnabled(ready)
        self.edit_button.setEnabled(ready and self.current() is not None)

    def _ask(self, terms_id: int | None, draft: PaymentTermsDraft | None,
             error: LedgerError | None = None) -> None:
        from ui.settings.payment_terms_dialog import PaymentTermsDialog

        PaymentTermsDialog.ask(self, lambda result: self._on_dialog_finished(
            terms_id, result), draft=draft, editing=terms_id is not None, error=error)

    def _on_dialog_finished(self, terms_id: int | None,
                            draft: PaymentTermsDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_payment_terms(
            terms_id, name=draft.name, net_days=draft.net_days,
            discount_percent=draft.discount_percent, discount_days=draft.discount_days),
            f"Payment terms “{draft.name}” saved.", select="terms",
            refused=lambda error: self._ask(terms_id, draft, error))

    @Slot()
    def _on_add_button_clicked(self) -> None:
        if self._ready():
            self._ask(None, None)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        row = self.current()
        if row is not None and not self._writing.busy:
            self._ask(row.id, PaymentTermsDraft(row.name, row.net_days,
                                                row.discount_percent, row.discount_days))
