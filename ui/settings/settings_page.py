"""The Settings area: how the business gets paid. Payment terms, late-payment charges,
follow-up policies and their stages, the reference-rate table, the defaults for
customers without a policy of their own, the business's bank accounts and signatory,
and the outgoing mail server.

Everything is read at once off the GUI thread (:func:`models.policies.policy_settings`)
and handed to each section (:mod:`ui.settings.payment_terms_section` and its siblings);
each writes through the page's one :class:`~ui.settings.policy_writing.PolicyWriting`,
then the page reads everything again. A result that arrives after a newer request was
made is dropped. The window imports this module only when the area is first shown;
dialogs are imported when first opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.customer_class import ClassThresholds, class_thresholds
from models.plans import plan_grace_days
from models.policies import (
    CreditPolicyRow,
    FollowUpPolicyRow,
    PaymentTermsRow,
    PolicySettings,
    StageRow,
    policy_settings,
)
from models.reference_rates import ReferenceRateValue
from models.relationship import thank_you_automatically
from models.users import Permission, refusal
from ui.common.style import ACCENT, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.settings.business_section import BusinessSection
from ui.settings.court_fees_section import CourtFeesSection
from ui.settings.customer_classes_section import CustomerClassesSection
from ui.settings.defaults_section import DefaultsSection
from ui.settings.followup_section import FollowUpSection
from ui.settings.import_log_section import ImportLogSection
from ui.settings.late_charges_section import LateChargesSection
from ui.settings.mail_settings_form import MailSettingsForm
from ui.settings.payment_terms_section import PaymentTermsSection
from ui.settings.policy_writing import PolicyWriting
from ui.settings.reference_rates_section import ReferenceRatesSection
from ui.settings.schedule_section import ScheduleSection
from ui.settings.settings_section import SettingsSection
from ui.settings.users_section import UsersSection

SECTIONS: tuple[tuple[str, str], ...] = (
    ("terms", "Payment terms"),
    ("charges", "Late-payment charges"),
    ("followup", "Follow-up policies"),
    ("rates", "Reference rates"),
    ("defaults", "Defaults"),
    ("classes", "Customer classes"),
    ("business", "Your business"),
    ("mail", "Outgoing mail"),
    ("imports", "Imports"),
    ("schedule", "Schedule"),
    ("courtfees", "Court fees"),
    ("users", "Users"),
)
"""The Settings area's sections: key and title, in the order of its list."""

SECTION_LIST_WIDTH = 170
# What the page reads at once: the policies, the plans' grace days, whether thank-yous go
# by themselves, the class thresholds, and why the user may not change them (or None).
_Read = tuple[PolicySettings, int, bool, ClassThresholds, str | None]


