"""Add or change a follow-up policy: its name, what it is for, and the smallest balance
it chases."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from models.errors import LedgerError
from models.ledger import parse_amount
from models.policies import FollowUpPolicyDraft, check_follow_up_policy
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.settings_form import inline, settings_form


class FollowUpPolicyDialog(LedgerDialog):
    """A follow-up policy's name, description and minimum balance (stages are added in
    the Settings area once the policy exists)."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[FollowUpPolicyDraft | None], None], *,
            currency: str, draft: FollowUpPolicyDraft | None = None, editing: bool = False,
            error: LedgerError | None = None) -> FollowUpPolicyDialog:
        """Open the dialog; ``done`` later receives the policy, or None if cancelled."""
        dialog = cls(parent, currency=currency, draft=draft, editing=editing)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, currency: str,
                 draft: FollowUpPolicyDraft | None = None, editing: bool = False) -> None:
        super().__init__(parent)
        title = "Edit follow-up policy" if editing else "Add follow-up policy"
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.accepted_draft: FollowUpPolicyDraft | None = None
        self._currency = currency

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Gentle")
        self.name_edit.setMaxLength(80)
        self.name_edit.textEdited.connect(lambda _text: self._errors.clear("name"))
        self.description_edit = QLineEdit()
        self.description_edit.setPlaceholderText("e.g. For customers who pay and only need "
                                                 "a nudge")
        self.minimum_edit = QLineEdit()
        self.minimum_edit.setPlaceholderText("0.00")
        self.minimum_edit.setAccessibleName("Minimum balance")
        self.minimum_edit.setMaximumWidth(140)
        self.minimum_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.minimum_edit.textEdited.connect(
            lambda _text: self._errors.clear("min_balance_minor"))

        form = settings_form()
        form.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        form.addRow("&Description:", self._errors.wrap("description", self.description_edit))
        form.addRow("&Minimum balance:", self._errors.wrap(
            "min_balance_minor", inline(self.minimum_edit, currency, "— smaller balances "
                                                                     "are not chased"),
            focus=self.minimum_edit))

        self.save_button = self._buttons("Save Changes" if editing else "Add Policy")
        self._lay_out(title, "A way of chasing payment. Give customers the policy that fits "
                             "them; its stages say what happens when.", form)
        if draft is not None:
            self.name_edit.setText(draft.name)
            self.description_edit.setText(draft.description)
            if draft.min_balance_minor:
                self.minimum_edit.setText(amount_text(draft.min_balance_minor, currency))
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        text = self.minimum_edit.text().strip()
        minimum = parse_amount(text, self._currency, "min_balance_minor") if text else 0
        self.accepted_draft = check_follow_up_policy(FollowUpPolicyDraft(
            self.name_edit.text(), self.description_edit.text(), minimum))
