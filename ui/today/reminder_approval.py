"""Today's reminders due: review one (approve, edit or skip it, or write off the invoices of
the policy's last stage), or approve several at once, then print the letters and send the
e-mails that made.

The Today page owns one :class:`ReminderApproval`. A single review is written through the
page's own decision helper (so it is read again like any other decision); a batch is one
write of its own, :func:`reports.email_reminders.approve_reminders`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, Changes, changes
from models.dates import long_date, weekday_date
from models.errors import LedgerError
from models.followup import execute_action, skip_action
from models.kinds import Channel
from models.money import format_money
from models.today import WorkItem
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner

if TYPE_CHECKING:
    from models.write_offs import WriteOffRow
    from reports.email_reminders import Approval, ApprovedLetters
    from ui.common.pdf_files import PdfFile
    from ui.common.write_off_dialog import WriteOffEntry
    from ui.today.action_review_dialog import ActionReview, ReviewDecision
    from ui.today.batch_approve_dialog import BatchEntry

    # What recording approved reminders did: those recorded, those refused and why,
    # the letters among them, to print (and record), and the e-mails queued, to send.
    BatchOutcome = tuple[list[BatchEntry], list[tuple[BatchEntry, str]],
                         list[tuple[BatchEntry, Approval]], list[int]]


class Decide(Protocol):
    """The page's way to write a decision on an item and read the list again."""

    def __call__(self, item: WorkItem, work: Callable[[], Any], what: Changes, *,
                 refused: Callable[[LedgerError], None] | None = None,
                 notice: str = "", then: Callable[[Any], None] | None = None) -> None: ...


