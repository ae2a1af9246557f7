"""Send a customer a welcome or a thank-you: the e-mail from the template in their
language, edited before it goes; or, for a customer with no e-mail address, the letter
shown ready to print or save, recorded on their timeline once it is.

Shared by the Customers area (a welcome from the account) and Today (a thank-you from
its item). Each page owns one :class:`RelationshipSending`; what was done comes back by
:attr:`RelationshipSending.notice`, and the customer whose timeline changed by
:attr:`RelationshipSending.finished`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
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
# What starts a contact: the mail settings, the recipients, and the draft for them.
DraftRead = tuple["MailSettings | None", list[tuple[str, str]], RelationshipDraft]


@dataclass(frozen=True)
class RelationshipContact:
    """A welcome or a thank-you to send one customer."""

    customer_id: int
    customer_name: str
    customer_code: str
    purpose: ContactPurpose  # WELCOME or THANKS
    noun: str  # how the window names it: "welcome", "thank-you"
    draft: Callable[[str], RelationshipDraft]  # the draft for a channel (a worker calls it)

    @property
    def title(self) -> str:
        """The noun as a title: "Welcome", "Thank-you"."""
        return self.noun[:1].upper() + self.noun[1:]


class RelationshipSending(QObject):
    """E-mails a customer a welcome or a thank-you, or shows the letter to print."""

    notice = Signal(str)
    """What was done, in words, for the page's notice line."""
    finished = Signal(int)
    """An e-mail was queued (sent, or waiting in the outbox) or a letter recorded (the
    customer's id): read again what shows it."""
    settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""
    busy_changed = Signal()
    """An e-mail started or stopped being sent: :attr:`busy` may differ."""

    def __init__(self, parent: QWidget, tasks: TaskRunner,
                 today: Callable[[], dt.date]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._busy = False

    @property
    def busy(self) -> bool:
        """Whether an e-mail is on its way to the mail server."""
        return self._busy

    def start(self, contact: RelationshipContact) -> None:
        """Draft ``contact``: by e-mail when the customer has an address, else as a
        letter; then ask the user to check it before it goes."""
        from models.mail import mail_settings, recipients_of

        if self._busy:
            return

        def read(_progress: Progress) -> DraftRead:
            to = recipients_of(contact.customer_id)
            channel = Channel.EMAIL if to else Channel.LETTER
            return mail_settings(), to, contact.draft(channel)

        self._tasks.run(read, on_success=lambda found: self._on_draft_read(contact, found),
                        on_failure=self._told)

    # --- by e-mail ---------------------------------------------------------------------

    def _on_draft_read(self, contact: RelationshipContact, found: DraftRead) -> None:
        from ui.common.email_dialog import EmailDialog, EmailDraft
        from ui.common.password_dialog import show_not_set_up

        settings, to, draft = found
        if not to:
            self._show_letter(contact, draft)
        elif settings is None:
            show_not_set_up(self._parent, self.settings_requested.emit)
        else:
            email = EmailDraft(contact.customer_name, tuple(to), draft.subject, draft.text, "",
                               draft.language_note)
            EmailDialog.ask(self._parent, lambda composed: self._on_email_dialog_finished(
                contact, composed), draft=email, title=f"Send {contact.title}")

    def _on_email_dialog_finished(self, contact: RelationshipContact,
                                  composed: ComposedEmail | None) -> None:
        from ui.common.password_dialog import ask_mail_access

        if composed is not None:
            ask_mail_access(self._parent, self._tasks,
                            lambda access: self._send(contact, composed, access),
                            open_settings=self.settings_requested.emit)

    def _send(self, contact: RelationshipContact, composed: ComposedEmail,
              access: MailAccess) -> None:
        from models.outbox import send_queued
        from models.relationship import send_relationship_email
        from ui.common import password_dialog

        context = password_dialog.ssl_context
        now = dt.datetime.combine(self._today(),
                                  dt.datetime.now().time().replace(microsecond=0))

        def work(_progress: Progress) -> SendResult:
            outbox_id = send_relationship_email(contact.customer_id, contact.purpose,
                                                subject=composed.subject, text=composed.text,
                                                now=now)
            return send_queued(access.settings, access.password, ids=[outbox_id],
                               ssl_context=context, now=now)

        def sent(result: SendResult) -> None:
            self._set_busy(False)
            self.finished.emit(contact.customer_id)
            if result.sent:
                self.notice.emit(f"{contact.title} e-mailed to {contact.customer_name}.")
                return
            messages.show_not_sent(self._parent,
                                   f"The {contact.noun} to {contact.customer_name}",
                                   result.failed)

        def failed(error: BaseException) -> bool:
            self._set_busy(False)
            return self._told(error)

        self._set_busy(True)
        self._tasks.run(work, writes=True, label=f"Sending the {contact.noun}…",
                        on_success=sent, changes=_SENT, initiator=self._parent,
                        on_failure=failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit()

    # --- by letter ---------------------------------------------------------------------

    def _show_letter(self, contact: RelationshipContact, draft: RelationshipDraft) -> None:
        from models.relationship import record_relationship_letter
        from reports.letter import letter_data, render_letter
        from ui.common.pdf_files import Keeping, PdfFile, discard_pdf, new_pdf_path

        today = self._today()
        name = f"{contact.title} {contact.customer_code} {today.isoformat()}.pdf"
        title = f"{contact.title} letter – {contact.customer_name}"

        def make_pdf() -> PdfFile:
            data = letter_data(contact.customer_id, (), today, subject=draft.subject,
                               text=draft.text, language=draft.language)
            path = new_pdf_path(name)
            try:
                render_letter(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            warnings = data.warnings + ((draft.language_note,) if draft.language_note else ())
            return PdfFile(path, title, name, warnings)

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
                    record_relationship_letter(contact.customer_id, contact.purpose,
                                               subject=draft.subject, text=draft.text)
                except BaseException:
                    discard_pdf(recorded.path)
                    raise
                return recorded, None

            def kept(_nothing: object) -> None:
                self.notice.emit(f"{contact.title} letter to {contact.customer_name} "
                                 f"recorded as printed.")
                self.finished.emit(contact.customer_id)

            keeping = Keeping(work=record, kept=kept,
                              label=f"Recording the {contact.noun} letter as printed…",
                              changes=changes(Change.CONTACTS))
            PdfPreviewDialog.show_pdf(self._parent.window(), replace(pdf, keep=keeping),
                                      self._tasks)

        self._tasks.run(build, label=f"Building the {contact.noun} letter…", on_success=show,
                        on_failure=self._told)

    def _told(self, error: BaseException) -> bool:
        """A refusal shown in a message box (True); anything else is the task helper's."""
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly", error.message)
        return True
