"""Settings → Defaults: the follow-up policy and late-payment charges of customers who
have none of their own, and the grace given on new payment plans' instalments. A change
is saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from models.changes import Change, changes
from models.plans import MAX_PLAN_GRACE_DAYS, set_plan_grace_days
from models.policies import PolicySettings, set_default_policies
from models.relationship import set_thank_you_automatically
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
        self.grace_spin = QSpinBox()
        self.grace_spin.setObjectName("planGraceDays")
        self.grace_spin.setRange(0, MAX_PLAN_GRACE_DAYS)
        self.grace_spin.setSuffix(" days")
        self.grace_spin.setKeyboardTracking(False)  # saved once typed, not at each digit
        self.grace_spin.valueChanged.connect(self._on_grace_spin_changed)
        self._grace_days: int | None = None
        self.thanks_check = QCheckBox("Send &thank-you e-mails automatically when a chased "
                                      "account is paid up")
        self.thanks_check.setObjectName("thankYouAutomatically")
        self.thanks_check.toggled.connect(self._on_thanks_check_toggled)
        self._thanks: bool | None = None
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
        form.addRow(_spacer())
        form.addRow("&Grace for plan instalments:", self.grace_spin)
        form.addRow("", _hint("An instalment paid this many days after its date still keeps "
                              "the plan. New plans take it; plans agreed keep theirs."))
        form.addRow(_spacer())
        form.addRow("Thank-yous:", self.thanks_check)
        form.addRow("", _hint("They go with the reminders due, in the customer's language. "
                              "Left off, Today lists the thank-yous due for you to send."))
        holder = QWidget()
        holder.setLayout(form)
        lay_out_section(self, "Defaults", "What customers without a policy of their own are "
                        "given. A change is saved at once.", [], holder, stretch=True)
        self._update_actions()

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        for combo, choices, chosen in (
                (self.followup_combo, [(p.id, p.name) for p in settings.follow_up_policies
                                       if p.for_customers],
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

    def set_grace_days(self, days: int) -> None:
        """Show the grace given on new plans' instalments, as read."""
        self._grace_days = days
        blocked = self.grace_spin.blockSignals(True)
        self.grace_spin.setValue(days)
        self.grace_spin.blockSignals(blocked)
        self._update_actions()

    def set_thank_you_automatically(self, on: bool) -> None:
        """Show whether thank-yous go out by themselves, as read."""
        self._thanks = on
        blocked = self.thanks_check.blockSignals(True)
        self.thanks_check.setChecked(on)
        self.thanks_check.blockSignals(blocked)
        self._update_actions()

    def _forget(self) -> None:
        self._grace_days = None
        self._thanks = None
        for combo in (self.followup_combo, self.credit_combo):
            blocked = combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(blocked)

    def _update_actions(self) -> None:
        ready = self._ready()
        self.followup_combo.setEnabled(ready and self.followup_combo.count() > 0)
        self.credit_combo.setEnabled(ready)
        self.grace_spin.setEnabled(ready and self._grace_days is not None)
        self.thanks_check.setEnabled(ready and self._thanks is not None)

    @Slot(int)
    def _on_combo_changed(self, _index: int) -> None:
        followup, credit = self.followup_combo.currentData(), self.credit_combo.currentData()
        names = f"“{self.followup_combo.currentText()}” and “{self.credit_combo.currentText()}”"
        self._write(lambda: set_default_policies(followup, credit),
                    f"Defaults saved: {names}.")

    @Slot(bool)
    def _on_thanks_check_toggled(self, on: bool) -> None:
        if on == self._thanks:
            return
        self._write(lambda: set_thank_you_automatically(on),
                    "Thank-you e-mails are sent automatically." if on else
                    "Thank-you e-mails wait on Today for you to send.",
                    changed=changes(Change.POLICIES, Change.WORKLIST))

    @Slot(int)
    def _on_grace_spin_changed(self, days: int) -> None:
        if days == self._grace_days:
            return
        self._write(lambda: set_plan_grace_days(days),
                    f"Plan instalments' grace saved: {days} day{'' if days == 1 else 's'}.",
                    changed=changes(Change.POLICIES))


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    mute(label)
    return label


def _spacer() -> QWidget:
    spacer = QWidget()
    spacer.setFixedHeight(10)
    return spacer
