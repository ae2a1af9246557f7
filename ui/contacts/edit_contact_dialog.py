"""Correct a logged contact's note, outcome or follow-up date; the old text stays audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QWidget,
)

from models.contact_form import ContactNote
from models.contacts import check_note
from models.kinds import ContactKind
from models.ledger import LedgerError, parse_date
from ui.common.ledger_dialog import LedgerDialog
from ui.common.note_fields import outcome_combo, summary_edit
from ui.common.rows_model import format_day

FOLLOW_UP_DAYS = 7


@dataclass(frozen=True)
class NoteCorrection:
    """A contact's note as corrected, for ``models.contacts.edit_contact``."""

    summary: str
    outcome: str
    follow_up_on: dt.date | None


def contact_heading(note: ContactNote) -> str:
    """What the contact was, in words: "Call from Priya Hughes on 24 Nov 2026 at 10:30"."""
    kind = ContactKind.word_for(note.kind)
    who = note.with_whom or "the customer"
    if note.kind == ContactKind.NOTE:
        what = "Note"
    else:
        what = f"{kind} {'from' if note.direction == 'incoming' else 'to'} {who}"
    return f"{what} on {format_day(note.occurred_at.date())} at {note.occurred_at:%H:%M}"


class EditContactDialog(LedgerDialog):
    """The correctable part of a logged contact: its summary, outcome and follow-up date."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[NoteCorrection | None], None], *,
            note: ContactNote, correction: NoteCorrection | None = None,
            error: LedgerError | None = None) -> EditContactDialog:
        """Open the dialog; ``done`` later receives the correction, or None if cancelled.

        ``correction`` and ``error`` re-open it as the user left it, with the
        store's objection shown at its field.
        """
        dialog = cls(parent, note=note, correction=correction)
        dialog.open_for(done, lambda: dialog.accepted_correction, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, note: ContactNote,
                 correction: NoteCorrection | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Note")
        self.setMinimumWidth(520)
        self.accepted_correction: NoteCorrection | None = None
        self._note = note

        self.summary_edit = summary_edit(lambda: self._errors.clear("summary"))
        self.outcome_combo = outcome_combo(note.outcomes,
                                           lambda _text: self._errors.clear("summary"))

        self.follow_up_box = QCheckBox("Remind me on")
        self.follow_up_edit = self._date_edit(
            note.occurred_at.date() + dt.timedelta(days=FOLLOW_UP_DAYS),
            lambda _text: self._errors.clear("follow_up_on"))
        self.follow_up_box.toggled.connect(self._on_follow_up_box_toggled)
        if note.follow_up_done:
            self.follow_up_box.setToolTip("This follow-up is already done.")
        follow_up_row = QWidget()
        row = QHBoxLayout(follow_up_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.follow_up_box)
        row.addWidget(self.follow_up_edit)
        row.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow("&Summary:", self._errors.wrap("summary", self.summary_edit))
        form.addRow("&Outcome:", self._errors.wrap("outcome", self.outcome_combo))
        form.addRow("&Follow up:", self._errors.wrap("follow_up_on", follow_up_row,
                                                     focus=self.follow_up_edit))

        self.save_button = self._buttons("Save Note")
        self._lay_out("Edit Note", f"{contact_heading(note)}, with {note.customer_name}. "
                                   f"The earlier text is kept in the audit log.", form)
        self._fill(correction or NoteCorrection(note.summary, note.outcome,
                                                note.follow_up_on))
        self.summary_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        summary = self.summary_edit.toPlainText().strip()
        outcome = self.outcome_combo.currentText().strip()
        follow_up_on = (parse_date(self.follow_up_edit.text(), "follow_up_on")
                        if self.follow_up_box.isChecked() else None)
        check_note(summary, outcome, follow_up_on, self._note.occurred_at.date())
        self.accepted_correction = NoteCorrection(summary, outcome, follow_up_on)

    def _on_follow_up_box_toggled(self, checked: bool) -> None:
        self._errors.clear("follow_up_on")
        self.follow_up_edit.setEnabled(checked)

    def _fill(self, correction: NoteCorrection) -> None:
        self.summary_edit.setPlainText(correction.summary)
        self.outcome_combo.setEditText(correction.outcome)
        ticked = correction.follow_up_on is not None
        self.follow_up_box.setChecked(ticked)
        self.follow_up_edit.setEnabled(ticked)
        if correction.follow_up_on is not None:
            self.follow_up_edit.setText(correction.follow_up_on.isoformat())
