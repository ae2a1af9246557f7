"""Add or change a bank account: its currency, how customers pay into it, and the codes
or words they need."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from models.bank_accounts import (
    ANY_CURRENCY,
    MAX_NAME_CHARS,
    BankAccountDraft,
    check_bank_account,
)
from models.errors import FieldProblems, LedgerError
from models.kinds import BankKind
from models.money import COMMON_CURRENCIES
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import hint, settings_form

ANY_CURRENCY_TEXT = "Any other currency"
_KINDS = (BankKind.IBAN, BankKind.UK, BankKind.US, BankKind.TEXT)


class BankAccountDialog(LedgerDialog):
    """One bank account as customers will read it; each objection at its field."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[BankAccountDraft | None], None], *,
            draft: BankAccountDraft | None = None, editing: bool = False,
            error: LedgerError | None = None) -> BankAccountDialog:
        """Open the dialog; ``done`` later receives the account, or None if cancelled."""
        dialog = cls(parent, draft=draft, editing=editing)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *,
                 draft: BankAccountDraft | None = None, editing: bool = False) -> None:
        super().__init__(parent)
        title = "Edit bank account" if editing else "Add bank account"
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.accepted_draft: BankAccountDraft | None = None

        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency_combo.addItem(ANY_CURRENCY_TEXT)
        self.currency_combo.addItems(COMMON_CURRENCIES)
        self.currency_combo.setMinimumContentsLength(18)
        self.currency_combo.setAccessibleName("Currency")
        self.currency_combo.lineEdit().textEdited.connect(
            lambda _text: self._errors.clear("currency"))
        self.kind_combo = QComboBox()
        for kind in _KINDS:
            self.kind_combo.addItem(kind.word, str(kind))
        self.kind_combo.setAccessibleName("Kind of account")
        self.label_edit = self._line("label", "e.g. Barclays Bank, Bristol")
        self.holder_edit = self._line("holder", "e.g. Harbour & Finch Ltd")

        self.iban_edit = self._line("iban", "e.g. GB29 NWBK 6016 1331 9268 19", 42)
        self.bic_edit = self._line("bic", "e.g. NWBKGB2L (optional)", 14)
        self.sort_code_edit = self._line("sort_code", "e.g. 20-00-00", 10)
        self.uk_account_edit = self._line("account_number", "e.g. 12345678", 12)
        self.routing_edit = self._line("routing_number", "e.g. 021000021", 12)
        self.us_account_edit = self._line("us_account_number", "4 to 17 digits", 20)
        self.details_edit = QPlainTextEdit()
        self.details_edit.setTabChangesFocus(True)
        self.details_edit.setPlaceholderText("e.g. PayPal: accounts@harbourfinch.example")
        self.details_edit.setFixedHeight(self.details_edit.fontMetrics().lineSpacing() * 4 + 14)
        self.details_edit.textChanged.connect(lambda: self._errors.clear("details"))

        form = settings_form()
        self._form = form
        form.addRow("&Currency:", self._errors.wrap("currency", self.currency_combo,
                                                    stretch=True))
        form.addRow("", hint("A document shows the account for its currency, else the one "
                             "for any other currency."))
        form.addRow("&Kind:", self._errors.wrap("kind", self.kind_combo, stretch=True))
        form.addRow("B&ank:", self._errors.wrap("label", self.label_edit))
        form.addRow("Account &holder:", self._errors.wrap("holder", self.holder_edit))
        # Each kind's rows, in the order of the kind box; only the chosen kind's show.
        self._kind_rows: list[list[QWidget]] = [
            self._rows(("&IBAN:", "iban", self.iban_edit), ("&BIC:", "bic", self.bic_edit)),
            self._rows(("&Sort code:", "sort_code", self.sort_code_edit),
                       ("Account &number:", "account_number", self.uk_account_edit)),
            self._rows(("&Routing number:", "routing_number", self.routing_edit),
                       ("Account &number:", "us_account_number", self.us_account_edit)),
            self._rows(("&Details:", "details", self.details_edit)),
        ]
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)

        self.save_button = self._buttons("Save Changes" if editing else "Add Account")
        self._lay_out(title, "Where customers pay you in one currency, as it prints under "
                             "“How to pay” on statements and in letters.", form)
        self._fill(draft)
        self.currency_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def draft(self) -> BankAccountDraft:
        """The account as it is in the fields now."""
        currency = self.currency_combo.currentText().strip()
        kind = str(self.kind_combo.currentData())
        account = (self.us_account_edit if kind == BankKind.US else self.uk_account_edit).text()
        return BankAccountDraft(
            currency=ANY_CURRENCY if currency in ("", ANY_CURRENCY_TEXT) else currency,
            kind=kind, label=self.label_edit.text(), holder=self.holder_edit.text(),
            iban=self.iban_edit.text(), bic=self.bic_edit.text(),
            sort_code=self.sort_code_edit.text(), account_number=account,
            routing_number=self.routing_edit.text(), details=self.details_edit.toPlainText())

    def show_error(self, error: LedgerError) -> None:
        """Show ``error`` under its field: a US account number's under the US one."""
        if self.kind_combo.currentData() == BankKind.US:
            problems = error.problems if isinstance(error, FieldProblems) else [
                (error.field, error.message)]
            error = FieldProblems([("us_account_number" if field == "account_number"
                                    else field, message) for field, message in problems])
        super().show_error(error)

    def _take_input(self) -> None:
        self.accepted_draft = check_bank_account(self.draft())

    def _fill(self, draft: BankAccountDraft | None) -> None:
        if draft is not None:
            self.currency_combo.setCurrentText(draft.currency or ANY_CURRENCY_TEXT)
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(draft.kind), 0))
            for edit, value in ((self.label_edit, draft.label), (self.holder_edit, draft.holder),
                                (self.iban_edit, draft.iban), (self.bic_edit, draft.bic),
                                (self.sort_code_edit, draft.sort_code),
                                (self.routing_edit, draft.routing_number)):
                edit.setText(value)
            account = (self.us_account_edit if draft.kind == BankKind.US
                       else self.uk_account_edit)
            account.setText(draft.account_number)
            self.details_edit.setPlainText(draft.details)
        self._on_kind_combo_changed(self.kind_combo.currentIndex())

    def _line(self, field: str, placeholder: str, length: int = 0) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(MAX_NAME_CHARS)
        if length:
            edit.setMaxLength(length)
            edit.setValidator(QRegularExpressionValidator(
                QRegularExpression(r"[A-Za-z0-9 \-.]*"), edit))
        edit.textEdited.connect(lambda _text: self._errors.clear(field))
        return edit

    def _rows(self, *rows: tuple[str, str, QWidget]) -> list[QWidget]:
        """Add a kind's rows to the form; their fields, to show and hide together."""
        wrapped = []
        for label, field, widget in rows:
            wrapped.append(self._errors.wrap(field, widget))
            self._form.addRow(label, wrapped[-1])
        return wrapped

    def _on_kind_combo_changed(self, index: int) -> None:
        for position, rows in enumerate(self._kind_rows):
            for row in rows:
                self._form.setRowVisible(row, position == max(index, 0))
        for field in ("iban", "bic", "sort_code", "account_number", "routing_number",
                      "us_account_number", "details"):
            self._errors.clear(field)
