"""E-mail the customer shown their open-item statement: draft it, let the user edit it,
then queue it and hand it to the mail server, asking for the password or the settings
when they are missing.

The Customers page owns one :class:`StatementEmailing`; it says what it is doing by
signals and the page shows it (the notice, the busy action, the account read again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.customer_account import CustomerHeader
from models.errors import LedgerError
from models.mail import MailSettings, mail_settings, recipients_of
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from models.outbox import SendResult
    from ui.common.email_dialog import ComposedEmail
    from ui.common.password_dialog import MailAccess

# What an e-mailed statement starts from: the settings, the recipients, subject and text.
StatementMail = tuple[MailSettings | None, list[tuple[str, str]], str, str]


class StatementEmailing(QObject):
    """E-mails the customer shown their statement, one e-mail at a time."""

    busy_changed = Signal()
    """Sending started or ended: :attr:`busy` may differ."""
    notice = Signal(str)
    """What was done, in words, for the account's notice line."""
    finished = Signal(int)
    """Sending to a customer (their id) ended, sent or not: their timeline has changed."""
    sent = Signal(object)
    """The statement was handed to the mail server, or not (a ``SendResult``)."""
    settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""
    print_requested = Signal()
    """The customer has no e-mail address and the user asked for the printed statement."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 header: Callable[[], CustomerHeader | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._header = header
        self.busy = False

    def start(self) -> None:
        """Read the mail settings, the billing contacts and the drafted text; then ask."""
        from reports.email_reminders import statement_email_draft

        header = self._header()
        if header is None or self.busy:
            return
        today = self._today()

        def work(_progress: Progress) -> StatementMail:
            settings = mail_settings()
            to = recipients_of(header.id)
            subject, text = (statement_email_draft(header.id, today) if settings and to
                             else ("", ""))
            return settings, to, subject, text

        self._tasks.run(work, on_success=lambda found: self._on_draft_read(
            header, today, found))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit()

    def _on_draft_read(self, header: CustomerHeader, today: dt.date,
                       found: StatementMail) -> None:
        from ui.common.email_dialog import EmailDialog, EmailDraft
        from ui.common.password_dialog import show_not_set_up

        settings, to, subject, text = found
        if settings is None:
            show_not_set_up(self._parent, self.settings_requested.emit)
        elif not to:
            self._offer_printed_statement(header)
        else:
            draft = EmailDraft(header.name, tuple(to), subject, text,
                               f"Statement {header.code} {today.isoformat()}.pdf")
            EmailDialog.ask(self._parent, lambda composed: self._on_email_dialog_finished(
                header, today, composed), draft=draft)

    def _offer_printed_statement(self, header: CustomerHeader) -> None:
        """A customer with no usable e-mail address: say so, offer the printed statement."""
        box = QMessageBox(QMessageBox.Icon.Information, "Duly",
                          f"{header.name} has no usable e-mail address.",
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setObjectName("noEmailAddress")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Give the customer a billing e-mail or mark a contact with an "
                               "address as billing contact, or print the statement and post "
                               "it.")
        printed = box.addButton("&Print Statement…", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(printed)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.print_requested.emit() if button is printed else None)
        box.open()

    def _on_email_dialog_finished(self, header: CustomerHeader, today: dt.date,
                                  composed: ComposedEmail | None) -> None:
        from ui.common.password_dialog import ask_mail_access

        if composed is not None:
            ask_mail_access(self._parent, self._tasks, lambda access: self._send(
                header, today, composed, access), open_settings=self.settings_requested.emit)

    def _send(self, header: CustomerHeader, today: dt.date, composed: ComposedEmail,
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
            self._set_busy(False)
            self.finished.emit(header.id)

        def sent(result: SendResult) -> None:
            ended()
            if result.sent:
                self.notice.emit(f"Statement e-mailed to {header.name}.")
            else:
                messages.show_not_sent(self._parent, f"The statement to {header.name}",
                                       result.failed)
            self.sent.emit(result)

        def failed(error: BaseException) -> bool:
            ended()
            if not isinstance(error, LedgerError):
                return False
            messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly",
                                  error.message)
            return True

        self._set_busy(True)
        # An e-mail that goes becomes the customer's last contact.
        self._tasks.run(work, writes=True, label="Sending the statement…", on_success=sent,
                        changes=changes(Change.CONTACTS, Change.OUTBOX),
                        initiator=self._parent, on_failure=failed)
