"""Review one reminder due before it is recorded: to whom, which stage, which invoices, what
it charges, any warning, and the letter or e-mail text, which the user may edit.

Nothing is printed or e-mailed here yet: approving records the contact with its
text, the stage on each invoice and the stage's charges (``models.followup``);
the documents and e-mail arrive with their own issues. The policy's last stage can
be carried out as a write-off instead (``models.write_offs.write_off_action``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.action_letters import ActionDraft, as_letter, draft_for
from models.customer_class import Classification, assessed_profile
from models.dispute_choices import disputable_invoices
from models.errors import LedgerError
from models.followup import ActionInvoice, DueAction
from models.kinds import Channel
from models.money import format_money
from models.templating import MAX_SUBJECT_CHARS, check_words
from models.today import item_reminder
from models.write_offs import can_write_off_action, vat_percent_setting
from ui.common.ledger_dialog import LedgerDialog
from ui.common.rows_model import Column, RowsModel, format_day
from ui.common.style import WARNING, mute, scale_font
from ui.common.write_off_dialog import WriteOffDialog, WriteOffEntry, WriteOffSetup

CALL_MADE = "Call made."
WARNING_STYLE = (f"QLabel {{ color: {WARNING}; background: rgba(154, 103, 0, 0.10); "
                 f"border-left: 3px solid {WARNING}; border-radius: 2px; padding: 6px 10px; }}")


@dataclass(frozen=True)
class ActionReview:
    """A due action as read for review: the action, its drafted text, or why there is none."""

    action: DueAction
    draft: ActionDraft | None
    draft_problem: str = ""  # the template's objection when the text could not be filled in
    classification: Classification | None = None  # how the customer pays, with the reasons
    suggestion: str = ""  # what to do next with them (models.customer_class.suggestion)
    write_off: WriteOffSetup | None = None  # the stage may be written off instead (its last)


@dataclass(frozen=True)
class ReviewDecision:
    """What the user decided: approve with this subject and text, skip saying why, or
    (``write_off`` set) write the stage's invoices off."""

    approve: bool
    subject: str = ""
    text: str = ""
    reason: str = ""
    write_off: WriteOffEntry | None = None


def prepare_review(kind: str, ref_id: int, as_of: dt.date, *,
                   assess: bool = True) -> ActionReview | None:
    """Read the reminder a Today item carries on ``as_of`` (a stage due on the account,
    or a plan instalment's) and draft its text (worker code); with ``assess``, read how
    the customer pays too (their class and the suggestion).

    None when nothing is due any more. A user-edited template that cannot be
    filled in leaves the text to the user, with the template's objection. The
    policy's last stage comes with what writing its invoices off would take.
    """
    action = item_reminder(kind, ref_id, as_of)
    if action is None:
        return None
    action = as_letter(action)  # an e-mail to a customer with no address: a letter
    classification, advice = None, ""
    if assess:
        _profile, classification, advice = assessed_profile(action.customer_id, as_of)
    write_off = write_off_setup(action, as_of)
    try:
        return ActionReview(action, draft_for(action, as_of), classification=classification,
                            suggestion=advice, write_off=write_off)
    except LedgerError as error:  # TemplateError: the user's template, shown to them
        return ActionReview(action, None, error.message, classification, advice, write_off)


def write_off_setup(action: DueAction, as_of: dt.date) -> WriteOffSetup | None:
    """What the write-off dialog needs to write the action's invoices off on ``as_of``
    (worker code); None when the stage is not one to write off."""
    if not can_write_off_action(action):
        return None
    wanted = {invoice.id for invoice in action.invoices}
    rows = {row.id: row for row in disputable_invoices(action.customer_id) if row.id in wanted}
    invoices = tuple(rows[i.id] for i in action.invoices if i.id in rows)
    return WriteOffSetup(action.customer_name, invoices, as_of, vat_percent_setting(),
                         stage_name=action.stage.name)


def how_they_pay(review: ActionReview) -> str:
    """The customer's class and what to do, in a line: "Temporary difficulty: offer a
    payment plan rather than escalate: …" ("" when not read)."""
    if review.classification is None:
        return ""
    advice = review.suggestion
    return f"{review.classification.kind.word}: {advice[:1].lower()}{advice[1:]}"


def channel_noun(channel: str) -> str:
    """The channel as the thing made: "letter", "e-mail", "call"."""
    return {"email": "e-mail", "letter": "letter", "phone": "call"}.get(channel, channel)


def recorded_notice(action: DueAction) -> str:
    """What approving did, for the page's notice; nothing is sent yet."""
    stage, name = action.stage, action.customer_name
    if stage.channel == Channel.PHONE:
        return f"“{stage.name}” for {name} recorded as a call made."
    if stage.channel == Channel.LETTER:
        return (f"“{stage.name}” for {name}: the letter opens to print; printing or saving "
                f"it records it as sent.")
    return f"“{stage.name}” for {name} recorded; the {channel_noun(stage.channel)} will be " \
           f"ready to send."


