"""Today's e-mail: hand approved reminders, the ones due, or a failed one again to the mail
server, asking for the password or the settings when they are missing.

The Today page owns one :class:`EmailSending`; it says what it is doing by signals
and the page shows it (the notice, the busy actions, the list read again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.dates import weekday_date
from models.errors import LedgerError
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from models.outbox import SendResult
    from reports.email_reminders import QueueResult
    from ui.common.password_dialog import MailAccess
    from ui.common.tasks import TaskProgress


def sending_notice(queued: QueueResult | None, result: SendResult) -> str:
    """What sending did: "3 e-mails sent; 1 failed (see Today); 2 customers have no e-mail
    address and get a letter instead." """
    if result.sent or result.failed or result.left or result.uncertain:
        words = [f"{result.sent} e-mail{'' if result.sent == 1 else 's'} sent"]
    else:
        words = ["No e-mail reminders are due" if queued is not None
                 else "No e-mail was waiting to be sent"]
    if result.failed:
        words.append(f"{len(result.failed)} failed (see Today)")
    if result.uncertain:
        words.append(f"{len(result.uncertain)} perhaps sent before Duly was closed "
                     f"(see Today)")
    if result.left:
        words.append(f"{result.left} left in the outbox for next time")
    if queued is not None and queued.without_address:
        count = len(queued.without_address)
        words.append(f"{count} customer{' has' if count == 1 else 's have'} no e-mail "
                     f"address and get{'s' if count == 1 else ''} a letter instead")
    return "; ".join(words) + "."


# What counting found: reminders due by e-mail, customers who get a letter instead, and
# e-mails already waiting in the outbox; None when e-mail is not set up.
DueCount = tuple[int, list[str], int] | None


