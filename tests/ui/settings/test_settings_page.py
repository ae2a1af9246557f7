"""The Settings area as a user meets it: terms, late charges, stages, rates and defaults."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from models.kinds import LoyaltyWaiver
from models.policies import (
    default_policies,
    follow_up_policies,
    payment_terms_list,
    policy_settings,
)
from models.reference_rates import reference_rates
from models.schema import CreditPolicy
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.settings.credit_policy_dialog import CreditPolicyDialog
from ui.settings.followup_policy_dialog import FollowUpPolicyDialog
from ui.settings.payment_terms_dialog import PaymentTermsDialog
from ui.settings.policy_models import (
    CreditPolicyModel,
    FollowUpPolicyModel,
    PaymentTermsModel,
    ReferenceRateModel,
    StageModel,
    sends_text,
    when_text,
)
from ui.settings.reference_rate_dialog import ReferenceRateDialog
from ui.settings.settings_page import SettingsPage
from ui.settings.stage_dialog import StageDialog

LOAD_TIMEOUT_MS = 10_000
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def make_page(qtbot, show_page, window, runner) -> Callable[[], SettingsPage]:
    """A loaded page filling ``window``."""

    def make() -> SettingsPage:
        page = show_page(SettingsPage(runner, lambda: DEMO_TODAY, window))
        with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
            page.reload()
        return page

    return make


@pytest.fixture
def page(demo_store, make_page) -> SettingsPage:
    """The page on the demo company, everything read."""
    return make_page()


def open_dialog(qtbot, page: SettingsPage, kind: type) -> object:
    def found() -> list:
        return [d for d in page.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()))
    return found()[0]


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, LEFT)


def type_into(qtbot, edit, text: str) -> None:
    """Replace what the field holds with ``text``, typed."""
    edit.selectAll()
    edit.clear()
    qtbot.keyClicks(edit, text)


def set_spin(qtbot, spin, value: int) -> None:
    """Type a number into a spin box, as the user would."""
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(value))
    assert spin.value() == value


def save_and_wait(qtbot, page: SettingsPage, dialog) -> None:
    """OK in the dialog, then wait for the page to read the store again."""
    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        click(qtbot, dialog.save_button)


# --- the models ---------------------------------------------------------------------

def test_every_settings_model_is_a_sound_item_model(demo_store, qtmodeltester):
    settings = policy_settings()
    standard = next(p for p in settings.follow_up_policies if p.name == "Standard")
    models = [(PaymentTermsModel(), settings.payment_terms),
              (CreditPolicyModel(), settings.credit_policies),
              (FollowUpPolicyModel(), settings.follow_up_policies),
              (StageModel(), standard.stages),
              (ReferenceRateModel(), settings.reference_rates)]
    for model, rows in models:
        model.set_rows(rows)
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
        model.sort(1, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model, force_py=True)


def test_stages_read_as_when_they_fall_and_how_they_are_sent(demo_store):
    standard = next(p for p in follow_up_policies() if p.name == "Standard")
    model = StageModel()
    model.currency = "GBP"
    model.set_rows(standard.stages)
    cells = [(model.index(row, StageModel.WHEN).data(), model.index(row, StageModel.NAME).data(),
              model.index(row, StageModel.SENDS).data()) for row in range(model.rowCount())]
    assert cells[:3] == [("3 days before", "Courtesy reminder", "E-mail: Friendly email"),
                         ("1 day after", "Payment overdue", "E-mail: Friendly email"),
                         ("14 days after", "Second reminder", "E-mail: Polite email")]
    assert when_text(0) == "On the due date"
    assert sends_text(standard.stages[3]) == "Phone call"


def test_reference_rates_can_be_shown_one_series_at_a_time(demo_store):
    model = ReferenceRateModel()
    model.set_rows(reference_rates())
    everything = model.rowCount()
    model.set_series("ECB_MRO")
    assert 0 < model.rowCount() < everything
    assert {row.series for row in model.rows()} == {"ECB_MRO"}
    # The cell names the decision; the whole citation is the tooltip.
    last = model.rowCount() - 1
    assert model.index(last, ReferenceRateModel.SOURCE).data() == \
        "In force on 1 Jan 2026, left unchanged by the Governing Council on 18 Dec 2025"
    assert model.index(last, ReferenceRateModel.SOURCE).data(Qt.ItemDataRole.ToolTipRole) \
        .startswith("ECB, Key ECB interest rates")


# --- the page -----------------------------------------------------------------------

def test_the_page_shows_the_demo_companys_settings(page):
    assert page.section() == "terms"
    assert [row.name for row in page.terms_model.rows()] == \
        [row.name for row in payment_terms_list()]
    names = [page.policies_model.index(row, FollowUpPolicyModel.NAME).data()
             for row in range(page.policies_model.rowCount())]
    assert "Standard (default)" in names
    # The first policy is selected and its stages are shown beneath it.
    policy = page.current_policy()
    assert policy is not None
    assert page.stages_model.rows() == list(policy.stages)
    assert page.stages_heading.text() == f"Stages of “{policy.name}”"


def test_payment_terms_with_a_discount_are_added_through_the_dialog(page, qtbot):
    click(qtbot, page.add_terms_button)
    dialog = open_dialog(qtbot, page, PaymentTermsDialog)
    qtbot.keyClicks(dialog.name_edit, "3% 7, net 45")
    set_spin(qtbot, dialog.net_spin, 45)
    click(qtbot, dialog.discount_check)
    qtbot.keyClicks(dialog.percent_edit, "3")
    set_spin(qtbot, dialog.discount_days_spin, 7)
    assert dialog.summary.text() == "In short: 3% off within 7 days, else net 45."

    save_and_wait(qtbot, page, dialog)

    added = next(row for row in payment_terms_list() if row.name == "3% 7, net 45")
    assert (added.net_days, added.discount_percent, added.discount_days) == \
        (45, Decimal("3"), 7)
    assert page.current_terms() == added
    assert page.notice_text() == "Payment terms “3% 7, net 45” saved."


def test_an_open_dialog_outlives_pythons_garbage_collector(page, qtbot):
    page.show_section("charges")
    click(qtbot, page.edit_credit_button)
    dialog = open_dialog(qtbot, page, CreditPolicyDialog)
    name = dialog.name_edit.text()
    del dialog
    gc.collect()

    dialog = open_dialog(qtbot, page, CreditPolicyDialog)
    assert dialog.name_edit.text() == name
    save_and_wait(qtbot, page, dialog)
    assert page.notice_text() == f"Late-payment charges “{name}” saved."


def test_the_charges_dialog_asks_only_for_what_the_regime_uses(page, qtbot):
    page.show_section("charges")
    click(qtbot, page.add_credit_button)
    dialog = open_dialog(qtbot, page, CreditPolicyDialog)
    qtbot.keyClicks(dialog.name_edit, "Monthly interest")
    dialog.regime_combo.setCurrentIndex(dialog.regime_combo.findData("uk_statutory"))
    assert not dialog.rate_edit.isEnabled()
    assert dialog.compensation_check.isEnabled()
    assert dialog.rule_label.text().startswith("Late Payment of Commercial Debts")

    dialog.regime_combo.setCurrentIndex(dialog.regime_combo.findData("contractual_monthly"))
    assert dialog.rate_edit.isEnabled()
    assert not dialog.compensation_check.isEnabled()
    click(qtbot, dialog.save_button)
    assert dialog.error_text("rate_percent") == \
        "Enter the interest rate your terms state, in percent a month."

    qtbot.keyClicks(dialog.rate_edit, "1.25")
    save_and_wait(qtbot, page, dialog)
    added = page.current_credit_policy()
    assert added is not None
    assert (added.name, added.rate_percent) == ("Monthly interest", Decimal("1.25"))
    assert page.credit_rule_label.text().startswith(
        "Monthly interest: Simple interest at the rate your terms state, a month")


def test_a_charges_policy_offers_a_loyalty_incentive_kept_when_edited_again(page, qtbot):
    page.show_section("charges")
    click(qtbot, page.edit_credit_button)
    dialog = open_dialog(qtbot, page, CreditPolicyDialog)
    assert dialog.loyalty_combo.currentData() == LoyaltyWaiver.NONE
    dialog.loyalty_combo.setCurrentIndex(dialog.loyalty_combo.findData(LoyaltyWaiver.INTEREST))
    save_and_wait(qtbot, page, dialog)
    edited = page.current_credit_policy()
    assert edited is not None and edited.loyalty_waiver == LoyaltyWaiver.INTEREST
    assert CreditPolicy.get_by_id(edited.id).loyalty_waiver == LoyaltyWaiver.INTEREST

    click(qtbot, page.edit_credit_button)
    again = open_dialog(qtbot, page, CreditPolicyDialog)
    assert again.loyalty_combo.currentText() == "The interest accrued"
    again.reject()


def test_a_new_follow_up_policy_is_listed_without_stages_ready_for_them(page, qtbot):
    page.show_section("followup")
    click(qtbot, page.add_policy_button)
    dialog = open_dialog(qtbot, page, FollowUpPolicyDialog)
    qtbot.keyClicks(dialog.name_edit, "Patient")
    qtbot.keyClicks(dialog.minimum_edit, "25")
    save_and_wait(qtbot, page, dialog)

    policy = page.current_policy()
    assert policy is not None
    assert (policy.name, policy.min_balance_minor, policy.stages) == ("Patient", 25_00, ())
    assert page.stages_model.rowCount() == 0
    assert page.add_stage_button.isEnabled()
    assert not page.edit_stage_button.isEnabled()


def test_a_discount_not_earned_before_the_net_date_is_refused_at_its_field(page, qtbot):
    click(qtbot, page.add_terms_button)
    dialog = open_dialog(qtbot, page, PaymentTermsDialog)
    qtbot.keyClicks(dialog.name_edit, "Odd terms")
    set_spin(qtbot, dialog.net_spin, 10)
    click(qtbot, dialog.discount_check)
    qtbot.keyClicks(dialog.percent_edit, "2")
    set_spin(qtbot, dialog.discount_days_spin, 10)
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert "within fewer than 10 days" in dialog.error_text("discount_days")
    assert dialog.error_text("discount_percent") == ""


def test_a_name_the_store_already_has_comes_back_at_the_name_field(page, qtbot):
    click(qtbot, page.add_terms_button)
    dialog = open_dialog(qtbot, page, PaymentTermsDialog)
    qtbot.keyClicks(dialog.name_edit, "net 30")
    click(qtbot, dialog.save_button)

    def reopened() -> list[PaymentTermsDialog]:
        return [d for d in page.findChildren(PaymentTermsDialog)
                if d.isVisible() and d is not dialog]

    qtbot.waitUntil(lambda: bool(reopened()))
    again = reopened()[0]
    assert again.name_edit.text() == "net 30"
    assert "already exists" in again.error_text("name")


def test_a_stage_moved_to_a_later_day_moves_down_the_list(page, qtbot):
    standard = next(p for p in page.policies_model.rows() if p.name == "Standard")
    page.show_section("followup")
    page.select_policy(standard.id)
    second = next(s for s in standard.stages if s.name == "Second reminder")
    page.select_stage(second.id)

    click(qtbot, page.edit_stage_button)
    dialog = open_dialog(qtbot, page, StageDialog)
    assert dialog.when_text() == "14 days after the due date"
    set_spin(qtbot, dialog.offset_spin, 50)
    assert dialog.when_text() == "50 days after the due date"
    save_and_wait(qtbot, page, dialog)

    assert [s.name for s in page.stages_model.rows()] == [
        "Courtesy reminder", "Payment overdue", "Phone call", "Final notice",
        "Second reminder", "Agency review"]
    assert [s.position for s in page.stages_model.rows()] == [1, 2, 3, 4, 5, 6]
    assert page.current_stage() is not None
    assert page.current_stage().id == second.id
    assert "50 days after the due date" in page.notice_text()


def test_the_stage_dialog_says_a_courtesy_reminder_falls_before_the_due_date(page, qtbot):
    page.show_section("followup")
    click(qtbot, page.add_stage_button)
    dialog = open_dialog(qtbot, page, StageDialog)
    set_spin(qtbot, dialog.offset_spin, -3)
    assert dialog.when_text() == "3 days before the due date"
    set_spin(qtbot, dialog.offset_spin, 0)
    assert dialog.when_text() == "on the due date"
    # A phone call sends no template.
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("phone"))
    assert not dialog.template_combo.isEnabled()
    assert dialog.template_combo.currentData() is None
    # Nothing is late on the due date, so nothing can be charged.
    qtbot.keyClicks(dialog.name_edit, "Courtesy call")
    qtbot.keyClicks(dialog.fee_edit, "15")
    click(qtbot, dialog.save_button)
    assert "nothing is late yet" in dialog.error_text("fee_minor")


def test_a_stage_carried_out_for_invoices_stays_and_the_user_is_told_why(page, qtbot):
    page.show_section("followup")
    carried = next((p, s) for p in page.policies_model.rows() for s in p.stages
                   if s.executions)
    policy, stage = carried
    page.select_policy(policy.id)
    page.select_stage(stage.id)

    click(qtbot, page.remove_stage_button)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(page)))
    (question,) = visible_message_boxes(page)
    remove = next(b for b in question.buttons() if b.text() == "Remove Stage")
    click(qtbot, remove)

    qtbot.waitUntil(lambda: any("has already been carried out" in box.text()
                                for box in visible_message_boxes(page)))
    assert len(next(p for p in follow_up_policies() if p.id == policy.id).stages) == \
        len(policy.stages)


def test_a_reference_rate_added_is_listed_with_its_source(page, qtbot):
    page.show_section("rates")
    page.series_filter.setCurrentIndex(page.series_filter.findData("ECB_MRO"))
    click(qtbot, page.add_rate_button)
    dialog = open_dialog(qtbot, page, ReferenceRateDialog)
    assert dialog.series_combo.currentText() == "ECB_MRO"  # the series on show
    dialog.series_combo.setCurrentText("")
    qtbot.keyClicks(dialog.series_combo.lineEdit(), "BOE_BASE")
    type_into(qtbot, dialog.date_edit, "2026-02-05")
    qtbot.keyClicks(dialog.rate_edit, "3.5")
    qtbot.keyClicks(dialog.source_edit, "Bank of England, MPC decision of 5 Feb 2026")
    save_and_wait(qtbot, page, dialog)

    rate = page.current_rate()
    assert rate is not None
    assert (rate.series, rate.effective_from, rate.rate_percent) == \
        ("BOE_BASE", dt.date(2026, 2, 5), Decimal("3.5"))
    # Listed, though another series was on show.
    assert rate in page.rates_model.rows()
    assert page.series_filter.currentText() == "All series"
    assert "Source: Bank of England, MPC decision of 5 Feb 2026" in page.citation_label.text()
    assert rate in reference_rates("BOE_BASE")


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "“abc” is not a percentage; write it like 2 or 1.5."),
    ("150", "A reference rate is between -100% and 100%."),
    ("", "Enter the rate in percent, e.g. 4.25."),
])
def test_a_rate_that_is_not_a_rate_is_refused_at_the_rate_field(page, qtbot, typed, message):
    page.show_section("rates")
    before = len(reference_rates())
    click(qtbot, page.add_rate_button)
    dialog = open_dialog(qtbot, page, ReferenceRateDialog)
    qtbot.keyClicks(dialog.rate_edit, typed)
    qtbot.keyClicks(dialog.source_edit, "Somewhere")
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert dialog.error_text("rate_percent") == message
    assert dialog.accepted_draft is None
    assert len(reference_rates()) == before


def test_the_default_follow_up_policy_chosen_is_kept(page, make_page, qtbot):
    page.show_section("defaults")
    gentle = next(p.id for p in page.policies_model.rows() if p.name == "Gentle")
    combo = page.followup_combo
    assert combo.currentText() == "Standard"
    # The payment plans' reminders are no customer's policy, so not offered as the default.
    assert "Payment plans" not in [combo.itemText(i) for i in range(combo.count())]

    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        combo.setCurrentIndex(combo.findData(gentle))

    assert default_policies()[0] == gentle
    assert page.notice_text().startswith("Defaults saved: “Gentle”")
    fresh = make_page()
    assert fresh.followup_combo.currentData() == gentle
    assert fresh.credit_combo.currentText() == "None: charge nothing"


def test_the_window_builds_settings_only_when_shown_and_reads_them(open_window, demo_file,
                                                                   qtbot):
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: "today" in window._built)
    assert "settings" not in window._built

    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)

    assert window.current_area().key == "settings"
    qtbot.waitUntil(lambda: window.page("settings").settings() is not None,
                    timeout=LOAD_TIMEOUT_MS)
    assert window.page("settings").terms_model.rowCount() == 3



def test_the_grace_on_plan_instalments_is_changed_in_the_defaults(page, make_page, qtbot):
    from models.plans import DEFAULT_PLAN_GRACE_DAYS, plan_grace_days

    page.show_section("defaults")
    spin = page.defaults.grace_spin
    assert spin.value() == DEFAULT_PLAN_GRACE_DAYS and spin.isEnabled()

    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        spin.setValue(10)

    assert plan_grace_days() == 10
    assert page.notice_text() == "Plan instalments' grace saved: 10 days."
    assert make_page().defaults.grace_spin.value() == 10


def test_thank_yous_are_sent_automatically_once_ticked_in_the_defaults(page, make_page, qtbot):
    from models.relationship import thank_you_automatically

    page.show_section("defaults")
    check = page.defaults.thanks_check
    assert not check.isChecked() and check.isEnabled()  # off unless chosen

    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        check.click()
    assert thank_you_automatically()
    assert page.notice_text() == "Thank-you e-mails are sent automatically."
    assert make_page().defaults.thanks_check.isChecked()

    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        page.defaults.thanks_check.click()
    assert not thank_you_automatically()
