"""Approve several reminders due at once: a list to confirm, each with its stage, channel,
total and any warning; those with a warning start unticked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.dates import short_date
from models.errors import LedgerError
from models.kinds import Channel
from models.money import format_money
from models.today import WorkItem
from ui.common.ledger_dialog import LedgerDialog
from ui.common.rows_model import FOREGROUND, TOOLTIP
from ui.common.style import ERROR, WARNING
from ui.common.tasks import Progress
from ui.common.tick_model import TickModel
from ui.today.action_review_dialog import CALL_MADE, ActionReview, channel_noun, prepare_review


@dataclass(frozen=True)
class BatchEntry:
    """One selected reminder as read for approval: its review, or why it cannot be approved."""

    item: WorkItem
    review: ActionReview | None
    problem: str = ""  # why it cannot be approved (no longer due, no text)

    @property
    def approvable(self) -> bool:
        """Whether it can be recorded as it stands: due, with its text drafted."""
        return self.review is not None and not self.problem

    @property
    def warnings(self) -> tuple[str, ...]:
        """The action's warnings (e.g. unallocated credit)."""
        return self.review.action.warnings if self.review is not None else ()

    @property
    def template_name(self) -> str:
        """The template the drafted text is written from ("" for a call)."""
        assert self.review is not None and self.review.draft is not None
        return self.review.draft.template_name

    def subject_and_text(self) -> tuple[str, str]:
        """What is recorded with it: the drafted subject and text, or "Call made."."""
        assert self.review is not None and self.review.draft is not None
        if self.review.action.stage.channel == Channel.PHONE:
            return "", CALL_MADE
        return self.review.draft.subject, self.review.draft.text


def prepare_batch(items: Sequence[WorkItem], as_of: dt.date,
                  progress: Progress) -> list[BatchEntry]:
    """Read each reminder due on ``as_of`` and draft its text (worker code)."""
    entries = []
    for done, item in enumerate(items):
        progress(done, len(items))
        review = prepare_review(item.kind, item.ref_id, as_of, assess=False)
        if review is None:
            problem = (f"Not due until {short_date(item.due_on)}." if item.due_on > as_of
                       else "No longer due: the account changed since the list was read.")
        elif review.draft is None:
            problem = f"Its template could not be filled in: {review.draft_problem}"
        else:
            problem = ""
        entries.append(BatchEntry(item, review, problem))
    progress(len(items), len(items))
    return entries


def batch_notice(recorded: Sequence[BatchEntry], refused: Sequence[tuple[BatchEntry, str]],
                 letters: int = 0) -> str:
    """What a batch approval did, for the page's notice; nothing is sent yet, and the
    ``letters`` approved are recorded only when printed or saved."""
    count = len(recorded)
    channels = {e.review.action.stage.channel for e in recorded if e.review is not None}
    ready = [words for channel, words in (
        ("email", "the e-mails ready to send"),
        ("phone", "the calls are recorded as made")) if channel in channels]
    parts = []
    if count:
        parts.append(f"{count} reminder{'' if count == 1 else 's'} recorded"
                     + (f"; {', '.join(ready)}." if ready else "."))
    if letters:
        them = "it" if letters == 1 else "them"
        parts.append(f"{letters} letter{' opens' if letters == 1 else 's open'} to print: "
                     f"printing or saving {them} records {them} as sent.")
    if refused:
        parts.append(f"{len(refused)} not recorded: see why in the message.")
    return " ".join(parts) or "Nothing was recorded."