class EmailSending(QObject):
    """Sends the outbox's e-mails for the Today page, one send at a time."""

    busy_changed = Signal()
    """Sending (or counting) started or ended: :attr:`busy` may differ."""
    started = Signal()
    """Sending begins: an earlier notice no longer holds."""
    notice = Signal(str)
    """What was done, in words, for the page's notice line."""
    finished = Signal()
    """Sending ended (sent, failed or cancelled): the worklist is worth reading again."""
    sent = Signal(object)
    """Queued e-mails were handed to the mail server, or failed (a ``SendResult``)."""
    settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 now: Callable[[], dt.datetime]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._now = now
        self.busy = False

    def send(self, ids: list[int] | None, *, due: bool = False) -> None:
        """Hand the queued e-mails ``ids`` (None: every one queued) to the mail server; with
        ``due``, first queue every e-mail reminder due today. Asks for what is missing."""
        from ui.common.password_dialog import ask_mail_access

        ask_mail_access(self._parent, self._tasks, lambda access: self._start(access, ids, due),
                        open_settings=self.settings_requested.emit)

    def send_due(self) -> None:
        """Count the e-mail reminders due today and those waiting; then ask to send them."""
        from models.followup import follow_up_plan, goes_by_email
        from models.kinds import OutboxState
        from models.mail import mail_settings
        from models.outbox import outbox

        today = self._today()

        def work(_progress: Progress) -> DueCount:
            if mail_settings() is None:
                return None
            due = follow_up_plan(today, held_back=False).due
            without = [a.customer_name for a in due if a.no_email_address]
            return (sum(1 for a in due if goes_by_email(a)), without,
                    len(outbox([OutboxState.QUEUED])))

        self._set_busy(True)
        self._tasks.run(work, label="Counting the e-mails due…",
                        on_success=lambda found: self._on_counted(today, found),
                        on_failure=self._on_failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit()

    def _start(self, access: MailAccess, ids: list[int] | None, due: bool) -> None:
        from models.outbox import send_queued
        from reports.email_reminders import queue_due_emails
        from ui.common import password_dialog
        from ui.common.tasks import TaskCancelled

        as_of, now, context = self._today(), self._now(), password_dialog.ssl_context

        def work(progress: TaskProgress) -> tuple[QueueResult | None, SendResult]:
            # Cancelling while queueing rolls the queueing back; while sending, the
            # message in hand is finished and the rest stay queued.
            queued = queue_due_emails(as_of, now=now, progress=progress) if due else None

            def told(done: int, total: int) -> None:
                with contextlib.suppress(TaskCancelled):  # send_queued asks cancelled()
                    progress(done, total)

            return queued, send_queued(access.settings, access.password, ids=ids,
                                       progress=told, cancelled=lambda: progress.cancelled,
                                       ssl_context=context, now=now)

        self.started.emit()
        self._set_busy(True)
        # An e-mail that goes becomes the customer's last contact.
        self._tasks.run(work, writes=True, cancellable=due, initiator=self._parent,
                        changes=changes(Change.OUTBOX, Change.CONTACTS),
                        label="Sending the e-mails…" if due else "Sending the e-mail…",
                        on_success=self._on_sent, on_failure=self._on_failed,
                        on_cancel=self._on_cancelled)

    def _on_counted(self, today: dt.date, found: DueCount) -> None:
        from ui.common.password_dialog import show_not_set_up

        self._set_busy(False)
        if found is None:
            show_not_set_up(self._parent, self.settings_requested.emit)
            return
        due, without, waiting = found
        letters = (f"{len(without)} customer{' has' if len(without) == 1 else 's have'} no "
                   f"e-mail address and get{'s' if len(without) == 1 else ''} a letter "
                   f"instead (Print Due Letters)." if without else "")
        if not due and not waiting:
            messages.show_message(self._parent, QMessageBox.Icon.Information,
                                  "Send due e-mails",
                                  f"No e-mail reminders are due on {weekday_date(today)}.",
                                  informative=letters)
            return
        self._ask_to_send(today, due, waiting, letters)

    def _ask_to_send(self, today: dt.date, due: int, waiting: int, letters: str) -> None:
        counted = [f"{due} e-mail reminder{' is' if due == 1 else 's are'} due on "
                   f"{weekday_date(today)}"] if due else []
        if waiting:
            counted.append(f"{waiting} e-mail{' is' if waiting == 1 else 's are'} waiting "
                           f"in the outbox")
        box = QMessageBox(QMessageBox.Icon.Question, "Send due e-mails",
                          f"{' and '.join(counted)}. Send "
                          f"{'it' if due + waiting == 1 else 'them'} now?",
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setObjectName("sendDueEmailsBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(" ".join(part for part in (
            "Each goes to its customer's billing contacts with their statement attached, "
            "and is recorded on the customer's timeline. If you cancel while they are "
            "sent, the rest wait in the outbox.", letters) if part))
        go = box.addButton("&Send E-mails", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(go)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.send(None, due=True) if button is go else None)
        box.open()

    def _on_sent(self, outcome: tuple[QueueResult | None, SendResult]) -> None:
        queued, result = outcome
        self._set_busy(False)
        self.notice.emit(sending_notice(queued, result))
        if result.failed:
            count = len(result.failed)
            lines = [f"{name}: {reason}" for name, reason in result.failed]
            messages.show_message(
                self._parent, QMessageBox.Icon.Warning, "Duly",
                f"{count} e-mail{' was' if count == 1 else 's were'} not sent.",
                informative="\n\n".join(lines) + "\n\nThey are listed in Today: retry "
                "them once the problem is put right.")
        if queued is not None and queued.skipped:
            lines = [f"{name}: {reason}" for name, reason in queued.skipped]
            messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly",
                                  f"{len(lines)} e-mail{'' if len(lines) == 1 else 's'} "
                                  f"could not be written.", informative="\n\n".join(lines))
        if queued is not None and queued.without_interest:
            lines = [f"{name}: {reason}" for name, reason in queued.without_interest]
            messages.show_message(self._parent, QMessageBox.Icon.Information, "Duly",
                                  f"{len(lines)} reminder{'' if len(lines) == 1 else 's'} "
                                  f"went without interest: a reference rate is missing.",
                                  informative="\n\n".join(lines))
        self.finished.emit()
        self.sent.emit(result)

    def _on_failed(self, error: BaseException) -> bool:
        self._set_busy(False)
        self.finished.emit()
        if not isinstance(error, LedgerError):
            return False  # a store, mail or keyring problem: the task helper says which
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly", error.message,
                              informative="The e-mails wait in the outbox.")
        return True

    def _on_cancelled(self) -> None:
        self._set_busy(False)
        self.notice.emit("Cancelled before any e-mail was queued: nothing was sent.")
        self.finished.emit()
