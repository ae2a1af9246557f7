"""Welcome a customer: the welcome e-mail from the template in their language, edited
before it goes; or, for a customer with no e-mail address, the welcome letter shown ready
to print or save, recorded on their timeline once it is.

The Customers page owns one :class:`WelcomeSending`. What was done comes back by
:attr:`WelcomeSending.notice`, and the customer whose timeline changed by
:attr:`WelcomeSending.finished`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.customer_account import CustomerHeader
from models.errors import LedgerError
from models.kinds import Channel, ContactPurpose
from models.relationship import RelationshipDraft
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from models.mail import MailSettings
    from models.outbox import SendResult
    from ui.common.email_dialog import ComposedEmail
    from ui.common.password_dialog import MailAccess
    from ui.common.pdf_files import PdfFile

_SENT = changes(Change.CONTACTS, Change.OUTBOX)
# What starts a welcome: the mail settings, the recipients, and the draft for them.
WelcomeRead = tuple["MailSettings | None", list[tuple[str, str]], RelationshipDraft]


class WelcomeSending(QObject):
    """E-mails a customer their welcome, or shows the welcome letter to print."""

    notice = Signal(str)
    """What was done, in words, for the account's notice line."""
    finished = Signal(int)
    """A welcome was sent or recorded (the customer's id): read the account again."""
    settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 header: Callable[[], CustomerHeader | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._header = header
        self.busy = False

    def start(self) -> None:
        """Draft the welcome for the customer shown: by e-mail when they have an address,
        else as a letter."""
        from models.mail import mail_settings, recipients_of
        from models.relationship import welcome_draft

        header = self._header()
        if header is None or self.busy:
            return
        today = self._today()

        def read(_progress: Progress) -> WelcomeRead:
            to = recipients_of(header.id)
            channel = Channel.EMAIL if to else Channel.LETTER
            return mail_settings(), to, welcome_draft(header.id, channel, today)

        self._tasks.run(read, on_success=lambda found: self._on_draft_read(header, found),
                        on_failure=self._told)

    def _on_draft_read(self, header: CustomerHeader, found: WelcomeRead) -> None:
        from ui.common.email_dialog import EmailDialog, EmailDraft
        from ui.common.password_dialog import show_not_set_up

        settings, to, draft = found
        if not to:
            self._show_letter(header, draft)
        elif settings is None:
            show_not_set_up(self._parent, self.settings_requested.emit)
        else:
            email = EmailDraft(header.name, tuple(to), draft.subject, draft.text, "",
                               draft.language_note)
            EmailDialog.ask(self._parent, lambda composed: self._on_email_dialog_finished(
                header, composed), draft=email, title="Send Welcome")

    def _on_email_dialog_finished(self, header: CustomerHeader,
                                  composed: ComposedEmail | None) -> None:
        from ui.common.password_dialog import ask_mail_access

        if composed is not None:
            ask_mail_access(self._parent, self._tasks,
                            lambda access: self._send(header, composed, access),
                            open_settings=self.settings_requested.emit)

    def _send(self, header: CustomerHeader, composed: ComposedEmail,
              access: MailAccess) -> None:
        from models.outbox import send_queued
        from models.relationship import send_relationship_email
        from ui.common import password_dialog

        context = password_dialog.ssl_context
        now = dt.datetime.combine(self._today(),
                                  dt.datetime.now().time().replace(microsecond=0))

        def work(_progress: Progress) -> SendResult:
            outbox_id = send_relationship_email(header.id, ContactPurpose.WELCOME,
                                                subject=composed.subject, text=composed.text,
                                                now=now)
            return send_queued(access.settings, access.password, ids=[outbox_id],
                               ssl_context=context, now=now)

        def sent(result: SendResult) -> None:
            self.busy = False
            self.finished.emit(header.id)
            if result.sent:
                self.notice.emit(f"Welcome e-mailed to {header.name}.")
                return
            messages.show_not_sent(self._parent, f"The welcome to {header.name}", result.failed)

        def failed(error: BaseException) -> bool:
            self.busy = False
            return self._told(error)

        self.busy = True
        self._tasks.run(work, writes=True, label="Sending the welcome…", on_success=sent,
                        changes=_SENT, initiator=self._parent, on_failure=failed)

    def _show_letter(self, header: CustomerHeader, draft: RelationshipDraft) -> None:
        from models.relationship import record_relationship_letter
        from reports.letter import letter_data, render_letter
        from ui.common.pdf_files import Keeping, PdfFile, discard_pdf, new_pdf_path

        today = self._today()
        name = f"Welcome {header.code} {today.isoformat()}.pdf"

        def make_pdf() -> PdfFile:
            data = letter_data(header.id, (), today, subject=draft.subject, text=draft.text,
                               language=draft.language)
            path = new_pdf_path(name)
            try:
                render_letter(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            warnings = data.warnings + ((draft.language_note,) if draft.language_note else ())
            return PdfFile(path, f"Welcome letter – {header.name}", name, warnings)

        def build(_progress: Progress) -> PdfFile:
            return make_pdf()

        def rebuilt(pdf: PdfFile) -> PdfFile:
            # The preview lets go of the file it showed once the letter is recorded.
            return replace(pdf, path=make_pdf().path, keep=None)

        def show(pdf: PdfFile) -> None:
            from ui.common.pdf_preview import PdfPreviewDialog

            def record(_progress: Progress) -> tuple[PdfFile, None]:
                recorded = rebuilt(pdf)
                try:
                    record_relationship_letter(header.id, ContactPurpose.WELCOME,
                                               subject=draft.subject, text=draft.text)
                except BaseException:
                    discard_pdf(recorded.path)
                    raise
                return recorded, None

            def kept(_nothing: object) -> None:
                self.notice.emit(f"Welcome letter to {header.name} recorded as printed.")
                self.finished.emit(header.id)

            keeping = Keeping(work=record, kept=kept,
                              label="Recording the welcome letter as printed…",
                              changes=changes(Change.CONTACTS))
            PdfPreviewDialog.show_pdf(self._parent.window(), replace(pdf, keep=keeping),
                                      self._tasks)

        self._tasks.run(build, label="Building the welcome letter…", on_success=show,
                        on_failure=self._told)

    def _told(self, error: BaseException) -> bool:
        """A refusal shown in a message box (True); anything else is the task helper's."""
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly", error.message)
        return True
