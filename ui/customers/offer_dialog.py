"""Make an offer to a customer: a settlement (pay part by a date and the rest is waived)
or a loyalty incentive (pay in full by a date and the fee or interest is waived).

What the offer would say is worked out by ``models.offers.offer_preview`` as the user
edits (a few queries on one account, so on the GUI thread, as the plan dialog does):
whatever it refuses is said under the field it concerns and Make Offer stays off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.customer_account import InvoiceRow
from models.errors import LedgerError
from models.kinds import OfferKind
from models.ledger import parse_amount
from models.offers import OfferPreview, offer_preview
from models.policies import parse_percent
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import settings_form
from ui.common.style import ACCENT, ERROR
from ui.customers.offer_models import OfferInvoicesModel

KINDS = (
    (OfferKind.SETTLEMENT, "Settlement: pay part by a date and the rest is waived"),
    (OfferKind.LOYALTY, "Loyalty: pay in full by a date and the fee or interest is waived"),
)
PERCENT, AMOUNT = range(2)
DEFAULT_DAYS = 14  # a fortnight to pay: long enough to arrange, short enough to matter
DEFAULT_PERCENT = "80"
_FIELDS = frozenset(("kind", "invoices", "pay_by", "pay", "notes"))


@dataclass(frozen=True)
class OfferChoice:
    """The offer as the user made it: what ``models.offers.make_offer`` takes."""

    kind: OfferKind
    invoice_ids: tuple[int, ...]
    pay_by: dt.date
    percent: Decimal | None
    pay_minor: int | None
    notes: str


class OfferDialog(LedgerDialog):
    """The offer set up field by field, what it would say shown under it as it changes."""

    previewed = Signal()
    """The offer was worked out again (or refused) after an edit."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[OfferChoice | None], None], *,
            customer_id: int, customer_name: str, currency: str,
            invoices: Sequence[InvoiceRow], today: dt.date,
            error: LedgerError | None = None) -> OfferDialog:
        """Open the dialog; ``done`` later receives the offer made, or None."""
        dialog = cls(parent, customer_id=customer_id, customer_name=customer_name,
                     currency=currency, invoices=invoices, today=today)
        dialog.open_for(done, lambda: dialog.choice, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, customer_id: int,
                 customer_name: str, currency: str, invoices: Sequence[InvoiceRow],
                 today: dt.date) -> None:
        super().__init__(parent)
        self.customer_id = customer_id
        self.currency = currency
        self.today = today
        self.choice: OfferChoice | None = None
        self.preview: OfferPreview | None = None
        self.refusal: LedgerError | None = None
        self.setWindowTitle("Make an Offer")
        self.setMinimumWidth(620)
        self._build(currency, invoices, today)
        self.save_button = self._buttons("&Make Offer")
        self._lay_out("Make an Offer", f"To {customer_name}: what they pay by a date, and "
                                       f"what is waived if they do.", self._form())
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 2, self.preview_label)
        self.invoices.tick_overdue()
        self.invoices.checked_changed.connect(self.refresh)
        self.refresh()

    # --- what the user set up -------------------------------------------------------

    def kind(self) -> OfferKind:
        """The kind of offer chosen."""
        return OfferKind(self.kind_combo.currentData())

    def set_kind(self, kind: OfferKind) -> None:
        """Choose the kind of offer."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def preview_text(self) -> str:
        """The line under the form: the offer in a sentence, or why it cannot be made."""
        return self.preview_label.text()

    def refresh(self) -> None:
        """Work the offer out again from what is set up, and say what is wrong."""
        self._errors.clear_all()
        try:
            choice = self._read()
            self.preview = offer_preview(
                self.customer_id, choice.kind, choice.invoice_ids, pay_by=choice.pay_by,
                as_of=self.today, percent=choice.percent, pay_minor=choice.pay_minor)
            self.refusal = None
        except LedgerError as error:
            self.preview, self.refusal = None, error
        self._show_preview()
        self.previewed.emit()

    # --- building -----------------------------------------------------------------

    def _build(self, currency: str, invoices: Sequence[InvoiceRow], today: dt.date) -> None:
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("offerKind")
        for kind, words in KINDS:
            self.kind_combo.addItem(words, kind)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)

        self.invoices = OfferInvoicesModel(invoices, today, self)
        table = self.invoices_table = QTableView()
        table.setObjectName("offerInvoices")
        table.setAccessibleName("Invoices the offer is about")
        table.setModel(self.invoices)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        rows = max(2, min(len(invoices), 6))
        table.setFixedHeight(header.sizeHint().height()
                             + rows * table.verticalHeader().defaultSectionSize() + 4)

        self.pay_by_edit = self._date_edit(today + dt.timedelta(days=DEFAULT_DAYS),
                                           self._on_edited)
        self.pay_by_edit.setObjectName("offerPayBy")

        self.share_edit = QLineEdit(DEFAULT_PERCENT)
        self.share_edit.setObjectName("offerShare")
        self.share_edit.setMaximumWidth(140)
        self.share_edit.textEdited.connect(self._on_edited)
        self.share_unit = QComboBox()
        self.share_unit.setObjectName("offerShareUnit")
        self.share_unit.addItems(["% of what is owed", currency])
        self.share_unit.currentIndexChanged.connect(self._on_share_unit_changed)
        self.share_row = QWidget()
        share = QHBoxLayout(self.share_row)
        share.setContentsMargins(0, 0, 0, 0)
        share.addWidget(self.share_edit)
        share.addWidget(self.share_unit)
        share.addStretch(1)

        self.notes_edit = QLineEdit()
        self.notes_edit.setObjectName("offerNotes")
        self.notes_edit.setPlaceholderText("How it was offered, anything to remember")
        self.notes_edit.setMaxLength(2000)

        self.preview_label = QLabel()
        self.preview_label.setObjectName("offerPreview")
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_label.setWordWrap(True)
        self.preview_label.setMinimumHeight(self.preview_label.fontMetrics().lineSpacing() * 2)

    def _form(self) -> QVBoxLayout:
        errors = self._errors
        form = self.form = settings_form()
        form.addRow("&Offer:", errors.wrap("kind", self.kind_combo))
        invoices_label = QLabel("&Invoices:")
        invoices_label.setBuddy(self.invoices_table)
        form.addRow(invoices_label, errors.wrap("invoices", self.invoices_table))
        pay_by_label = QLabel("Pay &by:")
        pay_by_label.setBuddy(self.pay_by_edit)
        form.addRow(pay_by_label, errors.wrap("pay_by", self.pay_by_edit, stretch=True))
        self.share_label = QLabel("&Pay:")
        self.share_label.setBuddy(self.share_edit)
        form.addRow(self.share_label, errors.wrap("pay", self.share_row,
                                                  focus=self.share_edit))
        notes_label = QLabel("&Notes:")
        notes_label.setBuddy(self.notes_edit)
        form.addRow(notes_label, errors.wrap("notes", self.notes_edit))
        column = QVBoxLayout()
        column.addLayout(form)
        return column

    # --- reading the form -------------------------------------------------------------

    def _read(self) -> OfferChoice:
        kind = self.kind()
        pay_by = self._pay_by()
        percent: Decimal | None = None
        pay_minor: int | None = None
        if kind == OfferKind.SETTLEMENT:
            text = self.share_edit.text().strip()
            if not text:
                raise LedgerError("pay", "Say what the customer pays: a share in percent, "
                                         "or an amount.")
            if self.share_unit.currentIndex() == PERCENT:
                percent = parse_percent(text, "pay")
            else:
                pay_minor = parse_amount(text, self.currency, "pay")
        return OfferChoice(kind, self.invoices.ticked_ids(), pay_by, percent, pay_minor,
                           self.notes_edit.text().strip())

    def _pay_by(self) -> dt.date:
        text = self.pay_by_edit.text().strip()
        day = self.pay_by_edit.date()
        if day is None:
            raise LedgerError("pay_by", f"“{text}” is not a day: write it as YYYY-MM-DD or "
                                        f"2 Jan 2027." if text else "Give the day to pay by.")
        return day

    def _take_input(self) -> None:
        self.refresh()
        if self.refusal is not None:
            raise self.refusal
        self.choice = self._read()

    # --- showing the offer --------------------------------------------------------------

    def _show_preview(self) -> None:
        preview, refusal = self.preview, self.refusal
        if preview is not None:
            self.preview_label.setText(preview.summary)
            self.preview_label.setStyleSheet(f"color: {ACCENT};")
        else:
            # The refusal is said once: at its field, or on this line if it has none.
            at_field = refusal is not None and refusal.field in _FIELDS
            self.preview_label.setText(refusal.message if refusal is not None and not at_field
                                       else "")
            self.preview_label.setStyleSheet(f"color: {ERROR};")
            if refusal is not None and at_field:
                self._errors.show_refusal(refusal, focus=False)
        self.save_button.setEnabled(preview is not None)

    # --- slots ------------------------------------------------------------------------------

    def _on_edited(self, *_args: object) -> None:
        self.refresh()

    def _on_kind_combo_changed(self, _index: int) -> None:
        self.form.setRowVisible(self.share_label, self.kind() == OfferKind.SETTLEMENT)
        self.refresh()

    def _on_share_unit_changed(self, _index: int) -> None:
        self.share_edit.clear()
        self.share_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.refresh()
