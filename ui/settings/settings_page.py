"""The Settings area: how the business gets paid. Payment terms, late-payment charges,
follow-up policies and their stages, the reference-rate table, the defaults for
customers without a policy of their own, and the outgoing mail server.

Everything is read at once off the GUI thread (:func:`models.policies.policy_settings`)
and every change is written through the window's task helper, then read again. A
result that arrives after a newer request was made is dropped. The window imports
this module only when the area is first shown; dialogs are imported when first opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.errors import LedgerError
from models.policies import (
    REGIME_RULES,
    CreditPolicyDraft,
    CreditPolicyRow,
    FollowUpPolicyDraft,
    FollowUpPolicyRow,
    PaymentTermsDraft,
    PaymentTermsRow,
    PolicySettings,
    ReferenceRateDraft,
    StageDraft,
    StageRow,
    delete_reference_rate,
    delete_stage,
    offset_words,
    percent_text,
    policy_settings,
    save_credit_policy,
    save_follow_up_policy,
    save_payment_terms,
    save_stage,
    set_default_policies,
    update_reference_rate,
)
from models.reference_rates import ReferenceRateValue, add_reference_rate, series_name
from ui.common import messages
from ui.common.list_table import list_table
from ui.common.rows_model import RowsModel, format_day
from ui.common.style import ACCENT, mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.settings.mail_settings_form import MailSettingsForm
from ui.settings.policy_models import (
    CreditPolicyModel,
    FollowUpPolicyModel,
    PaymentTermsModel,
    ReferenceRateModel,
    StageModel,
)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("terms", "Payment terms"),
    ("charges", "Late-payment charges"),
    ("followup", "Follow-up policies"),
    ("rates", "Reference rates"),
    ("defaults", "Defaults"),
    ("mail", "Outgoing mail"),
)
"""The Settings area's sections: key and title, in the order of its list."""

SECTION_LIST_WIDTH = 170
ALL_SERIES = "All series"


