"""The Customers area: a searchable list of customers beside the chosen customer's account.

Every read and write runs through the window's :class:`~ui.common.tasks.TaskRunner`;
the page only holds the frozen rows that come back. It reads the list and the account,
and owns the helpers that act on them: :class:`~ui.customers.ledger_actions.LedgerActions`
(money in, invoices) and :class:`~ui.customers.customer_editing.CustomerEditing` post
through one :class:`~ui.customers.account_posting.AccountPosting`;
:class:`~ui.customers.account_documents.AccountDocuments` shows statements and
attachments; :class:`~ui.customers.statement_emailing.StatementEmailing` e-mails a
statement. After any posting the page reloads the list and the account, and says so
with ``account_changed`` so other areas (Accounts, Today) can refresh. Contacts are
logged and corrected through a :class:`~ui.contacts.contact_logging.ContactLogger`
(the window's, once it hands it over); the page reloads the account when its logger
reports one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from models.changes import Change, changes
from models.customer_account import (
    CustomerHeader,
    CustomerListRow,
    InvoiceRow,
    MoneyInRow,
    customer_header,
    customer_invoices,
    customer_list,
    customer_money_in,
)
from models.customer_class import Classification, assessed_profile, listed_classes
from models.customer_profile import CustomerProfile
from models.errors import LedgerError
from models.followup import FollowUpStatus, customer_follow_up
from models.incentives import DiscountWindow, discount_windows
from models.kinds import ContactKind, InvoiceStatus, OfferStatus
from models.ledger import can_dispute, can_void, oldest_first, payable
from models.offers import OfferRow, customer_offers
from models.plans import PlanStanding, plan_standings
from models.timeline import TimelineEntry, customer_timeline
from models.write_offs import can_write_off
from ui.common.page_actions import page_action
from ui.common.plan_actions import PlanActions
from ui.common.referral_actions import ReferralActions
from ui.common.tasks import Progress, TaskRunner
from ui.contacts.contact_logging import ContactLogger
from ui.customers.account_documents import AccountDocuments
from ui.customers.account_posting import AccountInHand, AccountPosting
from ui.customers.customer_account_view import OFFERS_TAB, TIMELINE_TAB, CustomerAccountView
from ui.customers.customer_editing import CustomerEditing
from ui.customers.customer_list_panel import CustomerListPanel
from ui.customers.ledger_actions import LedgerActions
from ui.customers.no_customer_pane import NoCustomerPane
from ui.customers.offer_actions import OfferActions
from ui.customers.offer_models import offerable
from ui.customers.statement_emailing import StatementEmailing
from ui.customers.welcome_sending import WelcomeSending

LIST_WIDTH = 400  # the list's width at the least: name, balance, overdue and class
ACCOUNT_ROOM = 680  # the account's room before the list grows: its invoices' columns whole

# What reading an account brings: its header, invoices, money in, timeline, follow-up,
# how its active payment plans stand, each invoice's early-payment discount window, and
# the offers made to the customer.
AccountRead = tuple[CustomerHeader, list[InvoiceRow], list[MoneyInRow], list[TimelineEntry],
                    FollowUpStatus, list[PlanStanding], dict[int, DiscountWindow],
                    list[OfferRow]]
# How a customer pays: the profile, the class with its reasons, and the suggestion.
Assessed = tuple[CustomerProfile, Classification, str]


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
    classes_loaded = Signal()
    """Each customer's class has been read and is on show in the list."""
    profile_loaded = Signal(int)
    """How a customer pays has been read and is on show in their account (their id)."""
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
        self._account: AccountInHand | None = None
        self._plans_shown: tuple[PlanStanding, ...] = ()
        self.contact_logger: ContactLogger | None = None
        """Where contacts are logged and corrected; see :meth:`set_contact_logger`."""
        self._select_after_load: int | None = None

        self._build_helpers()
        self._build_actions()
        self._build_list()
        self._build_account()
        self._connect_helpers()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("customersSplitter")
        splitter.addWidget(self.list_panel)
        splitter.addWidget(self.stack)
        splitter.setCollapsible(0, False)
        splitter.setCollapsible(1, False)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([LIST_WIDTH, 800])
        splitter.setHandleWidth(1)
        splitter.splitterMoved.connect(self._on_splitter_moved)
        self._list_width_chosen = False  # the user moved the splitter: theirs is kept
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
        for key in ("list", "account", "classes", "profile"):
            self.tasks.forget((self, key))
        self._customer_id = None
        self._account = None
        self._plans_shown = ()
        self._select_after_load = None
        self.list_panel.clear()
        self.view.clear_notice()
        self.stack.setCurrentWidget(self.empty)
        self._update_actions()

    def show_customer(self, customer_id: int) -> None:
        """Select ``customer_id`` in the list (clearing a search that hides it) and show it."""
        self.list_panel.reveal(customer_id)
        if customer_id != self._customer_id:
            self.view.clear_notice()
        self._customer_id = customer_id
        self.list_panel.select_customer(customer_id)
        self._load_account(customer_id)

    def actions_for_menu(self) -> list[QAction]:
        """The page's actions in menu order: customer, money in, invoices.

        Each carries its shortcut and is enabled only when it applies; the two
        void actions answer Delete only in their own table.
        """
        return [self.add_customer_action, self.edit_customer_action, self.hold_action,
                self.statement_action, self.email_statement_action, self.find_customer_action,
                self.agree_plan_action, self.renegotiate_plan_action, self.cancel_plan_action,
                self.print_agreement_action, self.email_agreement_action,
                self.make_offer_action, self.withdraw_offer_action, self.send_welcome_action,
                self.refer_action, self.record_payment_action, self.add_credit_note_action,
                self.allocate_credit_action, self.void_payment_action,
                self.add_invoice_action, self.edit_invoice_action, self.dispute_action,
                self.write_off_action, self.void_invoice_action, self.edit_note_action]

    def menu_sections(self) -> list[list[QAction]]:
        """The Customer menu's groups: the customer, money in, invoices, documents."""
        return [[self.add_customer_action, self.edit_customer_action, self.hold_action],
                [self.record_payment_action, self.add_credit_note_action,
                 self.allocate_credit_action, self.void_payment_action],
                [self.add_invoice_action, self.edit_invoice_action, self.dispute_action,
                 self.write_off_action, self.void_invoice_action],
                [self.statement_action, self.email_statement_action],
                [self.make_offer_action, self.withdraw_offer_action, self.send_welcome_action],
                [self.agree_plan_action, self.renegotiate_plan_action, self.cancel_plan_action,
                 self.print_agreement_action, self.email_agreement_action, self.refer_action]]

    def contact_in_hand(self) -> tuple[int, None] | None:
        """The customer Log Contact is for: the one chosen in the list."""
        return (self._customer_id, None) if self._customer_id is not None else None

    @property
    def current_customer_id(self) -> int | None:
        """The customer chosen in the list (their account may still be loading)."""
        return self._customer_id

    @property
    def active_plan(self) -> PlanStanding | None:
        """The shown customer's active payment plan (in their own currency first), if any."""
        return self._plans_shown[0] if self._plans_shown else None

    @property
    def header(self) -> CustomerHeader | None:
        """The shown account's header, once loaded."""
        return self._account.header if self._account is not None else None

    # --- building -------------------------------------------------------------

    def _build_helpers(self) -> None:
        self._posting = AccountPosting(self, self.tasks)
        self._ledger = LedgerActions(self, self.tasks, self._today, self._posting,
                                     lambda: self._account)
        self._editing = CustomerEditing(self, self.tasks, self._posting, lambda: self.header)
        self._documents = AccountDocuments(self, self.tasks, self._today, lambda: self.header)
        self._emailing = StatementEmailing(self, self.tasks, self._today, lambda: self.header)
        self.plan_actions = PlanActions(self, self.tasks, self._today, self._posting)
        self._offers = OfferActions(self, self._today, self._posting, lambda: self._account)
        self.welcome = WelcomeSending(self, self.tasks, self._today, lambda: self.header)
        self.referral_actions = ReferralActions(self, self.tasks, self._today, self._posting)

    def _connect_helpers(self) -> None:
        for helper in (self._ledger, self._editing, self._emailing, self.plan_actions,
                       self._offers, self.welcome, self.referral_actions):
            helper.notice.connect(self.view.show_notice)
        for busy in (self._posting, self._emailing):
            busy.busy_changed.connect(self._update_actions)
        self._posting.posted.connect(self._on_posting_posted)
        self._ledger.invoice_saved.connect(self._on_ledger_invoice_saved)
        self._editing.customer_added.connect(self._on_editing_customer_added)
        self._emailing.finished.connect(self._on_emailing_finished)
        self._emailing.sent.connect(self.statement_emailed)
        self._emailing.settings_requested.connect(self.mail_settings_requested)
        self._emailing.print_requested.connect(self.statement_action.trigger)
        self.plan_actions.changed.connect(self._on_posting_posted)
        self.welcome.finished.connect(self._on_emailing_finished)
        self.welcome.settings_requested.connect(self.mail_settings_requested)
        self.plan_actions.settings_requested.connect(self.mail_settings_requested)
        self.referral_actions.changed.connect(self._on_posting_posted)
        self.referral_actions.settings_requested.connect(self.mail_settings_requested)

    def _build_actions(self) -> None:
        self.record_payment_action = page_action(
            self, "Record &Payment…", "Ctrl+P", self._ledger.record_payment,
            tip="Record money received from this customer")
        self.add_credit_note_action = page_action(
            self, "Add &Credit Note…", "Ctrl+Shift+C", self._on_add_credit_note_action_triggered,
            bar_text="Credit Note", tip="Grant this customer a credit note")
        self.allocate_credit_action = page_action(
            self, "A&llocate Credit…", "Ctrl+Shift+L", self._on_allocate_credit_action_triggered,
            tip="Use the account's unallocated credit to pay open invoices, oldest first")
        self.add_invoice_action = page_action(
            self, "Add &Invoice…", "Ctrl+I", self._ledger.add_invoice,
            bar_text="Invoice", tip="Record an invoice issued to this customer")
        self.edit_invoice_action = page_action(
            self, "&Edit Invoice…", "F2", self._on_edit_invoice_action_triggered,
            tip="Correct the selected invoice's number, dates or amount")
        self.dispute_action = page_action(
            self, "&Dispute Invoice…", "Ctrl+D", self._on_dispute_action_triggered,
            tip="Open a dispute on the selected invoice (all or part of it): what is "
                "disputed is not chased until the dispute ends")
        self.write_off_action = page_action(
            self, "Write O&ff Invoice…", "Ctrl+Shift+B", self._on_write_off_action_triggered,
            bar_text="Write Off", tip="Write off the selected invoice, or what is left of it, "
                                      "as a bad debt")
        self.hold_action = page_action(
            self, "Put on &Hold…", "Ctrl+H", self._editing.toggle_hold,
            tip="Stop all follow-up with this customer")
        self.edit_customer_action = page_action(
            self, "Edit C&ustomer…", "Ctrl+E", self._editing.edit,
            bar_text="Edit", tip="Change this customer's details, terms and follow-up")
        self.add_customer_action = page_action(
            self, "&Add Customer…", "Ctrl+Shift+N", self._editing.add,
            tip="Add a new customer")
        self.statement_action = page_action(
            self, "&Statement…", "Ctrl+Shift+S", self._documents.ask_statement,
            tip="Build this customer's statement: open items, or the account's activity")
        self.email_statement_action = page_action(
            self, "E-&mail Statement…", "Ctrl+Shift+M", self._emailing.start,
            bar_text="E-mail",
            tip="E-mail this customer's open-item statement as a PDF to their billing contacts")
        self.agree_plan_action = page_action(
            self, "A&gree Payment Plan…", "Ctrl+Shift+A", self._on_agree_plan_action_triggered,
            tip="Agree a payment plan: what it covers, a deposit and the schedule of "
                "instalments")
        self.renegotiate_plan_action = page_action(
            self, "Re&negotiate Plan…", "Ctrl+Shift+G",
            self._on_renegotiate_plan_action_triggered,
            tip="Replace the active payment plan with a new one; the old stays on record")
        self.cancel_plan_action = page_action(
            self, "Cancel P&lan…", "Ctrl+Shift+X", self._on_cancel_plan_action_triggered,
            tip="Call off the active payment plan, with a reason; its invoices are chased "
                "again")
        self.print_agreement_action = page_action(
            self, "Print Plan Agreemen&t…", "Ctrl+Alt+P",
            self._on_print_agreement_action_triggered,
            tip="Show the active plan's agreement, ready to print or save")
        self.email_agreement_action = page_action(
            self, "E-mail Plan Agreement…", "Ctrl+Alt+M",
            self._on_email_agreement_action_triggered,
            tip="E-mail the active plan's agreement as a PDF to the billing contacts")
        self.make_offer_action = page_action(
            self, "Make an &Offer…", "Ctrl+Shift+F", self._on_make_offer_action_triggered,
            tip="Offer the customer a settlement (pay part by a date, the rest is waived) or "
                "a loyalty incentive (pay in full by a date, the fee or interest is waived)")
        self.withdraw_offer_action = page_action(
            self, "&Withdraw Offer…", "Ctrl+Alt+F", self._on_withdraw_offer_action_triggered,
            tip="Withdraw the selected open offer (or the only one), saying why")
        self.send_welcome_action = page_action(
            self, "Send &Welcome…", "Ctrl+Shift+W", self._on_send_welcome_action_triggered,
            tip="Welcome the customer: their terms and how to pay, by e-mail (or a letter "
                "to print when they have no e-mail address)")
        self.refer_action = page_action(
            self, "&Refer to Agency…", "Ctrl+Shift+R", self._on_refer_action_triggered,
            tip="Refer the customer's overdue invoices to a collection agency, after the "
                "pre-referral check")
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
            tip="Open the PDF the selected e-mail carried, or the letter sent, as it was "
                "sent, to print or save it again")
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
        self.list_panel = CustomerListPanel(self.add_customer_action)
        self.list_panel.customer_selected.connect(self._on_list_panel_customer_selected)
        self.list_panel.first_chosen.connect(self.show_customer)
        self.list_panel.searched.connect(self._on_list_panel_searched)
        # The list's parts, where callers and tests have always found them on the page.
        self.search_edit = self.list_panel.search_edit
        self.list_view = self.list_panel.list_view
        self.customers = self.list_panel.customers
        self.count_label = self.list_panel.count_label

    def _build_account(self) -> None:
        self.view = CustomerAccountView()
        self.view.set_actions(
            [self.record_payment_action, self.add_credit_note_action,
             self.add_invoice_action, self.statement_action, self.email_statement_action,
             self.edit_customer_action, self.hold_action],
            [self.edit_invoice_action, self.dispute_action, self.write_off_action,
             self.void_invoice_action],
            [self.allocate_credit_action, self.void_payment_action],
            [self.log_contact_action, self.edit_note_action, self.open_attachment_action],
            [self.make_offer_action, self.withdraw_offer_action])
        self.view.set_plan_actions(self.agree_plan_action, [
            self.renegotiate_plan_action, self.cancel_plan_action,
            self.print_agreement_action, self.email_agreement_action])
        self.view.selection_changed.connect(self._update_actions)
        self.view.note_edit_requested.connect(self._edit_note)
        self.view.allocate_credit_requested.connect(self.allocate_credit_action.trigger)
        self.view.invoice_activated.connect(self._on_view_invoice_activated)

        self.empty = NoCustomerPane(self.add_customer_action)
        self.empty_title = self.empty.title  # where tests have always found it
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)

    # --- reading ----------------------------------------------------------------

    def _load_list(self) -> None:
        as_of = self._today()

        def load(_progress: Progress) -> list[CustomerListRow]:
            return customer_list(as_of, today=as_of)

        self.tasks.run(load, on_success=self._on_list_task_succeeded, latest=(self, "list"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The list as wide as a long name needs beside the amounts and the class, while
        the account keeps room for its invoices' columns; a width the user chose by
        moving the splitter is kept."""
        super().resizeEvent(event)
        if self._list_width_chosen:
            return
        # The page's width: the splitter fills it, but may not have been given it yet.
        total = self.width() - self.splitter.handleWidth()
        if total <= 0:
            return
        width = max(LIST_WIDTH, min(self.list_panel.preferred_width(), total - ACCOUNT_ROOM))
        self.splitter.setSizes([width, total - width])

    def _on_splitter_moved(self, _position: int, _index: int) -> None:
        self._list_width_chosen = True

    def _on_list_task_succeeded(self, rows: list[CustomerListRow]) -> None:
        self.list_panel.set_rows(rows)
        if self._customer_id is not None:
            self.list_panel.select_customer(self._customer_id)
        self.empty.set_none_yet(not rows)
        self.customers_loaded.emit()
        self._load_classes()

    # How each customer pays: read after the list shows (the list's own load is not
    # slowed); the Class column says "…" meanwhile.

    def _load_classes(self) -> None:
        as_of = self._today()

        def load(progress: Progress) -> dict[int, Classification]:
            return listed_classes(as_of, progress=progress)

        if not self.customers.classes_shown:
            self.list_panel.set_classes(None)
        self.tasks.run(load, on_success=self._on_classes_task_succeeded,
                       latest=(self, "classes"))

    def _on_classes_task_succeeded(self, classes: dict[int, Classification]) -> None:
        self.list_panel.set_classes(classes)
        self.classes_loaded.emit()

    def _load_profile(self, customer_id: int) -> None:
        as_of = self._today()

        def load(_progress: Progress) -> Assessed:
            return assessed_profile(customer_id, as_of)

        def failed(error: BaseException) -> bool:
            return isinstance(error, LedgerError)  # the customer is gone: the account says so

        self.tasks.run(load, on_success=lambda found: self._on_profile_task_succeeded(
            customer_id, found), on_failure=failed, latest=(self, "profile"))

    def _on_profile_task_succeeded(self, customer_id: int, found: Assessed) -> None:
        if customer_id != self._customer_id:
            return
        self.view.set_payment_profile(*found)
        self.profile_loaded.emit(customer_id)

    def _load_account(self, customer_id: int) -> None:
        as_of = self._today()
        if customer_id != (self.view.header.id if self.view.header is not None else None):
            self.view.show_profile_reading()
        self._load_profile(customer_id)

        def load(_progress: Progress) -> AccountRead:
            invoices = customer_invoices(customer_id, as_of)
            return (customer_header(customer_id, as_of, today=as_of), invoices,
                    customer_money_in(customer_id), customer_timeline(customer_id),
                    customer_follow_up(customer_id, as_of),
                    plan_standings(as_of, customer_id=customer_id, active_only=True),
                    discount_windows(customer_id, invoices),
                    customer_offers(customer_id, as_of))

        def failed(error: BaseException) -> bool:
            if isinstance(error, LedgerError):
                # The customer is gone (another window, a restore): show the list again.
                self._customer_id = None
                self._account = None
                self._plans_shown = ()
                self.stack.setCurrentWidget(self.empty)
                self._load_list()
                return True
            return False

        self.tasks.run(load, on_success=lambda result: self._on_account_task_succeeded(
            customer_id, result), on_failure=failed, latest=(self, "account"))

    def _on_account_task_succeeded(self, customer_id: int, result: AccountRead) -> None:
        if customer_id != self._customer_id:
            return
        header, invoices, money_in, timeline, follow_up, plans, discounts, offers = result
        self._account = AccountInHand(header, invoices, money_in, discounts)
        # The customer's own currency first: the plan the plan actions act on.
        self._plans_shown = tuple(sorted(plans, key=lambda p: p.currency != header.currency))
        self.view.set_plans(self._plans_shown)
        self.view.set_account(header, invoices, money_in)
        self.view.set_follow_up(follow_up)
        self.view.set_timeline(timeline)
        self.view.set_offers(offers)
        if self._select_after_load is not None:
            self.view.select_invoice(self._select_after_load)
            self._select_after_load = None
        self.stack.setCurrentWidget(self.view)
        self._update_actions()
        self.account_loaded.emit(customer_id)

    # --- what the helpers did -----------------------------------------------------

    def _on_posting_posted(self, customer_id: int) -> None:
        if customer_id == self._customer_id:
            self._load_account(customer_id)
        self._load_list()
        self._update_actions()
        self.account_changed.emit(customer_id)

    def _on_ledger_invoice_saved(self, invoice_id: int) -> None:
        self._select_after_load = invoice_id

    def _on_editing_customer_added(self, customer_id: int) -> None:
        self.search_edit.clear()
        self._customer_id = customer_id

    def _on_emailing_finished(self, customer_id: int) -> None:
        self.refresh_account()
        self.account_changed.emit(customer_id)

    # --- actions on the selected row --------------------------------------------

    def _on_add_credit_note_action_triggered(self) -> None:
        invoice = self.view.selected_invoice()
        self._ledger.add_credit_note(invoice.id if invoice is not None else None)

    def _on_allocate_credit_action_triggered(self) -> None:
        if self.allocate_credit_action.isEnabled():
            self._ledger.allocate_credit()

    def _on_void_payment_action_triggered(self) -> None:
        self._ledger.void_payment(self.view.selected_money_in())

    def _on_edit_invoice_action_triggered(self) -> None:
        self._ledger.edit_invoice(self.view.selected_invoice())

    def _on_view_invoice_activated(self, _invoice_id: int) -> None:
        if self.edit_invoice_action.isEnabled():
            self.edit_invoice_action.trigger()

    def _on_dispute_action_triggered(self) -> None:
        self._ledger.dispute(self.view.selected_invoice())

    def _on_write_off_action_triggered(self) -> None:
        self._ledger.write_off(self.view.selected_invoice())

    def _on_void_invoice_action_triggered(self) -> None:
        if self.void_invoice_action.isEnabled():
            self._ledger.void_invoice(self.view.selected_invoice())

    def _on_open_attachment_action_triggered(self) -> None:
        entry = self.view.selected_timeline_entry()
        header = self.header
        if entry is None or header is None or not self.open_attachment_action.isEnabled():
            return
        if entry.contact_id is not None:
            self._documents.open_attachment(header.name, entry.contact_id, entry.kind)

    # --- actions: payment plans -------------------------------------------------

    def _on_refer_action_triggered(self) -> None:
        header = self.header
        if header is not None and self.refer_action.isEnabled():
            self.referral_actions.refer(header.id, header.name)

    def _on_agree_plan_action_triggered(self) -> None:
        header = self.header
        if header is not None and self.agree_plan_action.isEnabled():
            self.plan_actions.agree(header.id, header.name, header.currency)

    def _on_renegotiate_plan_action_triggered(self) -> None:
        plan = self.active_plan
        if plan is not None and self.renegotiate_plan_action.isEnabled():
            self.plan_actions.renegotiate(plan)

    def _on_cancel_plan_action_triggered(self) -> None:
        plan = self.active_plan
        if plan is not None and self.cancel_plan_action.isEnabled():
            self.plan_actions.cancel(plan)

    def _on_print_agreement_action_triggered(self) -> None:
        plan = self.active_plan
        if plan is not None:
            self.plan_actions.print_agreement(plan.plan_id, plan.customer_id,
                                              plan.customer_name)

    def _on_email_agreement_action_triggered(self) -> None:
        plan = self.active_plan
        if plan is not None and self.email_agreement_action.isEnabled():
            self.plan_actions.email_agreement(plan.plan_id, plan.customer_id,
                                              plan.customer_name)

    # --- actions: offers ------------------------------------------------------------

    @property
    def offer_in_hand(self) -> OfferRow | None:
        """The open offer Withdraw acts on: the one selected on the Offers tab, or the
        account's only open offer."""
        selected = self.view.selected_offer()
        if selected is not None and self.view.tabs.currentIndex() == OFFERS_TAB:
            return selected if selected.status == OfferStatus.OPEN else None
        open_offers = [o for o in self.view.offers_shown if o.status == OfferStatus.OPEN]
        return open_offers[0] if len(open_offers) == 1 else None

    def _on_send_welcome_action_triggered(self) -> None:
        if self.send_welcome_action.isEnabled():
            self.welcome.start()

    def _on_make_offer_action_triggered(self) -> None:
        if self.make_offer_action.isEnabled():
            self._offers.make()

    def _on_withdraw_offer_action_triggered(self) -> None:
        if self.withdraw_offer_action.isEnabled():
            self._offers.withdraw(self.offer_in_hand)

    # --- actions: contacts ------------------------------------------------------

    def _on_log_contact_action_triggered(self) -> None:
        if self.header is not None:
            self._logger().log_for(self.header.id, initiator=self)

    def _on_edit_note_action_triggered(self) -> None:
        entry = self.view.selected_timeline_entry()
        if entry is not None and entry.contact_id is not None \
                and self.edit_note_action.isEnabled():
            self._edit_note(entry.contact_id)

    def _edit_note(self, contact_id: int) -> None:
        if self.header is not None:
            self._logger().edit(contact_id, self.header.id, initiator=self)

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
        self.list_panel.focus_search()

    # --- the list ----------------------------------------------------------------

    def _on_list_panel_searched(self) -> None:
        if self._customer_id is not None:
            self.list_panel.select_customer(self._customer_id)

    def _on_list_panel_customer_selected(self, customer_id: int) -> None:
        if customer_id != self._customer_id:
            self._customer_id = customer_id
            self.view.clear_notice()
            self._load_account(customer_id)

    # --- helpers ------------------------------------------------------------------

    def _update_actions(self) -> None:
        account = self._account if self.stack.currentWidget() is self.view else None
        header = account.header if account is not None else None
        idle = not self._posting.busy
        ready = header is not None and idle
        for action in (self.record_payment_action, self.add_credit_note_action,
                       self.add_invoice_action, self.edit_customer_action, self.hold_action):
            action.setEnabled(ready)
        self.add_customer_action.setEnabled(idle)
        planned = header is not None and self.active_plan is not None
        self.agree_plan_action.setEnabled(ready)
        self.refer_action.setEnabled(ready)
        for action in (self.renegotiate_plan_action, self.cancel_plan_action):
            action.setEnabled(ready and planned)
        self.print_agreement_action.setEnabled(planned)
        self.email_agreement_action.setEnabled(planned and not self.plan_actions.sending)
        self.statement_action.setEnabled(header is not None)
        self.email_statement_action.setEnabled(header is not None and not self._emailing.busy)
        self.hold_action.setText("Release &Hold" if header is not None and header.on_hold
                                 else "Put on &Hold…")

        invoice = self.view.selected_invoice() if header is not None else None
        live = invoice is not None and invoice.status != InvoiceStatus.VOID
        self.edit_invoice_action.setEnabled(ready and live)
        disputed = invoice is not None and invoice.status == InvoiceStatus.DISPUTED
        disputable = invoice is not None and can_dispute(invoice.status, invoice.open_minor)
        self.dispute_action.setEnabled(ready and (disputed or disputable))
        self.dispute_action.setText("End &Dispute…" if disputed else "&Dispute Invoice…")
        self.write_off_action.setEnabled(
            ready and invoice is not None and can_write_off(invoice.status, invoice.open_minor))
        self.void_invoice_action.setEnabled(
            ready and invoice is not None and can_void(invoice.status, invoice.paid_minor))

        money = self.view.selected_money_in() if header is not None else None
        self.void_payment_action.setEnabled(ready and money is not None
                                            and money.kind == "payment" and not money.voided)
        credit = header is not None and any(b.unallocated_minor > 0 for b in header.balances)
        payable_now = (oldest_first(payable(account.invoices, account.header.currency), 1)
                       if account is not None else [])
        self.allocate_credit_action.setEnabled(ready and credit and bool(payable_now))
        self.view.set_allocatable(credit and bool(payable_now))

        self.make_offer_action.setEnabled(
            ready and account is not None and bool(offerable(account.invoices)))
        self.withdraw_offer_action.setEnabled(
            ready and header is not None and self.offer_in_hand is not None)

        self.send_welcome_action.setEnabled(header is not None and not self.welcome.busy)
        self.log_contact_action.setEnabled(header is not None)
        on_timeline = self.view.tabs.currentIndex() == TIMELINE_TAB
        entry = self.view.selected_timeline_entry() if header is not None else None
        self.edit_note_action.setEnabled(on_timeline and entry is not None
                                         and entry.contact_id is not None)
        self.open_attachment_action.setEnabled(
            on_timeline and entry is not None and entry.contact_id is not None
            and entry.kind in (ContactKind.EMAIL, ContactKind.LETTER))
