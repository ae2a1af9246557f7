"""What the window does to refer an account to a collection agency, wherever it is
asked (the Referrals tab, the customer's account): read the check, ask with the
:class:`~ui.common.refer_dialog.ReferDialog`, refer, then offer the dossier — shown
ready to print or save, or e-mailed to the agency through the outbox.

Reads and writes run through the task helper; what was done comes back by
:attr:`ReferralActions.notice`, the customer whose account changed by
:attr:`ReferralActions.changed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.agencies import agencies
from models.changes import Change, changes
from models.errors import LedgerError
from models.referrals import refer, referral_check
from ui.common import messages
from ui.common.form_writes import FormWrites
from ui.common.refer_dialog import ReferChoice, ReferDialog, ReferSetup
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from models.outbox import SendResult
    from ui.common.password_dialog import MailAccess
    from ui.common.pdf_files import PdfFile

# A referral takes invoices out of the chase (and a warning is a contact).
REFERRAL_CHANGES = changes(Change.INVOICES, Change.FOLLOW_UP, Change.WORKLIST, Change.CONTACTS)
_DOSSIER_SENT = changes(Change.OUTBOX)


class ReferralActions(QObject):
    """Refers accounts and shows or e-mails their dossiers."""

    notice = Signal(str)
    """What was done, in words, for the page's notice line."""
    changed = Signal(int)
    """A customer's referrals changed (their id): read them again."""
    referred = Signal(int)
    """An account was referred (the referral's id)."""
    settings_requested = Signal()
    """The user asked to open Settings → Outgoing mail (e-mail is not set up)."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 writes: FormWrites) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._writes = writes
        self.sending = False
        self.offer_box: QMessageBox | None = None
        """The question after a referral: show or e-mail the dossier?"""

    # --- referring ---------------------------------------------------------------------

    def refer(self, customer_id: int, customer_name: str) -> None:
        """Read the pre-referral check and the agencies, then ask; refer when confirmed."""
        if self._writes.busy:
            return
        today = self._today()

        def read(_progress: Progress) -> ReferSetup:
            return ReferSetup(customer_id, customer_name, referral_check(customer_id, None, today),
                              tuple(agencies()), today)

        self._tasks.run(read, on_success=self._ask, on_failure=self._told)

    def _ask(self, setup: ReferSetup, error: LedgerError | None = None) -> None:
        if not setup.agencies:
            messages.show_message(self._parent, QMessageBox.Icon.Information, "Duly",
                                  "There is no agency in the directory yet.",
                                  informative="Add one first: Collections → Referrals → "
                                              "Agencies….")
            return
        if not setup.check.invoice_ids and error is None:
            messages.show_message(self._parent, QMessageBox.Icon.Information, "Duly",
                                  setup.check.steps[0].words)
            return
        ReferDialog.ask(self._parent, setup, self._tasks,
                        lambda choice: self._on_refer_dialog_finished(setup, choice), error)

    def _on_refer_dialog_finished(self, setup: ReferSetup, choice: ReferChoice | None) -> None:
        if choice is None:
            return

        def work() -> int:
            return refer(choice.customer_id, choice.agency_id, choice.invoice_ids, choice.on,
                         note=choice.note, override_reason=choice.override_reason)

        def done(referral_id: int) -> None:
            self.notice.emit(f"{choice.customer_name}'s account referred to "
                             f"{choice.agency_name}; Duly no longer chases those invoices.")
            self.changed.emit(choice.customer_id)
            self.referred.emit(referral_id)
            self._offer_dossier(referral_id, choice.customer_name)

        self._writes.run(work, REFERRAL_CHANGES, done=done,
                         refused=lambda error: self._ask(setup, error))

    def _offer_dossier(self, referral_id: int, customer_name: str) -> None:
        """Ask whether the agency gets the dossier now: shown to print or save, or
        e-mailed."""
        box = QMessageBox(QMessageBox.Icon.Question, "Dossier",
                          f"Prepare the dossier of {customer_name}'s account for the agency?",
                          QMessageBox.StandardButton.NoButton, self._parent)
        box.setObjectName("offerDossier")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("It holds the referral letter, the invoices, the statement, "
                               "every letter and e-mail sent, the contacts, promises, "
                               "interest and disputes. You can print or e-mail it later too.")
        shown = box.addButton("&Show Dossier…", QMessageBox.ButtonRole.AcceptRole)
        emailed = box.addButton("&E-mail Dossier…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(shown)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def clicked(button: object) -> None:
            self.offer_box = None
            if button is shown:
                self.show_dossier(referral_id, customer_name)
            elif button is emailed:
                self.email_dossier(referral_id, customer_name)

        box.buttonClicked.connect(clicked)
        self.offer_box = box
        box.open()

    # --- the dossier ---------------------------------------------------------------------

    def show_dossier(self, referral_id: int, customer_name: str) -> None:
        """Build the dossier and show it ready to print or save."""
        from reports.dossier import dossier_data, render_dossier
        from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path

        today = self._today()

        def build(_progress: Progress) -> PdfFile:
            data = dossier_data(referral_id, today=today)
            name = f"Dossier {data.customer_code} {today.isoformat()}.pdf"
            path = new_pdf_path(name)
            try:
                render_dossier(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Dossier – {customer_name}", name)

        def show(pdf: PdfFile) -> None:
            from ui.common.pdf_preview import PdfPreviewDialog

            PdfPreviewDialog.show_pdf(self._parent.window(), pdf, self._tasks)

        self._tasks.run(build, label="Building the dossier…", on_success=show,
                        on_failure=self._told)

    def email_dossier(self, referral_id: int, customer_name: str) -> None:
        """Ask for the mail password if need be, then queue the dossier for the agency's
        address and hand it to the mail server."""
        from ui.common.password_dialog import ask_mail_access

        if self.sending:
            return
        ask_mail_access(self._parent, self._tasks,
                        lambda access: self._send(referral_id, customer_name, access),
                        open_settings=self.settings_requested.emit)

    def _send(self, referral_id: int, customer_name: str, access: MailAccess) -> None:
        from models.outbox import send_queued
        from reports.dossier import queue_dossier
        from ui.common import password_dialog

        context = password_dialog.ssl_context
        now = dt.datetime.combine(self._today(),
                                  dt.datetime.now().time().replace(microsecond=0))

        def work(_progress: Progress) -> SendResult:
            outbox_id = queue_dossier(referral_id, today=now.date(), now=now)
            return send_queued(access.settings, access.password, ids=[outbox_id],
                               ssl_context=context, now=now)

        def sent(result: SendResult) -> None:
            self.sending = False
            if result.sent:
                self.notice.emit(f"Dossier of {customer_name}'s account e-mailed to the "
                                 f"agency.")
                return
            messages.show_not_sent(self._parent, f"The dossier of {customer_name}'s account",
                                   result.failed)

        def failed(error: BaseException) -> bool:
            self.sending = False
            return self._told(error)

        self.sending = True
        self._tasks.run(work, writes=True, label="Sending the dossier…", on_success=sent,
                        changes=_DOSSIER_SENT, initiator=self._parent, on_failure=failed)

    def _told(self, error: BaseException) -> bool:
        """A refusal shown in a message box (True); anything else is the task helper's."""
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly", error.message)
        return True
