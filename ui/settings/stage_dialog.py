"""Add or change one stage of a follow-up policy: when it falls, how it reaches the
customer, in what tone, and what it charges."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QVBoxLayout, QWidget

from models.errors import LedgerError
from models.kinds import Channel, Tone
from models.ledger import parse_amount
from models.policies import (
    MAX_CONTACT_GAP_DAYS,
    MAX_OFFSET_DAYS,
    MIN_OFFSET_DAYS,
    STAGE_CHANNELS,
    StageDraft,
    check_stage,
    offset_words,
)
from models.template_store import TONES, TemplateRow
from ui.common.ledger_dialog import LedgerDialog, amount_text
from ui.common.settings_form import day_spin, hint, inline, settings_form

NO_TEMPLATE = "No template"


class StageDialog(LedgerDialog):
    """One stage of a policy; its day is said in words as it is set."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[StageDraft | None], None], *,
            policy_name: str, currency: str, templates: Sequence[TemplateRow],
            draft: StageDraft | None = None, editing: bool = False,
            error: LedgerError | None = None) -> StageDialog:
        """Open the dialog; ``done`` later receives the stage, or None if cancelled."""
        dialog = cls(parent, policy_name=policy_name, currency=currency, templates=templates,
                     draft=draft, editing=editing)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, policy_name: str, currency: str,
                 templates: Sequence[TemplateRow], draft: StageDraft | None = None,
                 editing: bool = False) -> None:
        super().__init__(parent)
        title = "Edit Stage" if editing else "Add Stage"
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.accepted_draft: StageDraft | None = None
        self._currency = currency
        self._templates = list(templates)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Second reminder")
        self.name_edit.setMaxLength(80)
        self.name_edit.textEdited.connect(lambda _text: self._errors.clear("name"))
        self.offset_spin = day_spin(MIN_OFFSET_DAYS, MAX_OFFSET_DAYS, 7)
        self.offset_spin.setAccessibleName("Days from the due date")
        self.offset_spin.setToolTip("Days after the due date; a negative number falls before "
                                    "it, for a courtesy reminder")
        self.offset_spin.valueChanged.connect(self._on_offset_spin_value_changed)
        self.when_label = hint()
        self.when_label.setObjectName("offsetWords")

        self.channel_combo = QComboBox()
        for channel in STAGE_CHANNELS:
            self.channel_combo.addItem(channel.word, channel)
        self.channel_combo.currentIndexChanged.connect(self._on_channel_combo_changed)
        self.template_combo = QComboBox()
        self.template_combo.setMinimumContentsLength(18)
        self.template_combo.currentIndexChanged.connect(self._on_template_combo_changed)
        self.tone_combo = QComboBox()
        for tone in TONES:
            self.tone_combo.addItem(Tone.word_for(tone), tone)

        self.fee_edit = QLineEdit()
        self.fee_edit.setPlaceholderText("0.00")
        self.fee_edit.setAccessibleName("Fee")
        self.fee_edit.setMaximumWidth(120)
        self.fee_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.fee_edit.textEdited.connect(lambda _text: self._errors.clear("fee_minor"))
        self.interest_check = QCheckBox("Charge interest under the customer's late-payment "
                                        "policy")
        self.interest_check.toggled.connect(lambda _on: self._errors.clear("apply_interest"))
        self.compensation_check = QCheckBox("Claim the fixed compensation, if the policy "
                                            "allows it")
        self.compensation_check.toggled.connect(
            lambda _on: self._errors.clear("apply_compensation"))
        charges = QWidget()
        column = QVBoxLayout(charges)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self._errors.wrap(
            "fee_minor", inline(self.fee_edit, currency, "fee, once per reminder"),
            focus=self.fee_edit, aliases=("fee",)))
        column.addWidget(self._errors.wrap("apply_interest", self.interest_check))
        column.addWidget(self._errors.wrap("apply_compensation", self.compensation_check))

        self.gap_spin = day_spin(0, MAX_CONTACT_GAP_DAYS)
        self.gap_spin.setAccessibleName("Days since the last contact")
        self.gap_spin.valueChanged.connect(
            lambda _value: self._errors.clear("min_days_since_contact"))

        form = settings_form()
        form.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        form.addRow("&When:", self._errors.wrap(
            "offset_days", inline(self.offset_spin, self.when_label), focus=self.offset_spin))
        form.addRow("&Channel:", self._errors.wrap("channel", self.channel_combo, stretch=True))
        form.addRow("&Template:", self._errors.wrap("template_id", self.template_combo,
                                                   stretch=True))
        form.addRow("T&one:", self._errors.wrap("tone", self.tone_combo, stretch=True))
        form.addRow("Charges:", charges)
        form.addRow("Wait a&fter a contact:", self._errors.wrap(
            "min_days_since_contact",
            inline(self.gap_spin, "since the customer was last contacted"),
            focus=self.gap_spin))

        self.save_button = self._buttons("Save Changes" if editing else "Add Stage")
        self._lay_out(title, f"A step of the “{policy_name}” policy. Stages run in the order "
                             f"of their days.", form)
        self._fill(draft)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def when_text(self) -> str:
        """The stage's day in words, as shown beside the days."""
        return self.when_label.text()

    def _take_input(self) -> None:
        text = self.fee_edit.text().strip()
        fee = parse_amount(text, self._currency, "fee_minor") if text else 0
        template = self.template_combo.currentData()
        self.accepted_draft = check_stage(StageDraft(
            name=self.name_edit.text(), offset_days=self.offset_spin.value(),
            channel=str(self.channel_combo.currentData()),
            template_id=int(template) if template is not None else None,
            tone=str(self.tone_combo.currentData()), fee_minor=fee,
            apply_interest=self.interest_check.isChecked(),
            apply_compensation=self.compensation_check.isChecked(),
            min_days_since_contact=self.gap_spin.value()))

    def _fill(self, draft: StageDraft | None) -> None:
        if draft is not None:
            self.name_edit.setText(draft.name)
            self.offset_spin.setValue(draft.offset_days)
            self.channel_combo.setCurrentIndex(max(self.channel_combo.findData(draft.channel),
                                                   0))
            self.tone_combo.setCurrentIndex(max(self.tone_combo.findData(draft.tone), 0))
            if draft.fee_minor:
                self.fee_edit.setText(amount_text(draft.fee_minor, self._currency))
            self.interest_check.setChecked(draft.apply_interest)
            self.compensation_check.setChecked(draft.apply_compensation)
            self.gap_spin.setValue(draft.min_days_since_contact)
        self._list_templates(draft.template_id if draft is not None else None)
        self._on_offset_spin_value_changed(self.offset_spin.value())

    def _list_templates(self, chosen: int | None) -> None:
        """The templates of the channel chosen, keeping the tone as the user set it."""
        channel = self.channel_combo.currentData()
        blocked = self.template_combo.blockSignals(True)
        self.template_combo.clear()
        if channel == Channel.PHONE:
            self.template_combo.addItem("None: a phone call sends nothing", None)
        else:
            self.template_combo.addItem(NO_TEMPLATE, None)
            for template in self._templates:
                if template.channel == channel:
                    self.template_combo.addItem(template.name, template.id)
        self.template_combo.setCurrentIndex(max(self.template_combo.findData(chosen), 0))
        self.template_combo.setEnabled(channel != Channel.PHONE)
        self.template_combo.blockSignals(blocked)

    def _on_offset_spin_value_changed(self, days: int) -> None:
        self._errors.clear("offset_days")
        self.when_label.setText(offset_words(days))

    def _on_channel_combo_changed(self, *_args: object) -> None:
        self._errors.clear("channel")
        self._errors.clear("template_id")
        self._list_templates(None)

    def _on_template_combo_changed(self, *_args: object) -> None:
        self._errors.clear("template_id")
        chosen = self.template_combo.currentData()
        template = next((t for t in self._templates if t.id == chosen), None)
        if template is not None:  # a template is written in one tone: the stage takes it
            self.tone_combo.setCurrentIndex(max(self.tone_combo.findData(template.tone), 0))
