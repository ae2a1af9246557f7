"""An agency of the directory, added or edited: whom to call, what it charges (a
percentage and a minimum, other fees), what it is good at, the business's notes and
rating. The rules are ``models.agencies``'; objections come back at their field."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from models.agencies import MAX_RATING, AgencyDraft, AgencyRow
from models.errors import LedgerError
from models.ledger import parse_amount
from ui.common.ledger_dialog import LedgerDialog, amount_text


class AgencyDialog(LedgerDialog):
    """One agency's details; OK keeps them as an :class:`AgencyDraft`."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[AgencyDraft | None], None], *,
            agency: AgencyRow | None = None, currency: str = "",
            error: LedgerError | None = None, draft: AgencyDraft | None = None
            ) -> AgencyDialog:
        """Open the dialog (``agency`` to edit one, else to add one); ``done`` later
        receives the draft, or None if cancelled. ``draft`` re-opens it as typed."""
        dialog = cls(parent, agency=agency, currency=currency, draft=draft)
        dialog.open_for(done, lambda: dialog.draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, agency: AgencyRow | None = None,
                 currency: str = "", draft: AgencyDraft | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agencyDialog")
        self.setWindowTitle("Edit Agency" if agency is not None else "Add Agency")
        self.setMinimumWidth(520)
        self.draft: AgencyDraft | None = None
        shown = draft or (_draft_of(agency) if agency is not None else
                          AgencyDraft(name="", currency=currency))
        self.name_edit = self._line("agencyName", shown.name, "name")
        self.contact_edit = self._line("agencyContact", shown.contact_name, "contact_name")
        self.email_edit = self._line("agencyEmail", shown.email, "email")
        self.phone_edit = self._line("agencyPhone", shown.phone, "phone")
        self.address_edit = self._text("agencyAddress", shown.address, "address")
        percent = shown.commission_percent
        self.percent_edit = self._line("agencyPercent",
                                       f"{percent.normalize():f}" if percent is not None else "",
                                       "commission_percent")
        self.percent_edit.setPlaceholderText("e.g. 15")
        self.currency_edit = self._line("agencyCurrency", shown.currency, "currency")
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setPlaceholderText("GBP")
        minimum = shown.commission_min_minor
        self.minimum_edit = self._line(
            "agencyMinimum", amount_text(minimum, shown.currency or "GBP")
            if minimum is not None else "", "commission_min_minor")
        self.minimum_edit.setPlaceholderText("e.g. 50.00")
        self.fees_edit = self._text("agencyFees", shown.fees, "fees")
        self.strengths_edit = self._text("agencyStrengths", shown.strengths, "strengths")
        self.notes_edit = self._text("agencyNotes", shown.notes, "notes")
        self.rating_combo = QComboBox()
        self.rating_combo.setObjectName("agencyRating")
        self.rating_combo.setAccessibleName("Rating")
        self.rating_combo.addItem("Unrated", None)
        for stars in range(1, MAX_RATING + 1):
            self.rating_combo.addItem("★" * stars + "☆" * (MAX_RATING - stars), stars)
        self.rating_combo.setCurrentIndex(shown.rating or 0)

        form = QFormLayout()
        form.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        form.addRow("&Contact:", self._errors.wrap("contact_name", self.contact_edit))
        form.addRow("&E-mail:", self._errors.wrap("email", self.email_edit))
        form.addRow("&Phone:", self._errors.wrap("phone", self.phone_edit))
        form.addRow("A&ddress:", self._errors.wrap("address", self.address_edit))
        form.addRow("Commission &%:", self._errors.wrap("commission_percent",
                                                        self.percent_edit))
        form.addRow("&Minimum:", self._errors.wrap("commission_min_minor", self.minimum_edit))
        form.addRow("C&urrency:", self._errors.wrap("currency", self.currency_edit))
        form.addRow("Other &fees:", self._errors.wrap("fees", self.fees_edit))
        form.addRow("&Good at:", self._errors.wrap("strengths", self.strengths_edit))
        form.addRow("N&otes:", self._errors.wrap("notes", self.notes_edit))
        form.addRow("&Rating:", self._errors.wrap("rating", self.rating_combo))
        self._buttons("&Save" if agency is not None else "&Add")
        self._lay_out(self.windowTitle(), "Whom the agency is, what it charges and what it "
                                          "does well; your notes and rating are for you "
                                          "alone (how it treats your customers matters).",
                      form)

    def _line(self, name: str, text: str, field: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.textEdited.connect(lambda _t: self._errors.clear(field))
        return edit

    def _text(self, name: str, text: str, field: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(text)
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(46)
        edit.textChanged.connect(lambda: self._errors.clear(field))
        return edit

    def _take_input(self) -> None:
        currency = self.currency_edit.text().strip().upper()
        percent_text = self.percent_edit.text().strip().rstrip("%").strip()
        try:
            percent = Decimal(percent_text) if percent_text else None
        except InvalidOperation:
            raise LedgerError("commission_percent", "Give the commission as a percentage, "
                                                    "e.g. 15.") from None
        minimum_text = self.minimum_edit.text().strip()
        minimum = (parse_amount(minimum_text, currency or "GBP", "commission_min_minor")
                   if minimum_text else None)
        self.draft = AgencyDraft(
            name=self.name_edit.text(), contact_name=self.contact_edit.text(),
            email=self.email_edit.text().strip(), phone=self.phone_edit.text(),
            address=self.address_edit.toPlainText(), commission_percent=percent,
            commission_min_minor=minimum, currency=currency,
            fees=self.fees_edit.toPlainText(), strengths=self.strengths_edit.toPlainText(),
            notes=self.notes_edit.toPlainText(), rating=self.rating_combo.currentData())

    def _declined(self) -> None:
        self.draft = None


def _draft_of(row: AgencyRow) -> AgencyDraft:
    return AgencyDraft(name=row.name, contact_name=row.contact_name, email=row.email,
                       phone=row.phone, address=row.address,
                       commission_percent=row.commission_percent,
                       commission_min_minor=row.commission_min_minor, currency=row.currency,
                       fees=row.fees, strengths=row.strengths, notes=row.notes,
                       rating=row.rating)