def charges_text(action: DueAction) -> str:
    """The charges the stage adds when it is recorded, in words."""
    stage = action.stage
    parts = []
    if stage.fee_minor:
        parts.append(f"a fee of {format_money(stage.fee_minor, action.currency)}")
    if stage.apply_interest:
        parts.append("late-payment interest to date on each overdue invoice")
    if stage.apply_compensation:
        parts.append("the fixed compensation for late payment (once per invoice)")
    if not parts:
        return "None: this stage adds no fee, interest or compensation."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Approving charges {listed}."


def stage_text(action: DueAction) -> str:
    """The stage, how it is made, its tone and when it falls due."""
    stage = action.stage
    days = abs(stage.offset_days)
    when = ("on the due date" if stage.offset_days == 0 else
            f"{days} day{'' if days == 1 else 's'} "
            f"{'after' if stage.offset_days > 0 else 'before'} the due date")
    tone = f", {stage.tone} tone" if stage.tone else ""
    return f"{stage.name} — {Channel.word_for(stage.channel)}{tone}, {when}"


def _overdue_text(invoice: ActionInvoice) -> str:
    if invoice.days_overdue < 0:
        return f"due in {-invoice.days_overdue}"
    return str(invoice.days_overdue)


class ActionInvoicesModel(RowsModel):
    """The invoices a reminder is about: number, due date, open amount, days overdue."""

    NUMBER, DUE, OPEN, OVERDUE = range(4)

    def __init__(self, action: DueAction, parent: Any = None) -> None:
        super().__init__(parent)
        currency = action.currency
        self.columns = (
            Column("Invoice", lambda r: r.number, lambda r: r.number),
            Column("Due", lambda r: format_day(r.due_date), lambda r: r.due_date),
            Column("Open", lambda r: format_money(r.open_minor, currency),
                   lambda r: r.open_minor, money=True),
            Column("Days overdue", _overdue_text, lambda r: r.days_overdue, money=True),
        )
        self.set_rows(action.invoices)


