"""Print due letters: how many letters are due is said first; then they are printed
into one PDF, shown in the preview, and recorded as sent only when that PDF is printed
or saved (closing the preview records nothing).

The letters are counted, prepared and recorded off the GUI thread. Preparing can be
cancelled and leaves nothing; ``reports.due_letters`` prepares the preview exactly as
printing would, then takes its records back, and records them for real (into the PDF
then printed or saved) when the preview is printed or saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from models.changes import Change, changes
from models.dates import long_date
from models.errors import LedgerError
from ui.common import messages
from ui.common.pdf_files import Keeping, PdfFile, discard_pdf, new_pdf_path
from ui.common.tasks import Progress, TaskCancelled, TaskProgress, TaskRunner

if TYPE_CHECKING:
    from reports.due_letters import DueLettersResult
    from reports.email_reminders import Approval, ApprovedLetters


def letters_due(as_of: dt.date) -> int:
    """How many reminder letters are due on ``as_of`` (a worker's job)."""
    from models.followup import letters_due as due

    return len(due(as_of))


def print_letters(as_of: dt.date, progress: TaskProgress) -> tuple[DueLettersResult,
                                                                    PdfFile | None]:
    """Prepare the letters due on ``as_of`` in a temporary PDF for the preview, recording
    nothing (a worker's job); the PDF, whose ``keep`` records them when it is printed or
    saved, or None when no letter could be printed."""
    return _letters_pdf(as_of, progress, record=False)


def record_letters(as_of: dt.date, progress: TaskProgress) -> tuple[PdfFile, DueLettersResult]:
    """Record the letters due on ``as_of`` as sent and print them into a temporary PDF
    (a worker's job, when the preview is printed or saved): that PDF, and what was done."""
    result, pdf = _letters_pdf(as_of, progress, record=True)
    if pdf is None:
        raise LedgerError("letters", f"No letter is due on {long_date(as_of)} any more: "
                                     f"nothing was recorded or printed.")
    return pdf, result


def _letters_pdf(as_of: dt.date, progress: TaskProgress, *, record: bool
                 ) -> tuple[DueLettersResult, PdfFile | None]:
    from reports.due_letters import Cancelled, print_due_letters

    path = new_pdf_path(f"Letters {as_of}.pdf")
    try:
        result = print_due_letters(as_of, path, progress=progress, record=record,
                                   cancelled=lambda: progress.cancelled)
    except Cancelled as stopped:
        discard_pdf(path)
        raise TaskCancelled from stopped
    except BaseException:
        discard_pdf(path)
        raise
    if result.path is None:
        discard_pdf(path)
        return result, None
    warnings = dict.fromkeys(w for letter in result.printed for w in letter.warnings)
    return result, PdfFile(result.path, f"Due letters – {long_date(as_of)}", path.name,
                           tuple(warnings))


def approved_letters_pdf(approvals: Sequence[Approval], as_of: dt.date, now: dt.datetime,
                         progress: Progress, *, record: bool
                         ) -> tuple[ApprovedLetters, PdfFile | None]:
    """The letters approved in Today in a temporary PDF (a worker's job): as a preview,
    recording nothing, or recorded as sent when the preview is printed or saved. None
    for the PDF when none of them could be printed."""
    from reports.email_reminders import print_approved_letters

    count = len(approvals)
    path = new_pdf_path("Letter.pdf" if count == 1 else f"{count} letters.pdf")
    try:
        result = print_approved_letters(approvals, as_of, path, now=now, record=record,
                                        progress=progress)
    except BaseException:
        discard_pdf(path)
        raise
    if not result.printed:
        discard_pdf(path)
        return result, None
    printed = len(result.printed)
    title = "Letter to print" if printed == 1 else f"{printed} letters to print"
    return result, PdfFile(path, title, path.name, result.warnings)


def printed_notice(result: DueLettersResult, *, recorded: bool = True) -> str:
    """What was done, in the user's words: the letters recorded (or prepared, for the
    preview), and those left out, why."""
    count = result.letters
    letters = f"{count} letter{' was' if count == 1 else 's were'}"
    if not count:
        text = f"No letter was printed for {long_date(result.as_of)}."
    elif recorded:
        text = f"{letters} recorded as sent."
    else:
        text = (f"{count} letter{' is' if count == 1 else 's are'} ready to print: printing "
                f"or saving {'it' if count == 1 else 'them'} records "
                f"{'it' if count == 1 else 'them'} as sent.")
    if result.skipped:
        reasons = "; ".join(f"{s.customer_name}: {s.reason}" for s in result.skipped)
        text += (f" {len(result.skipped)} could not be written, and "
                 f"{'is' if len(result.skipped) == 1 else 'are'} still due — {reasons}")
    return text


class DueLettersPrinter(QObject):
    """Counts the letters due, asks to go ahead, records and prints them, shows the PDF."""

    printed = Signal(object)
    """Letters were recorded and printed (a ``DueLettersResult``): lists are stale."""
    prepared = Signal(object)
    """Letters were prepared for the preview (a ``DueLettersResult``), nothing recorded."""
    busy_changed = Signal(bool)
    """Counting or printing started (True) or ended (False)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._parent = parent
        self._busy = False
        self.last_notice = ""
        """What the last print did, in the user's words."""

    @property
    def busy(self) -> bool:
        """Whether letters are being counted, confirmed or printed."""
        return self._busy

    def start(self, as_of: dt.date) -> None:
        """Count the letters due on ``as_of`` and ask whether to record and print them."""
        if self._busy:
            return
        self._set_busy(True)

        def count(_progress: Progress) -> int:
            return letters_due(as_of)

        self._tasks.run(count, label="Counting the letters due…",
                        on_success=lambda n: self._on_count_task_succeeded(as_of, n),
                        on_failure=self._on_task_failed)

    def _on_count_task_succeeded(self, as_of: dt.date, count: int) -> None:
        if not count:
            self._set_busy(False)
            messages.show_message(self._parent, QMessageBox.Icon.Information,
                                  "Print due letters",
                                  f"No letters are due on {long_date(as_of)}.")
            return
        noun = "letter is" if count == 1 else "letters are"
        box = QMessageBox(QMessageBox.Icon.Question, "Print due letters",
                          f"{count} {noun} due on {long_date(as_of)}. Print "
                          f"{'it' if count == 1 else 'them'} now?",
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setObjectName("printDueLettersBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(
            "The letters come in one PDF to look over, after a summary page. Each is "
            "recorded as sent, on its customer's timeline with its stage's charges, when "
            "you print or save the PDF; closing it without, records nothing.")
        go = box.addButton("Print Letters", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(go)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._on_confirm_box_finished(
            as_of, box.clickedButton() is go))
        box.open()

    def _on_confirm_box_finished(self, as_of: dt.date, confirmed: bool) -> None:
        if not confirmed:
            self._set_busy(False)
            return
        # A write whose records are taken back: it waits for the store's other writes,
        # and changes nothing.
        self._tasks.run(lambda progress: print_letters(as_of, progress), writes=True,
                        changes=changes(), label="Preparing the due letters…",
                        cancellable=True,
                        on_success=lambda outcome: self._on_print_task_succeeded(
                            as_of, outcome),
                        on_failure=self._on_task_failed,
                        on_cancel=lambda: self._set_busy(False))

    def _on_print_task_succeeded(self, as_of: dt.date,
                                 outcome: tuple[DueLettersResult, PdfFile | None]) -> None:
        self._set_busy(False)
        result, pdf = outcome
        self.last_notice = printed_notice(result, recorded=False)
        if pdf is None:
            self.printed.emit(result)
            return
        from ui.common.pdf_preview import PdfPreviewDialog

        keeping = Keeping(work=lambda progress: record_letters(as_of, progress),
                          kept=self._on_letters_recorded,
                          label="Recording the letters as sent…",
                          changes=changes(Change.FOLLOW_UP, Change.CONTACTS))
        PdfPreviewDialog.show_pdf(self._parent.window(), replace(pdf, keep=keeping),
                                  self._tasks)
        self.prepared.emit(result)

    def _on_letters_recorded(self, result: DueLettersResult) -> None:
        self.last_notice = printed_notice(result)
        self.printed.emit(result)

    def _on_task_failed(self, error: BaseException) -> bool:
        self._set_busy(False)
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self._parent, QMessageBox.Icon.Warning, "Print due letters",
                              error.message)
        return True

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)