class SettingsPage(QWidget):
    """The business's terms, charges, follow-up policies, reference rates and defaults."""

    # The policies count their customers; the stages name their templates.
    reads = changes(Change.CUSTOMERS, Change.TEMPLATES, Change.POLICIES, Change.BUSINESS)
    """Writes that change what Settings shows (see ui/common/area.py)."""

    loaded = Signal()
    """The settings were read and are on show."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        """Build the page; nothing is read until :meth:`reload`."""
        super().__init__(parent)
        self.setObjectName("page-settings")
        self._tasks = tasks
        self._today = today
        self._settings: PolicySettings | None = None
        self._writing = 0
        self._wanted: dict[str, object] = {}  # the row to select once a write is read back
        self.terms_model = PaymentTermsModel(self)
        self.credit_model = CreditPolicyModel(self)
        self.policies_model = FollowUpPolicyModel(self)
        self.stages_model = StageModel(self)
        self.rates_model = ReferenceRateModel(self)
        self._build()
        self._update_actions()

    # --- public -----------------------------------------------------------------------

    def reload(self) -> None:
        """Read every setting again from the store."""
        self.mail_form.reload()

        def work(_progress: Progress) -> PolicySettings:
            return policy_settings()

        self._tasks.run(work, on_success=self._on_load_task_succeeded, latest=(self, "load"))

    def clear(self) -> None:
        """Forget what is shown (the store closed); reads on their way are dropped."""
        self._tasks.forget((self, "load"))
        self._settings = None
        self.mail_form.clear()
        for model in self._models():
            model.set_rows([])
        for combo in (self.followup_combo, self.credit_combo, self.series_filter):
            blocked = combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(blocked)
        self.notice_label.clear()
        self._show_stages()
        self._update_actions()

    def settings(self) -> PolicySettings | None:
        """What was last read (None before the first read)."""
        return self._settings

    def show_section(self, key: str) -> None:
        """Show the section called ``key`` ("terms", "charges", "followup", "rates",
        "defaults", "mail")."""
        keys = [k for k, _ in SECTIONS]
        self.section_list.setCurrentRow(keys.index(key))

    def section(self) -> str:
        """The key of the section on show."""
        return SECTIONS[max(self.section_list.currentRow(), 0)][0]

    def notice_text(self) -> str:
        """What the page last said it saved ("" if nothing yet)."""
        return self.notice_label.text()

    def current_terms(self) -> PaymentTermsRow | None:
        """The payment terms selected."""
        return _selected(self.terms_table, self.terms_model)

    def current_credit_policy(self) -> CreditPolicyRow | None:
        """The late-payment policy selected."""
        return _selected(self.credit_table, self.credit_model)

    def current_policy(self) -> FollowUpPolicyRow | None:
        """The follow-up policy selected."""
        return _selected(self.policies_table, self.policies_model)

    def current_stage(self) -> StageRow | None:
        """The stage selected."""
        return _selected(self.stages_table, self.stages_model)

    def current_rate(self) -> ReferenceRateValue | None:
        """The reference rate selected."""
        return _selected(self.rates_table, self.rates_model)

    def select_policy(self, policy_id: int) -> None:
        """Select the follow-up policy ``policy_id`` and show its stages."""
        _select_key(self.policies_table, self.policies_model, policy_id)

    def select_stage(self, stage_id: int) -> None:
        """Select the stage ``stage_id`` of the policy shown."""
        _select_key(self.stages_table, self.stages_model, stage_id)

    def select_rate(self, series: str, effective_from: dt.date) -> None:
        """Select the reference rate of ``series`` from ``effective_from``."""
        _select_key(self.rates_table, self.rates_model, (series, effective_from))

    # --- reading ----------------------------------------------------------------------

    def _on_load_task_succeeded(self, settings: PolicySettings) -> None:
        self._settings = settings
        rate = self.current_rate()
        kept = {"terms": _key(self.current_terms()), "charges": _key(self.current_credit_policy()),
                "policies": _key(self.current_policy()), "stages": _key(self.current_stage()),
                "rates": self.rates_model.row_key(rate) if rate is not None else None}
        wanted, self._wanted = self._wanted, {}
        kept.update(wanted)
        self.policies_model.currency = self.stages_model.currency = settings.currency
        self.policies_model.default_id = settings.default_followup_policy_id
        self.credit_model.default_id = settings.default_credit_policy_id
        self.terms_model.set_rows(settings.payment_terms)
        self.credit_model.set_rows(settings.credit_policies)
        self.policies_model.set_rows(settings.follow_up_policies)
        self._fill_series_filter(settings)
        self.rates_model.set_rows(settings.reference_rates)
        if self.rates_model.position_of(kept["rates"]) < 0 and "rates" in wanted:
            self._show_series("")  # the rate just saved is of a series not on show
        for table, model, key in ((self.terms_table, self.terms_model, kept["terms"]),
                                  (self.credit_table, self.credit_model, kept["charges"]),
                                  (self.policies_table, self.policies_model, kept["policies"]),
                                  (self.rates_table, self.rates_model, kept["rates"])):
            _select_key(table, model, key)
        self._show_stages(kept["stages"])
        self._fill_defaults(settings)
        self._show_details()
        self._update_actions()
        self.loaded.emit()

    # --- writing ----------------------------------------------------------------------

    def _write(self, work: Callable[[], Any], notice: str, *, select: str | None = None,
               key: object = None,
               refused: Callable[[LedgerError], None] | None = None) -> None:
        """Run ``work`` as a write of the policies; then say ``notice`` and read everything
        again (the stream of changes tells the other areas). ``select`` names the table
        whose row ``key`` (by default the id ``work`` returns) is selected once read back.
        A LedgerError goes to ``refused`` (re-open the dialog with the objection at its
        field) or is shown in a message box."""
        self._writing += 1
        self._update_actions()

        def run(_progress: Progress) -> object:
            return work()

        def succeeded(result: Any) -> None:
            self._writing -= 1
            wanted = key if key is not None else result
            if select is not None and wanted is not None:
                self._wanted[select] = wanted
            self.notice_label.setText(notice)
            self.reload()
            self._update_actions()

        def failed_first() -> None:
            self._writing -= 1
            self._update_actions()

        failed = messages.ledger_refusal(self, refused, always=failed_first)
        self._tasks.run(run, writes=True, changes=changes(Change.POLICIES), initiator=self,
                        on_success=succeeded, on_failure=failed)

    # --- payment terms ---------------------------------------------------------------

    def _ask_terms(self, terms_id: int | None, draft: PaymentTermsDraft | None,
                   error: LedgerError | None = None) -> None:
        from ui.settings.payment_terms_dialog import (
            PaymentTermsDialog,
        )

        PaymentTermsDialog.ask(self, lambda result: self._on_terms_dialog_finished(
            terms_id, result), draft=draft, editing=terms_id is not None, error=error)

    def _on_terms_dialog_finished(self, terms_id: int | None,
                                  draft: PaymentTermsDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_payment_terms(
            terms_id, name=draft.name, net_days=draft.net_days,
            discount_percent=draft.discount_percent, discount_days=draft.discount_days),
            f"Payment terms “{draft.name}” saved.", select="terms",
            refused=lambda error: self._ask_terms(terms_id, draft, error))

    @Slot()
    def _on_add_terms_button_clicked(self) -> None:
        if not self._writing and self._settings is not None:
            self._ask_terms(None, None)

    @Slot()
    def _on_edit_terms_button_clicked(self) -> None:
        row = self.current_terms()
        if row is not None and not self._writing:
            self._ask_terms(row.id, PaymentTermsDraft(row.name, row.net_days,
                                                      row.discount_percent, row.discount_days))

    # --- late-payment charges ---------------------------------------------------------

    def _ask_credit_policy(self, policy_id: int | None, draft: CreditPolicyDraft | None,
                           error: LedgerError | None = None) -> None:
        from ui.settings.credit_policy_dialog import (
            CreditPolicyDialog,
        )

        CreditPolicyDialog.ask(self, lambda result: self._on_credit_dialog_finished(
            policy_id, result), draft=draft, editing=policy_id is not None, error=error)

    def _on_credit_dialog_finished(self, policy_id: int | None,
                                   draft: CreditPolicyDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_credit_policy(
            policy_id, name=draft.name, regime=draft.regime, rate_percent=draft.rate_percent,
            grace_days=draft.grace_days, fixed_compensation=draft.fixed_compensation),
            f"Late-payment charges “{draft.name}” saved.", select="charges",
            refused=lambda error: self._ask_credit_policy(policy_id, draft, error))

    @Slot()
    def _on_add_credit_button_clicked(self) -> None:
        if not self._writing and self._settings is not None:
            self._ask_credit_policy(None, None)

    @Slot()
    def _on_edit_credit_button_clicked(self) -> None:
        row = self.current_credit_policy()
        if row is not None and not self._writing:
            self._ask_credit_policy(row.id, CreditPolicyDraft(
                row.name, row.regime, row.rate_percent, row.grace_days,
                row.fixed_compensation))

    # --- follow-up policies and their stages -----------------------------------------

    def _ask_policy(self, policy_id: int | None, draft: FollowUpPolicyDraft | None,
                    error: LedgerError | None = None) -> None:
        from ui.settings.followup_policy_dialog import FollowUpPolicyDialog  # imported when needed

        assert self._settings is not None
        FollowUpPolicyDialog.ask(self, lambda result: self._on_policy_dialog_finished(
            policy_id, result), currency=self._settings.currency, draft=draft,
            editing=policy_id is not None, error=error)

    def _on_policy_dialog_finished(self, policy_id: int | None,
                                   draft: FollowUpPolicyDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_follow_up_policy(
            policy_id, name=draft.name, description=draft.description,
            min_balance_minor=draft.min_balance_minor),
            f"Follow-up policy “{draft.name}” saved.", select="policies",
            refused=lambda error: self._ask_policy(policy_id, draft, error))

    def _ask_stage(self, policy: FollowUpPolicyRow, stage_id: int | None,
                   draft: StageDraft | None, error: LedgerError | None = None) -> None:
        from ui.settings.stage_dialog import StageDialog

        assert self._settings is not None
        StageDialog.ask(self, lambda result: self._on_stage_dialog_finished(
            policy, stage_id, result), policy_name=policy.name,
            currency=self._settings.currency, templates=self._settings.templates,
            draft=draft, editing=stage_id is not None, error=error)

    def _on_stage_dialog_finished(self, policy: FollowUpPolicyRow, stage_id: int | None,
                                  draft: StageDraft | None) -> None:
        if draft is None:
            return
        self._write(lambda: save_stage(
            stage_id, policy.id, name=draft.name, offset_days=draft.offset_days,
            channel=draft.channel, template_id=draft.template_id, tone=draft.tone,
            fee_minor=draft.fee_minor, apply_interest=draft.apply_interest,
            apply_compensation=draft.apply_compensation,
            min_days_since_contact=draft.min_days_since_contact),
            f"Stage “{draft.name}” of “{policy.name}” saved: "
            f"{offset_words(draft.offset_days)}.", select="stages",
            refused=lambda error: self._ask_stage(policy, stage_id, draft, error))

    @Slot()
    def _on_add_policy_button_clicked(self) -> None:
        if not self._writing and self._settings is not None:
            self._ask_policy(None, None)

    @Slot()
    def _on_edit_policy_button_clicked(self) -> None:
        row = self.current_policy()
        if row is not None and not self._writing:
            self._ask_policy(row.id, FollowUpPolicyDraft(row.name, row.description,
                                                         row.min_balance_minor))

    @Slot()
    def _on_add_stage_button_clicked(self) -> None:
        policy = self.current_policy()
        if policy is not None and not self._writing:
            self._ask_stage(policy, None, None)

    @Slot()
    def _on_edit_stage_button_clicked(self) -> None:
        policy, stage = self.current_policy(), self.current_stage()
        if policy is not None and stage is not None and not self._writing:
            self._ask_stage(policy, stage.id, StageDraft(
                stage.name, stage.offset_days, stage.channel, stage.template_id, stage.tone,
                stage.fee_minor, stage.apply_interest, stage.apply_compensation,
                stage.min_days_since_contact))

    @Slot()
    def _on_remove_stage_button_clicked(self) -> None:
        policy, stage = self.current_policy(), self.current_stage()
        if policy is None or stage is None or self._writing:
            return
        self._confirm(
            f"Remove the stage “{stage.name}” from “{policy.name}”?",
            f"It falls {offset_words(stage.offset_days)}. The stages after it move up.",
            "Remove Stage", lambda: self._write(
                lambda: delete_stage(stage.id),
                f"Stage “{stage.name}” removed from “{policy.name}”."))

    # --- reference rates ---------------------------------------------------------------

    def _ask_rate(self, draft: ReferenceRateDraft | None, editing: bool,
                  error: LedgerError | None = None) -> None:
        from ui.settings.reference_rate_dialog import ReferenceRateDialog  # imported when needed

        assert self._settings is not None
        series = sorted({rate.series for rate in self._settings.reference_rates})
        ReferenceRateDialog.ask(self, lambda result: self._on_rate_dialog_finished(
            editing, result), today=self._today(), series=series,
            current=str(self.series_filter.currentData() or ""), draft=draft,
            editing=editing, error=error)

    def _on_rate_dialog_finished(self, editing: bool, draft: ReferenceRateDraft | None) -> None:
        if draft is None:
            return

        def work() -> None:
            if editing:
                update_reference_rate(draft.series, draft.effective_from,
                                      rate_percent=draft.rate_percent, source=draft.source)
            else:
                add_reference_rate(draft.series, draft.effective_from, draft.rate_percent,
                                   draft.source)

        what = (f"{series_name(draft.series)} {percent_text(draft.rate_percent)}% from "
                f"{format_day(draft.effective_from)}")
        self._write(work, f"Reference rate saved: {what}.", select="rates",
                    key=(draft.series, draft.effective_from),
                    refused=lambda error: self._ask_rate(draft, editing, error))

    @Slot()
    def _on_add_rate_button_clicked(self) -> None:
        if not self._writing and self._settings is not None:
            self._ask_rate(None, editing=False)

    @Slot()
    def _on_edit_rate_button_clicked(self) -> None:
        rate = self.current_rate()
        if rate is not None and not self._writing:
            self._ask_rate(ReferenceRateDraft(rate.series, rate.effective_from,
                                              rate.rate_percent, rate.source), editing=True)

    @Slot()
    def _on_remove_rate_button_clicked(self) -> None:
        rate = self.current_rate()
        if rate is None or self._writing:
            return
        what = (f"{series_name(rate.series)} {percent_text(rate.rate_percent)}% from "
                f"{format_day(rate.effective_from)}")
        self._confirm(f"Remove the {what}?",
                      "Interest already charged keeps the rate it was worked out with; "
                      "new calculations use the rows left.", "Remove Rate",
                      lambda: self._write(lambda: delete_reference_rate(
                          rate.series, rate.effective_from), f"Reference rate removed: {what}."))

    # --- defaults --------------------------------------------------------------------------

    @Slot(int)
    def _on_default_combo_changed(self, _index: int) -> None:
        followup, credit = self.followup_combo.currentData(), self.credit_combo.currentData()
        names = f"“{self.followup_combo.currentText()}” and “{self.credit_combo.currentText()}”"
        self._write(lambda: set_default_policies(followup, credit),
                    f"Defaults saved: {names}.")

    # --- building ------------------------------------------------------------------------

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
        for page in (self._build_terms(), self._build_charges(), self._build_followup(),
                     self._build_rates(), self._build_defaults(), self._build_mail()):
            self.stack.addWidget(page)
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

    def _build_terms(self) -> QWidget:
        self.terms_table = self._table(self.terms_model, "termsTable", "Payment terms",
                                       {0: 200, 1: 300, 2: 90})
        self.terms_table.activated.connect(self._on_edit_terms_button_clicked)
        self.add_terms_button = _button("&Add Terms…", self._on_add_terms_button_clicked,
                                        "Add payment terms customers can be given")
        self.edit_terms_button = _button("&Edit…", self._on_edit_terms_button_clicked,
                                         "Change the terms selected (Enter)")
        return _section("Payment terms", "What customers are asked to pay by, and any "
                        "discount for paying early. Each customer has one set of terms.",
                        [self.add_terms_button, self.edit_terms_button], self.terms_table)

    def _build_charges(self) -> QWidget:
        self.credit_table = self._table(self.credit_model, "creditTable",
                                        "Late-payment charges", {0: 220, 1: 280, 2: 150})
        self.credit_table.activated.connect(self._on_edit_credit_button_clicked)
        self.add_credit_button = _button("&Add Policy…", self._on_add_credit_button_clicked,
                                         "Add a way of charging for late payment")
        self.edit_credit_button = _button("&Edit…", self._on_edit_credit_button_clicked,
                                          "Change the policy selected (Enter)")
        self.credit_rule_label = _detail_label("creditRule")
        return _section("Late-payment charges", "What a customer owes for paying late: "
                        "contractual interest, the statutory regime, or nothing. Interest "
                        "and compensation are charged by the follow-up stages that say so.",
                        [self.add_credit_button, self.edit_credit_button], self.credit_table,
                        self.credit_rule_label)

    def _build_followup(self) -> QWidget:
        self.policies_table = self._table(self.policies_model, "policiesTable",
                                          "Follow-up policies", {0: 170, 1: 80, 2: 130, 3: 110})
        self.policies_table.activated.connect(self._on_edit_policy_button_clicked)
        self.policies_table.selectionModel().selectionChanged.connect(
            self._on_policies_table_selection_changed)
        self.add_policy_button = _button("&Add Policy…", self._on_add_policy_button_clicked,
                                         "Add a follow-up policy; then give it stages")
        self.edit_policy_button = _button("&Edit Policy…", self._on_edit_policy_button_clicked,
                                          "Change the name, description or minimum balance "
                                          "of the policy selected")
        policies = _section("Follow-up policies", "Ways of chasing payment: give each "
                            "customer the one that fits, or let them have the default.",
                            [self.add_policy_button, self.edit_policy_button],
                            self.policies_table)

        self.stages_table = self._table(self.stages_model, "stagesTable", "Stages",
                                        {0: 30, 1: 110, 2: 140, 3: 160, 4: 95, 5: 110})
        self.stages_table.activated.connect(self._on_edit_stage_button_clicked)
        self.stages_table.selectionModel().selectionChanged.connect(
            self._on_table_selection_changed)
        self.add_stage_button = _button("Add &Stage…", self._on_add_stage_button_clicked,
                                        "Add a stage to the policy selected")
        self.edit_stage_button = _button("Edit S&tage…", self._on_edit_stage_button_clicked,
                                         "Change the stage selected (Enter)")
        self.remove_stage_button = _button("&Remove Stage", self._on_remove_stage_button_clicked,
                                           "Take the stage selected out of the policy (Del)")
        remove = QAction("Remove Stage", self.stages_table)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self._on_remove_stage_button_clicked)
        self.stages_table.addAction(remove)
        self.stages_heading = QLabel()
        self.stages_heading.setTextFormat(Qt.TextFormat.PlainText)
        scale_font(self.stages_heading, 1.1, bold=True)
        stages_intro = QLabel("Each stage falls a number of days from an invoice's due date. "
                              "On any day the furthest stage reached is the one due, once.")
        stages_intro.setWordWrap(True)
        mute(stages_intro)
        stages = QWidget()
        column = QVBoxLayout(stages)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.stages_heading)
        column.addWidget(stages_intro)
        column.addLayout(_buttons_row([self.add_stage_button, self.edit_stage_button,
                                       self.remove_stage_button]))
        column.addWidget(self.stages_table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("followupSplitter")
        splitter.addWidget(policies)
        splitter.addWidget(stages)
        splitter.setCollapsible(0, False)
        splitter.setCollapsible(1, False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setHandleWidth(6)
        return splitter

    def _build_rates(self) -> QWidget:
        self.rates_table = self._table(self.rates_model, "ratesTable", "Reference rates",
                                       {0: 110, 1: 120, 2: 70})
        self.rates_table.activated.connect(self._on_edit_rate_button_clicked)
        self.series_filter = QComboBox()
        self.series_filter.setAccessibleName("Series shown")
        self.series_filter.setMinimumContentsLength(14)
        self.series_filter.currentIndexChanged.connect(self._on_series_filter_changed)
        self.add_rate_button = _button("&Add Rate…", self._on_add_rate_button_clicked,
                                       "Add a rate from the day it takes effect")
        self.edit_rate_button = _button("&Correct…", self._on_edit_rate_button_clicked,
                                        "Correct the rate or source selected (Enter)")
        self.remove_rate_button = _button("&Remove", self._on_remove_rate_button_clicked,
                                          "Remove the rate selected, e.g. one added by mistake")
        self.citation_label = _detail_label("rateCitation")
        self.citation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return _section("Reference rates", "The central banks' rates statutory interest is "
                        "worked out from, each in force from its day until the next. Keep "
                        "them current: Duly does not guess a rate it does not have.",
                        [self.add_rate_button, self.edit_rate_button, self.remove_rate_button,
                         self.series_filter], self.rates_table, self.citation_label)

    def _build_defaults(self) -> QWidget:
        self.followup_combo = QComboBox()
        self.followup_combo.setObjectName("defaultFollowup")
        self.followup_combo.setMinimumContentsLength(24)
        self.credit_combo = QComboBox()
        self.credit_combo.setObjectName("defaultCredit")
        self.credit_combo.setMinimumContentsLength(24)
        for combo in (self.followup_combo, self.credit_combo):
            combo.currentIndexChanged.connect(self._on_default_combo_changed)
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
        return _section("Defaults", "What customers without a policy of their own are "
                        "given. A change is saved at once.", [], holder, stretch=True)

    def _build_mail(self) -> QWidget:
        self.mail_form = MailSettingsForm(self._tasks)
        return self.mail_form

    def _table(self, model: RowsModel, name: str, accessible: str,
               widths: dict[int, int]) -> QTableView:
        table = list_table(model, name, accessible)
        table.setParent(self)  # owned by Qt from the start, whatever Python collects
        header = table.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, width)
        table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        return table

    # --- showing -------------------------------------------------------------------------

    def _models(self) -> tuple[RowsModel, ...]:
        return (self.terms_model, self.credit_model, self.policies_model, self.stages_model,
                self.rates_model)

    def _show_stages(self, keep: object = None) -> None:
        """The stages of the policy selected."""
        policy = self.current_policy()
        self.stages_model.set_rows(policy.stages if policy is not None else ())
        self.stages_heading.setText(f"Stages of “{policy.name}”" if policy is not None
                                    else "Stages")
        _select_key(self.stages_table, self.stages_model, keep)
        self._update_actions()

    def _show_details(self) -> None:
        policy = self.current_credit_policy()
        self.credit_rule_label.setText(
            f"{policy.name}: {REGIME_RULES.get(policy.regime, '')}" if policy is not None
            else "")
        rate = self.current_rate()
        self.citation_label.setText(
            f"{series_name(rate.series)}, {percent_text(rate.rate_percent)}% from "
            f"{format_day(rate.effective_from)}.\nSource: {rate.source}" if rate is not None
            else "")

    def _fill_series_filter(self, settings: PolicySettings) -> None:
        chosen = self.series_filter.currentData() or ""
        blocked = self.series_filter.blockSignals(True)
        self.series_filter.clear()
        self.series_filter.addItem(ALL_SERIES, "")
        for series in sorted({rate.series for rate in settings.reference_rates}):
            self.series_filter.addItem(series, series)
        self.series_filter.blockSignals(blocked)
        self._show_series(str(chosen))

    def _show_series(self, series: str) -> None:
        """Show the rates of ``series`` ("": every series) and say so in the filter."""
        blocked = self.series_filter.blockSignals(True)
        self.series_filter.setCurrentIndex(max(self.series_filter.findData(series), 0))
        self.series_filter.blockSignals(blocked)
        self.rates_model.set_series(str(self.series_filter.currentData() or ""))

    def _fill_defaults(self, settings: PolicySettings) -> None:
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

    def _update_actions(self) -> None:
        ready = self._settings is not None and not self._writing
        self.add_terms_button.setEnabled(ready)
        self.edit_terms_button.setEnabled(ready and self.current_terms() is not None)
        self.add_credit_button.setEnabled(ready)
        self.edit_credit_button.setEnabled(ready and self.current_credit_policy() is not None)
        self.add_policy_button.setEnabled(ready)
        policy = self.current_policy()
        self.edit_policy_button.setEnabled(ready and policy is not None)
        self.add_stage_button.setEnabled(ready and policy is not None)
        stage = self.current_stage()
        self.edit_stage_button.setEnabled(ready and stage is not None)
        self.remove_stage_button.setEnabled(ready and stage is not None)
        self.add_rate_button.setEnabled(ready)
        rate = self.current_rate()
        self.edit_rate_button.setEnabled(ready and rate is not None)
        self.remove_rate_button.setEnabled(ready and rate is not None)
        self.followup_combo.setEnabled(ready and self.followup_combo.count() > 0)
        self.credit_combo.setEnabled(ready)

    def _confirm(self, text: str, informative: str, confirm: str,
                 then: Callable[[], None]) -> None:
        """Ask before a removal; ``then`` runs if the user confirms."""
        box = QMessageBox(QMessageBox.Icon.Question, "Duly", text,
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(informative)
        yes = box.addButton(confirm, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def clicked(button: QAbstractButton) -> None:
            if button is yes:
                then()

        box.buttonClicked.connect(clicked)
        box.open()

    # --- slots ------------------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_policies_table_selection_changed(self, _selected: QItemSelection,
                                             _deselected: QItemSelection) -> None:
        self._show_stages()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self._show_details()
        self._update_actions()

    @Slot(int)
    def _on_series_filter_changed(self, _index: int) -> None:
        self.rates_model.set_series(str(self.series_filter.currentData() or ""))
        self._show_details()
        self._update_actions()


# --- pieces -------------------------------------------------------------------------------

def _selected(table: QTableView, model: RowsModel) -> Any:
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().isRowSelected(index.row()):
        return None
    return model.row_at(index.row())


def _key(row: Any) -> object:
    return row.id if row is not None else None


def _select_key(table: QTableView, model: RowsModel, key: object) -> None:
    """Select the row ``key`` if it is shown, else the first row."""
    if model.rowCount() == 0:
        return
    found = model.position_of(key) if key is not None else -1
    index = model.index(max(found, 0), 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


def _button(text: str, slot: Callable[[], None], tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


def _buttons_row(widgets: list[QWidget]) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget in widgets:
        if isinstance(widget, QComboBox):
            row.addStretch(1)
        row.addWidget(widget)
    if not any(isinstance(w, QComboBox) for w in widgets):
        row.addStretch(1)
    return row


def _section(title: str, intro: str, buttons: list[QWidget], body: QWidget,
             foot: QWidget | None = None, *, stretch: bool = False) -> QWidget:
    """A section: its heading, what it is for, its buttons, its table or form."""
    page = QWidget()
    heading = QLabel(title)
    scale_font(heading, 1.2, bold=True)
    words = QLabel(intro)
    words.setWordWrap(True)
    mute(words)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    layout.addWidget(heading)
    layout.addWidget(words)
    if buttons:
        layout.addLayout(_buttons_row(buttons))
    layout.addWidget(body, 0 if stretch else 1)
    if foot is not None:
        layout.addWidget(foot)
    if stretch:
        layout.addStretch(1)
    return page


def _detail_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setMinimumHeight(label.fontMetrics().lineSpacing() * 2)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    mute(label)
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    mute(label)
    return label


def _spacer() -> QWidget:
    spacer = QWidget()
    spacer.setFixedHeight(10)
    return spacer