class BatchActionsModel(TickModel):
    """The reminders offered, each with a tick; those with a warning or a problem stand out."""

    CUSTOMER, STAGE, CHANNEL, TOTAL, FLAGS = range(5)
    TITLES = ("Customer", "Stage", "Channel", "Total", "Check first")
    TICK_COLUMN = CUSTOMER
    RIGHT_COLUMNS = frozenset((TOTAL,))

    def __init__(self, entries: Sequence[BatchEntry], parent: Any = None) -> None:
        super().__init__(entries, parent)
        # A warning is to be read before sending: those accounts wait for a tick.
        self._ticked = {row for row, entry in enumerate(entries)
                        if entry.approvable and not entry.warnings}
        self._warning = QBrush(QColor(WARNING))
        self._error = QBrush(QColor(ERROR))

    def entry_at(self, row: int) -> BatchEntry | None:
        """The reminder at position ``row``, or None."""
        return self.row_at(row)

    def checked(self) -> list[BatchEntry]:
        """The ticked reminders, in the order listed."""
        return self.ticked_rows()

    def is_checked(self, row: int) -> bool:
        """Whether the reminder at ``row`` is ticked."""
        return self.is_ticked(row)

    def set_checked(self, row: int, checked: bool) -> None:
        """Tick or untick the reminder at ``row`` (one that cannot be approved stays off)."""
        self.set_ticked(row, checked)

    def _tickable(self, entry: BatchEntry) -> bool:
        return entry.approvable

    def _other(self, entry: BatchEntry, column: int, role: int) -> Any:
        if role == FOREGROUND and column == self.FLAGS:
            return self._error if entry.problem else self._warning if entry.warnings else None
        if role == TOOLTIP:
            return self._flags(entry) or None
        return None

    # --- helpers ------------------------------------------------------------

    def _text(self, entry: BatchEntry, column: int) -> str:
        item = entry.item
        if column == self.CUSTOMER:
            return item.customer_name
        if column == self.TOTAL:
            return format_money(item.amount_minor or 0, item.currency)
        if column == self.FLAGS:
            return self._flags(entry).replace("\n", "  ")
        if entry.review is None:
            return item.title if column == self.STAGE else ""
        stage = entry.review.action.stage
        return stage.name if column == self.STAGE else Channel.word_for(stage.channel)

    @staticmethod
    def _flags(entry: BatchEntry) -> str:
        """What to check before approving, a line each."""
        if entry.problem:
            return entry.problem
        if entry.warnings:
            return "\n".join(f"⚠ {w}" for w in entry.warnings)
        if entry.review is not None and entry.review.action.stage.channel == Channel.PHONE:
            return "Approving records the call as made"
        return ""


class BatchApproveDialog(LedgerDialog):
    """The selected reminders to confirm; OK records each ticked one with its drafted text."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[list[BatchEntry] | None], None], *,
            entries: Sequence[BatchEntry]) -> BatchApproveDialog:
        """Open the dialog; ``done`` later receives the ticked reminders, or None."""
        dialog = cls(parent, entries=entries)
        dialog.open_for(done, lambda: dialog.accepted_entries)
        return dialog

    def __init__(self, parent: QWidget | None = None, *,
                 entries: Sequence[BatchEntry]) -> None:
        super().__init__(parent)
        self.setObjectName("batchApprove")
        self.setWindowTitle("Approve Reminders")
        self.setMinimumWidth(940)
        self.accepted_entries: list[BatchEntry] | None = None

        self.model = BatchActionsModel(entries, self)
        self.model.checked_changed.connect(self._on_model_checked_changed)
        self.table = QTableView()
        self.table.setObjectName("batchActions")
        self.table.setAccessibleName("Reminders to approve")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        for column in range(BatchActionsModel.FLAGS):  # room between the columns
            header.resizeSection(column, min(header.sectionSize(column) + 20, 260))
        rows = min(max(len(entries), 3), 12)
        self.table.setFixedHeight(
            header.sizeHint().height()
            + rows * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth() + 2)

        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.approve_button = self._buttons("Approve")
        form = self._errors.wrap("actions", self.table)
        body = QVBoxLayout()
        body.setSpacing(6)
        body.addWidget(form)
        body.addWidget(self.count_label)
        self._lay_out(
            "Approve Reminders",
            "Each ticked reminder is recorded on its account with the text its template "
            "gives, with the stage's charges. The letters then open in one PDF to print; "
            "the e-mails will be ready to send. Accounts with a warning are not "
            "ticked: review them one by one, or tick them to approve them as they are.", body)
        self._show_count()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def tick(self, customer_name: str, ticked: bool = True) -> None:
        """Tick (or untick) the reminder to ``customer_name``."""
        for row in range(self.model.rowCount()):
            entry = self.model.entry_at(row)
            if entry is not None and entry.item.customer_name == customer_name:
                self.model.set_checked(row, ticked)
                return
        raise KeyError(customer_name)

    def _show_count(self) -> None:
        chosen = self.model.checked()
        count = len(chosen)
        nouns: dict[str, int] = {}
        for entry in chosen:
            assert entry.review is not None
            noun = channel_noun(entry.review.action.stage.channel)
            nouns[noun] = nouns.get(noun, 0) + 1
        made = ", ".join(f"{n} {noun}{'' if n == 1 else 's'}" for noun, n in nouns.items())
        self.count_label.setText(
            f"{count} of {self.model.rowCount()} ticked" + (f": {made}" if made else ""))
        self.approve_button.setText(f"&Approve {count}" if count else "&Approve")
        self.approve_button.setEnabled(bool(count))

    def _on_model_checked_changed(self) -> None:
        self._errors.clear("actions")
        self._show_count()

    def _take_input(self) -> None:
        chosen = self.model.checked()
        if not chosen:
            raise LedgerError("actions", "Tick at least one reminder to approve.")
        self.accepted_entries = chosen