class ActionReviewDialog(LedgerDialog):
    """A reminder due, shown in full; Approve records it with the text as edited, Skip… asks
    why and passes the stage over, Cancel leaves it on the list."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[ReviewDecision | None], None], *,
            review: ActionReview, decision: ReviewDecision | None = None,
            error: LedgerError | None = None) -> ActionReviewDialog:
        """Open the dialog; ``done`` later receives the decision, or None if cancelled.

        ``decision`` and ``error`` re-open it with the user's text and the objection.
        """
        dialog = cls(parent, review=review, decision=decision)
        dialog.open_for(done, lambda: dialog.decision, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, review: ActionReview,
                 decision: ReviewDecision | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionReview")
        action = review.action
        self.setWindowTitle(f"Review Reminder — {action.customer_name}")
        self.setMinimumWidth(980)
        self.decision: ReviewDecision | None = None
        self._review = review
        self._phone = action.stage.channel == Channel.PHONE

        self.warning_label = QLabel("\n".join(f"⚠  {w}" for w in action.warnings))
        self.warning_label.setObjectName("actionWarnings")
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(WARNING_STYLE)
        scale_font(self.warning_label, 1.05, bold=True)
        self.warning_label.setVisible(bool(action.warnings))

        facts = self._build_facts(action)
        words = self._build_call(review) if self._phone else self._build_letter(review)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        columns.addLayout(facts, 4)
        columns.addLayout(words, 5)

        self.approve_button = self._buttons("&Approve anyway" if action.warnings
                                            else "&Approve")
        self.skip_button = QPushButton("S&kip…")
        self.skip_button.setAutoDefault(False)
        self.skip_button.setToolTip("Do not send this stage, saying why: the next stage still "
                                    "comes on its day")
        self.skip_button.clicked.connect(self._on_skip_button_clicked)
        self.buttons.addButton(self.skip_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.write_off_button = QPushButton("Write &Off…")
        self.write_off_button.setObjectName("actionWriteOff")
        self.write_off_button.setAutoDefault(False)
        self.write_off_button.setToolTip(
            "The last stage of the policy: write the invoices off as a bad debt instead, "
            "with a reason")
        self.write_off_button.clicked.connect(self._on_write_off_button_clicked)
        self.buttons.addButton(self.write_off_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.write_off_button.setVisible(review.write_off is not None)
        self._lay_out(action, columns)
        self.resize(self.minimumWidth(), 660)
        self._fill(decision)

    # --- what the dialog shows -------------------------------------------------

    def subject(self) -> str:
        """The subject as it stands ("" for a call)."""
        return "" if self._phone else self.subject_edit.text()

    def text(self) -> str:
        """The letter's or e-mail's text as it stands, or the note on a call."""
        return self.note_edit.text() if self._phone else self.text_edit.toPlainText()

    def warnings(self) -> str:
        """The warnings shown ("" when there are none)."""
        return self.warning_label.text() if not self.warning_label.isHidden() else ""

    # --- building ---------------------------------------------------------------

    def _build_facts(self, action: DueAction) -> QVBoxLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(8)
        self.customer_label = _plain(f"{action.customer_name} ({action.customer_code})")
        self.stage_label = _plain(stage_text(action))
        self.policy_label = _plain(action.policy_name or "—")
        self.charges_label = _plain(charges_text(action))
        form.addRow("Customer:", self.customer_label)
        form.addRow("Stage:", self.stage_label)
        form.addRow("Policy:", self.policy_label)
        form.addRow("Charges:", self.charges_label)
        self.class_label = _plain(how_they_pay(self._review))
        self.class_label.setObjectName("customerClass")
        if self._review.classification is not None:
            self.class_label.setToolTip("\n".join(
                f"• {reason}" for reason in self._review.classification.reasons))
            form.addRow("How they pay:", self.class_label)
        instalment = action.instalment
        if instalment is not None:  # a plan's reminder: about the instalment, not invoices
            self.instalment_label = _plain(
                f"{instalment.words[0].upper()}{instalment.words[1:]}: "
                f"{format_money(instalment.left_minor, action.currency)} still to pay")
            form.addRow("Instalment:", self.instalment_label)

        self.invoices = ActionInvoicesModel(action, self)
        self.invoice_table = QTableView()
        self.invoice_table.setObjectName("actionInvoices")
        self.invoice_table.setAccessibleName("Invoices the reminder is about")
        self.invoice_table.setModel(self.invoices)
        self.invoice_table.verticalHeader().hide()
        self.invoice_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.invoice_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.invoice_table.setAlternatingRowColors(True)
        self.invoice_table.setShowGrid(False)
        self.invoice_table.setWordWrap(False)
        self.invoice_table.setTabKeyNavigation(False)
        header = self.invoice_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ActionInvoicesModel.NUMBER, QHeaderView.ResizeMode.Stretch)
        rows = min(max(len(action.invoices), 2), 7)  # a few, scrolling beyond
        self.invoice_table.setFixedHeight(
            header.sizeHint().height()
            + rows * self.invoice_table.verticalHeader().defaultSectionSize()
            + 2 * self.invoice_table.frameWidth() + 2)
        count = len(action.invoices)
        self.total_label = _plain(
            f"Total open on {count} invoice{'' if count == 1 else 's'}: "
            f"{format_money(action.total_minor, action.currency)}")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        scale_font(self.total_label, 1.0, bold=True)

        column = QVBoxLayout()
        column.setSpacing(8)
        column.addLayout(form)
        column.addSpacing(6)
        column.addWidget(self.invoice_table)
        column.addWidget(self.total_label)
        column.addStretch(1)
        self.invoice_table.setVisible(instalment is None)
        self.total_label.setVisible(instalment is None)
        return column

    def _build_letter(self, review: ActionReview) -> QVBoxLayout:
        draft = review.draft
        noun = channel_noun(review.action.stage.channel)
        self.subject_edit = QLineEdit(draft.subject if draft is not None else "")
        self.subject_edit.setObjectName("actionSubject")
        self.subject_edit.setMaxLength(MAX_SUBJECT_CHARS)
        self.subject_edit.setCursorPosition(0)
        self.subject_edit.textEdited.connect(lambda _text: self._errors.clear("subject"))
        self.text_edit = QPlainTextEdit(draft.text if draft is not None else "")
        self.text_edit.setObjectName("actionText")
        self.text_edit.setAccessibleName(f"The {noun}'s text")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(300)
        self.text_edit.textChanged.connect(lambda: self._errors.clear("text"))
        if draft is not None:
            source = (f"From the template “{draft.template_name}”. Your changes apply to this "
                      f"{noun} only.")
            if draft.language_note:
                source = f"{draft.language_note} {source}"
        else:
            source = (f"The template could not be filled in: {review.draft_problem} "
                      f"Write the {noun} here, or correct the template in Templates.")
        self.source_label = _plain(source)
        mute(self.source_label)
        if draft is None or draft.language_note:
            self.source_label.setStyleSheet(f"color: {WARNING};")

        subject_label = QLabel("&Subject:")
        subject_label.setBuddy(self.subject_edit)
        text_label = QLabel("&Text:")
        text_label.setBuddy(self.text_edit)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addWidget(subject_label)
        column.addWidget(self._errors.wrap("subject", self.subject_edit))
        column.addSpacing(4)
        column.addWidget(text_label)
        column.addWidget(self._errors.wrap("text", self.text_edit), 1)
        column.addWidget(self.source_label)
        return column

    def _build_call(self, review: ActionReview) -> QVBoxLayout:
        points = review.draft.text if review.draft is not None else review.draft_problem
        self.points_edit = QPlainTextEdit(points)
        self.points_edit.setObjectName("callPoints")
        self.points_edit.setAccessibleName("What to go through on the call")
        self.points_edit.setReadOnly(True)
        self.points_edit.setTabChangesFocus(True)
        self.points_edit.setMinimumHeight(160)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("callNote")
        self.note_edit.setPlaceholderText("e.g. no answer, left a voicemail")
        self.note_edit.setMaxLength(500)
        self.call_label = _plain(
            "Approving records the call as made, with the note below. If you spoke to "
            "them, cancel and log the call with Ctrl+L instead, with what was said and any "
            "promise to pay: that also settles this reminder.")
        points_label = QLabel("Call points:")
        note_label = QLabel("&Note:")
        note_label.setBuddy(self.note_edit)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addWidget(points_label)
        column.addWidget(self.points_edit, 1)
        column.addSpacing(6)
        column.addWidget(self.call_label)
        column.addSpacing(6)
        column.addWidget(note_label)
        column.addWidget(self._errors.wrap("text", self.note_edit))
        return column

    def _lay_out(self, action: DueAction, columns: QHBoxLayout) -> None:
        heading = QLabel("Review Reminder")
        scale_font(heading, 1.4, bold=True)
        noun = channel_noun(action.stage.channel)
        if self._phone:
            after = "Nothing is sent: approving records the call on the account."
        else:
            after = (f"Nothing is printed or e-mailed yet: approving records the {noun} on "
                     f"the account, and it will be ready to "
                     f"{'print' if noun == 'letter' else 'send'}.")
        if self._review.write_off is not None:
            after += (" It is the policy's last stage: Write Off… takes the invoices off the "
                      "account instead, with a reason.")
        intro = _plain(f"“{action.stage.name}” ({noun}) to {action.customer_name}. {after}")
        mute(intro)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(heading)
        layout.addSpacing(2)
        layout.addWidget(intro)
        layout.addSpacing(10)
        layout.addWidget(self.warning_label)
        layout.addSpacing(6)
        layout.addLayout(columns, 1)
        layout.addWidget(self._errors.general)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)

    def _fill(self, decision: ReviewDecision | None) -> None:
        if decision is not None and decision.approve:
            if self._phone:
                self.note_edit.setText("" if decision.text == CALL_MADE else decision.text)
            else:
                self.subject_edit.setText(decision.subject)
                self.text_edit.setPlainText(decision.text)
        focus = self.note_edit if self._phone else self.text_edit
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- deciding ---------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return in the subject or the note moves on rather than approving: approval
        records the reminder for good, so it takes the button or Ctrl+Return."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier \
                and isinstance(self.focusWidget(), QLineEdit):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def _take_input(self) -> None:
        if self._phone:
            note = self.note_edit.text().strip()
            self.decision = ReviewDecision(True, "", note or CALL_MADE)
            return
        noun = channel_noun(self._review.action.stage.channel)
        subject = self.subject_edit.text().strip()
        text = self.text_edit.toPlainText().strip()
        check_words(subject, text, email=noun == "e-mail")
        self.decision = ReviewDecision(True, subject, text)

    def _on_skip_button_clicked(self) -> None:
        from ui.common.reason_dialog import ReasonDialog

        action = self._review.action
        ReasonDialog.ask(
            self, self._on_reason_dialog_finished, title="Skip reminder", confirm="Skip",
            text=f"“{action.stage.name}” is not sent to {action.customer_name}. The next "
                 f"stage still comes on its day; the reason is kept on the customer's "
                 f"timeline.",
            placeholder="e.g. spoke to them yesterday, paying on Friday")

    def _on_reason_dialog_finished(self, reason: str | None) -> None:
        if reason is None:
            return
        self.decision = ReviewDecision(False, reason=reason)
        self.done(self.DialogCode.Accepted)  # the reason was the input: no form to check

    def _on_write_off_button_clicked(self) -> None:
        setup = self._review.write_off
        if setup is not None:
            WriteOffDialog.ask(self, self._on_write_off_dialog_finished, setup=setup)

    def _on_write_off_dialog_finished(self, entry: WriteOffEntry | None) -> None:
        if entry is None:
            return
        self.decision = ReviewDecision(False, write_off=entry)
        self.done(self.DialogCode.Accepted)  # the write-off dialog was the input


def _plain(text: str) -> QLabel:
    """A wrapping label that shows ``text`` as typed (names come from the user)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label