class SettingsPage(QWidget):
    """The business's terms, charges, follow-up policies, reference rates, defaults, bank
    accounts and signatory."""

    # The policies count their customers; the stages name their templates.
    reads = changes(Change.CUSTOMERS, Change.TEMPLATES, Change.POLICIES, Change.BUSINESS,
                    Change.IMPORTS, Change.USERS)
    """Writes that change what Settings shows (see ui/common/area.py)."""

    loaded = Signal()
    """The settings were read and are on show."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        """Build the page; nothing is read until :meth:`reload`."""
        super().__init__(parent)
        self.setObjectName("page-settings")
        self._tasks = tasks
        self._settings: PolicySettings | None = None
        self._writing = PolicyWriting(self, tasks)
        self._writing.saved.connect(self._on_writing_saved)
        self.terms = PaymentTermsSection(self._writing)
        self.charges = LateChargesSection(self._writing)
        self.followup = FollowUpSection(self._writing)
        self.rates = ReferenceRatesSection(self._writing, today)
        self.defaults = DefaultsSection(self._writing)
        self.classes = CustomerClassesSection(self._writing)
        self.business = BusinessSection(self._writing)
        self.mail_form = MailSettingsForm(tasks)
        self.imports = ImportLogSection(tasks)
        self.schedule = ScheduleSection(tasks)
        self.court_fees = CourtFeesSection(tasks)
        self.court_fees.saved.connect(self._on_court_fees_saved)
        self.users = UsersSection(tasks)
        self._build()
        self._expose_sections()

    # --- public -----------------------------------------------------------------------

    def reload(self) -> None:
        """Read every setting again from the store."""
        self.mail_form.reload()
        self.imports.reload()
        self.schedule.reload()
        self.court_fees.reload()
        self.users.reload()

        def work(_progress: Progress) -> _Read:
            return (policy_settings(), plan_grace_days(), thank_you_automatically(),
                    class_thresholds(), refusal(Permission.CHANGE_POLICIES))

        self._tasks.run(work, on_success=self._on_load_task_succeeded, latest=(self, "load"))

    def clear(self) -> None:
        """Forget what is shown (the store closed); reads on their way are dropped."""
        self._tasks.forget((self, "load"))
        self._settings = None
        self.mail_form.clear()
        self.imports.clear()
        self.schedule.clear()
        self.court_fees.clear()
        self.users.clear()
        for section in self._sections():
            section.clear()
        self.notice_label.clear()

    def settings(self) -> PolicySettings | None:
        """What was last read (None before the first read)."""
        return self._settings

    def show_section(self, key: str) -> None:
        """Show the section called ``key`` ("terms", "charges", "followup", "rates",
        "defaults", "classes", "business", "mail", "imports", "schedule", "courtfees",
        "users")."""
        keys = [k for k, _ in SECTIONS]
        self.section_list.setCurrentRow(keys.index(key))

    def section(self) -> str:
        """The key of the section on show."""
        return SECTIONS[max(self.section_list.currentRow(), 0)][0]

    def section_widget(self) -> QWidget:
        """The section on show (not the scroll area it is shown in)."""
        shown = self.stack.currentWidget()
        return shown.widget() if isinstance(shown, QScrollArea) else shown

    def notice_text(self) -> str:
        """What the page last said it saved ("" if nothing yet)."""
        return self.notice_label.text()

    def current_terms(self) -> PaymentTermsRow | None:
        """The payment terms selected."""
        return self.terms.current()

    def current_credit_policy(self) -> CreditPolicyRow | None:
        """The late-payment policy selected."""
        return self.charges.current()

    def current_policy(self) -> FollowUpPolicyRow | None:
        """The follow-up policy selected."""
        return self.followup.current_policy()

    def current_stage(self) -> StageRow | None:
        """The stage selected."""
        return self.followup.current_stage()

    def current_rate(self) -> ReferenceRateValue | None:
        """The reference rate selected."""
        return self.rates.current()

    def select_policy(self, policy_id: int) -> None:
        """Select the follow-up policy ``policy_id`` and show its stages."""
        self.followup.select_policy(policy_id)

    def select_stage(self, stage_id: int) -> None:
        """Select the stage ``stage_id`` of the policy shown."""
        self.followup.select_stage(stage_id)

    def select_rate(self, series: str, effective_from: dt.date) -> None:
        """Select the reference rate of ``series`` from ``effective_from``."""
        self.rates.select_rate(series, effective_from)

    # --- reading and writing ---------------------------------------------------------

    def _on_load_task_succeeded(self, read: _Read) -> None:
        settings, grace_days, thanks, thresholds, refused = read
        self._settings = settings
        self.defaults.set_grace_days(grace_days)
        self.defaults.set_thank_you_automatically(thanks)
        self.classes.set_thresholds(thresholds)
        for section in self._sections():
            section.set_refusal(refused)
            section.show_settings(settings)
        self.loaded.emit()

    def _on_court_fees_saved(self, notice: str) -> None:
        self.notice_label.setText(notice)

    def _on_writing_saved(self, notice: str) -> None:
        self.notice_label.setText(notice)
        self.reload()

    # --- building ------------------------------------------------------------------------

    def _sections(self) -> tuple[SettingsSection, ...]:
        return (self.terms, self.charges, self.followup, self.rates, self.defaults,
                self.classes, self.business)

    def _build(self) -> None:
        title = QLabel("Settings")
        title.setObjectName("pageTitle")
        scale_font(title, 1.5, bold=True)
        self.notice_label = QLabel()
        self.notice_label.setObjectName("settingsNotice")
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setStyleSheet(f"color: {ACCENT};")
        self.notice_label.setMinimumWidth(1)
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignRight
                                       | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.notice_label, 1)

        self.section_list = QListWidget()
        self.section_list.setObjectName("settingsSections")
        self.section_list.setAccessibleName("Settings sections")
        self.section_list.setFixedWidth(SECTION_LIST_WIDTH)
        self.section_list.setSizePolicy(QSizePolicy.Policy.Fixed,
                                        QSizePolicy.Policy.Expanding)
        self.section_list.setStyleSheet(
            "QListWidget#settingsSections { border: none; background: transparent; "
            "outline: 0; }"
            "QListWidget#settingsSections::item { padding: 7px 8px; border-radius: 5px; }"
            "QListWidget#settingsSections::item:selected { "
            "background: rgba(14, 124, 102, 0.16); color: palette(text); }")
        for _key, text in SECTIONS:
            self.section_list.addItem(text)
        self.stack = QStackedWidget()
        for page in (*self._sections(), self.mail_form, self.imports, self.schedule,
                     self.court_fees, self.users):
            self.stack.addWidget(_scrolling(page))
        self.section_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.section_list.setCurrentRow(0)

        body = QHBoxLayout()
        body.setSpacing(18)
        body.addWidget(self.section_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def _expose_sections(self) -> None:
        """Name the sections' tables, buttons and labels on the page, where tests and the
        window have always found them."""
        terms, charges, followup, rates = self.terms, self.charges, self.followup, self.rates
        self.terms_model, self.terms_table = terms.model, terms.table
        self.add_terms_button, self.edit_terms_button = terms.add_button, terms.edit_button
        self.credit_model, self.credit_table = charges.model, charges.table
        self.add_credit_button, self.edit_credit_button = charges.add_button, charges.edit_button
        self.credit_rule_label = charges.rule_label
        self.policies_model, self.policies_table = followup.policies_model, followup.policies_table
        self.stages_model, self.stages_table = followup.stages_model, followup.stages_table
        self.add_policy_button = followup.add_policy_button
        self.edit_policy_button = followup.edit_policy_button
        self.add_stage_button = followup.add_stage_button
        self.edit_stage_button = followup.edit_stage_button
        self.remove_stage_button = followup.remove_stage_button
        self.stages_heading = followup.stages_heading
        self.rates_model, self.rates_table = rates.model, rates.table
        self.series_filter, self.citation_label = rates.series_filter, rates.citation_label
        self.add_rate_button, self.edit_rate_button = rates.add_button, rates.edit_button
        self.remove_rate_button = rates.remove_button
        self.followup_combo = self.defaults.followup_combo
        self.credit_combo = self.defaults.credit_combo


def _scrolling(section: QWidget) -> QScrollArea:
    """``section`` in a frameless scroll area: a long one (the class thresholds) scrolls
    in a short window, where it made the whole window taller than a 1,280×800 screen."""
    scroll = QScrollArea()
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(section)
    scroll.viewport().setAutoFillBackground(False)
    section.setAutoFillBackground(False)
    return scroll
