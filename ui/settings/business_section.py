"""Settings → Your business: the bank accounts customers pay into, one per currency, and
who signs the letters."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models.bank_accounts import (
    ANY_CURRENCY,
    MAX_NAME_CHARS,
    BankAccountDraft,
    BankAccountRow,
    Signatory,
    account_summary,
    currency_words,
    draft_of,
    remove_bank_account,
    save_bank_account,
    save_signatory,
)
from models.changes import Change, changes
from models.errors import LedgerError
from models.policies import PolicySettings
from ui.common.field_errors import FieldErrors
from ui.common.settings_form import hint, settings_form
from ui.common.style import scale_font
from ui.settings.policy_models import BankAccountModel
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import (
    SettingsSection,
    button,
    buttons_row,
    detail_label,
    row_id,
    select_key,
    selected_row,
)

BUSINESS = changes(Change.BUSINESS)


class BusinessSection(SettingsSection):
    """The bank accounts, to add, edit and remove, and the signatory's name and position."""

    guarded = False  # bank accounts and the signatory: the daily work's details

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self.model = BankAccountModel(self)
        self.table = self._table(self.model, "bankAccountsTable", "Bank accounts",
                                 {0: 150, 1: 200})
        self.table.activated.connect(self._on_edit_button_clicked)
        self.add_button = button("&Add Account…", self._on_add_button_clicked,
                                 "Add a bank account for a currency")
        self.edit_button = button("&Edit…", self._on_edit_button_clicked,
                                  "Change the account selected (Enter)")
        self.remove_button = button("&Remove", self._on_remove_button_clicked,
                                    "Remove the account selected")
        self.accounts_note = detail_label("bankAccountsNote")

        self.signatory_name_edit = QLineEdit()
        self.signatory_name_edit.setObjectName("signatoryName")
        self.signatory_name_edit.setPlaceholderText("e.g. Jane Finch")
        self.signatory_position_edit = QLineEdit()
        self.signatory_position_edit.setObjectName("signatoryPosition")
        self.signatory_position_edit.setPlaceholderText("e.g. Credit Controller (optional)")
        for edit in (self.signatory_name_edit, self.signatory_position_edit):
            edit.setMaxLength(MAX_NAME_CHARS)
            edit.textEdited.connect(self._on_signatory_edited)
        self.save_signatory_button = button("&Save Signatory", self._on_save_signatory_clicked,
                                            "Print this name and position under the "
                                            "signature of every letter")
        self.signatory_errors = FieldErrors(self)  # type: ignore[arg-type]
        self._lay_out()
        self._update_actions()

    def current(self) -> BankAccountRow | None:
        """The bank account selected."""
        return selected_row(self.table, self.model)

    def signatory_error(self, field: str) -> str:
        """The objection shown at a signatory field ("" if none)."""
        return self.signatory_errors.text(field)

    # --- showing -------------------------------------------------------------------

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        kept = wanted.get("accounts", row_id(self.current()))
        self.model.set_rows(settings.bank_accounts)
        select_key(self.table, self.model, kept)
        self._show_signatory(settings.signatory)

    def _show_signatory(self, signatory: Signatory) -> None:
        self.signatory_name_edit.setText(signatory.name)
        self.signatory_position_edit.setText(signatory.position)
        self.signatory_errors.clear_all()

    def _forget(self) -> None:
        self.model.set_rows([])
        self._show_signatory(Signatory(""))

    def _show_details(self) -> None:
        if self._settings is not None and not self._settings.bank_accounts:
            self.accounts_note.setText("No bank account yet: statements and letters leave "
                                       "“How to pay” out.")
        elif self._settings is not None and not any(
                a.currency == ANY_CURRENCY for a in self._settings.bank_accounts):
            self.accounts_note.setText("A document in a currency without an account here "
                                       "leaves “How to pay” out. Add one for any other "
                                       "currency to cover them all.")
        else:
            self.accounts_note.clear()

    def _update_actions(self) -> None:
        ready = self._ready()
        selected = self.current() is not None
        self.add_button.setEnabled(ready)
        self.edit_button.setEnabled(ready and selected)
        self.remove_button.setEnabled(ready and selected)
        self.save_signatory_button.setEnabled(ready and self._signatory_changed())
        for edit in (self.signatory_name_edit, self.signatory_position_edit):
            edit.setEnabled(self._settings is not None)

    def _signatory_changed(self) -> bool:
        if self._settings is None:
            return False
        shown = self._settings.signatory
        return (self.signatory_name_edit.text().strip(),
                self.signatory_position_edit.text().strip()) != (shown.name, shown.position)

    # --- writing -------------------------------------------------------------------

    def _ask(self, account_id: int | None, draft: BankAccountDraft | None,
             error: LedgerError | None = None) -> None:
        from ui.settings.bank_account_dialog import BankAccountDialog

        BankAccountDialog.ask(self, lambda result: self._on_dialog_finished(
            account_id, result), draft=draft, editing=account_id is not None, error=error)

    def _on_dialog_finished(self, account_id: int | None,
                            draft: BankAccountDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_bank_account(account_id, draft),
                    f"Bank account for {currency_words(draft.currency)} saved.",
                    select="accounts", refused=lambda error: self._ask(account_id, draft, error),
                    changed=BUSINESS)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        if self._ready():
            self._ask(None, None)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        row = self.current()
        if row is not None and not self._writing.busy:
            self._ask(row.id, draft_of(row))

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        row = self.current()
        if row is None or self._writing.busy:
            return
        what = currency_words(row.currency)
        self._confirm(f"Remove the bank account for {what}?",
                      f"{account_summary(row)}\n\nDocuments in that currency will show the "
                      f"account for any other currency, if you have one, or no “How to pay”.",
                      "Remove Account",
                      lambda: self._write(lambda: remove_bank_account(row.id),
                                          f"Bank account for {what} removed.",
                                          changed=BUSINESS))

    @Slot(str)
    def _on_signatory_edited(self, _text: str) -> None:
        self.signatory_errors.clear_all()
        self._update_actions()

    @Slot()
    def _on_save_signatory_clicked(self) -> None:
        if not self._ready():
            return
        name = self.signatory_name_edit.text()
        position = self.signatory_position_edit.text()
        signed = " ".join(name.split()) or "no one"
        self._write(lambda: save_signatory(name, position), f"Letters are signed by {signed}.",
                    refused=self.signatory_errors.show_refusal, changed=BUSINESS)

    # --- building ------------------------------------------------------------------

    def _lay_out(self) -> None:
        heading = QLabel("Your business")
        scale_font(heading, 1.2, bold=True)
        intro = hint("Where customers pay you: a statement, letter or e-mail shows the "
                     "account for its currency, else the one for any other currency.")
        signatory_heading = QLabel("Signatory")
        scale_font(signatory_heading, 1.05, bold=True)
        form = settings_form()
        form.addRow("&Name:", self.signatory_errors.wrap("signatory_name",
                                                         self.signatory_name_edit))
        form.addRow("&Position:", self.signatory_errors.wrap("signatory_position",
                                                             self.signatory_position_edit))
        form.addRow("", hint("Printed under the space left for the handwritten signature in "
                             "every letter, and above your business's name in e-mails."))
        form.addRow("", _left(self.save_signatory_button))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(buttons_row([self.add_button, self.edit_button, self.remove_button]))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.accounts_note)
        layout.addSpacing(8)
        layout.addWidget(signatory_heading)
        layout.addLayout(form)
        layout.addWidget(self.signatory_errors.general)


def _left(widget: QPushButton) -> QWidget:
    holder = QWidget()
    row = QVBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
    return holder
