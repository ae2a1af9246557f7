"""One customer's account: who they are, what they owe and how late, every document,
and everything that happened with them."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.accounts import bucket_labels
from models.customer_account import CustomerHeader, InvoiceRow, MoneyInRow
from models.customer_class import Classification
from models.customer_profile import CustomerProfile
from models.followup import FollowUpStatus
from models.kinds import Channel, OfferKind, OfferStatus
from models.money import format_amount, format_money
from models.offers import OfferRow
from models.plans import PlanStanding
from models.timeline import TIMELINE_FILTERS, TimelineEntry
from ui.common.elided_label import ElidedLabel
from ui.common.rows_model import AGENCY, ID_ROLE, RowsModel, format_day
from ui.common.style import ACCENT, ERROR, WARNING, mute, scale_font
from ui.customers.invoices_model import InvoicesModel
from ui.customers.money_in_model import MoneyInModel
from ui.customers.offer_models import OffersModel
from ui.customers.payment_profile_panel import PaymentProfilePanel
from ui.customers.timeline_model import TimelineModel

_CHIP_STYLE = ("QLabel {{ color: {fg}; background: {bg}; border-radius: 9px; "
               "padding: 2px 9px; }}")
_CHIPS = {
    "hold": (ERROR, "rgba(179, 38, 30, 0.12)"),
    "dispute": (WARNING, "rgba(224, 161, 0, 0.18)"),
    "agency": (AGENCY, "rgba(111, 66, 193, 0.14)"),
    "plan": (ACCENT, "rgba(14, 124, 102, 0.14)"),
    "promise": (ACCENT, "rgba(14, 124, 102, 0.14)"),
    "broken": (WARNING, "rgba(224, 161, 0, 0.18)"),
    "offer": (ACCENT, "rgba(14, 124, 102, 0.14)"),
}


def follow_up_words(status: FollowUpStatus) -> tuple[str, bool]:
    """The follow-up line in words, and whether it says something is held back."""
    policy = f"Follow-up ({status.policy_name})" if status.policy_name else "Follow-up"
    parts = []
    for action in status.due:
        count = len(action.invoices)
        parts.append(f"{action.stage.name} ({Channel.word_for(action.stage.channel).lower()}) "
                     f"is due now for {count} invoice{'s' if count != 1 else ''}")
    for account in status.held:
        parts.append(f"{account.stage_name} is held back: {'; '.join(account.reasons)}")
    if status.next_stage and status.next_on is not None:
        parts.append(f"{status.next_stage} next, on {format_day(status.next_on)}")
    if not parts:
        return "", False
    return f"{policy}: " + ". ".join(parts) + ".", bool(status.held)


def _broken_words(count: int) -> str:
    return "1 broken promise" if count == 1 else f"{count} broken promises"


def contact_words(days: int | None) -> str:
    """How long since the customer was last contacted, in words."""
    if days is None:
        return "No contact recorded"
    if days <= 0:
        return "Last contact today"
    if days == 1:
        return "Last contact yesterday"
    return f"Last contact {days} days ago"


NAME_ROOM = 260  # pixels of a long name kept before the actions give way
TIMELINE_TAB = 2
OFFERS_TAB = 3
PROFILE_TAB = 4

class CustomerAccountView(QWidget):
    """The account's header (figures and flags) over tabs of invoices, money received and
    the timeline."""

    selection_changed = Signal()
    """The selected invoice or payment changed (or a tab was switched)."""
    allocate_credit_requested = Signal()
    """The user asked to allocate the unallocated credit."""
    invoice_activated = Signal(int)
    """An invoice was double-clicked or Enter was pressed on it (its id)."""
    note_edit_requested = Signal(int)
    """A contact on the timeline was double-clicked: correct its note (the contact's id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header: CustomerHeader | None = None
        self.plans: tuple[PlanStanding, ...] = ()
        self.offers_shown: tuple[OfferRow, ...] = ()
        self._allocatable = False

        # A long name ends in "…", whole in its tooltip, rather than push the account aside.
        self.name_label = ElidedLabel(tip_when_cut=True)
        self.name_label.setObjectName("customerName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scale_font(self.name_label, 1.5, bold=True)
        self.contact_label = QLabel()
        self.contact_label.setTextFormat(Qt.TextFormat.PlainText)
        self.contact_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact_label.setWordWrap(True)
        mute(self.contact_label)
        # A tool bar, so that in a narrow window the actions that do not fit
        # move into its » menu instead of holding the window wide.
        self.account_bar = QToolBar()
        self.account_bar.setObjectName("accountActions")
        self.account_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.account_bar.setStyleSheet("QToolBar#accountActions { border: none; spacing: 6px; }")
        self.name_label.setMinimumWidth(1)  # until a customer is shown

        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label, 1)
        title_row.addWidget(self.account_bar)

        self._chips = QHBoxLayout()
        self._chips.setSpacing(6)
        self.last_contact_label = QLabel()
        mute(self.last_contact_label)
        self._chips_box = QWidget()
        chips_row = QHBoxLayout(self._chips_box)
        chips_row.setContentsMargins(0, 0, 0, 0)
        chips_row.addLayout(self._chips)
        # The payment plan's actions, beside its flag (the account's bar is full at 1280).
        self.plan_button = QToolButton()
        self.plan_button.setObjectName("planActions")
        self.plan_button.setText("Payment Plan")
        self.plan_button.setToolTip("Agree a payment plan; renegotiate or cancel the active "
                                    "one, or print or e-mail its agreement")
        self.plan_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.plan_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.plan_button.setMenu(QMenu(self.plan_button))
        self.plan_button.hide()
        chips_row.addWidget(self.plan_button)
        # How they pay, in a word; a link to the panel that says why.
        self.class_link = QLabel()
        self.class_link.setObjectName("customerClass")
        self.class_link.setTextFormat(Qt.TextFormat.RichText)
        self.class_link.linkActivated.connect(self._on_class_link_link_activated)
        self.class_link.hide()
        chips_row.addSpacing(8)
        chips_row.addWidget(self.class_link)
        chips_row.addStretch(1)
        self._chips_box.hide()

        self._figures_holder = QVBoxLayout()
        self._figures_holder.setContentsMargins(0, 0, 0, 0)
        self._figures: QWidget | None = None

        self.credit_label = QLabel()
        self.credit_label.setObjectName("unallocatedCredit")
        self.credit_label.setTextFormat(Qt.TextFormat.RichText)
        self.credit_label.linkActivated.connect(self._on_credit_label_link_activated)
        self.credit_label.hide()

        self.follow_up_label = QLabel()
        self.follow_up_label.setObjectName("followUp")
        self.follow_up_label.setTextFormat(Qt.TextFormat.PlainText)
        self.follow_up_label.setWordWrap(True)
        self.follow_up_label.hide()

        self.notice_label = QLabel()
        self.notice_label.setObjectName("notice")
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(
            f"QLabel {{ color: {ACCENT}; background: rgba(14, 124, 102, 0.10); "
            f"border-radius: 4px; padding: 4px 8px; }}")
        self.notice_label.hide()

        header_box = QFrame()
        header_box.setObjectName("accountHeader")
        header_layout = QVBoxLayout(header_box)
        header_layout.setContentsMargins(0, 0, 0, 0)
        header_layout.setSpacing(8)
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact_label, 1)
        contact_row.addWidget(self.last_contact_label)
        title_block = QVBoxLayout()
        title_block.setSpacing(2)
        title_block.addLayout(title_row)
        title_block.addLayout(contact_row)
        header_layout.addLayout(title_block)
        header_layout.addWidget(self._chips_box)
        header_layout.addLayout(self._figures_holder)
        header_layout.addWidget(self.credit_label)
        header_layout.addWidget(self.follow_up_label)
        header_layout.addWidget(self.notice_label)

        self.invoices = InvoicesModel(self)
        self.invoices_table = _table(self.invoices)
        self.invoices_table.setObjectName("invoicesTable")
        self.invoices_table.setAccessibleName("Invoices")
        self.invoices_table.selectionModel().selectionChanged.connect(
            self._on_table_selection_changed)
        self.invoices_table.doubleClicked.connect(self._on_invoices_table_double_clicked)
        self.money_in = MoneyInModel(self)
        self.money_in_table = _table(self.money_in)
        self.money_in_table.setObjectName("moneyInTable")
        self.money_in_table.setAccessibleName("Payments and credit notes")
        self.money_in_table.selectionModel().selectionChanged.connect(
            self._on_table_selection_changed)
        self._invoice_buttons = QHBoxLayout()
        self._money_in_buttons = QHBoxLayout()
        self._build_timeline()
        self.offers = OffersModel(self)
        self.offers_table = _table(self.offers)
        self.offers_table.setObjectName("offersTable")
        self.offers_table.setAccessibleName("Offers")
        self.offers_table.selectionModel().selectionChanged.connect(
            self._on_table_selection_changed)
        self._offer_buttons = QHBoxLayout()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(_tab(self._invoice_buttons, self.invoices_table), "Invoices")
        self.tabs.addTab(_tab(self._money_in_buttons, self.money_in_table),
                         "Payments && credit notes")
        self.tabs.addTab(_tab(self._timeline_buttons, self.timeline_table), "Timeline")
        self.tabs.addTab(_tab(self._offer_buttons, self.offers_table), "Offers")
        self.profile_panel = PaymentProfilePanel()
        self.tabs.addTab(self.profile_panel, "How they pay")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(12)
        layout.addWidget(header_box)
        layout.addWidget(self.tabs, 1)

    # --- what the view shows ------------------------------------------------

    def set_account(self, header: CustomerHeader, invoices: Sequence[InvoiceRow],
                    money_in: Sequence[MoneyInRow]) -> None:
        """Show ``header``'s customer with its invoices and money received.

        The selected invoice and payment stay selected if they are still there.
        """
        same = self.header is not None and self.header.id == header.id
        invoice = self.selected_invoice() if same else None
        payment = self.selected_money_in() if same else None
        self.header = header
        self.name_label.setText(header.name)
        # The name keeps its room (up to a point); the actions give way first.
        self.name_label.setMinimumWidth(min(
            self.name_label.fontMetrics().horizontalAdvance(header.name) + 4, NAME_ROOM))
        self.contact_label.setText(" · ".join(
            part for part in (header.code, header.contact_name, header.billing_email,
                              header.phone,
                              f"VAT {header.tax_number}" if header.tax_number else "")
            if part))
        self._show_chips(header)
        self.last_contact_label.setText(contact_words(header.days_since_contact))
        self.last_contact_label.setToolTip(
            f"On {format_day(header.last_contact_on)}" if header.last_contact_on else "")
        self._show_figures(header)
        self._show_credit(header)
        self.invoices.set_rows(invoices)
        self.money_in.set_rows(money_in)
        self.tabs.setTabText(0, f"Invoices ({len(invoices)})")
        self.tabs.setTabText(1, f"Payments && credit notes ({len(money_in)})")
        for table in (self.invoices_table, self.money_in_table):
            table.resizeColumnsToContents()
        if invoice is not None:
            _select(self.invoices_table, self.invoices, invoice.id)
        if payment is not None:
            _select(self.money_in_table, self.money_in, (payment.kind, payment.id))
        self.selection_changed.emit()

    def set_plans(self, plans: Sequence[PlanStanding]) -> None:
        """Show how the customer's active plans stand, each in a flag with its summary
        ("On plan: 3 of 6 paid, next 250.00 GBP on 15 Jan 2027")."""
        self.plans = tuple(plans)
        if self.header is not None:
            self._show_chips(self.header)

    def set_offers(self, offers: Sequence[OfferRow]) -> None:
        """Show the customer's offers on their tab (the selected one stays), and each open
        one in a flag under the name ("Settlement offer: pay 800.00 GBP by 15 Jan 2027")."""
        offer = self.selected_offer()
        self.offers_shown = tuple(offers)
        self.offers.set_rows(offers)
        self.tabs.setTabText(OFFERS_TAB, f"Offers ({len(offers)})" if offers else "Offers")
        self.offers_table.resizeColumnsToContents()
        if offer is not None:
            _select(self.offers_table, self.offers, offer.id)
        if self.header is not None:
            self._show_chips(self.header)
        self.selection_changed.emit()

    def selected_offer(self) -> OfferRow | None:
        """The offer selected on the Offers tab, if any."""
        row = _selected(self.offers_table, self.offers)
        return row if isinstance(row, OfferRow) else None

    def select_offer(self, offer_id: int) -> bool:
        """Show the Offers tab with ``offer_id`` selected; False if it is not listed."""
        self.tabs.setCurrentIndex(OFFERS_TAB)
        return _select(self.offers_table, self.offers, offer_id)

    def show_profile_reading(self) -> None:
        """Say how the customer pays is being read (a new customer was chosen)."""
        self.profile_panel.show_reading()
        self.class_link.hide()

    def set_payment_profile(self, profile: CustomerProfile, classification: Classification,
                            suggestion: str) -> None:
        """Show how the customer pays: the class beside the flags (a link to the "How they
        pay" tab, the reasons in its tooltip), and the whole profile on that tab."""
        self.profile_panel.set_profile(profile, classification, suggestion)
        word = html.escape(classification.kind.word)
        self.class_link.setText(f"Pays: <a href='profile'>{word}</a>")
        self.class_link.setToolTip("\n".join([f"{classification.kind.word}:",
                                              *(f"• {r}" for r in classification.reasons),
                                              "", "Click for how they pay and why."]))
        self.class_link.show()

    def set_plan_actions(self, agree: QAction, actions: Sequence[QAction]) -> None:
        """The plan's actions, offered from the button beside the flags: ``agree``, then
        the ``actions`` on the active plan."""
        menu = self.plan_button.menu()
        assert menu is not None
        menu.addAction(agree)
        menu.addSeparator()
        menu.addActions(list(actions))

    def set_follow_up(self, status: FollowUpStatus) -> None:
        """Say where the customer stands in follow-up: due, held back (and why), next."""
        text, held = follow_up_words(status)
        self.follow_up_label.setText(text)
        self.follow_up_label.setStyleSheet(f"color: {WARNING};" if held else "")
        self.follow_up_label.setVisible(bool(text))

    def set_actions(self, account: Sequence[QAction], invoice: Sequence[QAction],
                    money_in: Sequence[QAction], timeline: Sequence[QAction] = (),
                    offers: Sequence[QAction] = ()) -> None:
        """Show buttons for the account's actions, and each tab's own above its table.

        A tab's actions are also its table's context menu.
        """
        self.account_bar.addActions(list(account))
        for row, actions in ((self._invoice_buttons, invoice),
                             (self._money_in_buttons, money_in),
                             (self._timeline_buttons, timeline),
                             (self._offer_buttons, offers)):
            for position, action in enumerate(actions):
                button = QToolButton()
                button.setDefaultAction(action)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                row.insertWidget(position, button)
        self._invoice_buttons.addStretch(1)
        self._money_in_buttons.addStretch(1)
        self._offer_buttons.addStretch(1)
        for table, actions in ((self.invoices_table, invoice), (self.money_in_table, money_in),
                               (self.timeline_table, timeline), (self.offers_table, offers)):
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            table.addActions(list(actions))

    def set_timeline(self, entries: Sequence[TimelineEntry]) -> None:
        """Show the customer's timeline (filtered as chosen); the selected entry stays."""
        entry = self.selected_timeline_entry()
        self.timeline.set_rows(entries)
        self.tabs.setTabText(TIMELINE_TAB, f"Timeline ({len(entries)})")
        self._update_timeline_count()
        if entry is not None:
            _select(self.timeline_table, self.timeline, self.timeline.row_key(entry))
        self.selection_changed.emit()

    def show_timeline_kinds(self, label: str) -> None:
        """Narrow the timeline to one of ``TIMELINE_FILTERS`` by its label."""
        index = self.timeline_filter.findText(label)
        if index < 0:
            raise KeyError(label)
        self.timeline_filter.setCurrentIndex(index)

    def set_allocatable(self, allocatable: bool) -> None:
        """Offer to allocate the unallocated credit (only while an invoice can take it)."""
        self._allocatable = allocatable
        if self.header is not None:
            self._show_credit(self.header)

    def show_notice(self, text: str) -> None:
        """Say what was just done (e.g. "Payment of 120.00 GBP recorded.") until the next."""
        self.notice_label.setText(text)
        self.notice_label.show()

    def clear_notice(self) -> None:
        """Hide the notice of what was last done."""
        self.notice_label.clear()
        self.notice_label.hide()

    def notice(self) -> str:
        """The notice of what was last done ("" if none)."""
        return self.notice_label.text() if not self.notice_label.isHidden() else ""

    def selected_invoice(self) -> InvoiceRow | None:
        """The invoice selected on the Invoices tab, if any."""
        row = _selected(self.invoices_table, self.invoices)
        return row if isinstance(row, InvoiceRow) else None

    def selected_money_in(self) -> MoneyInRow | None:
        """The payment or credit note selected on its tab, if any."""
        row = _selected(self.money_in_table, self.money_in)
        return row if isinstance(row, MoneyInRow) else None

    def select_invoice(self, invoice_id: int) -> bool:
        """Show the Invoices tab with ``invoice_id`` selected; False if it is not listed."""
        self.tabs.setCurrentIndex(0)
        return _select(self.invoices_table, self.invoices, invoice_id)

    def selected_timeline_entry(self) -> TimelineEntry | None:
        """The entry selected on the Timeline tab, if any."""
        row = _selected(self.timeline_table, self.timeline)
        return row if isinstance(row, TimelineEntry) else None

    def select_money_in(self, kind: str, money_in_id: int) -> bool:
        """Show the payments tab with that payment or credit note selected."""
        self.tabs.setCurrentIndex(1)
        return _select(self.money_in_table, self.money_in, (kind, money_in_id))

    def figures_text(self) -> str:
        """The figures grid as plain text, row by row (what a reader would see)."""
        if self._figures is None:
            return ""
        grid = self._figures.layout()
        assert isinstance(grid, QGridLayout)
        lines = []
        for r in range(grid.rowCount()):
            cells = []
            for c in range(grid.columnCount()):
                item = grid.itemAtPosition(r, c)
                widget = item.widget() if item is not None else None
                if isinstance(widget, QLabel):
                    cells.append(widget.text())
            lines.append("  ".join(cells))
        return "\n".join(lines)

    def chip_texts(self) -> list[str]:
        """The flags shown under the name (on hold, disputed, plan, promise, agency)."""
        items = (self._chips.itemAt(i) for i in range(self._chips.count()))
        widgets = (item.widget() for item in items if item is not None)
        return [widget.text() for widget in widgets if isinstance(widget, QLabel)]

    # --- slots -------------------------------------------------------------

    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self.selection_changed.emit()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self.selection_changed.emit()

    def _on_invoices_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.invoices.row_at(index.row())
        if row is not None:
            self.invoice_activated.emit(row.id)

    def _on_credit_label_link_activated(self, _link: str) -> None:
        self.allocate_credit_requested.emit()

    def _on_class_link_link_activated(self, _link: str) -> None:
        self.tabs.setCurrentIndex(PROFILE_TAB)

    def _on_timeline_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.timeline.row_at(index.row())
        if row is not None and row.contact_id is not None:
            self.note_edit_requested.emit(row.contact_id)

    def _on_timeline_filter_current_index_changed(self, index: int) -> None:
        self.timeline.set_kinds(TIMELINE_FILTERS[index][1] if index >= 0 else ())
        self._update_timeline_count()
        self.selection_changed.emit()

    # --- helpers -----------------------------------------------------------

    def _build_timeline(self) -> None:
        self.timeline = TimelineModel(self)
        self.timeline_table = _table(self.timeline)
        self.timeline_table.setObjectName("timelineTable")
        self.timeline_table.setAccessibleName("Timeline")
        self.timeline_table.selectionModel().selectionChanged.connect(
            self._on_table_selection_changed)
        self.timeline_table.doubleClicked.connect(self._on_timeline_table_double_clicked)
        # The details take what room there is; they are elided, whole in the tooltip.
        # What happened gets a modest width of its own (the user may drag it wider)
        # rather than its longest title's, which left the details a few letters.
        header = self.timeline_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TimelineModel.WHAT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(TimelineModel.WHAT, TIMELINE_WHAT_WIDTH)
        header.setSectionResizeMode(TimelineModel.DETAILS, QHeaderView.ResizeMode.Stretch)
        self.timeline_filter = QComboBox()
        self.timeline_filter.setObjectName("timelineFilter")
        self.timeline_filter.setAccessibleName("Show on the timeline")
        for label, _kinds in TIMELINE_FILTERS:
            self.timeline_filter.addItem(label)
        # As wide as "Letters and e-mails", not the longest choice (whole in its list): at
        # that one's width the account's least width squeezed the customers' list, names
        # and all, in a window 1,180 pixels wide.
        self.timeline_filter.setMinimumContentsLength(len(TIMELINE_FILTERS[2][0]))
        self.timeline_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.timeline_filter.currentIndexChanged.connect(
            self._on_timeline_filter_current_index_changed)
        self.timeline_count = QLabel()
        mute(self.timeline_count)
        show = QLabel("&Show:")
        show.setBuddy(self.timeline_filter)
        self._timeline_buttons = QHBoxLayout()
        self._timeline_buttons.addStretch(1)
        self._timeline_buttons.addWidget(self.timeline_count)
        self._timeline_buttons.addSpacing(12)
        self._timeline_buttons.addWidget(show)
        self._timeline_buttons.addWidget(self.timeline_filter)

    def _update_timeline_count(self) -> None:
        shown, total = self.timeline.rowCount(), self.timeline.total_count()
        self.timeline_count.setText("" if shown == total else f"{shown} of {total} shown")

    def _show_chips(self, header: CustomerHeader) -> None:
        while self._chips.count():
            item = self._chips.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        chips: list[tuple[str, str, str]] = []
        if header.on_hold:
            why = header.hold_reason or "no reason given"
            chips.append(("hold", "On hold", f"Duly does not chase this customer: {why}"))
        for balance in header.balances:
            if balance.disputed_minor:
                chips.append(("dispute",
                              f"Disputed {format_money(balance.disputed_minor, balance.currency)}",
                              "Invoices in dispute are not chased until released."))
        for plan in self.plans:
            chips.append(("plan", plan.summary[:1].upper() + plan.summary[1:],
                          f"Payment plan agreed on {format_day(plan.agreed_on)}, paying by "
                          f"instalments."))
        if header.has_plan and not self.plans:
            chips.append(("plan", "Payment plan", "Paying by instalments under a plan."))
        if header.has_open_promise:
            chips.append(("promise", "Promised to pay",
                          "The customer promised a payment that is not yet due."))
        if header.promises_broken:
            chips.append(("broken", _broken_words(header.promises_broken),
                          f"Promises to pay: {header.promises_kept} kept, "
                          f"{header.promises_broken} broken."))
        for offer in self.offers_shown:
            if offer.status == OfferStatus.OPEN:
                chips.append(("offer", f"{OfferKind.word_for(offer.kind)}: pay "
                                       f"{format_money(offer.pay_minor, offer.currency)} by "
                                       f"{format_day(offer.pay_by)}",
                              f"Made on {format_day(offer.offered_on)} about "
                              f"{', '.join(offer.invoice_numbers)}; "
                              f"{format_money(offer.waive_minor, offer.currency)} is waived "
                              f"if paid by then."))
        if header.with_agency:
            chips.append(("agency", "With agency",
                          "Invoices were passed to a collection agency."))
        for kind, text, tip in chips:
            chip = QLabel(text)
            chip.setTextFormat(Qt.TextFormat.PlainText)
            fg, bg = _CHIPS[kind]
            chip.setStyleSheet(_CHIP_STYLE.format(fg=fg, bg=bg))
            chip.setToolTip(tip)
            chip.setObjectName(f"chip-{kind}")
            self._chips.addWidget(chip)
        self.plan_button.show()
        self._chips_box.show()
        if header.on_hold and header.hold_reason:
            reason = QLabel(header.hold_reason)
            reason.setTextFormat(Qt.TextFormat.PlainText)
            reason.setStyleSheet(f"color: {ERROR};")
            reason.setObjectName("holdReason")
            self._chips.insertWidget(1, reason)

    def _show_figures(self, header: CustomerHeader) -> None:
        if self._figures is not None:
            self._figures_holder.removeWidget(self._figures)
            self._figures.deleteLater()
        figures = QWidget()
        figures.setObjectName("figures")
        grid = QGridLayout(figures)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(22)
        grid.setVerticalSpacing(2)
        titles = ("Balance", "Overdue", *bucket_labels())
        several = len(header.balances) > 1
        first = 1 if several else 0
        for column, title in enumerate(titles):
            label = QLabel(title)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            mute(label)
            grid.addWidget(label, 0, first + column)
        balances = header.balances
        if not balances:
            empty = QLabel(format_money(0, header.currency))
            empty.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(empty, 1, first)
        for r, balance in enumerate(balances, start=1):
            if several:
                code = QLabel(balance.currency)
                mute(code)
                grid.addWidget(code, r, 0)
            values = (balance.balance_minor, balance.overdue_minor, *balance.buckets)
            for column, minor in enumerate(values):
                label = QLabel(format_money(minor, balance.currency) if several or column < 2
                               else _amount(minor, balance.currency))
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 0:
                    scale_font(label, 1.25, bold=True)
                elif column == 1 and minor:
                    scale_font(label, 1.25, bold=True)
                    label.setStyleSheet(f"color: {ERROR};")
                elif column >= 3 and minor:
                    label.setStyleSheet(f"color: {ERROR};")
                grid.addWidget(label, r, first + column)
        grid.setColumnStretch(first + len(titles), 1)
        figures.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._figures = figures
        self._figures_holder.addWidget(figures)

    def _show_credit(self, header: CustomerHeader) -> None:
        credits = [b for b in header.balances if b.unallocated_minor > 0]
        if not credits:
            self.credit_label.hide()
            return
        amounts = " + ".join(html.escape(format_money(b.unallocated_minor, b.currency))
                             for b in credits)
        offer = ("<a href='allocate'>allocate it to open invoices…</a>" if self._allocatable
                 else "kept on the account until an invoice is open")
        self.credit_label.setText(
            f"<b>Unallocated credit:</b> <span style='color:{ACCENT}'><b>{amounts}</b></span>"
            f" &nbsp;— {offer}")
        self.credit_label.show()


