"""The Customers area: a searchable list of customers beside the chosen customer's account.

Every read and write runs through the window's :class:`~ui.common.tasks.TaskRunner`;
the page only holds the frozen rows that come back. After any posting it
reloads the list and the account, and says so with ``account_changed`` so
other areas (Accounts, Today) can refresh. Contacts are logged and corrected
through a :class:`~ui.contacts.contact_logging.ContactLogger` (the window's, once it
hands it over); the page reloads the account when its logger reports one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, Changes, changes
from models.company import business_details
from models.customer_account import (
    CustomerHeader,
    InvoiceRow,
    MoneyInRow,
    customer_draft,
    customer_header,
    customer_invoices,
    customer_list,
    customer_money_in,
    invoice_draft,
)
from models.followup import FollowUpStatus, customer_follow_up
from models.kinds import ContactKind, InvoiceStatus
from models.ledger import (
    AllocatedPart,
    CustomerDraft,
    InvoiceDraft,
    LedgerError,
    PickLists,
    add_credit_note,
    add_customer,
    add_invoice,
    allocate_credit,
    can_dispute,
    can_void,
    dispute_invoice,
    oldest_first,
    payable,
    pick_lists,
    put_on_hold,
    record_payment,
    release_dispute,
    release_hold,
    update_customer,
    update_invoice,
    void_invoice,
    void_payment,
)
from models.mail import MailSettings, mail_settings, recipients_of
from models.money import format_money
from models.timeline import TimelineEntry, customer_timeline
from ui.common import messages
from ui.common.page_actions import page_action
from ui.common.pdf_files import PdfFile, new_pdf_path
from ui.common.reason_dialog import ReasonDialog
from ui.common.resources import icon
from ui.common.rows_model import ID_ROLE, format_day
from ui.common.style import centred_column, mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.contacts.contact_logging import ContactLogger
from ui.customers.credit_note_dialog import CreditNoteDialog, CreditNoteEntry
from ui.customers.customer_account_view import TIMELINE_TAB, CustomerAccountView
from ui.customers.customer_dialog import CustomerDialog
from ui.customers.customer_list_model import CustomerListModel
from ui.customers.invoice_dialog import InvoiceDialog
from ui.customers.payment_dialog import PaymentDialog, PaymentEntry
from ui.customers.statement_dialog import (
    STATEMENT_FIELDS,
    StatementDialog,
    StatementRequest,
    build_statement,
)

if TYPE_CHECKING:
    from models.outbox import SendResult
    from ui.common.password_dialog import MailAccess
    from ui.customers.email_dialog import ComposedEmail

# What an e-mailed statement starts from: the settings, the recipients, subject and text.
StatementMail = tuple[MailSettings | None, list[tuple[str, str]], str, str]

LIST_WIDTH = 360
_EMPTY_TEXT_WIDTH = 420


# What the account's writes change: money in also keeps or breaks promises to pay.
_MONEY_IN = changes(Change.MONEY, Change.CONTACTS)
_INVOICES = changes(Change.INVOICES)
_CUSTOMER = changes(Change.CUSTOMERS)


class CustomersPage(QWidget):
    """Customers on the left, the chosen one's account on the right, and what to do with it."""

    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                    Change.FOLLOW_UP, Change.WORKLIST, Change.OUTBOX, Change.POLICIES)
    """Writes that change an account (see ui/common/area.py)."""

    account_changed = Signal(int)
    """Something was posted to a customer's account (its id): figures elsewhere are stale."""
    customers_loaded = Signal()
    """The customer list has (re)loaded."""
    account_loaded = Signal(int)
    """A customer's account has (re)loaded into the view (its id)."""
    current_changed = Signal()
    """The customer in hand may have changed (the list or an account loaded)."""
    mail_settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""
    statement_emailed = Signal(object)
    """An e-mailed statement was handed to the mail server, or not (a ``SendResult``)."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customers_loaded.connect(self.current_changed)
        self.account_loaded.connect(lambda _customer_id: self.current_changed.emit())
        self.setObjectName("page-customers")
        self.tasks = tasks
        self._today = today
        self._customer_id: int | None = None
        self._header: CustomerHeader | None = None
        self._invoices: list[InvoiceRow] = []
        self._money_in: list[MoneyInRow] = []
        self._timeline: list[TimelineEntry] = []
        self.contact_logger: ContactLogger | None = None
        """Where contacts are logged and corrected; see :meth:`set_contact_logger`."""
        self._writing = 0
        self._emailing = False
        self._select_after_load: int | None = None

        self._build_actions()
        self._build_list()
        self._build_account()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("customersSplitter")
        splitter.addWidget(self._list_pane)
        splitter.addWidget(self.stack)
        splitter.setCollapsible(0, False)
        splitter.setCollapsible(1, False)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([LIST_WIDTH, 800])
        splitter.setHandleWidth(1)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._update_actions()

    # --- public ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the customer list and the shown account again from the store."""
        self._load_list()
        if self._customer_id is not None:
            self._load_account(self._customer_id)

    def refresh_account(self) -> None:
        """Read the shown customer's account and timeline again (e.g. after a contact)."""
        if self._customer_id is not None:
            self._load_account(self._customer_id)

    def set_contact_logger(self, logger: ContactLogger) -> None:
        """Log and correct contacts through ``logger`` (the window's shared one)."""
        if logger is self.contact_logger:
            return
        if self.contact_logger is not None:
            self.contact_logger.logged.disconnect(self._on_contact_logger_logged)
            if self.contact_logger.parent() is self:
                self.contact_logger.deleteLater()  # the page's own, made before the window's
        self.contact_logger = logger
        logger.logged.connect(self._on_contact_logger_logged)

    def clear(self) -> None:
        """Forget the customers and the account shown (the store was closed).

        Results still on their way from the old store are ignored.
        """
        self.tasks.forget((self, "list"))
        self.tasks.forget((self, "account"))
        self._customer_id = None
        self._header = None
        self._invoices, self._money_in, self._timeline = [], [], []
        self._select_after_load = None
        self.search_edit.clear()
        self.customers.set_rows([])
        self._update_count()
        self.view.clear_notice()
        self.stack.setCurrentWidget(self.empty)
        self._update_actions()

    def show_customer(self, customer_id: int) -> None:
        """Select ``customer_id`` in the list (clearing a search that hides it) and show it."""
        if self.customers.position_of(customer_id) < 0 and self.customers.search_text:
            self.search_edit.clear()
        if customer_id != self._customer_id:
            self.view.clear_notice()
        self._customer_id = customer_id
        self._select_in_list(customer_id)
        self._load_account(customer_id)

    def actions_for_menu(self) -> list[QAction]:
        """The page's actions in menu order: customer, money in, invoices.

        Each carries its shortcut and is enabled only when it applies; the two
        void actions answer Delete only in their own table.
        """
        return [self.add_customer_action, self.edit_customer_action, self.hold_action,
                self.statement_action, self.email_statement_action, self.find_customer_action,
                self.record_payment_action, self.add_credit_note_action,
                self.allocate_credit_action, self.void_payment_action,
                self.add_invoice_action, self.edit_invoice_action, self.dispute_action,
                self.void_invoice_action, self.edit_note_action]

    def menu_sections(self) -> list[list[QAction]]:
        """The Customer menu's groups: the customer, money in, invoices, documents."""
        return [[self.add_customer_action, self.edit_customer_action, self.hold_action],
                [self.record_payment_action, self.add_credit_note_action,
                 self.allocate_credit_action, self.void_payment_action],
                [self.add_invoice_action, self.edit_invoice_action, self.dispute_action,
                 self.void_invoice_action],
                [self.statement_action, self.email_statement_action]]

    def contact_in_hand(self) -> tuple[int, None] | None:
        """The customer Log Contact is for: the one chosen in the list."""
        return (self._customer_id, None) if self._customer_id is not None else None

    @property
    def current_customer_id(self) -> int | None:
        """The customer chosen in the list (their account may still be loading)."""
        return self._customer_id

    @property
    def header(self) -> CustomerHeader | None:
        """The shown account's header, once loaded."""
        return self._header

    # --- building -------------------------------------------------------------

    def _build_actions(self) -> None:
        self.record_payment_action = page_action(
            self, "Record &Payment…", "Ctrl+P", self._on_record_payment_action_triggered,
            tip="Record money received from this customer")
        self.add_credit_note_action = page_action(
            self, "Add &Credit Note…", "Ctrl+Shift+C", self._on_add_credit_note_action_triggered,
            bar_text="Credit Note", tip="Grant this customer a credit note")
        self.allocate_credit_action = page_action(
            self, "A&llocate Credit…", "Ctrl+Shift+L", self._on_allocate_credit_action_triggered,
            tip="Use the account's unallocated credit to pay open invoices, oldest first")
        self.add_invoice_action = page_action(
            self, "Add &Invoice…", "Ctrl+I", self._on_add_invoice_action_triggered,
            bar_text="Invoice", tip="Record an invoice issued to this customer")
        self.edit_invoice_action = page_action(
            self, "&Edit Invoice…", "F2", self._on_edit_invoice_action_triggered,
            tip="Correct the selected invoice's number, dates or amount")
        self.dispute_action = page_action(
            self, "&Dispute Invoice…", "Ctrl+D", self._on_dispute_action_triggered,
            tip="Mark the selected invoice as disputed: it is not chased until released")
        self.hold_action = page_action(
            self, "Put on &Hold…", "Ctrl+H", self._on_hold_action_triggered,
            tip="Stop all follow-up with this customer")
        self.edit_customer_action = page_action(
            self, "Edit C&ustomer…", "Ctrl+E", self._on_edit_customer_action_triggered,
            bar_text="Edit", tip="Change this customer's details, terms and follow-up")
        self.add_customer_action = page_action(
            self, "&Add Customer…", "Ctrl+Shift+N", self._on_add_customer_action_triggered,
            tip="Add a new customer")
        self.statement_action = page_action(
            self, "&Statement…", "Ctrl+Shift+S", self._on_statement_action_triggered,
            tip="Build this customer's statement: open items, or the account's activity")
        self.email_statement_action = page_action(
            self, "E-&mail Statement…", "Ctrl+Shift+M",
            self._on_email_statement_action_triggered,
            bar_text="E-mail",
            tip="E-mail this customer's open-item statement as a PDF to their billing contacts")
        self.edit_note_action = page_action(
            self, "Edit &Note…", "Ctrl+Shift+E", self._on_edit_note_action_triggered,
            tip="Correct the selected contact's note, outcome or follow-up date")
        # The window's own Log Contact action carries the shortcut; this is the
        # Timeline tab's button for the customer shown.
        self.log_contact_action = page_action(
            self, "&Log Contact…", None, self._on_log_contact_action_triggered,
            tip="Log a call, e-mail, letter, meeting or note with this customer")
        self.removeAction(self.log_contact_action)
        self.open_attachment_action = page_action(
            self, "Open &Attachment", None, self._on_open_attachment_action_triggered,
            tip="Open the PDF the selected e-mail carried, as it was sent")
        self.removeAction(self.open_attachment_action)
        self.find_customer_action = page_action(
            self, "&Find Customer", "Ctrl+F", self._on_find_customer_action_triggered,
            tip="Search the customer list by name or account code")
        # Delete voids only from its own table, so the two never compete for the key.
        self.void_payment_action = page_action(
            self, "&Void Payment…", "Del", self._on_void_payment_action_triggered,
            tip="Void the selected payment: what it paid becomes open again")
        self.void_invoice_action = page_action(
            self, "Void In&voice…", "Del", self._on_void_invoice_action_triggered,
            tip="Void the selected invoice, issued by mistake")
        for action in (self.void_payment_action, self.void_invoice_action):
            self.removeAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build_list(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("customerSearch")
        self.search_edit.setPlaceholderText("Search by name or account code")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)

        self.customers = CustomerListModel(self)
        self.list_view = QTableView()
        self.list_view.setObjectName("customerList")
        self.list_view.setAccessibleName("Customers")
        self.list_view.setModel(self.customers)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setShowGrid(False)
        self.list_view.setWordWrap(False)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.verticalHeader().hide()
        header = self.list_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(CustomerListModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CustomerListModel.BALANCE,
                                    QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CustomerListModel.OVERDUE,
                                    QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.list_view.setSortingEnabled(True)
        self.list_view.selectionModel().selectionChanged.connect(
            self._on_list_view_selection_changed)

        self.count_label = QLabel()
        mute(self.count_label)
        self.add_customer_button = QPushButton("Add customer…")
        self.add_customer_button.setToolTip(self.add_customer_action.toolTip())
        self.add_customer_button.clicked.connect(self.add_customer_action.trigger)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.add_customer_button)

        self._list_pane = QWidget()
        self._list_pane.setMinimumWidth(180)
        layout = QVBoxLayout(self._list_pane)
        layout.setContentsMargins(12, 12, 8, 12)
        layout.setSpacing(8)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_view, 1)
        layout.addLayout(bottom)

    def _build_account(self) -> None:
        self.view = CustomerAccountView()
        self.view.set_actions(
            [self.record_payment_action, self.add_credit_note_action,
             self.add_invoice_action, self.statement_action, self.email_statement_action,
             self.edit_customer_action, self.hold_action],
            [self.edit_invoice_action, self.dispute_action, self.void_invoice_action],
            [self.allocate_credit_action, self.void_payment_action],
            [self.log_contact_action, self.edit_note_action, self.open_attachment_action])
        self.view.selection_changed.connect(self._on_view_selection_changed)
        self.view.note_edit_requested.connect(self._on_view_note_edit_requested)
        self.view.allocate_credit_requested.connect(self._on_view_allocate_credit_requested)
        self.view.invoice_activated.connect(self._on_view_invoice_activated)

        self.empty = QWidget()
        self.empty.setObjectName("customersEmpty")
        picture = QLabel()
        picture.setPixmap(icon("customers").pixmap(48, 48))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_title = QLabel("Choose a customer")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(self.empty_title, 1.4, bold=True)
        self.empty_text = QLabel("Pick a customer on the left to see what they owe, their "
                                 "invoices and payments, and to record what they pay.")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mute(self.empty_text)
        self.empty_add_button = QPushButton("Add customer…")
        self.empty_add_button.clicked.connect(self.add_customer_action.trigger)
        self.empty_add_button.hide()
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.empty_add_button)
        button_row.addStretch(1)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.setContentsMargins(32, 32, 32, 32)
        empty_layout.addStretch(2)
        column = centred_column(empty_layout, _EMPTY_TEXT_WIDTH)
        column.addWidget(picture)
        column.addSpacing(10)
        column.addWidget(self.empty_title)
        column.addSpacing(6)
        column.addWidget(self.empty_text)
        column.addSpacing(12)
        column.addLayout(button_row)
        empty_layout.addStretch(3)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)

    # --- reading ----------------------------------------------------------------

    def _load_list(self) -> None:
        as_of = self._today()

        def load(_progress: Progress) -> list[Any]:
            return customer_list(as_of, today=as_of)

        self.tasks.run(load, on_success=self._on_list_task_succeeded, latest=(self, "list"))

    def _on_list_task_succeeded(self, rows: list[Any]) -> None:
        self.customers.set_rows(rows)
        self._update_count()
        if self._customer_id is not None:
            self._select_in_list(self._customer_id)
        none_yet = not rows
        self.empty_title.setText("No customers yet" if none_yet else "Choose a customer")
        self.empty_text.setText(
            "Add your first customer, then their invoices, to see who owes what."
            if none_yet else
            "Pick a customer on the left to see what they owe, their invoices and "
            "payments, and to record what they pay.")
        self.empty_add_button.setVisible(none_yet)
        self.customers_loaded.emit()

    def _load_account(self, customer_id: int) -> None:
        as_of = self._today()

        def load(_progress: Progress) -> tuple[CustomerHeader, list[InvoiceRow],
                                               list[MoneyInRow], list[TimelineEntry],
                                               FollowUpStatus]:
            return (customer_header(customer_id, as_of, today=as_of),
                    customer_invoices(customer_id, as_of), customer_money_in(customer_id),
                    customer_timeline(customer_id), customer_follow_up(customer_id, as_of))

        def failed(error: BaseException) -> bool:
            if isinstance(error, LedgerError):
                # The customer is gone (another window, a restore): show the list again.
                self._customer_id = None
                self._header = None
                self.stack.setCurrentWidget(self.empty)
                self._load_list()
                return True
            return False

        self.tasks.run(load, on_success=lambda result: self._on_account_task_succeeded(
            customer_id, result), on_failure=failed, latest=(self, "account"))

    def _on_account_task_succeeded(self, customer_id: int,
                                   result: tuple[CustomerHeader, list[InvoiceRow],
                                                 list[MoneyInRow], list[TimelineEntry],
                                                 FollowUpStatus]) -> None:
        if customer_id != self._customer_id:
            return
        header, invoices, money_in, timeline, follow_up = result
        self._header, self._invoices, self._money_in = header, invoices, money_in
        self._timeline = timeline
        self.view.set_account(header, invoices, money_in)
        self.view.set_follow_up(follow_up)
        self.view.set_timeline(timeline)
        if self._select_after_load is not None:
            self.view.select_invoice(self._select_after_load)
            self._select_after_load = None
        self.stack.setCurrentWidget(self.view)
        self._update_actions()
        self.account_loaded.emit(customer_id)

    # --- writing ----------------------------------------------------------------

    def _post(self, work: Callable[[], Any], customer_id: int | None, what: Changes, *,
              done: Callable[[Any], None] | None = None,
              refused: Callable[[LedgerError], None] | None = None) -> None:
        """Run ``work`` as a write that changes ``what``; then call ``done(result)`` and
        read the account again (the stream of changes tells the other areas).

        ``customer_id`` is the account written to (None: a new customer, whose
        id ``work`` returns). A LedgerError goes to ``refused`` (usually: re-open
        the dialog with the error at its field), or is shown in a message box.
        """
        self._writing += 1
        self._update_actions()

        def run(_progress: Progress) -> object:
            return work()

        def succeeded(result: Any) -> None:
            self._writing -= 1
            changed = customer_id if customer_id is not None else int(result)
            if done is not None:
                done(result)
            if changed == self._customer_id:
                self._load_account(changed)
            self._load_list()
            self._update_actions()
            self.account_changed.emit(changed)

        def failed_first() -> None:
            self._writing -= 1
            self._update_actions()

        failed = messages.ledger_refusal(self, refused, always=failed_first)
        self.tasks.run(run, writes=True, changes=what, initiator=self, on_success=succeeded,
                       on_failure=failed)

    # --- actions: money in -----------------------------------------------------

    def _on_record_payment_action_triggered(self) -> None:
        self._ask_payment()

    def _ask_payment(self, entry: PaymentEntry | None = None,
                     error: LedgerError | None = None) -> None:
        header = self._header
        if header is None or self._busy():
            return
        PaymentDialog.ask(
            self, lambda result: self._on_payment_dialog_finished(header, result),
            customer_name=header.name, currency=header.currency, invoices=self._invoices,
            today=self._today(), entry=entry, error=error)

    def _on_payment_dialog_finished(self, header: CustomerHeader,
                                    entry: PaymentEntry | None) -> None:
        if entry is None:
            return
        today = self._today()

        def work() -> object:
            return record_payment(
                header.id, received_on=entry.received_on, amount_minor=entry.amount_minor,
                method=entry.method, reference=entry.reference,
                allocate_to=list(entry.allocate_to) if entry.allocate_to is not None else None,
                today=today)

        def done(result: Any) -> None:
            paid = ", ".join(part.invoice_number for part in result.allocated)
            text = f"Payment of {format_money(entry.amount_minor, header.currency)} recorded"
            text += f": paid {paid}" if paid else ""
            if result.unallocated_minor:
                text += (f"; {format_money(result.unallocated_minor, header.currency)} kept "
                         f"as credit")
            self.view.show_notice(text + ".")

        self._post(work, header.id, _MONEY_IN, done=done,
                   refused=lambda error: self._ask_payment(entry, error))

    def _on_add_credit_note_action_triggered(self) -> None:
        invoice = self.view.selected_invoice()
        self._ask_credit_note(invoice_id=invoice.id if invoice is not None else None)

    def _ask_credit_note(self, entry: CreditNoteEntry | None = None,
                         error: LedgerError | None = None,
                         invoice_id: int | None = None) -> None:
        header = self._header
        if header is None or self._busy():
            return
        CreditNoteDialog.ask(
            self, lambda result: self._on_credit_note_dialog_finished(header, result),
            customer_name=header.name, currency=header.currency, invoices=self._invoices,
            today=self._today(), invoice_id=invoice_id, entry=entry, error=error)

    def _on_credit_note_dialog_finished(self, header: CustomerHeader,
                                        entry: CreditNoteEntry | None) -> None:
        if entry is None:
            return
        today = self._today()

        def work() -> object:
            return add_credit_note(header.id, number=entry.number,
                                   issue_date=entry.issue_date,
                                   amount_minor=entry.amount_minor, reason=entry.reason,
                                   invoice_id=entry.invoice_id, today=today)

        self._post(work, header.id, _MONEY_IN, done=lambda _id: self.view.show_notice(
            f"Credit note {entry.number} for "
            f"{format_money(entry.amount_minor, header.currency)} added."),
            refused=lambda error: self._ask_credit_note(entry, error))

    def _on_allocate_credit_action_triggered(self) -> None:
        header = self._header
        if header is None or self._busy() or not self.allocate_credit_action.isEnabled():
            return
        sources = [row for row in self._money_in if row.unallocated_minor > 0 and not row.voided]
        total = " + ".join(format_money(b.unallocated_minor, b.currency)
                           for b in header.balances if b.unallocated_minor > 0)
        box = QMessageBox(QMessageBox.Icon.Question, "Allocate credit",
                          f"Use the unallocated credit of {total} to pay {header.name}'s open "
                          f"invoices, oldest due first?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Invoices in dispute are left alone. Whatever is left over "
                               "stays as credit.")
        box.setObjectName("allocateCreditBox")
        allocate = box.addButton("Allocate credit", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(allocate)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        today = self._today()

        def work() -> object:
            parts: list[AllocatedPart] = []
            for row in sorted(sources, key=lambda r: r.date):
                if row.kind == "payment":
                    parts.extend(allocate_credit(header.id, payment_id=row.id, on=today))
                else:
                    parts.extend(allocate_credit(header.id, credit_note_id=row.id, on=today))
            return parts

        def allocated(parts: list[Any]) -> None:
            count = len({part.invoice_id for part in parts})
            self.view.show_notice(f"Credit allocated to {count} invoice"
                                  f"{'' if count == 1 else 's'}." if count else
                                  "No open invoice could take the credit.")

        def finished(_result: int) -> None:
            if box.clickedButton() is allocate:
                self._post(work, header.id, _MONEY_IN, done=allocated)

        box.finished.connect(finished)
        box.open()

    def _on_void_payment_action_triggered(self) -> None:
        row = self.view.selected_money_in()
        header = self._header
        if row is None or header is None or row.kind != "payment" or row.voided \
                or self._busy():
            return
        amount = format_money(row.amount_minor, row.currency)
        paid = ", ".join(a.invoice_number for a in row.allocations)
        ReasonDialog.ask(
            self, lambda reason: self._on_void_payment_dialog_finished(header, row, reason),
            title="Void payment",
            text=f"Void the payment of {amount} received on {format_day(row.date)}"
                 f"{' (' + row.reference + ')' if row.reference else ''}?",
            warning=(f"What it paid becomes open again: {paid}." if paid else
                     "Its credit is removed from the account.") +
                    " The payment stays on record, struck through.",
            confirm="Void payment", placeholder="e.g. recorded twice by mistake")

    def _on_void_payment_dialog_finished(self, header: CustomerHeader, row: MoneyInRow,
                                         reason: str | None) -> None:
        if reason is not None:
            self._post(lambda: void_payment(row.id, reason), header.id, _MONEY_IN,
                       done=lambda _r: self.view.show_notice("Payment voided."))

    # --- actions: invoices ------------------------------------------------------

    def _on_add_invoice_action_triggered(self) -> None:
        self._ask_invoice()

    def _ask_invoice(self, draft: InvoiceDraft | None = None,
                     error: LedgerError | None = None) -> None:
        header = self._header
        if header is None or self._busy():
            return
        InvoiceDialog.ask(
            self, lambda result: self._on_invoice_dialog_finished(header, result),
            customer_name=header.name, currency=header.currency, today=self._today(),
            net_days=header.net_days, draft=draft, error=error)

    def _on_invoice_dialog_finished(self, header: CustomerHeader,
                                    draft: InvoiceDraft | None) -> None:
        if draft is None:
            return
        self._post(lambda: add_invoice(header.id, draft), header.id, _INVOICES,
                   done=lambda invoice_id: self._after_invoice_saved(
                       f"Invoice {draft.number} added.", invoice_id),
                   refused=lambda error: self._ask_invoice(draft, error))

    def _after_invoice_saved(self, notice: str, invoice_id: int) -> None:
        self.view.show_notice(notice)
        self._select_after_load = invoice_id

    def _on_edit_invoice_action_triggered(self) -> None:
        invoice = self.view.selected_invoice()
        header = self._header
        if (invoice is None or header is None or invoice.status == InvoiceStatus.VOID
                or self._busy()):
            return

        def load(_progress: Progress) -> InvoiceDraft:
            return invoice_draft(invoice.id)

        self.tasks.run(load, on_success=lambda draft: self._ask_edit_invoice(
            header, invoice, draft))

    def _ask_edit_invoice(self, header: CustomerHeader, invoice: InvoiceRow,
                          draft: InvoiceDraft, error: LedgerError | None = None) -> None:
        InvoiceDialog.ask(
            self, lambda result: self._on_edit_invoice_dialog_finished(header, invoice, result),
            customer_name=header.name, currency=invoice.currency, today=self._today(),
            draft=draft, editing=True, amount_locked=invoice.paid_minor > 0, error=error)

    def _on_edit_invoice_dialog_finished(self, header: CustomerHeader, invoice: InvoiceRow,
                                         draft: InvoiceDraft | None) -> None:
        if draft is None:
            return
        self._post(lambda: update_invoice(invoice.id, draft), header.id, _INVOICES,
                   done=lambda _r: self.view.show_notice(f"Invoice {draft.number} saved."),
                   refused=lambda error: self._ask_edit_invoice(header, invoice, draft, error))

    def _on_view_invoice_activated(self, _invoice_id: int) -> None:
        if self.edit_invoice_action.isEnabled():
            self.edit_invoice_action.trigger()

    def _on_dispute_action_triggered(self) -> None:
        invoice = self.view.selected_invoice()
        header = self._header
        if invoice is None or header is None or self._busy():
            return
        if invoice.status == InvoiceStatus.DISPUTED:
            self._post(lambda: release_dispute(invoice.id), header.id, _INVOICES,
                       done=lambda _r: self.view.show_notice(
                           f"Invoice {invoice.number} is no longer in dispute."))
            return
        ReasonDialog.ask(
            self, lambda reason: self._on_dispute_dialog_finished(header, invoice, reason),
            title="Dispute invoice",
            text=f"Invoice {invoice.number} "
                 f"({format_money(invoice.open_minor, invoice.currency)} open) goes into "
                 f"dispute. Duly stops chasing it until you release the dispute.",
            confirm="Dispute invoice", placeholder="What does the customer dispute?")

    def _on_dispute_dialog_finished(self, header: CustomerHeader, invoice: InvoiceRow,
                                    reason: str | None) -> None:
        if reason is not None:
            self._post(lambda: dispute_invoice(invoice.id, reason), header.id, _INVOICES,
                       done=lambda _r: self.view.show_notice(
                           f"Invoice {invoice.number} is in dispute."))

    def _on_void_invoice_action_triggered(self) -> None:
        invoice = self.view.selected_invoice()
        header = self._header
        if invoice is None or header is None or not self.void_invoice_action.isEnabled() \
                or self._busy():
            return
        ReasonDialog.ask(
            self, lambda reason: self._on_void_invoice_dialog_finished(header, invoice, reason),
            title="Void invoice",
            text=f"Void invoice {invoice.number} of "
                 f"{format_money(invoice.amount_minor, invoice.currency)}, issued on "
                 f"{format_day(invoice.issue_date)}?",
            warning="It no longer counts towards what the customer owes, and voiding "
                    "cannot be undone. It stays on record, struck through.",
            confirm="Void invoice", placeholder="e.g. issued to the wrong customer")

    def _on_void_invoice_dialog_finished(self, header: CustomerHeader, invoice: InvoiceRow,
                                         reason: str | None) -> None:
        if reason is not None:
            self._post(lambda: void_invoice(invoice.id, reason), header.id, _INVOICES,
                       done=lambda _r: self.view.show_notice(
                           f"Invoice {invoice.number} voided."))

    # --- actions: the customer -------------------------------------------------

    def _on_hold_action_triggered(self) -> None:
        header = self._header
        if header is None or self._busy():
            return
        if header.on_hold:
            self._post(lambda: release_hold(header.id), header.id, _CUSTOMER,
                       done=lambda _r: self.view.show_notice(
                           "Hold released: Duly chases this customer again."))
            return
        ReasonDialog.ask(
            self, lambda reason: self._on_hold_dialog_finished(header, reason),
            title="Put on hold",
            text=f"Duly stops all reminders and calls to {header.name} until you release "
                 f"the hold.",
            confirm="Put on hold", placeholder="e.g. account under review")

    def _on_hold_dialog_finished(self, header: CustomerHeader, reason: str | None) -> None:
        if reason is not None:
            self._post(lambda: put_on_hold(header.id, reason), header.id, _CUSTOMER,
                       done=lambda _r: self.view.show_notice("Customer put on hold."))

    def _on_add_customer_action_triggered(self) -> None:
        if self._busy():
            return
        self.tasks.run(_load_customer_form(None),
                       on_success=lambda form: self._ask_customer(None, *form))

    def _on_edit_customer_action_triggered(self) -> None:
        header = self._header
        if header is None or self._busy():
            return
        self.tasks.run(_load_customer_form(header.id),
                       on_success=lambda form: self._ask_customer(header.id, *form))

    def _ask_customer(self, customer_id: int | None, choices: PickLists,
                      draft: CustomerDraft | None, country: str, currency: str,
                      error: LedgerError | None = None) -> None:
        CustomerDialog.ask(
            self, lambda result: self._on_customer_dialog_finished(
                customer_id, choices, country, currency, result),
            choices=choices, draft=draft, editing=customer_id is not None, country=country,
            currency=currency, error=error)

    def _on_customer_dialog_finished(self, customer_id: int | None, choices: PickLists,
                                     country: str, currency: str,
                                     draft: CustomerDraft | None) -> None:
        if draft is None:
            return

        def refused(error: LedgerError) -> None:
            self._ask_customer(customer_id, choices, draft, country, currency, error)

        if customer_id is not None:
            self._post(lambda: update_customer(customer_id, draft), customer_id, _CUSTOMER,
                       done=lambda _r: self.view.show_notice("Customer details saved."),
                       refused=refused)
            return

        def added(new_id: int) -> None:
            self.search_edit.clear()
            self._customer_id = new_id
            self.view.show_notice(f"Customer {draft.name} added.")

        self._post(lambda: add_customer(draft), None, _CUSTOMER, done=added, refused=refused)

    # --- actions: documents -----------------------------------------------------

    def _on_statement_action_triggered(self) -> None:
        self._ask_statement()

    def _ask_statement(self, request: StatementRequest | None = None,
                       error: LedgerError | None = None) -> None:
        header = self._header
        if header is None or not self.statement_action.isEnabled():
            return
        StatementDialog.ask(
            self, lambda result: self._on_statement_dialog_finished(header, result),
            customer_name=header.name, today=self._today(), request=request, error=error)

    def _on_statement_dialog_finished(self, header: CustomerHeader,
                                      request: StatementRequest | None) -> None:
        if request is None:
            return
        today = self._today()

        def build(_progress: Progress) -> PdfFile:
            return build_statement(header.id, header.name, header.code, request, today)

        def failed(error: BaseException) -> bool:
            if not isinstance(error, LedgerError):
                return False
            if error.field in STATEMENT_FIELDS:
                self._ask_statement(request, error)
            else:
                messages.show_message(self, QMessageBox.Icon.Warning, "Statement",
                                      error.message)
            return True

        self.tasks.run(build, label="Building the statement…",
                       on_success=self._on_statement_task_succeeded, on_failure=failed)

    def _on_statement_task_succeeded(self, pdf: PdfFile) -> None:
        from ui.common.pdf_preview import PdfPreviewDialog

        PdfPreviewDialog.show_pdf(self.window(), pdf, self.tasks)

    def _on_email_statement_action_triggered(self) -> None:
        from reports.email_reminders import statement_email_draft

        header = self._header
        if header is None or not self.email_statement_action.isEnabled():
            return
        today = self._today()

        def work(_progress: Progress) -> StatementMail:
            settings = mail_settings()
            to = recipients_of(header.id)
            subject, text = (statement_email_draft(header.id, today) if settings and to
                             else ("", ""))
            return settings, to, subject, text

        self.tasks.run(work, on_success=lambda found: self._on_email_draft_task_succeeded(
            header, today, found))

    def _on_email_draft_task_succeeded(self, header: CustomerHeader, today: dt.date,
                                       found: StatementMail) -> None:
        from ui.common.password_dialog import show_not_set_up
        from ui.customers.email_dialog import EmailDialog, EmailDraft

        settings, to, subject, text = found
        if settings is None:
            show_not_set_up(self, self.mail_settings_requested.emit)
        elif not to:
            self._offer_printed_statement(header)
        else:
            draft = EmailDraft(header.name, tuple(to), subject, text,
                               f"Statement {header.code} {today.isoformat()}.pdf")
            EmailDialog.ask(self, lambda composed: self._on_email_dialog_finished(
                header, today, composed), draft=draft)

    def _offer_printed_statement(self, header: CustomerHeader) -> None:
        """A customer with no usable e-mail address: say so, offer the printed statement."""
        box = QMessageBox(QMessageBox.Icon.Information, "Duly",
                          f"{header.name} has no usable e-mail address.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("noEmailAddress")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Give the customer a billing e-mail or mark a contact with an "
                               "address as billing contact, or print the statement and post "
                               "it.")
        printed = box.addButton("&Print Statement…", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(printed)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.statement_action.trigger() if button is printed else None)
        box.open()

    def _on_email_dialog_finished(self, header: CustomerHeader, today: dt.date,
                                  composed: ComposedEmail | None) -> None:
        from ui.common.password_dialog import ask_mail_access

        if composed is not None:
            ask_mail_access(self, self.tasks, lambda access: self._send_statement(
                header, today, composed, access), open_settings=self.mail_settings_requested.emit)

    def _send_statement(self, header: CustomerHeader, today: dt.date, composed: ComposedEmail,
                        access: MailAccess) -> None:
        """Queue the statement e-mail and hand it to the mail server, off the GUI thread."""
        from models.outbox import send_queued
        from reports.email_reminders import queue_statement_email
        from ui.common import password_dialog

        context = password_dialog.ssl_context
        now = dt.datetime.combine(today, dt.datetime.now().time().replace(microsecond=0))

        def work(_progress: Progress) -> SendResult:
            outbox_id = queue_statement_email(header.id, today, subject=composed.subject,
                                              text=composed.text, now=now)
            return send_queued(access.settings, access.password, ids=[outbox_id],
                               ssl_context=context, now=now)

        def ended() -> None:
            self._emailing = False
            self._update_actions()
            self.refresh_account()
            self.account_changed.emit(header.id)

        def sent(result: SendResult) -> None:
            ended()
            if result.sent:
                self.view.show_notice(f"Statement e-mailed to {header.name}.")
            else:
                reason = result.failed[0][1] if result.failed else "It was not sent."
                messages.show_message(
                    self, QMessageBox.Icon.Warning, "Duly",
                    f"The statement to {header.name} was not sent.",
                    informative=f"{reason}\n\nIt waits in the outbox: retry it from Today "
                                f"once the problem is put right.")
            self.statement_emailed.emit(result)

        def failed(error: BaseException) -> bool:
            ended()
            if not isinstance(error, LedgerError):
                return False
            messages.show_message(self, QMessageBox.Icon.Warning, "Duly", error.message)
            return True

        self._emailing = True
        self._update_actions()
        self.tasks.run(work, writes=True, label="Sending the statement…", on_success=sent,
                       changes=changes(Change.CONTACTS, Change.OUTBOX), initiator=self,
                       on_failure=failed)

    def _on_open_attachment_action_triggered(self) -> None:
        entry = self.view.selected_timeline_entry()
        header = self._header
        if entry is None or header is None or not self.open_attachment_action.isEnabled():
            return

        contact_id = entry.contact_id
        if contact_id is None:
            return
        from models.outbox import attachment_of_contact

        def work(_progress: Progress) -> PdfFile:
            name, content = attachment_of_contact(contact_id)
            path = new_pdf_path(name)
            path.write_bytes(content)
            return PdfFile(path, f"{Path(name).stem} – {header.name}", name)

        def failed(error: BaseException) -> bool:
            if not isinstance(error, LedgerError):
                return False
            messages.show_message(self, QMessageBox.Icon.Information, "Duly", error.message)
            return True

        self.tasks.run(work, on_success=self._on_statement_task_succeeded, on_failure=failed)

    # --- actions: contacts ------------------------------------------------------

    def _on_log_contact_action_triggered(self) -> None:
        if self._header is not None:
            self._logger().log_for(self._header.id, initiator=self)

    def _on_edit_note_action_triggered(self) -> None:
        entry = self.view.selected_timeline_entry()
        if entry is not None and entry.contact_id is not None \
                and self.edit_note_action.isEnabled():
            self._edit_note(entry.contact_id)

    def _on_view_note_edit_requested(self, contact_id: int) -> None:
        self._edit_note(contact_id)

    def _edit_note(self, contact_id: int) -> None:
        if self._header is not None:
            self._logger().edit(contact_id, self._header.id, initiator=self)

    def _on_contact_logger_logged(self, customer_id: int) -> None:
        if customer_id != self._customer_id:
            return
        logger = self.contact_logger
        if logger is None:
            return
        if logger.last_saved:
            self.view.show_notice(logger.last_saved)
        if logger.initiator is self:  # else the stream of changes reads the account again
            self.refresh_account()

    def _logger(self) -> ContactLogger:
        if self.contact_logger is None:
            self.set_contact_logger(ContactLogger(self.tasks, self._today, self))
        assert self.contact_logger is not None
        return self.contact_logger

    def _on_find_customer_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # --- slots -------------------------------------------------------------------

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.customers.set_search_text(text)
        self._update_count()
        if self._customer_id is not None:
            self._select_in_list(self._customer_id)

    def _on_search_edit_return_pressed(self) -> None:
        first = self.customers.row_at(0)
        if first is not None:
            self.show_customer(first.id)
            self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_list_view_selection_changed(self, _selected: QItemSelection,
                                        _deselected: QItemSelection) -> None:
        rows = self.list_view.selectionModel().selectedRows()
        if not rows:
            return  # a search or reload cleared it: keep showing the account
        customer_id = rows[0].data(ID_ROLE)
        if customer_id != self._customer_id:
            self._customer_id = customer_id
            self.view.clear_notice()
            self._load_account(customer_id)

    def _on_view_selection_changed(self) -> None:
        self._update_actions()

    def _on_view_allocate_credit_requested(self) -> None:
        self.allocate_credit_action.trigger()

    # --- helpers ------------------------------------------------------------------

    def _busy(self) -> bool:
        return self._writing > 0

    def _select_in_list(self, customer_id: int) -> None:
        position = self.customers.position_of(customer_id)
        if position < 0:
            self.list_view.clearSelection()
            return
        index = self.customers.index(position, 0)
        self.list_view.setCurrentIndex(index)
        self.list_view.selectRow(position)
        self.list_view.scrollTo(index)

    def _update_count(self) -> None:
        total = self.customers.total_count()
        shown = self.customers.rowCount()
        noun = "customer" if total == 1 else "customers"
        self.count_label.setText(f"{total:,} {noun}" if shown == total
                                 else f"{shown:,} of {total:,} {noun}")

    def _update_actions(self) -> None:
        header = self._header if self.stack.currentWidget() is self.view else None
        idle = not self._busy()
        account = header is not None and idle
        for action in (self.record_payment_action, self.add_credit_note_action,
                       self.add_invoice_action, self.edit_customer_action, self.hold_action):
            action.setEnabled(account)
        self.add_customer_action.setEnabled(idle)
        self.statement_action.setEnabled(header is not None)
        self.email_statement_action.setEnabled(header is not None and not self._emailing)
        self.hold_action.setText("Release &Hold" if header is not None and header.on_hold
                                 else "Put on &Hold…")

        invoice = self.view.selected_invoice() if header is not None else None
        live = invoice is not None and invoice.status != InvoiceStatus.VOID
        self.edit_invoice_action.setEnabled(account and live)
        disputed = invoice is not None and invoice.status == InvoiceStatus.DISPUTED
        disputable = invoice is not None and can_dispute(invoice.status, invoice.open_minor)
        self.dispute_action.setEnabled(account and (disputed or disputable))
        self.dispute_action.setText("Release &Dispute" if disputed else "&Dispute Invoice…")
        self.void_invoice_action.setEnabled(
            account and invoice is not None and can_void(invoice.status, invoice.paid_minor))

        money = self.view.selected_money_in() if header is not None else None
        self.void_payment_action.setEnabled(account and money is not None
                                            and money.kind == "payment" and not money.voided)
        credit = header is not None and any(b.unallocated_minor > 0 for b in header.balances)
        payable_now = (oldest_first(payable(self._invoices, header.currency), 1)
                       if header is not None else [])
        self.allocate_credit_action.setEnabled(account and credit and bool(payable_now))
        self.view.set_allocatable(credit and bool(payable_now))

        self.log_contact_action.setEnabled(header is not None)
        on_timeline = self.view.tabs.currentIndex() == TIMELINE_TAB
        entry = self.view.selected_timeline_entry() if header is not None else None
        self.edit_note_action.setEnabled(on_timeline and entry is not None
                                         and entry.contact_id is not None)
        self.open_attachment_action.setEnabled(on_timeline and entry is not None
                                               and entry.kind == ContactKind.EMAIL
                                               and entry.contact_id is not None)


def _load_customer_form(customer_id: int | None) -> Callable[[Progress], tuple[
        PickLists, CustomerDraft | None, str, str]]:
    """A task reading what the customer dialog offers, and the customer to edit."""

    def load(_progress: Progress) -> tuple[PickLists, CustomerDraft | None, str, str]:
        business = business_details()
        country = business.country if business is not None else "GB"
        currency = business.currency if business is not None else "GBP"
        draft = customer_draft(customer_id) if customer_id is not None else None
        return pick_lists(), draft, country, currency

    return load
