"""Settings → Late-payment charges: contractual interest, the statutory regime, or
nothing, and the rule each follows."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from models.errors import LedgerError
from models.policies import (
    REGIME_RULES,
    CreditPolicyDraft,
    CreditPolicyRow,
    PolicySettings,
    save_credit_policy,
)
from ui.settings.policy_models import CreditPolicyModel
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import (
    SettingsSection,
    button,
    detail_label,
    lay_out_section,
    row_id,
    select_key,
    selected_row,
)


class LateChargesSection(SettingsSection):
    """The ways of charging for late payment, to add to and correct, with the rule of the
    one selected."""

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self.model = CreditPolicyModel(self)
        self.table = self._table(self.model, "creditTable", "Late-payment charges",
                                 {0: 220, 1: 280, 2: 150})
        self.table.activated.connect(self._on_edit_button_clicked)
        self.add_button = button("&Add Policy…", self._on_add_button_clicked,
                                 "Add a way of charging for late payment")
        self.edit_button = button("&Edit…", self._on_edit_button_clicked,
                                  "Change the policy selected (Enter)")
        self.rule_label = detail_label("creditRule")
        lay_out_section(self, "Late-payment charges", "What a customer owes for paying late: "
                        "contractual interest, the statutory regime, or nothing. Interest "
                        "and compensation are charged by the follow-up stages that say so.",
                        [self.add_button, self.edit_button], self.table, self.rule_label)
        self._update_actions()

    def current(self) -> CreditPolicyRow | None:
        """The late-payment policy selected."""
        return selected_row(self.table, self.model)

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        kept = wanted.get("charges", row_id(self.current()))
        self.model.default_id = settings.default_credit_policy_id
        self.model.set_rows(settings.credit_policies)
        select_key(self.table, self.model, kept)

    def _forget(self) -> None:
        self.model.set_rows([])

    def _show_details(self) -> None:
        policy = self.current()
        self.rule_label.setText(
            f"{policy.name}: {REGIME_RULES.get(policy.regime, '')}" if policy is not None
            else "")

    def _update_actions(self) -> None:
        ready = self._ready()
        self.add_button.setEnabled(ready)
        self.edit_button.setEnabled(ready and self.current() is not None)

    def _ask(self, policy_id: int | None, draft: CreditPolicyDraft | None,
             error: LedgerError | None = None) -> None:
        from ui.settings.credit_policy_dialog import CreditPolicyDialog

        CreditPolicyDialog.ask(self, lambda result: self._on_dialog_finished(
            policy_id, result), draft=draft, editing=policy_id is not None, error=error)

    def _on_dialog_finished(self, policy_id: int | None,
                            draft: CreditPolicyDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_credit_policy(
            policy_id, name=draft.name, regime=draft.regime, rate_percent=draft.rate_percent,
            grace_days=draft.grace_days, fixed_compensation=draft.fixed_compensation,
            loyalty_waiver=draft.loyalty_waiver),
            f"Late-payment charges “{draft.name}” saved.", select="charges",
            refused=lambda error: self._ask(policy_id, draft, error))

    @Slot()
    def _on_add_button_clicked(self) -> None:
        if self._ready():
            self._ask(None, None)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        row = self.current()
        if row is not None and not self._writing.busy:
            self._ask(row.id, CreditPolicyDraft(
                row.name, row.regime, row.rate_percent, row.grace_days,
                row.fixed_compensation, row.loyalty_waiver))
