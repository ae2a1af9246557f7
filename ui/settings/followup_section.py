"""Settings → Follow-up policies: the ways of chasing payment, and the stages of the one
selected (when each falls, how it is sent, what it charges)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from models.errors import LedgerError
from models.policies import (
    FollowUpPolicyDraft,
    FollowUpPolicyRow,
    PolicySettings,
    StageDraft,
    StageRow,
    delete_stage,
    offset_words,
    save_follow_up_policy,
    save_stage,
)
from ui.common.style import mute, scale_font
from ui.settings.policy_models import FollowUpPolicyModel, StageModel
from ui.settings.policy_writing import PolicyWriting
from ui.settings.settings_section import (
    SettingsSection,
    button,
    buttons_row,
    lay_out_section,
    row_id,
    select_key,
    selected_row,
)


class FollowUpSection(SettingsSection):
    """The follow-up policies above, the stages of the one selected below."""

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(writing, parent)
        self.policies_model = FollowUpPolicyModel(self)
        self.stages_model = StageModel(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("followupSplitter")
        splitter.addWidget(self._build_policies())
        splitter.addWidget(self._build_stages())
        splitter.setCollapsible(0, False)
        splitter.setCollapsible(1, False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setHandleWidth(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._update_actions()

    def current_policy(self) -> FollowUpPolicyRow | None:
        """The follow-up policy selected."""
        return selected_row(self.policies_table, self.policies_model)

    def current_stage(self) -> StageRow | None:
        """The stage selected."""
        return selected_row(self.stages_table, self.stages_model)

    def select_policy(self, policy_id: int) -> None:
        """Select the follow-up policy ``policy_id`` and show its stages."""
        select_key(self.policies_table, self.policies_model, policy_id)

    def select_stage(self, stage_id: int) -> None:
        """Select the stage ``stage_id`` of the policy shown."""
        select_key(self.stages_table, self.stages_model, stage_id)

    # --- showing -------------------------------------------------------------------

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        kept_policy = wanted.get("policies", row_id(self.current_policy()))
        kept_stage = wanted.get("stages", row_id(self.current_stage()))
        self.policies_model.currency = self.stages_model.currency = settings.currency
        self.policies_model.default_id = settings.default_followup_policy_id
        self.policies_model.set_rows(settings.follow_up_policies)
        select_key(self.policies_table, self.policies_model, kept_policy)
        self._show_stages(kept_stage)

    def _forget(self) -> None:
        self.policies_model.set_rows([])
        self.stages_model.set_rows([])
        self._show_stages()

    def _show_stages(self, keep: object = None) -> None:
        """The stages of the policy selected."""
        policy = self.current_policy()
        self.stages_model.set_rows(policy.stages if policy is not None else ())
        self.stages_heading.setText(f"Stages of “{policy.name}”" if policy is not None
                                    else "Stages")
        select_key(self.stages_table, self.stages_model, keep)
        self._update_actions()

    def _update_actions(self) -> None:
        ready = self._ready()
        self.add_policy_button.setEnabled(ready)
        policy = self.current_policy()
        self.edit_policy_button.setEnabled(ready and policy is not None)
        self.add_stage_button.setEnabled(ready and policy is not None)
        stage = self.current_stage()
        self.edit_stage_button.setEnabled(ready and stage is not None)
        self.remove_stage_button.setEnabled(ready and stage is not None)

    # --- policies ------------------------------------------------------------------

    def _ask_policy(self, policy_id: int | None, draft: FollowUpPolicyDraft | None,
                    error: LedgerError | None = None) -> None:
        from ui.settings.followup_policy_dialog import FollowUpPolicyDialog

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

    @Slot()
    def _on_add_policy_button_clicked(self) -> None:
        if self._ready():
            self._ask_policy(None, None)

    @Slot()
    def _on_edit_policy_button_clicked(self) -> None:
        row = self.current_policy()
        if row is not None and not self._writing.busy:
            self._ask_policy(row.id, FollowUpPolicyDraft(row.name, row.description,
                                                         row.min_balance_minor))

    @Slot(QItemSelection, QItemSelection)
    def _on_policies_table_selection_changed(self, _selected: QItemSelection,
                                             _deselected: QItemSelection) -> None:
        self._show_stages()

    # --- stages --------------------------------------------------------------------

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
    def _on_add_stage_button_clicked(self) -> None:
        policy = self.current_policy()
        if policy is not None and not self._writing.busy:
            self._ask_stage(policy, None, None)

    @Slot()
    def _on_edit_stage_button_clicked(self) -> None:
        policy, stage = self.current_policy(), self.current_stage()
        if policy is not None and stage is not None and not self._writing.busy:
            self._ask_stage(policy, stage.id, StageDraft(
                stage.name, stage.offset_days, stage.channel, stage.template_id, stage.tone,
                stage.fee_minor, stage.apply_interest, stage.apply_compensation,
                stage.min_days_since_contact))

    @Slot()
    def _on_remove_stage_button_clicked(self) -> None:
        policy, stage = self.current_policy(), self.current_stage()
        if policy is None or stage is None or self._writing.busy:
            return
        self._confirm(
            f"Remove the stage “{stage.name}” from “{policy.name}”?",
            f"It falls {offset_words(stage.offset_days)}. The stages after it move up.",
            "Remove Stage", lambda: self._write(
                lambda: delete_stage(stage.id),
                f"Stage “{stage.name}” removed from “{policy.name}”."))

    # --- building ------------------------------------------------------------------

    def _build_policies(self) -> QWidget:
        self.policies_table = self._table(self.policies_model, "policiesTable",
                                          "Follow-up policies", {0: 170, 1: 80, 2: 130, 3: 110})
        self.policies_table.activated.connect(self._on_edit_policy_button_clicked)
        self.policies_table.selectionModel().selectionChanged.connect(
            self._on_policies_table_selection_changed)
        self.add_policy_button = button("&Add Policy…", self._on_add_policy_button_clicked,
                                        "Add a follow-up policy; then give it stages")
        self.edit_policy_button = button("&Edit Policy…", self._on_edit_policy_button_clicked,
                                         "Change the name, description or minimum balance "
                                         "of the policy selected")
        policies = QWidget()
        lay_out_section(policies, "Follow-up policies", "Ways of chasing payment: give each "
                        "customer the one that fits, or let them have the default.",
                        [self.add_policy_button, self.edit_policy_button], self.policies_table)
        return policies

    def _build_stages(self) -> QWidget:
        self.stages_table = self._table(self.stages_model, "stagesTable", "Stages",
                                        {0: 30, 1: 110, 2: 140, 3: 160, 4: 95, 5: 110})
        self.stages_table.activated.connect(self._on_edit_stage_button_clicked)
        self.add_stage_button = button("Add &Stage…", self._on_add_stage_button_clicked,
                                       "Add a stage to the policy selected")
        self.edit_stage_button = button("Edit S&tage…", self._on_edit_stage_button_clicked,
                                        "Change the stage selected (Enter)")
        self.remove_stage_button = button("&Remove Stage", self._on_remove_stage_button_clicked,
                                          "Take the stage selected out of the policy (Del)")
        remove = QAction("Remove Stage", self.stages_table)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self._on_remove_stage_button_clicked)
        self.stages_table.addAction(remove)
        self.stages_heading = QLabel()
        self.stages_heading.setTextFormat(Qt.TextFormat.PlainText)
        scale_font(self.stages_heading, 1.1, bold=True)
        intro = QLabel("Each stage falls a number of days from an invoice's due date. "
                       "On any day the furthest stage reached is the one due, once.")
        intro.setWordWrap(True)
        mute(intro)
        stages = QWidget()
        column = QVBoxLayout(stages)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.stages_heading)
        column.addWidget(intro)
        column.addLayout(buttons_row([self.add_stage_button, self.edit_stage_button,
                                      self.remove_stage_button]))
        column.addWidget(self.stages_table, 1)
        return stages