class ReminderApproval(QObject):
    """Reviews and approves the reminders due on the Today page."""

    busy_changed = Signal()
    """Reading reminders for review, or recording a batch, started or ended."""
    started = Signal()
    """A batch is being recorded: an earlier notice no longer holds."""
    notice = Signal(str)
    """What was done, in words, for the page's notice line."""
    finished = Signal()
    """A batch was recorded (or failed part way): the worklist is worth reading again."""
    refused_for_good = Signal(str)
    """The reminder is no longer due: say why and read the list again."""
    emails_queued = Signal(object)
    """E-mails were queued for approved reminders (a ``list[int]`` of outbox ids)."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 now: Callable[[], dt.datetime], decide: Decide) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._now = now
        self._decide = decide
        self._preparing = 0  # reminders being read for review or approval
        self._recording = False  # a batch is being written

    @property
    def preparing(self) -> bool:
        """Whether reminders are being read for review or approval."""
        return bool(self._preparing)

    @property
    def recording(self) -> bool:
        """Whether a batch of approved reminders is being written."""
        return self._recording

    def forget(self) -> None:
        """Drop the reminders being read (the store closed; their answers never come)."""
        self._tasks.forget((self, "review"))
        self._preparing = 0
        self.busy_changed.emit()

    def review(self, item: WorkItem) -> None:
        """Read the reminder and its drafted text in the background, then show it."""
        if self._not_due_yet(item):
            return
        from ui.today.action_review_dialog import prepare_review

        today = self._today()

        def work(_progress: Progress) -> ActionReview | None:
            return prepare_review(item.kind, item.ref_id, today)

        self._preparing_more(1)
        self._tasks.run(work, on_success=lambda review: self._on_review_read(item, review),
                        on_failure=self._on_read_failed, latest=(self, "review"))

    def approve(self, items: list[WorkItem]) -> None:
        """Read the selected reminders and their texts in the background, then confirm them."""
        from ui.today.batch_approve_dialog import prepare_batch

        today = self._today()

        def work(progress: Progress) -> list[BatchEntry]:
            return prepare_batch(items, today, progress)

        self._preparing_more(1)
        self._tasks.run(work, label="Preparing the reminders…", on_success=self._on_batch_read,
                        on_failure=self._on_read_failed, latest=(self, "review"))

    def print_letters(self, approvals: list[Approval],
                      prepared: Callable[[ApprovedLetters], None]) -> None:
        """Show the approved letters, ready to print; printing or saving them records them
        as sent (closing the preview records nothing). ``prepared`` hears first which
        were printed and which refused (their accounts moved on since the review)."""
        from ui.today.due_letters_printing import approved_letters_pdf

        today, now = self._today(), self._now()

        def work(progress: Progress) -> tuple[ApprovedLetters, PdfFile | None]:
            return approved_letters_pdf(approvals, today, now, progress, record=False)

        # A write whose records are taken back: it waits for the store's other writes.
        self._tasks.run(work, writes=True, changes=changes(), label="Preparing the letters…",
                        on_success=lambda outcome: self._on_letters_prepared(
                            approvals, outcome, prepared))

    def _on_letters_prepared(self, approvals: list[Approval],
                             outcome: tuple[ApprovedLetters, PdfFile | None],
                             prepared: Callable[[ApprovedLetters], None]) -> None:
        result, pdf = outcome
        prepared(result)
        if pdf is None:
            return
        from dataclasses import replace

        from ui.common.pdf_files import Keeping
        from ui.common.pdf_preview import PdfPreviewDialog
        from ui.today.due_letters_printing import approved_letters_pdf

        chosen = [approvals[n] for n in result.printed]

        def record(progress: Progress) -> tuple[PdfFile, ApprovedLetters]:
            done, recorded = approved_letters_pdf(chosen, self._today(), self._now(), progress,
                                                  record=True)
            if recorded is None:
                raise LedgerError("letters", "None of these letters is due any more: nothing "
                                             "was recorded or printed.")
            return recorded, done

        keeping = Keeping(work=record, kept=lambda done: self._on_letters_recorded(chosen, done),
                          label="Recording the letters as sent…",
                          changes=changes(Change.FOLLOW_UP, Change.CONTACTS))
        PdfPreviewDialog.show_pdf(self._parent.window(), replace(pdf, keep=keeping), self._tasks)

    def _on_letters_recorded(self, approvals: list[Approval], done: ApprovedLetters) -> None:
        count = len(done.printed)
        self.notice.emit(f"{count} letter{' was' if count == 1 else 's were'} recorded as sent.")
        self.finished.emit()
        if done.refused:  # an account moved on between the preview and the printing
            refused = len(done.refused)
            messages.show_message(
                self._parent, QMessageBox.Icon.Warning, "Duly",
                f"{refused} letter{' was' if refused == 1 else 's were'} left out: "
                f"{'its account' if refused == 1 else 'their accounts'} moved on since the "
                f"preview was made.",
                informative="\n\n".join(f"{approvals[n].action.customer_name}: {why}"
                                         for n, why in done.refused))

    # --- one reminder ---------------------------------------------------------------

    def _preparing_more(self, count: int) -> None:
        self._preparing += count
        self.busy_changed.emit()

    def _not_due_yet(self, item: WorkItem) -> bool:
        """Say so when a coming day's reminder is not due today (it cannot be recorded yet)."""
        if item.due_on <= self._today():
            return False
        messages.show_message(
            self._parent, QMessageBox.Icon.Information, "Duly",
            f"“{item.title}” for {item.customer_name} falls due on {weekday_date(item.due_on)}: "
            f"it can be reviewed and approved from that day.")
        return True

    def _on_review_read(self, item: WorkItem, review: ActionReview | None) -> None:
        self._preparing_more(-1)
        if review is None:
            self.refused_for_good.emit(f"“{item.title}” for {item.customer_name} is no longer "
                                       f"due: the account has changed since the list was read.")
            return
        self._ask_review(item, review)

    def _on_read_failed(self, _error: BaseException) -> bool:
        self._preparing_more(-1)
        return False  # the task helper tells the user what went wrong

    def _ask_review(self, item: WorkItem, review: ActionReview,
                    decision: ReviewDecision | None = None,
                    error: LedgerError | None = None) -> None:
        from ui.today.action_review_dialog import ActionReviewDialog

        ActionReviewDialog.ask(
            self._parent, lambda result: self._on_reviewed(item, review, result),
            review=review, decision=decision, error=error)

    def _on_reviewed(self, item: WorkItem, review: ActionReview,
                     decision: ReviewDecision | None) -> None:
        if decision is None:
            return
        if decision.write_off is not None:
            self._write_off(item, review, decision.write_off)
            return
        from ui.today.action_review_dialog import recorded_notice  # imported with the dialog

        action, today, now = review.action, self._today(), self._now()
        stage_id = action.stage.id
        # The template the text was written from ("" when the user wrote it: no draft).
        template = review.draft.template_name if review.draft is not None else ""

        def reopen(error: LedgerError) -> None:
            self._ask_review(item, review, decision, error)

        if decision.approve and action.stage.channel == Channel.EMAIL:
            from reports.email_reminders import queue_reminder

            self._decide(item, lambda: queue_reminder(
                action, today, subject=decision.subject, text=decision.text, now=now,
                template_name=template),
                changes(Change.FOLLOW_UP, Change.CONTACTS, Change.OUTBOX),
                refused=reopen, notice=f"“{action.stage.name}” for {action.customer_name} "
                                       f"recorded; the e-mail is in the outbox.",
                then=lambda outbox_id: self.emails_queued.emit([outbox_id]))
        elif decision.approve and action.stage.channel == Channel.LETTER:
            from reports.email_reminders import Approval

            def prepared(result: ApprovedLetters) -> None:
                if result.refused:
                    self.refused_for_good.emit(result.refused[0][1])
                else:
                    self.notice.emit(recorded_notice(action))

            self.print_letters([Approval(action, decision.subject, decision.text, template)],
                               prepared)
        elif decision.approve:
            self._decide(item, lambda: execute_action(
                action.customer_id, action.currency, today, stage_id=stage_id,
                subject=decision.subject, text=decision.text, now=now, plan_id=action.plan_id),
                changes(Change.FOLLOW_UP, Change.CONTACTS),
                refused=reopen, notice=recorded_notice(action))
        else:
            self._decide(item, lambda: skip_action(
                action.customer_id, action.currency, today, stage_id=stage_id,
                reason=decision.reason, plan_id=action.plan_id), changes(Change.FOLLOW_UP),
                refused=reopen,
                notice=f"“{action.stage.name}” for {action.customer_name} skipped; the reason "
                       f"is kept on the customer's timeline.")

    def _write_off(self, item: WorkItem, review: ActionReview, entry: WriteOffEntry) -> None:
        """Carry the stage out as a write-off of its invoices; a refusal (an invoice
        disputed in part) is said in a message, and nothing is written."""
        from models.write_offs import write_off_action, write_offs

        action, today = review.action, self._today()

        def work() -> list[WriteOffRow]:
            made = write_off_action(action.customer_id, action.currency, today,
                                    stage_id=action.stage.id, reason=entry.reason,
                                    notes=entry.notes, today=today)
            return write_offs(ids=made)

        def refused(error: LedgerError) -> None:
            messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly",
                                  error.message,
                                  informative=f"Nothing was written off for "
                                              f"{action.customer_name}.")

        self._decide(item, work,
                     changes(Change.MONEY, Change.INVOICES, Change.FOLLOW_UP, Change.WORKLIST),
                     refused=refused,
                     then=lambda rows: self.notice.emit(written_off_notice(rows)))

    # --- several at once ------------------------------------------------------------

    def _on_batch_read(self, entries: list[BatchEntry]) -> None:
        self._preparing_more(-1)
        from ui.today.batch_approve_dialog import BatchApproveDialog

        BatchApproveDialog.ask(self._parent, self._on_batch_chosen, entries=entries)

    def _on_batch_chosen(self, chosen: list[BatchEntry] | None) -> None:
        if not chosen:
            return
        from reports.email_reminders import Approval, approve_reminders

        today, now = self._today(), self._now()

        def work(progress: Progress) -> BatchOutcome:
            approvals = []
            for entry in chosen:
                assert entry.review is not None
                approvals.append(Approval(entry.review.action, *entry.subject_and_text(),
                                          template_name=entry.template_name))
            done = approve_reminders(approvals, today, now=now, progress=progress)
            return ([chosen[n] for n in done.recorded],
                    [(chosen[n], why) for n, why in done.refused],
                    [(chosen[n], approvals[n]) for n in done.letters], list(done.emails))

        self._recording = True
        self.started.emit()
        self.busy_changed.emit()
        self._tasks.run(work, writes=True, label="Recording the reminders…",
                        initiator=self._parent,
                        changes=changes(Change.FOLLOW_UP, Change.CONTACTS, Change.OUTBOX),
                        on_success=self._on_batch_recorded, on_failure=self._on_batch_failed)

    def _on_batch_recorded(self, outcome: BatchOutcome) -> None:
        self._recording = False
        self.busy_changed.emit()
        recorded, refused, letters, emails = outcome
        self.finished.emit()
        if emails:
            self.emails_queued.emit(emails)
        if not letters:
            self._say_batch_done(recorded, refused, 0)
            return

        def prepared(result: ApprovedLetters) -> None:
            unprinted = [(letters[n][0], why) for n, why in result.refused]
            self._say_batch_done(recorded, refused + unprinted, len(result.printed))

        self.print_letters([approval for _, approval in letters], prepared)

    def _say_batch_done(self, recorded: list[BatchEntry],
                        refused: list[tuple[BatchEntry, str]], letters: int) -> None:
        """Say what a batch did, and in a message which were refused and why."""
        from ui.today.batch_approve_dialog import batch_notice  # imported with the dialog

        self.notice.emit(batch_notice(recorded, refused, letters))
        if refused:
            lines = [f"{entry.item.customer_name}: {message}" for entry, message in refused]
            count = len(refused)
            messages.show_message(
                self._parent, QMessageBox.Icon.Warning, "Duly",
                f"{count} reminder{' was' if count == 1 else 's were'} not recorded.",
                informative="\n\n".join(lines))

    def _on_batch_failed(self, _error: BaseException) -> bool:
        self._recording = False
        self.busy_changed.emit()
        self.finished.emit()  # some may have been recorded before the failure
        return False  # the task helper tells the user what went wrong


def written_off_notice(rows: list[WriteOffRow]) -> str:
    """What a stage's write-off did, for the page's notice: "Written off 2 invoices,
    1,234.00 GBP; the VAT bad-debt relief can be claimed from 1 March 2027"."""
    if not rows:
        return "Nothing was written off."
    count, currency = len(rows), rows[0].currency
    total = format_money(sum(row.amount_minor for row in rows), currency)
    days = sorted({row.relief_from for row in rows})
    relief = f"the VAT bad-debt relief can be claimed from {long_date(days[0])}"
    if len(days) > 1:
        relief += f" (on all of them from {long_date(days[-1])})"
    return (f"Written off {count} invoice{'' if count == 1 else 's'}, {total}, for "
            f"{rows[0].customer_name}; {relief}.")
