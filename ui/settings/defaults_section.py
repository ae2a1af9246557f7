"""Settings → Defaults: the follow-up policy and late-payment charges of customers who
have none of their own. A change is saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from models.policies import PolicySettings, set_default_policies
from ui.common.style import mute
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import SettingsSection, lay_out_section


class DefaultsSection(SettingsSection):
    """The business's default follow-up policy and late-payment charges."""

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self.followup_combo = QComboBox()
        self.followup_combo.setObjectName("defaultFollowup")
        self.followup_combo.setMinimumContentsLength(24)
        self.credit_combo = QComboBox()
        self.credit_combo.setObjectName("defaultCredit")
        self.credit_combo.setMinimumContentsLength(24)
        for combo in (self.followup_combo, self.credit_combo):
            combo.currentIndexChanged.connect(self._on_combo_changed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(6)
        form.addRow("&Follow-up policy:", self.followup_combo)
        form.addRow("", _hint("For customers whose follow-up is set to “Business default”."))
        form.addRow(_spacer())
        form.addRow("&Late-payment charges:", self.credit_combo)
        form.addRow("", _hint("For customers whose late charges are set to “Business "
                              "default”."))
        holder = QWidget()
        holder.setLayout(form)
        lay_out_section(self, "Defaults", "What customers without a policy of their own are "
                        "given. A change is saved at once.", [], holder, stretch=True)
        self._update_actions()

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        for combo, choices, chosen in (
                (self.followup_combo, [(p.id, p.name) for p in settings.follow_up_policies],
                 settings.default_followup_policy_id),
                (self.credit_combo, [(None, "None: charge nothing")]
                 + [(p.id, p.name) for p in settings.credit_policies],
                 settings.default_credit_policy_id)):
            blocked = combo.blockSignals(True)
            combo.clear()
            for key, name in choices:
                combo.addItem(name, key)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(blocked)

    def _forget(self) -> None:
        for combo in (self.followup_combo, self.credit_combo):
            blocked = combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(blocked)

    def _update_actions(self) -> None:
        ready = self._ready()
        self.followup_combo.setEnabled(ready and self.followup_combo.count() > 0)
        self.credit_combo.setEnabled(ready)

    @Slot(int)
    def _on_combo_changed(self, _index: int) -> None:
        followup, credit = self.followup_combo.currentData(), self.credit_combo.currentData()
        names = f"“{self.followup_combo.currentText()}” and “{self.credit_combo.currentText()}”"
        self._write(lambda: set_default_policies(followup, credit),
                    f"Defaults saved: {names}.")


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    mute(label)
    return label


def _spacer() -> QWidget:
    spacer = QWidget()
    spacer.setFixedHeight(10)
    return spacer
