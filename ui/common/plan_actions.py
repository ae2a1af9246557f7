"""What the window does with payment plans, wherever it is asked: agree one with a
customer, renegotiate or cancel one, print its agreement or e-mail it.

Shared by the Customers and Plans areas (and Today). Each page owns one
:class:`PlanActions`, handing it the page's :class:`~ui.common.form_writes.FormWrites`
so that its writes count with the page's own. Reads and writes run through the task
helper; what was done comes back by :attr:`PlanActions.notice`, and the customer whose
plans changed by :attr:`PlanActions.changed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.errors import LedgerError
from models.plans import (
    PlanCandidate,
    PlanStanding,
    ResumedChase,
    agree_plan,
    cancel_plan,
    plan_candidates,
    renegotiate_plan,
)
from ui.common import messages
from ui.common.form_writes import FormWrites
from ui.common.plan_dialog import PlanChoice, PlanDialog, PlanSetup
from ui.common.reason_dialog import ReasonDialog
from ui.common.rows_model import format_day
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from models.mail import MailSettings
    from models.outbox import SendResult
    from ui.common.email_dialog import ComposedEmail
    from ui.common.password_dialog import MailAccess
    from ui.common.pdf_files import PdfFile

# A plan agreed or ended changes the timeline (its contact), what is chased, and Today.
PLAN_CHANGES = changes(Change.CONTACTS, Change.FOLLOW_UP, Change.WORKLIST)
_AGREEMENT_SENT = changes(Change.CONTACTS, Change.OUTBOX)

# What e-mailing an agreement starts from: settings, recipients, subject, text, file name.
AgreementMail = tuple["MailSettings | None", list[tuple[str, str]], str, str, str]


class PlanActions(QObject):
    """Agrees, renegotiates and cancels plans, and prints or e-mails their agreements."""

    notice = Signal(str)
    """What was done, in words, for the page's notice line."""
    changed = Signal(int)
    """A customer's plans or timeline changed (their id): read them again."""
    agreed = Signal(int)
    """A plan was agreed or renegotiated (the new plan's id)."""
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
        """The question after a plan is agreed: print or e-mail the agreement?"""

    # --- agreeing ------------------------------------------------------------------------

    def agree(self, customer_id: int, customer_name: str, currency: str) -> None:
        """Read what the customer's plan may cover, then ask how it is agreed; record it."""
        self._open_dialog(customer_id, customer_name, currency, None)

    def renegotiate(self, standing: PlanStanding) -> None:
        """Ask for the plan that replaces ``standing``'s, then record it."""
        self._open_dialog(standing.customer_id, standing.customer_name, standing.currency,
                          standing)

    def _open_dialog(self, customer_id: int, customer_name: str, currency: str,
                     replacing: PlanStanding | None) -> None:
        if self._writes.busy:
            return
        today = self._today()

        def read(_progress: Progress) -> list[PlanCandidate]:
            return plan_candidates(customer_id, currency, today)

        def ask(candidates: list[PlanCandidate]) -> None:
            setup = PlanSetup(customer_id, customer_name, currency, tuple(candidates), today,
                              replacing)
            PlanDialog.ask(self._parent, lambda choice: self._on_plan_dialog_finished(
                setup, choice), setup=setup)

        self._tasks.run(read, on_success=ask)

    def _on_plan_dialog_finished(self, setup: PlanSetup, choice: PlanChoice | None) -> None:
        if choice is None:
            return
        replacing = setup.replacing

        def work() -> int:
            if replacing is not None:
                return renegotiate_plan(replacing.plan_id, choice.draft, reason=choice.reason)
            return agree_plan(choice.draft)

        def done(plan_id: int) -> None:
            self.notice.emit(f"Payment plan {'renegotiated' if replacing else 'agreed'} with "
                             f"{setup.customer_name}.")
            self.changed.emit(setup.customer_id)
            self.agreed.emit(plan_id)
            self._offer_agreement(plan_id, setup.customer_id, setup.customer_name)

        self._writes.run(work, PLAN_CHANGES, done=done)

    def _offer_agreement(self, plan_id: int, customer_id: int, customer_name: str) -> None:
        """Ask whether the customer gets the agreement now: printed or e-mailed."""
        box = QMessageBox(QMessageBox.Icon.Question, "Plan agreement",
                          f"Send {customer_name} the plan's agreement to sign?",
                          QMessageBox.StandardButton.NoButton, self._parent)
        box.setObjectName("offerAgreement")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("It sets out what the plan covers, the schedule and what "
                               "happens if an instalment is missed. You can print or "
                               "e-mail it later too.")
        printed = box.addButton("&Print Agreement…", QMessageBox.ButtonRole.AcceptRole)
        emailed = box.addButton("&E-mail Agreement…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(printed)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def clicked(button: object) -> None:
            self.offer_box = None
            if button is printed:
                self.print_agreement(plan_id, customer_id, customer_name)
            elif button is emailed:
                self.email_agreement(plan_id, customer_id, customer_name)

        box.buttonClicked.connect(clicked)
        self.offer_box = box
        box.open()

    # --- cancelling ------------------------------------------------------------------------

    def cancel(self, standing: PlanStanding) -> None:
        """Ask why ``standing``'s plan is called off, then cancel it."""
        if self._writes.busy:
            return
        ReasonDialog.ask(
            self._parent, lambda reason: self._on_cancel_dialog_finished(standing, reason),
            title="Cancel plan",
            text=f"Cancel {standing.customer_name}'s payment plan agreed on "
                 f"{format_day(standing.agreed_on)} ({standing.summary})?",
            warning="Its invoices are chased again from where follow-up had got to. The "
                    "plan stays on record as cancelled.",
            confirm="Cancel Plan", placeholder="e.g. the customer paid in full another way")

    def _on_cancel_dialog_finished(self, standing: PlanStanding, reason: str | None) -> None:
        if reason is None:
            return
        on = max(self._today(), standing.agreed_on)

        def done(resumed: ResumedChase | None) -> None:
            text = f"{standing.customer_name}'s payment plan cancelled."
            if resumed is not None:
                text += f" “{resumed.stage_name}” is due on {format_day(resumed.due_on)}."
            self.notice.emit(text)
            self.changed.emit(standing.customer_id)

        self._writes.run(lambda: cancel_plan(standing.plan_id, on, reason), PLAN_CHANGES,
                         done=done)

    # --- the agreement ------------------------------------------------------------------------

    def print_agreement(self, plan_id: int, customer_id: int, customer_name: str) -> None:
        """Build the plan's agreement and show it ready to print or save; it is recorded
        on the customer's timeline once it is printed or saved."""
        from reports.plan_agreement import (
            AGREEMENT_TITLE,
            plan_agreement_data,
            print_plan_agreement,
            render_plan_agreement,
        )
        from ui.common.pdf_files import Keeping, PdfFile, discard_pdf, new_pdf_path

        today = self._today()

        def build(_progress: Progress) -> PdfFile:
            data = plan_agreement_data(plan_id, today=today)
            name = f"{data.words.gettext(AGREEMENT_TITLE)} {data.reference}.pdf"
            path = new_pdf_path(name)
            try:
                render_plan_agreement(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Payment plan agreement – {customer_name}", name,
                           data.warnings)

        def show(pdf: PdfFile) -> None:
            from ui.common.pdf_preview import PdfPreviewDialog

            def record(_progress: Progress) -> tuple[PdfFile, None]:
                path = new_pdf_path(pdf.file_name)
                try:
                    print_plan_agreement(plan_id, path, today=today)
                except BaseException:
                    discard_pdf(path)
                    raise
                return replace(pdf, path=path, keep=None), None

            def kept(_nothing: object) -> None:
                self.notice.emit(f"Payment plan agreement for {customer_name} recorded as "
                                 f"printed.")
                self.changed.emit(customer_id)

            keeping = Keeping(work=record, kept=kept,
                              label="Recording the agreement as printed…",
                              changes=changes(Change.CONTACTS))
            PdfPreviewDialog.show_pdf(self._parent.window(), replace(pdf, keep=keeping),
                                      self._tasks)

        self._tasks.run(build, label="Building the agreement…", on_success=show,
                        on_failure=self._told)

    def email_agreement(self, plan_id: int, customer_id: int, customer_name: str) -> None:
        """Draft the e-mail carrying the plan's agreement, let the user edit it, then queue
        it and hand it to the mail server."""
        from models.mail import mail_settings, recipients_of
        from reports.plan_agreement import (
            AGREEMENT_TITLE,
            plan_agreement_data,
            plan_agreement_email_draft,
        )

        if self.sending:
            return
        today = self._today()

        def read(_progress: Progress) -> AgreementMail:
            settings = mail_settings()
            to = recipients_of(customer_id)
            if settings is None or not to:
                return settings, to, "", "", ""
            subject, text = plan_agreement_email_draft(plan_id, today=today)
            data = plan_agreement_data(plan_id, today=today)
            return settings, to, subject, text, \
                f"{data.words.gettext(AGREEMENT_TITLE)} {data.reference}.pdf"

        self._tasks.run(read, on_success=lambda found: self._on_draft_read(
            plan_id, customer_id, customer_name, found), on_failure=self._told)

    def _on_draft_read(self, plan_id: int, customer_id: int, customer_name: str,
                       found: AgreementMail) -> None:
        from ui.common.email_dialog import EmailDialog, EmailDraft
        from ui.common.password_dialog import show_not_set_up

        settings, to, subject, text, file_name = found
        if settings is None:
            show_not_set_up(self._parent, self.settings_requested.emit)
        elif not to:
            box = QMessageBox(QMessageBox.Icon.Information, "Duly",
                              f"{customer_name} has no usable e-mail address.",
                              QMessageBox.StandardButton.Cancel, self._parent)
            box.setObjectName("noEmailAddress")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setInformativeText("Give the customer a billing e-mail, or print the "
                                   "agreement and post it.")
            printed = box.addButton("&Print Agreement…", QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(printed)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.buttonClicked.connect(lambda button: self.print_agreement(
                plan_id, customer_id, customer_name) if button is printed else None)
            box.open()
        else:
            draft = EmailDraft(customer_name, tuple(to), subject, text, file_name)
            EmailDialog.ask(self._parent, lambda composed: self._on_email_dialog_finished(
                plan_id, customer_id, customer_name, composed), draft=draft,
                title="E-mail Plan Agreement")

    def _on_email_dialog_finished(self, plan_id: int, customer_id: int, customer_name: str,
                                  composed: ComposedEmail | None) -> None:
        from ui.common.password_dialog import ask_mail_access

        if composed is not None:
            ask_mail_access(self._parent, self._tasks, lambda access: self._send(
                plan_id, customer_id, customer_name, composed, access),
                open_settings=self.settings_requested.emit)

    def _send(self, plan_id: int, customer_id: int, customer_name: str,
              composed: ComposedEmail, access: MailAccess) -> None:
        from models.outbox import send_queued
        from reports.plan_agreement import queue_plan_agreement
        from ui.common import password_dialog

        context = password_dialog.ssl_context
        now = dt.datetime.combine(self._today(),
                                  dt.datetime.now().time().replace(microsecond=0))

        def work(_progress: Progress) -> SendResult:
            outbox_id = queue_plan_agreement(plan_id, subject=composed.subject,
                                             text=composed.text, today=now.date(), now=now)
            return send_queued(access.settings, access.password, ids=[outbox_id],
                               ssl_context=context, now=now)

        def sent(result: SendResult) -> None:
            self.sending = False
            self.changed.emit(customer_id)
            if result.sent:
                self.notice.emit(f"Payment plan agreement e-mailed to {customer_name}.")
                return
            messages.show_not_sent(self._parent, f"The plan agreement to {customer_name}",
                                   result.failed)

        def failed(error: BaseException) -> bool:
            self.sending = False
            return self._told(error)

        self.sending = True
        self._tasks.run(work, writes=True, label="Sending the agreement…", on_success=sent,
                        changes=_AGREEMENT_SENT, initiator=self._parent, on_failure=failed)

    def _told(self, error: BaseException) -> bool:
        """A refusal shown in a message box (True); anything else is the task helper's."""
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly", error.message)
        return True