def _amount(minor: int, currency: str) -> str:
    """An aging bucket: the amount without its currency (the balance beside it says it)."""
    return format_amount(minor, currency) if minor else "–"


TIMELINE_WHAT_WIDTH = 150
"""The timeline's What column, in pixels, until the user drags it."""


def _table(model: RowsModel) -> QTableView:
    table = QTableView()
    # Qt quirk: a stretched last section left no room to fill keeps the size it was made
    # with (the default, 100 pixels), not its contents' (66 for the invoices' status), and
    # was cut off: its sections are made at the least size, and sized to their contents.
    table.horizontalHeader().setDefaultSectionSize(
        table.horizontalHeader().minimumSectionSize())
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(True)
    return table


def _tab(buttons: QHBoxLayout, table: QTableView) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.setSpacing(6)
    buttons.setSpacing(6)
    layout.addLayout(buttons)
    layout.addWidget(table, 1)
    return page


def _selected(table: QTableView, model: RowsModel) -> object | None:
    rows = table.selectionModel().selectedRows()
    return model.row_at(rows[0].row()) if rows else None


def _select(table: QTableView, model: RowsModel, key: object) -> bool:
    position = model.position_of(key)
    if position < 0:
        return False
    index = model.index(position, 0)
    table.setCurrentIndex(index)
    table.selectRow(position)
    table.scrollTo(index)
    return model.data(index, ID_ROLE) == key
