"""Add or edit a customer: who they are, where to write, and how they are billed and chased."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.company import COUNTRIES
from models.kinds import LegalForm
from models.ledger import Choice, CustomerDraft, LedgerError, PickLists
from models.money import COMMON_CURRENCIES
from ui.common.ledger_dialog import LedgerDialog

# Languages letters and e-mails are most often written in; any code is kept.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"), ("de", "German"), ("fr", "French"), ("nl", "Dutch"),
    ("es", "Spanish"), ("it", "Italian"), ("pt", "Portuguese"), ("pl", "Polish"),
    ("no", "Norwegian"), ("sv", "Swedish"), ("da", "Danish"), ("fi", "Finnish"),
    ("cs", "Czech"), ("el", "Greek"), ("bg", "Bulgarian"),
)
_DEFAULT = "Business default"


@dataclass(frozen=True)
class CustomerEntry:
    """The customer's details as entered, and how often to check in (None: never)."""

    draft: CustomerDraft
    check_in_days: int | None


class CustomerDialog(LedgerDialog):
    """A customer's details, terms and follow-up policy; errors shown at their field."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[CustomerEntry | None], None], *,
            choices: PickLists, draft: CustomerDraft | None = None, editing: bool = False,
            country: str = "GB", currency: str = "GBP", check_in_days: int | None = None,
            error: LedgerError | None = None,
            reload: Callable[[], None] | None = None) -> CustomerDialog:
        """Open the dialog; ``done`` later receives the details, or None if cancelled.

        ``editing`` changes the customer shown in ``draft``; a new customer
        starts in the business's ``country`` and ``currency``. ``error`` is
        the ledger's objection, shown at its field. ``reload`` (after a save refused
        because someone else saved the customer meanwhile) is offered as a Reload button.
        """
        dialog = cls(parent, choices=choices, draft=draft, editing=editing, country=country,
                     currency=currency, check_in_days=check_in_days)
        if reload is not None:
            dialog.offer_reload(reload)
        dialog.open_for(done, lambda: dialog.accepted_entry, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, choices: PickLists,
                 draft: CustomerDraft | None = None, editing: bool = False,
                 country: str = "GB", currency: str = "GBP",
                 check_in_days: int | None = None) -> None:
        super().__init__(parent)
        title = "Edit Customer" if editing else "Add Customer"
        self.setWindowTitle(title)
        self.setMinimumWidth(820)
        self.accepted_draft: CustomerDraft | None = None
        self.accepted_entry: CustomerEntry | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Fenwick Catering Ltd")
        self.name_edit.setMaxLength(200)
        self.name_edit.textEdited.connect(lambda _text: self._errors.clear("name"))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("Given by Duly if left empty")
        self.code_edit.setMaxLength(32)
        self.code_edit.textEdited.connect(lambda _text: self._errors.clear("code"))
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText("Who pays the invoices")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("accounts@example.com")
        self.email_edit.textEdited.connect(lambda _text: self._errors.clear("billing_email"))
        self.phone_edit = QLineEdit()
        self.tax_number_edit = QLineEdit()
        self.tax_number_edit.setPlaceholderText("Or other tax registration number")
        self.tax_number_edit.setMaxLength(40)
        self.address_edit = QPlainTextEdit()
        self.address_edit.setPlaceholderText("Street\nTown and postcode")
        self.address_edit.setTabChangesFocus(True)
        line = self.address_edit.fontMetrics().lineSpacing()
        self.address_edit.setFixedHeight(line * 4 + 14)

        self.country_combo = QComboBox()
        self.country_combo.addItem("Not set", "")
        for code, name in COUNTRIES:
            self.country_combo.addItem(name, code)
        self.country_combo.currentIndexChanged.connect(
            lambda _index: self._errors.clear("country"))
        self.legal_form_combo = QComboBox()
        self.legal_form_combo.setObjectName("legalForm")
        self.legal_form_combo.setToolTip("Which letter goes before a claim to court depends "
                                         "on it (Collections › Claims)")
        for form in LegalForm:
            self.legal_form_combo.addItem(form.word, str(form))
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)

        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency_combo.addItems(COMMON_CURRENCIES)
        self.currency_combo.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self))
        self.currency_combo.setMinimumContentsLength(6)
        currency_edit = self.currency_combo.lineEdit()
        assert currency_edit is not None  # the combo is editable
        currency_edit.textEdited.connect(lambda _text: self._errors.clear("currency"))
        self.terms_combo = _choice_combo(choices.payment_terms)
        self.credit_combo = _choice_combo(choices.credit_policies)
        self.followup_combo = _choice_combo(choices.followup_policies)
        self.check_in_edit = QLineEdit("" if check_in_days is None else str(check_in_days))
        self.check_in_edit.setObjectName("checkInDays")
        self.check_in_edit.setPlaceholderText("never")
        self.check_in_edit.setMaximumWidth(90)
        self.check_in_edit.setToolTip("Duly reminds you on Today to get in touch, paid up "
                                      "or not; leave it blank for never")
        self.check_in_edit.textEdited.connect(lambda _text: self._errors.clear("check_in_days"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText("Anything worth knowing before you call")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(line * 6 + 14)

        who = QFormLayout()
        who.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        who.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        who.setVerticalSpacing(10)
        who.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        who.addRow("Account &code:", self._errors.wrap("code", self.code_edit))
        who.addRow("Con&tact:", self._errors.wrap("contact_name", self.contact_edit))
        who.addRow("&E-mail:", self._errors.wrap("billing_email", self.email_edit,
                                                 aliases=("email",)))
        who.addRow("&Phone:", self._errors.wrap("phone", self.phone_edit))
        who.addRow("&VAT number:", self._errors.wrap("tax_number", self.tax_number_edit))
        who.addRow("&Address:", self._errors.wrap("address", self.address_edit))
        who.addRow("C&ountry:", self._errors.wrap("country", self.country_combo))
        who.addRow("Le&gal form:", self._errors.wrap("legal_form", self.legal_form_combo))

        how = QFormLayout()
        how.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        how.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        how.setVerticalSpacing(10)
        how.addRow("&Language:", self._errors.wrap("language", self.language_combo))
        how.addRow("C&urrency:", self._errors.wrap("currency", self.currency_combo,
                                                  stretch=True))
        how.addRow("Pa&yment terms:", self._errors.wrap(
            "payment_terms_id", self.terms_combo, aliases=("payment_terms",)))
        how.addRow("Late c&harges:", self._errors.wrap(
            "credit_policy_id", self.credit_combo, aliases=("credit_policy",)))
        how.addRow("&Follow-up:", self._errors.wrap(
            "followup_policy_id", self.followup_combo, aliases=("followup_policy",)))
        check_in = QWidget()
        check_in_row = QHBoxLayout(check_in)
        check_in_row.setContentsMargins(0, 0, 0, 0)
        check_in_row.addWidget(self.check_in_edit)
        check_in_row.addWidget(QLabel("days"))
        check_in_row.addStretch(1)
        check_in_label = QLabel("Check &in every:")
        check_in_label.setBuddy(self.check_in_edit)
        how.addRow(check_in_label, self._errors.wrap("check_in_days", check_in,
                                                     focus=self.check_in_edit))
        how.addRow("Note&s:", self._errors.wrap("notes", self.notes_edit))

        columns = QHBoxLayout()
        columns.setSpacing(28)
        for form in (who, how):
            column = QVBoxLayout()
            column.addLayout(form)
            column.addStretch(1)
            columns.addLayout(column, 1)

        self.save_button = self._buttons("Save Changes" if editing else "Add Customer")

        self._lay_out(title, "Who they are, where reminders go, and how Duly bills and "
                             "chases them.", columns)

        self._fill(draft or CustomerDraft(code="", name="", currency=currency,
                                          country=country))
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def draft(self) -> CustomerDraft:
        """The details as they are in the fields now."""
        return CustomerDraft(
            code=self.code_edit.text().strip(), name=self.name_edit.text().strip(),
            currency=self.currency_combo.currentText().strip().upper(),
            contact_name=self.contact_edit.text().strip(),
            billing_email=self.email_edit.text().strip(), phone=self.phone_edit.text().strip(),
            tax_number=self.tax_number_edit.text().strip(),
            address=self.address_edit.toPlainText().strip(),
            country=str(self.country_combo.currentData() or ""),
            language=str(self.language_combo.currentData() or "en"),
            payment_terms_id=self.terms_combo.currentData(),
            credit_policy_id=self.credit_combo.currentData(),
            followup_policy_id=self.followup_combo.currentData(),
            notes=self.notes_edit.toPlainText().strip(),
            legal_form=str(self.legal_form_combo.currentData() or ""))

    def _take_input(self) -> None:
        draft = self.draft()
        if not draft.name:
            raise LedgerError("name", "Enter the customer's name.")
        if len(draft.currency) != 3:
            raise LedgerError("currency", "Choose the currency as a three-letter code, e.g. EUR.")
        text = self.check_in_edit.text().strip()
        days: int | None = None
        if text:
            try:
                days = int(text)
            except ValueError:
                raise LedgerError("check_in_days", "Write how many days, e.g. 90, or leave it "
                                                   "blank for never.") from None
        self.accepted_draft = draft
        self.accepted_entry = CustomerEntry(draft, days)

    def _fill(self, draft: CustomerDraft) -> None:
        self.name_edit.setText(draft.name)
        self.code_edit.setText(draft.code)
        self.contact_edit.setText(draft.contact_name)
        self.email_edit.setText(draft.billing_email)
        self.phone_edit.setText(draft.phone)
        self.tax_number_edit.setText(draft.tax_number)
        self.address_edit.setPlainText(draft.address)
        _select(self.country_combo, draft.country, draft.country)
        _select(self.language_combo, draft.language, draft.language)
        _select(self.legal_form_combo, draft.legal_form, None)
        self.currency_combo.setCurrentText(draft.currency)
        _select(self.terms_combo, draft.payment_terms_id, None)
        _select(self.credit_combo, draft.credit_policy_id, None)
        _select(self.followup_combo, draft.followup_policy_id, None)
        self.notes_edit.setPlainText(draft.notes)


def _choice_combo(choices: tuple[Choice, ...]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(_DEFAULT, None)
    for choice in choices:
        combo.addItem(choice.name, choice.id)
    return combo


def _select(combo: QComboBox, value: object, label: str | None) -> None:
    """Choose the item holding ``value``; an unknown value is added as ``label`` if given."""
    if value is None or value == "":
        combo.setCurrentIndex(0)
        return
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            combo.setCurrentIndex(index)
            return
    if label is not None:
        combo.addItem(label, value)
        combo.setCurrentIndex(combo.count() - 1)
