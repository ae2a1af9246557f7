"""Add or change a late-payment charges policy: its regime, rate, grace and compensation."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from models.errors import LedgerError
from models.kinds import LoyaltyWaiver, Regime
from models.policies import (
    CONTRACTUAL,
    MAX_GRACE_DAYS,
    REGIME_RULES,
    STATUTORY,
    CreditPolicyDraft,
    check_credit_policy,
    parse_percent,
    percent_text,
)
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import day_spin, hint, inline, settings_form
from ui.common.style import mute


class CreditPolicyDialog(LedgerDialog):
    """How late payment is charged under one policy; fields the regime does not use are
    switched off, and its rule is explained in a sentence."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[CreditPolicyDraft | None], None], *,
            draft: CreditPolicyDraft | None = None, editing: bool = False,
            error: LedgerError | None = None) -> CreditPolicyDialog:
        """Open the dialog; ``done`` later receives the policy, or None if cancelled."""
        dialog = cls(parent, draft=draft, editing=editing)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *,
                 draft: CreditPolicyDraft | None = None, editing: bool = False) -> None:
        super().__init__(parent)
        title = "Edit late-payment charges" if editing else "Add late-payment charges"
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.accepted_draft: CreditPolicyDraft | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Contractual 8% a year")
        self.name_edit.setMaxLength(80)
        self.name_edit.textEdited.connect(lambda _text: self._errors.clear("name"))
        self.regime_combo = QComboBox()
        for regime in Regime:
            self.regime_combo.addItem(regime.word, regime)
        self.regime_combo.currentIndexChanged.connect(self._on_regime_combo_changed)
        self.rule_label = hint()
        self.rule_label.setObjectName("regimeRule")

        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("e.g. 8")
        self.rate_edit.setAccessibleName("Interest rate in percent")
        self.rate_edit.setMaximumWidth(80)
        self.rate_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rate_edit.textEdited.connect(lambda _text: self._errors.clear("rate_percent"))
        self.per_label = QLabel()
        mute(self.per_label)
        self.grace_spin = day_spin(0, MAX_GRACE_DAYS)
        self.grace_spin.setAccessibleName("Grace days")
        self.grace_spin.valueChanged.connect(lambda _value: self._errors.clear("grace_days"))
        self.compensation_check = QCheckBox("Claim the fixed compensation the law allows "
                                            "for each late invoice")
        self.loyalty_combo = QComboBox()
        self.loyalty_combo.setAccessibleName("Loyalty incentive")
        for waiver in LoyaltyWaiver:
            self.loyalty_combo.addItem(waiver.word, waiver)
        self.loyalty_hint = hint("Waived when a customer pays in full by a loyalty offer's "
                                 "date.")

        form = settings_form()
        form.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        form.addRow("&Charges:", self._errors.wrap("regime", self.regime_combo))
        form.addRow("", self.rule_label)
        form.addRow("&Rate:", self._errors.wrap(
            "rate_percent", inline(self.rate_edit, self.per_label), focus=self.rate_edit))
        form.addRow("&Grace:", self._errors.wrap(
            "grace_days", inline(self.grace_spin, "after the due date before interest runs"),
            focus=self.grace_spin))
        form.addRow("", self._errors.wrap("fixed_compensation", self.compensation_check))
        form.addRow("&Loyalty incentive:", self._errors.wrap("loyalty_waiver",
                                                             self.loyalty_combo))
        form.addRow("", self.loyalty_hint)

        self.save_button = self._buttons("Save Changes" if editing else "Add Policy")
        self._lay_out(title, "What a customer under this policy owes for paying late. "
                             "Stages of a follow-up policy put the charges on the account.",
                      form)
        self._fill(draft)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def regime(self) -> str:
        """The regime chosen."""
        return str(self.regime_combo.currentData())

    def draft(self) -> CreditPolicyDraft:
        """The policy as it is in the fields now (LedgerError if the rate is not a number)."""
        return CreditPolicyDraft(
            self.name_edit.text(), self.regime(),
            parse_percent(self.rate_edit.text(), "rate_percent"), self.grace_spin.value(),
            self.compensation_check.isChecked(), LoyaltyWaiver(self.loyalty_combo.currentData()))

    def _take_input(self) -> None:
        self.accepted_draft = check_credit_policy(self.draft())

    def _fill(self, draft: CreditPolicyDraft | None) -> None:
        if draft is not None:
            self.name_edit.setText(draft.name)
            self.regime_combo.setCurrentIndex(max(self.regime_combo.findData(draft.regime), 0))
            if draft.rate_percent is not None:
                self.rate_edit.setText(percent_text(draft.rate_percent))
            self.grace_spin.setValue(draft.grace_days)
            self.compensation_check.setChecked(draft.fixed_compensation)
            self.loyalty_combo.setCurrentIndex(
                max(self.loyalty_combo.findData(draft.loyalty_waiver), 0))
        self._on_regime_combo_changed()

    def _on_regime_combo_changed(self, *_args: object) -> None:
        regime = self.regime()
        contractual, statutory = regime in CONTRACTUAL, regime in STATUTORY
        for widget in (self.rate_edit, self.grace_spin):
            widget.setEnabled(contractual)
        self.compensation_check.setEnabled(statutory)
        self.per_label.setText("% a month" if regime == "contractual_monthly" else "% a year")
        self.rule_label.setText(REGIME_RULES[regime])
        for field in ("regime", "rate_percent", "grace_days"):
            self._errors.clear(field)
