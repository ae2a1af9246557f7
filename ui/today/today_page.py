"""The Today area: what needs doing today (or on a coming day), and a search of every note.

Everything is read and written off the GUI thread through the window's task
helper, each read under a ``latest`` key: a result that arrives after a newer
request was made is dropped, so a quick change of day never shows the wrong
list. Opening the page (and :meth:`TodayPage.reload`) first settles the open
promises as of today, so a promise broken overnight is on the list.

The window imports this module when it starts on Today, so it imports only
what the page shows at once; dialogs are imported when first opened.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QDate,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, Changes, changes
from models.contacts import NoteHit, review_promises, search_notes
from models.daily import settle_day
from models.dates import weekday_date
from models.errors import AlreadyCarriedOut, LedgerError
from models.today import (
    WorkItem,
    WorkItemRef,
    dismiss,
    mark_done,
    perhaps_sent,
    shared_worklist,
    snooze,
    worklist_summary,
)
from ui.common import messages
from ui.common.elided_label import ElidedLabel
from ui.common.list_table import list_table
from ui.common.page_actions import page_action
from ui.common.resources import icon
from ui.common.style import ACCENT, mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.today.email_sending import EmailSending
from ui.today.note_results import NoteResults
from ui.today.reminder_approval import ReminderApproval
from ui.today.today_exports import TodayExports
from ui.today.worklist_model import (
    WorklistModel,
    is_about_debt,
    is_check_in,
    is_failed_email,
    is_reminder,
    is_thank_you,
    kind_text,
)

if TYPE_CHECKING:
    from models.plans import PlanStanding
    from reports.due_letters import DueLettersResult
    from ui.common.form_writes import FormWrites
    from ui.common.plan_actions import PlanActions
    from ui.common.relationship_sending import RelationshipSending
    from ui.today.batch_approve_dialog import BatchEntry
    from ui.today.due_letters_printing import DueLettersPrinter

    # What recording approved reminders did: those recorded, those refused and why,
    # the contacts of the letters among them, to print, and the e-mails queued, to send.
    BatchOutcome = tuple[list[BatchEntry], list[tuple[BatchEntry, str]], list[int], list[int]]

# Typing a date digit by digit changes it several times; load once it settles.
DATE_SETTLE_MS = 300
# Notes are searched once the typing pauses.
SEARCH_PAUSE_MS = 250
SPLITTER_KEY = "today/splitter-v1"
# A column is as wide as the widest of this many of its longest texts: in a proportional
# font, the widest text is among the longest by some way.
WIDEST_AMONG = 40
NOTICE_STYLE = (f"QLabel {{ color: {ACCENT}; background: rgba(14, 124, 102, 0.10); "
                f"border-radius: 4px; padding: 4px 8px; }}")


class TodayPage(QWidget):
    """The worklist for a day, its actions (done, snooze, dismiss; review, approve or skip a
    reminder due, or approve several at once; thank a customer, log a check-in, agree a
    payment plan), and a note search."""

    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                    Change.FOLLOW_UP, Change.WORKLIST, Change.OUTBOX, Change.POLICIES)
    """Writes that change the worklist (see ui/common/area.py)."""

    customer_requested = Signal(int)
    """The user asked to open a customer (Enter or double-click on an item or a note)."""
    worklist_changed = Signal(object)
    """A list arrived and is on show (a ``list[WorkItem]``, for :meth:`list_date`)."""
    notes_found = Signal(object)
    """A note search answered (a ``list[NoteHit]``, for :meth:`search_text`)."""
    current_changed = Signal()
    """The item or note in hand changed: :meth:`current_customer_id` may differ."""
    letters_printed = Signal(object)
    """Due letters were recorded as sent and printed (a ``DueLettersResult``)."""
    emails_sent = Signal(object)
    """Queued e-mails were handed to the mail server, or failed (a ``SendResult``)."""
    mail_settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""
    check_in_requested = Signal(int, object)
    """The user asked to log the check-in of the item in hand (the customer's id and the
    item's ``WorkItemRef``): the window's contact logging opens for it."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None, *, settings: QSettings | None = None) -> None:
        """Build the page; nothing is read until :meth:`reload` or :meth:`set_as_of`.

        ``today`` gives the business's date; ``settings`` keeps the split
        between the list and the search results.
        """
        super().__init__(parent)
        self.setObjectName("page-today")
        self._tasks = tasks
        self._today = today
        self._settings = settings if settings is not None else QSettings()
        self._writing = 0
        self._letters: DueLettersPrinter | None = None  # made when first used
        self._thanks: RelationshipSending | None = None  # made when first used
        self._plans: PlanActions | None = None  # made when first used
        self._plan_writes: FormWrites | None = None  # the plans' writes, made with them
        self._approval = ReminderApproval(self, tasks, today, self._now, self._decide)
        self._emails = EmailSending(self, tasks, today, self._now)
        self._connect_helpers()
        self._loading = False
        self._loaded_once = False
        self._list_date: dt.date | None = None
        self._notes_active = False  # the note results, not the list, are in hand
        self.model = WorklistModel(self)
        self._settle = self._timer(DATE_SETTLE_MS, self._on_settle_timeout)
        self._search_timer = self._timer(SEARCH_PAUSE_MS, self._on_search_timer_timeout)
        self._build_actions()
        self._build()
        self._show_state("idle")
        self._update_actions()

    # --- public ---------------------------------------------------------------

    def as_of(self) -> dt.date:
        """The day the list is asked for (today unless the user looks ahead)."""
        return self.date_edit.date().toPython()

    def list_date(self) -> dt.date | None:
        """The day the list on show is for (None until one has loaded)."""
        return self._list_date

    def set_as_of(self, day: dt.date) -> None:
        """Show the list as it will stand on ``day`` (read in the background)."""
        self._set_date_quietly(day)
        self._load(review=False)

    def reload(self) -> None:
        """Settle open promises as of today, then read the list again for its day."""
        self._set_minimum_date()
        self._load(review=True)

    def clear(self) -> None:
        """Forget the list and the search (the store closed); loads on their way are dropped."""
        for key in ("list", "search"):
            self._tasks.forget((self, key))
        self._approval.forget()
        self.clear_notice()
        self._settle.stop()
        self._search_timer.stop()
        self._loading = False
        self._loaded_once = False
        self._list_date = None
        self.model.set_rows([])
        blocked = self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(blocked)
        self._show_notes("", [])
        self._update_heading()
        self._show_state("idle")
        self._update_actions()

    def is_loading(self) -> bool:
        """Whether a list is being read."""
        return self._loading

    def items(self) -> list[WorkItem]:
        """The items on show, in the order shown."""
        return self.model.rows()

    def current_item(self) -> WorkItem | None:
        """The work item selected in the list."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def selected_items(self) -> list[WorkItem]:
        """The work items selected in the list (several with Shift or Ctrl), in list order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [item for item in map(self.model.row_at, rows) if item is not None]

    def notice(self) -> str:
        """What the last approval or skip did, in words ("" when nothing is said)."""
        return self.notice_label.text() if not self.notice_label.isHidden() else ""

    def show_notice(self, text: str) -> None:
        """Say what was just done until the next decision."""
        self.notice_label.setText(text)
        self.notice_label.show()

    def clear_notice(self) -> None:
        """Hide the notice of what was last done."""
        self.notice_label.clear()
        self.notice_label.hide()

    def current_hit(self) -> NoteHit | None:
        """The note selected in the search results."""
        return self._results.current_hit()

    def contact_in_hand(self) -> tuple[int, WorkItemRef | None] | None:
        """The customer Log Contact is for, and the selected item of theirs it settles."""
        customer_id = self.current_customer_id()
        if customer_id is None:
            return None
        item = self.current_item()
        if item is None or item.customer_id != customer_id:
            return customer_id, None
        return customer_id, WorkItemRef(item.kind, item.ref_id, item.title)

    def current_customer_id(self) -> int | None:
        """The customer of the note or item in hand (whichever was last chosen), if any."""
        hit = self.current_hit() if self._notes_active else None
        if hit is not None:
            return hit.customer_id
        item = self.current_item()
        if item is not None:
            return item.customer_id
        hit = self.current_hit()
        return hit.customer_id if hit is not None else None

    def search_text(self) -> str:
        """The text the search results on show are for ("" when none are shown)."""
        return self._results.searched

    def search(self, text: str) -> None:
        """Search the notes for ``text`` now, as if the user had typed it."""
        blocked = self.search_edit.blockSignals(True)
        self.search_edit.setText(text)
        self.search_edit.blockSignals(blocked)
        self._search()

    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected (Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def actions_for_menu(self) -> list[QAction]:
        """The page's actions in menu order."""
        return [self.review_action, self.approve_selected_action, self.retry_email_action,
                self.thank_you_action, self.check_in_action, self.agree_plan_action,
                self.done_action, self.snooze_action, self.dismiss_action,
                self.open_customer_action, self.search_action, self.print_letters_action,
                self.send_emails_action]

    # --- loading ------------------------------------------------------------------

    def _load(self, *, review: bool) -> None:
        self._settle.stop()
        as_of, today = self.as_of(), self._today()

        def work(_progress: Progress) -> tuple[bool, list[WorkItem]]:
            # A promise broken since yesterday joins the list; so does a plan broken
            # today (models.daily: plans completed or defaulted, offers lapsed).
            settled = (bool(review_promises(today)) | settle_day(today).changed) if review \
                else False
            # The list the navigation's count shows too: worked out once between writes.
            return settled, list(shared_worklist(as_of))

        self._loading = True
        self._update_heading()
        self._update_actions()
        if not self._loaded_once:
            self._show_state("loading")
        # Reviewing promises may record some as kept or broken; most days, none.
        self._tasks.run(
            work, writes=review, initiator=self, latest=(self, "list"),
            changes=(lambda result: changes(Change.CONTACTS, Change.FOLLOW_UP)
                     if result[0] else frozenset())
            if review else None,
            on_success=lambda result: self._on_load_task_succeeded(as_of, result[1]),
            on_failure=self._on_load_task_failed)

    def _on_load_task_succeeded(self, as_of: dt.date, items: list[WorkItem]) -> None:
        self._loading = False
        self._loaded_once = True
        self._list_date = as_of
        keep = self._kept_position()
        self.model.set_rows(items)
        if not self._sized:
            self._size_columns()
        self._show_state("table" if items else "empty")
        self._select(*keep)
        self._update_heading()
        self._update_actions()
        self.worklist_changed.emit(items)
        self.current_changed.emit()

    def _on_load_task_failed(self, _error: BaseException) -> bool:
        self._loading = False
        self._update_heading()
        self._update_actions()
        if not self._loaded_once:
            self._show_state("failed")
        return False  # the task helper tells the user what went wrong

    def _search(self) -> None:
        self._search_timer.stop()
        self._tasks.forget((self, "search"))
        text = self.search_edit.text().strip()
        if not text:
            self._show_notes("", [])
            return

        def work(_progress: Progress) -> list[NoteHit]:
            return search_notes(text)

        self._tasks.run(work, on_success=lambda hits: self._on_search_task_succeeded(text, hits),
                        latest=(self, "search"))

    def _on_search_task_succeeded(self, text: str, hits: list[NoteHit]) -> None:
        self._show_notes(text, hits)
        # The search is the user's latest act: its first note is the one in hand.
        self._notes_active = bool(hits)
        self._update_actions()
        self.notes_found.emit(hits)
        self.current_changed.emit()

    # --- deciding on items ------------------------------------------------------

    def _decide(self, item: WorkItem, work: Callable[[], Any], what: Changes, *,
                refused: Callable[[LedgerError], None] | None = None,
                notice: str = "", then: Callable[[Any], None] | None = None) -> None:
        """Write a decision on ``item`` that changes ``what``; then read the list again (the
        stream of changes tells the other areas).

        An item gone, or an account that moved on since the list was read, is
        said in a message and the list read again; other objections go to
        ``refused`` (to re-open the dialog). ``notice`` says what was done;
        ``then`` gets what ``work`` returned.
        """
        self._writing += 1
        self.clear_notice()
        self._update_actions()

        def run(_progress: Progress) -> Any:
            return work()

        def succeeded(result: Any) -> None:
            self._writing -= 1
            if notice:
                self.show_notice(notice)
            self._load(review=False)
            if then is not None:
                then(result)

        def failed(error: BaseException) -> bool:
            self._writing -= 1
            self._update_actions()
            if not isinstance(error, LedgerError):
                return False
            # Someone else carried the reminder out first (AlreadyCarriedOut) or the
            # account moved on: nothing to correct in the dialog, the list is out of date.
            if refused is not None and error.field not in ("item", "action") \
                    and not isinstance(error, AlreadyCarriedOut):
                refused(error)
            else:
                self._refused_for_good(error.message)
            return True

        self._tasks.run(run, writes=True, changes=what, initiator=self, on_success=succeeded,
                        on_failure=failed)

    def _refused_for_good(self, message: str) -> None:
        """The store said no for a reason the user cannot correct here: say why, read again."""
        messages.show_message(self, QMessageBox.Icon.Warning, "Duly", message,
                              informative="The list has been read again.")
        self._load(review=False)

    def _ask_snooze(self, item: WorkItem, until: dt.date | None = None,
                    error: LedgerError | None = None) -> None:
        from ui.today.snooze_dialog import SnoozeDialog

        SnoozeDialog.ask(self, lambda day: self._on_snooze_dialog_finished(item, day),
                         what=item.title, customer_name=item.customer_name,
                         today=self._today(), until=until, error=error)

    def _on_snooze_dialog_finished(self, item: WorkItem, until: dt.date | None) -> None:
        if until is None:
            return
        today = self._today()
        self._decide(item, lambda: snooze(item.kind, item.ref_id, until, on=today),
                     changes(Change.WORKLIST),
                     refused=lambda error: self._ask_snooze(item, until, error))

    def _ask_dismiss(self, item: WorkItem, reason: str = "",
                     error: LedgerError | None = None) -> None:
        from ui.common.reason_dialog import ReasonDialog

        ReasonDialog.ask(
            self, lambda text: self._on_dismiss_dialog_finished(item, text),
            title="Dismiss", confirm="Dismiss",
            text=f"{item.title} — {item.customer_name}. It leaves the list for good; "
                 f"the reason is kept with the customer's record.",
            placeholder="e.g. paid by cheque, in the post", reason=reason, error=error)

    def _on_dismiss_dialog_finished(self, item: WorkItem, reason: str | None) -> None:
        if reason is None:
            return
        today = self._today()
        self._decide(item, lambda: dismiss(item.kind, item.ref_id, reason, on=today),
                     changes(Change.WORKLIST),
                     refused=lambda error: self._ask_dismiss(item, reason, error))

    # --- reminders due: review one, or approve several ----------------------------

    def _retry(self, items: list[WorkItem]) -> None:
        """Queue failed e-mails again and send them; one that may have gone is sent again
        only once the user has checked it did not."""
        from models.outbox import retry

        ids = [item.ref_id for item in items]

        def send_again() -> None:
            self._decide(items[0], lambda: [retry(outbox_id) for outbox_id in ids],
                         changes(Change.OUTBOX, Change.WORKLIST),
                         then=lambda _result: self._emails.send(ids))

        perhaps = [item for item in items if perhaps_sent(item)]
        if not perhaps:
            send_again()
            return
        names = ", ".join(sorted({item.customer_name for item in perhaps}))
        box = QMessageBox(QMessageBox.Icon.Question, "Duly",
                          f"Was the e-mail to {names} sent?" if len(perhaps) == 1
                          else f"Were the e-mails to {names} sent?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("perhapsSentBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(f"{perhaps[0].detail}\n\nLook in the Sent folder of your "
                               f"mail program. Send again only what is not there.")
        again = box.addButton("&Send Again", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: send_again() if button is again else None)
        box.open()

    # --- reminders due and e-mail: see ReminderApproval and EmailSending ------------

    def _now(self) -> dt.datetime:
        # The business's today (pinned in tests and demos) with the wall clock's time.
        return dt.datetime.combine(self._today(),
                                   dt.datetime.now().time().replace(microsecond=0))

    def _busy_writing(self) -> bool:
        """A decision, a batch of reminders or a payment plan is being written."""
        return bool(self._writing) or self._approval.recording or (
            self._plan_writes is not None and self._plan_writes.busy)

    @Slot()
    def _on_helper_finished(self) -> None:
        self._load(review=False)

    # --- building -----------------------------------------------------------------

    def _timer(self, interval: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _connect_helpers(self) -> None:
        for helper in (self._approval, self._emails):
            helper.busy_changed.connect(self._update_actions)
            helper.started.connect(self.clear_notice)
            helper.notice.connect(self.show_notice)
            helper.finished.connect(self._on_helper_finished)
        self._approval.refused_for_good.connect(self._refused_for_good)
        self._approval.emails_queued.connect(self._emails.send)
        self._emails.sent.connect(self.emails_sent)
        self._emails.settings_requested.connect(self.mail_settings_requested)

    def _build_actions(self) -> None:
        self.done_action = page_action(
            self, "&Done", "Ctrl+D", self._on_done_action_triggered,
            tip="Mark the selected item as dealt with: it leaves the list")
        self.snooze_action = page_action(
            self, "&Snooze…", "Ctrl+Shift+S", self._on_snooze_action_triggered,
            bar_text="Snooze", tip="Put the selected item aside until a later day")
        self.dismiss_action = page_action(
            self, "D&ismiss…", "Del", self._on_dismiss_action_triggered,
            bar_text="Dismiss", tip="Take the selected item off the list for good, saying why")
        self.open_customer_action = page_action(
            self, "&Open Customer", "Ctrl+Return", self._on_open_customer_action_triggered,
            bar_text="Open", tip="Show the customer's account")
        self.search_action = page_action(
            self, "Search &Notes", QKeySequence.StandardKey.Find, self._on_search_action_triggered,
            tip="Find a note in every contact logged")
        self.review_action = page_action(
            self, "Re&view Reminder…", "Ctrl+R", self._on_review_action_triggered,
            bar_text="Review",
            tip="Review the selected reminder due: its invoices, charges and text, then "
                "approve or skip it")
        self.approve_selected_action = page_action(
            self, "&Approve Selected…", "Ctrl+Shift+A",
            self._on_approve_selected_action_triggered,
            bar_text="Approve",
            tip="Approve the selected reminders due at once, each with its template's text")
        self.print_letters_action = page_action(
            self, "Print Due &Letters…", "Ctrl+Shift+P", self._on_print_letters_action_triggered,
            bar_text="Print Letters",
            tip="Record every reminder letter due today as sent and print them in one PDF")
        self.send_emails_action = page_action(
            self, "Send Due &E-mails…", "Ctrl+Shift+M", self._on_send_emails_action_triggered,
            bar_text="Send E-mails",
            tip="Send every e-mail reminder due today, with its statement attached, through "
                "your mail server")
        self.retry_email_action = page_action(
            self, "Re&try E-mail", "Ctrl+Shift+R", self._on_retry_email_action_triggered,
            bar_text="Retry", tip="Send the selected e-mails that were not sent again")
        self.thank_you_action = page_action(
            self, "Send T&hank-you…", "Ctrl+Shift+T", self._on_thank_you_action_triggered,
            bar_text="Thank",
            tip="Thank the customer of the selected thank-you item, by e-mail (or a letter "
                "if they have no e-mail address), from the template in their language")
        self.check_in_action = page_action(
            self, "Log Chec&k-in…", "Ctrl+Shift+K", self._on_check_in_action_triggered,
            bar_text="Check In",
            tip="Log the call, e-mail or visit of the selected check-in: the next one counts "
                "from it")
        self.agree_plan_action = page_action(
            self, "A&gree Payment Plan…", "Ctrl+Alt+A", self._on_agree_plan_action_triggered,
            bar_text="Plan",
            tip="Agree a payment plan with the customer of the selected item (for a missed "
                "instalment, renegotiate their plan)")
        # Delete dismisses only from the list itself, never from the search box.
        self.removeAction(self.dismiss_action)
        self.dismiss_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build(self) -> None:
        title = QLabel("Today")
        title.setObjectName("pageTitle")
        scale_font(title, 1.5, bold=True)
        # Cut with "…" (the whole in its tooltip) rather than hold a narrow window wide:
        # a big book's summary names a dozen kinds of work.
        self.heading_label = ElidedLabel(tip_when_cut=True)
        self.heading_label.setObjectName("todayHeading")
        self.heading_label.setTextFormat(Qt.TextFormat.PlainText)
        mute(self.heading_label)

        date_label = QLabel("Show the list &for")
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("todayDate")
        self.date_edit.setAccessibleName("Show the list for")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setToolTip("Look ahead: the list as it will stand on a coming day")
        date_label.setBuddy(self.date_edit)
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Go back to today's list")
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self._set_minimum_date()
        self._set_date_quietly(self._today())
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        # The day's summary has the whole width under the title and the day chosen.
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(title, 1)
        top.addWidget(date_label, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.date_edit, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.today_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.exports = TodayExports(self, self._tasks, self._today)  # the Export menu
        top.addWidget(self.exports.button, 0, Qt.AlignmentFlag.AlignVCenter)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addLayout(top)
        words.addWidget(self.heading_label)
        self.notice_label = QLabel()
        self.notice_label.setObjectName("todayNotice")
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(NOTICE_STYLE)
        self.notice_label.hide()
        words.addSpacing(6)
        words.addWidget(self.notice_label)

        # A tool bar, so that in a narrow window the actions that do not fit
        # move into its » menu instead of holding the window wide.
        self.action_bar = QToolBar()
        self.action_bar.setObjectName("todayActions")
        self.action_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.action_bar.setStyleSheet("QToolBar#todayActions { border: none; spacing: 6px; }")
        for action in (self.review_action, self.approve_selected_action,
                       self.thank_you_action, self.check_in_action, self.agree_plan_action,
                       self.done_action, self.snooze_action, self.dismiss_action,
                       self.open_customer_action, self.print_letters_action,
                       self.send_emails_action, self.retry_email_action):
            self.action_bar.addAction(action)
        self.action_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("noteSearch")
        self.search_edit.setPlaceholderText("Search notes")
        self.search_edit.setAccessibleName("Search notes")
        self.search_edit.setToolTip("Find contacts whose note, outcome or person contain "
                                    "every word typed (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(160)
        self.search_edit.setMaximumWidth(320)
        self.search_edit.setSizePolicy(QSizePolicy.Policy.Expanding,
                                       QSizePolicy.Policy.Fixed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.action_bar, 1)
        bar.addWidget(self.search_edit)

        self.table = list_table(self.model, "worklistTable", "Today's work")
        # Several reminders can be chosen for approval; the current row stays the one in hand.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.review_action, self.approve_selected_action,
                       self.retry_email_action, self.thank_you_action, self.check_in_action,
                       self.agree_plan_action, self.done_action, self.snooze_action,
                       self.dismiss_action, self.open_customer_action):
            self.table.addAction(action)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(
            self._on_table_selection_changed)
        self._sized = False
        self._size_columns(initial=True)

        self.message_label = QLabel()
        self.message_label.setObjectName("todayMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(self.message_label, 1.1)
        mute(self.message_label)
        self._message_icon = QLabel()
        self._message_icon.setPixmap(icon("today").pixmap(48, 48))
        self._message_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message = QWidget()
        message_layout = QVBoxLayout(message)
        message_layout.addStretch(2)
        message_layout.addWidget(self._message_icon)
        message_layout.addSpacing(10)
        message_layout.addWidget(self.message_label)
        message_layout.addStretch(3)
        self._message_page = message
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(message)

        self._results = self.note_results = NoteResults()
        self.notes, self.results_table = self._results.model, self._results.table
        self._results.customer_requested.connect(self.customer_requested)
        self._results.selection_changed.connect(self._on_results_selection_changed)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("todaySplitter")
        self.splitter.addWidget(self.body)
        self.splitter.addWidget(self._results)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setHandleWidth(6)
        state = self._settings.value(SPLITTER_KEY)
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(self._on_splitter_splitter_moved)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(words)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.date_edit, self.today_button)
        self.setTabOrder(self.today_button, self.search_edit)
        self.setTabOrder(self.search_edit, self.table)
        self.setTabOrder(self.table, self.results_table)
        self.table.installEventFilter(self)
        self.results_table.installEventFilter(self)

    def _size_columns(self, initial: bool = False) -> None:
        """Widths for the figures the list holds (the first load), not every row."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = 24
        sample = self.items()[:2000]  # a big book's list is measured by its first rows
        name = _widest(metrics, (item.customer_name for item in sample)) if sample \
            else metrics.horizontalAdvance("M" * 12)
        # An amount's text grows with its digits and its currency's code.
        amounts = heapq.nlargest(
            WIDEST_AMONG, (item for item in sample if item.amount_minor is not None),
            key=lambda item: (len(str(item.amount_minor)), len(item.currency)))
        amount = _widest(metrics, map(self.model.columns[WorklistModel.AMOUNT].text, amounts))
        # A reminder's "What" is its stage and channel: "Agency review (phone call)".
        what = min(max(_widest(metrics, map(kind_text, sample)),
                       metrics.horizontalAdvance("Broken promise")) + pad, 240)
        widths = {
            WorklistModel.WHAT: what,
            WorklistModel.CUSTOMER: max(min(name + pad, 220), 140),
            WorklistModel.SINCE: metrics.horizontalAdvance("30 Sep 2026") + pad,
            WorklistModel.WAITING: metrics.horizontalAdvance("999 days") + pad,
            WorklistModel.AMOUNT: max(amount, metrics.horizontalAdvance("99,999.00 GBP")) + pad,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        self._sized = not initial and bool(self.items())

    # --- showing what there is --------------------------------------------------

    def _set_minimum_date(self) -> None:
        today = self._today()
        self.date_edit.setMinimumDate(QDate(today.year, today.month, today.day))

    def _set_date_quietly(self, day: dt.date) -> None:
        blocked = self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.blockSignals(blocked)
        self._update_heading()

    def _update_heading(self) -> None:
        as_of, today = self.as_of(), self._today()
        self.today_button.setEnabled(as_of != today)
        day = weekday_date(as_of)
        lead = day if as_of == today else f"Looking ahead to {day}"
        if self._loading and self._list_date != as_of:
            text = f"{lead} · Loading…"
        elif not self._loaded_once or self._list_date != as_of:
            text = lead
        elif not self.items():
            text = f"{lead} · Nothing to do" + (" today" if as_of == today else "")
        else:
            text = f"{lead} · {worklist_summary(self.items())}"
        self.heading_label.setText(text)

    def _show_state(self, state: str) -> None:
        """The list, or a message: idle, loading, failed, empty."""
        if state == "table":
            self.body.setCurrentWidget(self.table)
            return
        future = self.as_of() > self._today()
        texts = {
            "idle": "",
            "loading": "Loading today's work…",
            "failed": "The list could not be read.",
            "empty": (f"Nothing to do on {weekday_date(self.as_of())} so far."
                      if future else
                      "Nothing to do today: every follow-up and promise is up to date."),
        }
        self.message_label.setText(texts[state])
        self._message_icon.setVisible(state == "empty")
        self.body.setCurrentWidget(self._message_page)

    def _show_notes(self, text: str, hits: list[NoteHit]) -> None:
        """The results for ``text`` under the list, or no results pane when it is ""."""
        self._results.show_hits(text, hits)
        if not text:
            self._notes_active = False
            self.current_changed.emit()

    def _kept_position(self) -> tuple[object, int]:
        """The selected item's identity and row, to select it (or its successor) again."""
        index = self.table.currentIndex()
        item = self.current_item()
        return (self.model.row_key(item) if item is not None else None,
                index.row() if index.isValid() else 0)

    def _select(self, key: object, row: int) -> None:
        """Select the item ``key`` if still listed, else the one now at ``row``."""
        count = self.model.rowCount()
        if count == 0:
            return
        found = self.model.position_of(key) if key is not None else -1
        position = found if found >= 0 else min(max(row, 0), count - 1)
        index = self.model.index(position, max(self.table.currentIndex().column(), 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _update_actions(self) -> None:
        item = self.current_item()
        free = not self._busy_writing() and not self._loading
        preparing, sending = self._approval.preparing, self._emails.busy
        deciding = item is not None and free
        for action in (self.done_action, self.snooze_action, self.dismiss_action):
            action.setEnabled(deciding)
        self.review_action.setEnabled(
            deciding and not preparing and item is not None and is_reminder(item))
        self.approve_selected_action.setEnabled(
            free and not preparing and any(map(is_reminder, self.selected_items())))
        self.open_customer_action.setEnabled(self.current_customer_id() is not None)
        self.print_letters_action.setEnabled(
            not self._busy_writing() and (self._letters is None or not self._letters.busy))
        self.send_emails_action.setEnabled(not self._busy_writing() and not sending)
        self.retry_email_action.setEnabled(free and not sending and any(
            map(is_failed_email, self.selected_items())))
        thanking = self._thanks is not None and self._thanks.busy
        self.thank_you_action.setEnabled(
            deciding and not thanking and item is not None and is_thank_you(item))
        self.check_in_action.setEnabled(deciding and item is not None and is_check_in(item))
        self.agree_plan_action.setEnabled(
            deciding and item is not None and is_about_debt(item))

    # --- events and slots ----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Search box: Down or Enter goes to the results, Escape clears; tables: which is in
        hand."""
        kind = event.type()
        if watched is self.search_edit and kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                self._search()
                self.results_table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if key == Qt.Key.Key_Down and self.notes.rowCount():
                self.results_table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
        elif kind == QEvent.Type.FocusIn and watched in (self.table, self.results_table):
            self._set_notes_active(watched is self.results_table)
        return super().eventFilter(watched, event)

    def _set_notes_active(self, active: bool) -> None:
        if active != self._notes_active:
            self._notes_active = active
            self._update_actions()
            self.current_changed.emit()

    @Slot()
    def _on_settle_timeout(self) -> None:
        self._load(review=False)

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self._search()

    @Slot(QDate)
    def _on_date_edit_date_changed(self, _date: QDate) -> None:
        self._update_heading()
        self._settle.start()

    @Slot()
    def _on_today_button_clicked(self) -> None:
        self.set_as_of(self._today())

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self._tasks.forget((self, "search"))  # a search for older text is no longer wanted
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self._show_notes("", [])

    @Slot()
    def _on_search_action_triggered(self) -> None:
        self.focus_search()

    @Slot()
    def _on_done_action_triggered(self) -> None:
        item = self.current_item()
        if item is None or self._busy_writing():
            return
        today = self._today()
        # Done on a follow-up completes it on its contact.
        self._decide(item, lambda: mark_done(item.kind, item.ref_id, on=today),
                     changes(Change.WORKLIST, Change.CONTACTS))

    @Slot()
    def _on_snooze_action_triggered(self) -> None:
        item = self.current_item()
        if item is not None and not self._busy_writing():
            self._ask_snooze(item)

    @Slot()
    def _on_dismiss_action_triggered(self) -> None:
        item = self.current_item()
        if item is not None and not self._busy_writing():
            self._ask_dismiss(item)

    @Slot()
    def _on_review_action_triggered(self) -> None:
        item = self.current_item()
        if item is not None and is_reminder(item) and not self._busy_writing() \
                and not self._approval.preparing:
            self._approval.review(item)

    @Slot()
    def _on_approve_selected_action_triggered(self) -> None:
        items = [i for i in self.selected_items() if is_reminder(i)]
        if items and not self._busy_writing() and not self._approval.preparing:
            self._approval.approve(items)

    @Slot()
    def _on_send_emails_action_triggered(self) -> None:
        if not self._busy_writing() and not self._emails.busy:
            self._emails.send_due()

    @Slot()
    def _on_retry_email_action_triggered(self) -> None:
        items = [item for item in self.selected_items() if is_failed_email(item)]
        if items and not self._busy_writing() and not self._emails.busy:
            self._retry(items)

    @Slot()
    def _on_print_letters_action_triggered(self) -> None:
        if not self._busy_writing():
            self._letter_printer().start(self._today())

    # --- thank-yous, check-ins and plans --------------------------------------------------

    @Slot()
    def _on_thank_you_action_triggered(self) -> None:
        item = self.current_item()
        if item is None or not is_thank_you(item) or self._busy_writing():
            return
        from models.kinds import ContactPurpose
        from models.relationship import RelationshipDraft, thank_you_draft
        from ui.common.relationship_sending import RelationshipContact

        sending = self._thank_you_sending()
        if sending.busy:
            return
        today, kind, customer_id = self._today(), item.kind, item.customer_id

        def draft(channel: str) -> RelationshipDraft:
            return thank_you_draft(customer_id, channel, today, kind=kind)

        self.clear_notice()
        sending.start(RelationshipContact(customer_id, item.customer_name, item.customer_code,
                                          ContactPurpose.THANKS, "thank-you", draft))

    def _thank_you_sending(self) -> RelationshipSending:
        if self._thanks is None:
            from ui.common.relationship_sending import RelationshipSending

            self._thanks = RelationshipSending(self, self._tasks, self._today)
            self._thanks.notice.connect(self.show_notice)
            # Sent, or waiting in the outbox: the thank-you is done either way, and an
            # e-mail the server did not take is on the list to retry.
            self._thanks.finished.connect(self._on_helper_finished)
            self._thanks.settings_requested.connect(self.mail_settings_requested)
            self._thanks.busy_changed.connect(self._update_actions)
        return self._thanks

    @Slot()
    def _on_check_in_action_triggered(self) -> None:
        in_hand = self.contact_in_hand()
        item = self.current_item()
        if in_hand is None or item is None or not is_check_in(item) or self._busy_writing():
            return
        self.clear_notice()
        customer_id, ref = in_hand
        self.check_in_requested.emit(customer_id, ref)

    @Slot()
    def _on_agree_plan_action_triggered(self) -> None:
        item = self.current_item()
        if item is None or not is_about_debt(item) or self._busy_writing():
            return
        from models.plans import plan_currency, plan_standing
        from models.today import plan_to_replace

        today = self._today()

        def read(_progress: Progress) -> tuple[str, PlanStanding | None]:
            replacing = plan_to_replace(item.kind, item.ref_id)
            return (plan_currency(item.customer_id, item.currency),
                    plan_standing(replacing, today) if replacing is not None else None)

        def ask(found: tuple[str, PlanStanding | None]) -> None:
            currency, replacing = found
            actions = self._plan_actions()
            if replacing is not None:
                actions.renegotiate(replacing)
            else:
                actions.agree(item.customer_id, item.customer_name, currency)

        self.clear_notice()
        self._tasks.run(read, on_success=ask, on_failure=self._on_read_refused)

    def _plan_actions(self) -> PlanActions:
        if self._plans is None:
            from ui.common.form_writes import FormWrites
            from ui.common.plan_actions import PlanActions

            writes = FormWrites(self, self._tasks)
            writes.busy_changed.connect(self._update_actions)
            self._plans = PlanActions(self, self._tasks, self._today, writes)
            self._plans.notice.connect(self.show_notice)
            self._plans.changed.connect(self._on_plans_changed)
            self._plans.settings_requested.connect(self.mail_settings_requested)
            self._plan_writes = writes
        return self._plans

    @Slot(int)
    def _on_plans_changed(self, _customer_id: int) -> None:
        self._load(review=False)

    def _on_read_refused(self, error: BaseException) -> bool:
        """An item gone since the list was read: said, and the list read again."""
        if not isinstance(error, LedgerError):
            return False
        self._refused_for_good(error.message)
        return True

    def _letter_printer(self) -> DueLettersPrinter:
        if self._letters is None:
            from ui.today.due_letters_printing import (
                DueLettersPrinter,
            )

            self._letters = DueLettersPrinter(self._tasks, self)
            self._letters.busy_changed.connect(self._on_letters_busy_changed)
            self._letters.printed.connect(self._on_letters_printed)
            self._letters.prepared.connect(self._on_letters_prepared)
        return self._letters

    @Slot(bool)
    def _on_letters_busy_changed(self, _busy: bool) -> None:
        self._update_actions()

    @Slot(object)
    def _on_letters_prepared(self, _result: DueLettersResult) -> None:
        assert self._letters is not None
        self.show_notice(self._letters.last_notice)

    @Slot(object)
    def _on_letters_printed(self, result: DueLettersResult) -> None:
        assert self._letters is not None
        self.show_notice(self._letters.last_notice)
        self._load(review=False)
        self.letters_printed.emit(result)

    @Slot()
    def _on_open_customer_action_triggered(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.customer_requested.emit(customer_id)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        item = self.model.row_at(index.row()) if index.isValid() else None
        if item is None:
            return
        if not is_reminder(item):
            self.customer_requested.emit(item.customer_id)
        elif not self._busy_writing() and not self._approval.preparing:
            self._approval.review(item)  # a reminder is decided on, not just looked at

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self._update_actions()
        self.current_changed.emit()

    @Slot()
    def _on_results_selection_changed(self) -> None:
        self._update_actions()
        self.current_changed.emit()

    @Slot(int, int)
    def _on_splitter_splitter_moved(self, _position: int, _index: int) -> None:
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())


def _widest(metrics: QFontMetrics, texts: Iterable[str]) -> int:
    """The width of the widest of ``texts`` (0 for none), measuring only the longest few:
    measuring each of thousands took the window a tenth of its time to show the list."""
    longest = heapq.nlargest(WIDEST_AMONG, set(texts), key=len)
    return max(map(metrics.horizontalAdvance, longest), default=0)
