"""Settings → Customer classes: the thresholds that sort customers into new, reliable,
occasionally late, recurring late payer, temporary difficulty and at risk, each with its
meaning in plain words. Saved with its button; the store refuses what does not hold
together, and the refusal is shown at its field."""

from __future__ import annotations

import html
from dataclasses import fields

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QWidget

from models.changes import Change, changes
from models.customer_class import THRESHOLD_LIMITS, ClassThresholds, set_class_thresholds
from models.errors import LedgerError
from models.policies import PolicySettings
from ui.common.settings_form import inline
from ui.common.style import ERROR, quiet_color
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import SettingsSection, button, lay_out_section

# Each class, how it is told in words, and its thresholds: (name, words before the
# field, its unit, words after it).
_CLASSES: tuple[tuple[str, str, tuple[tuple[str, str, str, str], ...]], ...] = (
    ("New", "Too little to judge by yet. An invoice counts once paid, or once open past "
     "the days a payment is still on time.",
     (("min_invoices", "Judged from", " invoices", ""),)),
    ("On time", "What paying on time means for every class below.",
     (("on_time_days", "Paid up to", " days", "after the due date"),)),
    ("Reliable", "Pays on time, or nearly.",
     (("reliable_percent", "On time for at least", " %", "of invoices"),
      ("reliable_days", "and late by no more than", " days", "on average"))),
    ("Occasionally late", "Neither reliable nor a recurring late payer: between the two.",
     ()),
    ("Recurring late payer", "Paying late is a habit.",
     (("recurring_percent", "On time for less than", " %", "of invoices"),
      ("recurring_days", "or late by at least", " days", "on average"))),
    ("Temporary difficulty", "A good payer lately in trouble: worth patience rather "
     "than pressure.",
     (("recent_invoices", "Each of the last", " invoices", "late"),
      ("difficulty_days", "by at least", " days", "on average"),
      ("good_history_percent", "after a history on time for at least", " %",
       "of invoices"))),
    ("At risk", "Owes overdue money and shows at least two of these three warning signs.",
     (("broken_promises", "Broken promises or defaulted plans:", "", "in 180 days"),
      ("unanswered_contacts", "Chasing contacts unanswered:", "",
       "with no payment or word since"),
      ("growth_percent", "Overdue balance grown by", " %", "in 90 days"))),
)


class CustomerClassesSection(SettingsSection):
    """The thresholds of the customer classes, to see and change."""

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self._thresholds: ClassThresholds | None = None
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(6)
        for title, meaning, thresholds in _CLASSES:
            form.addRow(_heading(title, meaning))
            for name, before, unit, after in thresholds:
                spin = self._spin(name, unit)
                form.addRow(before, inline(spin, after) if after else spin)
        self.save_button = button("&Save Class Thresholds", self._on_save_button_clicked,
                                  "Sort customers by these thresholds from now on")
        self.defaults_button = button("Use the &Defaults", self._on_defaults_button_clicked,
                                      "Put Duly's own thresholds in the fields (then save)")
        self.error_label = QLabel()
        self.error_label.setObjectName("classThresholdsError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR};")
        holder = QWidget()
        holder.setLayout(form)
        lay_out_section(self, "Customer classes", "How Duly sorts customers by the way "
                        "they pay, to suggest what to do next. The shares and averages are "
                        "those of the last 12 months when they hold enough invoices, "
                        "otherwise of the whole history.",
                        [self.save_button, self.defaults_button], holder, self.error_label,
                        stretch=True)
        self._update_actions()

    def _spin(self, name: str, unit: str) -> QSpinBox:
        low, high = THRESHOLD_LIMITS[name]
        spin = QSpinBox()
        spin.setObjectName(f"threshold_{name}")
        spin.setRange(low, high)
        spin.setSuffix(unit)
        spin.setMinimumWidth(110)
        spin.valueChanged.connect(self.error_label_clear)
        self.spins[name] = spin
        return spin

    def set_thresholds(self, thresholds: ClassThresholds) -> None:
        """Show the thresholds as read."""
        self._thresholds = thresholds
        self._fill(thresholds)
        self.error_label.clear()
        self._update_actions()

    def chosen(self) -> ClassThresholds:
        """The thresholds as the fields have them."""
        return ClassThresholds(**{name: spin.value() for name, spin in self.spins.items()})

    def _fill(self, thresholds: ClassThresholds) -> None:
        for field in fields(ClassThresholds):
            spin = self.spins[field.name]
            blocked = spin.blockSignals(True)
            spin.setValue(getattr(thresholds, field.name))
            spin.blockSignals(blocked)

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        """The thresholds come with :meth:`set_thresholds`; the policies say nothing here."""

    def _forget(self) -> None:
        self._thresholds = None
        self.error_label.clear()

    def _update_actions(self) -> None:
        ready = self._ready() and self._thresholds is not None
        for widget in (*self.spins.values(), self.save_button, self.defaults_button):
            widget.setEnabled(ready)

    @Slot()
    def error_label_clear(self) -> None:
        """Take back an objection once a field changes."""
        self.error_label.clear()

    @Slot()
    def _on_defaults_button_clicked(self) -> None:
        self._fill(ClassThresholds())
        self.error_label.clear()

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if not self._ready():
            return
        chosen = self.chosen()
        self._write(lambda: set_class_thresholds(chosen), "Customer class thresholds saved.",
                    refused=self._refused, changed=changes(Change.POLICIES, Change.CUSTOMERS))

    def _refused(self, error: LedgerError) -> None:
        self.error_label.setText(error.message)
        spin = self.spins.get(error.field)
        if spin is not None:
            spin.setFocus()
            spin.selectAll()


def _heading(title: str, meaning: str) -> QLabel:
    """A class's name in bold, then what it means, quieter, across the whole form."""
    label = QLabel(f"<b>{html.escape(title)}</b>&nbsp;&nbsp;<span style=\"color: "
                   f"{quiet_color(QLabel()).name()}\">{html.escape(meaning)}</span>")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setContentsMargins(0, 8, 0, 0)
    return label
