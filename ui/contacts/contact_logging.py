"""The one place the window logs a contact with a customer, or corrects a logged one.

The form is read and the contact written through the window's
:class:`~ui.common.tasks.TaskRunner`; the store's objections re-open the dialog with
the error at its field, as the posting dialogs do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.contact_form import (
    ContactForm,
    ContactNote,
    contact_form,
    contact_note,
)
from models.contacts import edit_contact, log_contact
from models.kinds import ContactKind
from models.ledger import LedgerError
from models.today import WorkItemRef, log_contact_for_item
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner
from ui.contacts.contact_dialog import ContactLog, LogContactDialog
from ui.contacts.edit_contact_dialog import EditContactDialog, NoteCorrection


class ContactLogger(QObject):
    """Opens the contact dialogs over ``parent`` and saves what the user enters."""

    logged = Signal(int)
    """A contact was logged, or a logged one corrected, for this customer (its id)."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._today = today
        self._parent = parent
        self.last_saved = ""
        """What the last save did, in words, for a notice ("Call logged.")."""
        self.initiator: object = self
        """Who asked for the contact being logged: it shows the outcome itself, and the
        stream of changes tells everyone else."""

    def log_for(self, customer_id: int, item: WorkItemRef | None = None, *,
                initiator: object = None) -> None:
        """Ask for a contact with ``customer_id`` and log it; ``logged`` says when it is.

        For a Today ``item`` the dialog ticks its invoices and offers to mark it done.
        """
        self.initiator = initiator or self
        as_of = self._today()

        def load(_progress: Progress) -> ContactForm:
            return contact_form(customer_id, as_of, item)

        self._tasks.run(load, on_success=self._ask_contact, on_failure=self._on_load_failed)

    def edit(self, contact_id: int, customer_id: int, *, initiator: object = None) -> None:
        """Ask for a correction of the contact's note and save it; ``logged`` says when."""
        self.initiator = initiator or self

        def load(_progress: Progress) -> ContactNote:
            return contact_note(contact_id)

        self._tasks.run(load, on_success=lambda note: self._ask_correction(note, customer_id),
                        on_failure=self._on_load_failed)

    # --- logging ---------------------------------------------------------------

    def _now(self) -> dt.datetime:
        # The window's today (pinned in tests and demos) with the wall clock's time.
        return dt.datetime.combine(self._today(), dt.datetime.now().time().replace(microsecond=0))

    def _ask_contact(self, form: ContactForm, log: ContactLog | None = None,
                     error: LedgerError | None = None) -> None:
        LogContactDialog.ask(self._parent, lambda result: self._on_contact_dialog_finished(
            form, result), form=form, now=self._now(), log=log, error=error)

    def _on_contact_dialog_finished(self, form: ContactForm, log: ContactLog | None) -> None:
        if log is None:
            return
        now = self._now()

        item = form.item if log.settles_item else None

        def save(_progress: Progress) -> int:
            if item is not None:
                return log_contact_for_item(item.kind, item.ref_id, log.entry, on=now.date(),
                                            now=now, promise=log.promise)
            return log_contact(form.customer_id, log.entry, now=now, promise=log.promise)

        def saved(_contact_id: int) -> None:
            kind = ContactKind.word_for(log.entry.kind)
            self.last_saved = f"{kind} logged" + (
                " with the promise to pay" if log.promise is not None else "") + (
                "; the Today item is done." if item is not None else ".")
            self.logged.emit(form.customer_id)

        # A call logged for a reminder carries out its stage; one for a Today item
        # settles it.
        self._tasks.run(save, writes=True, on_success=saved, initiator=self.initiator,
                        changes=changes(Change.CONTACTS, Change.FOLLOW_UP, Change.WORKLIST),
                        on_failure=self._refusal(lambda error: self._ask_contact(
                            form, log, error)))

    # --- correcting ------------------------------------------------------------

    def _ask_correction(self, note: ContactNote, customer_id: int,
                        correction: NoteCorrection | None = None,
                        error: LedgerError | None = None) -> None:
        EditContactDialog.ask(self._parent, lambda result: self._on_edit_dialog_finished(
            note, customer_id, result), note=note, correction=correction, error=error)

    def _on_edit_dialog_finished(self, note: ContactNote, customer_id: int,
                                 correction: NoteCorrection | None) -> None:
        if correction is None:
            return

        def save(_progress: Progress) -> None:
            edit_contact(note.contact_id, summary=correction.summary,
                         outcome=correction.outcome, follow_up_on=correction.follow_up_on)

        def saved(_result: None) -> None:
            self.last_saved = "Note corrected; the earlier text is kept in the audit log."
            self.logged.emit(customer_id)

        self._tasks.run(save, writes=True, on_success=saved, initiator=self.initiator,
                        changes=changes(Change.CONTACTS),
                        on_failure=self._refusal(lambda error: self._ask_correction(
                            note, customer_id, correction, error)))

    # --- helpers ---------------------------------------------------------------

    def _refusal(self, reopen: Callable[[LedgerError], None]) -> Callable[[BaseException], bool]:
        """A failure handler that re-opens the dialog on the store's objection."""

        def failed(error: BaseException) -> bool:
            if not isinstance(error, LedgerError):
                return False
            if error.field in ("customer", "contact"):
                self._on_load_failed(error)  # gone: nothing to correct in the dialog
            else:
                reopen(error)
            return True

        return failed

    def _on_load_failed(self, error: BaseException) -> bool:
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Duly", error.message)
        return True
