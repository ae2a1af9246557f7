"""Undo a bank statement: ask why, then void every payment it recorded, off the GUI
thread (the review after recording and Bank Statements… both offer it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from models.bank_review import KeptStatement
from models.bank_statements import undo_statement
from models.changes import Change, changes
from models.money import format_money
from ui.common import messages
from ui.common.reason_dialog import ReasonDialog
from ui.common.tasks import Progress, TaskRunner

# What recording or undoing a statement changes: payments and the invoices they pay, the
# promises and plans they keep, the reminders and Today's list that follow, the import log.
BANK_CHANGES = changes(Change.MONEY, Change.INVOICES, Change.CONTACTS, Change.FOLLOW_UP,
                       Change.WORKLIST, Change.IMPORTS)


def undo_words(statement: KeptStatement) -> str:
    """What undoing ``statement`` does, in words."""
    payments = f"{statement.recorded:,} payment{'s' if statement.recorded != 1 else ''}"
    money = format_money(statement.recorded_minor, statement.currency)
    return (f"This voids the {payments} ({money}) recorded from {statement.file_name} and "
            f"forgets its credits, ignored ones too, so the statement can be imported again. "
            f"The invoices they paid are open again and follow-up resumes.")


def undo_bank_statement(parent: QWidget, tasks: TaskRunner, statement: KeptStatement,
                        done: Callable[[int], None], *, initiator: object = None) -> None:
    """Ask why, then undo ``statement``; ``done(payments voided)`` once it is undone."""

    def asked(reason: str | None) -> None:
        if reason is None:
            return

        def work(_progress: Progress) -> int:
            return undo_statement(statement.id, reason)

        tasks.run(work, writes=True, changes=BANK_CHANGES, initiator=initiator,
                  label=f"Undoing {statement.file_name}…", on_success=done,
                  on_failure=messages.ledger_refusal(parent, None, always=lambda: None))

    ReasonDialog.ask(parent, asked, title="Undo Statement", text=undo_words(statement),
                     confirm="&Undo Statement", placeholder="e.g. imported the wrong account",
                     warning="Undoing cannot itself be undone: import the statement again "
                             "to record its payments.")
