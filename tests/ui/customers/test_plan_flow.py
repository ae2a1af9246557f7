"""Payment plans from a customer's account, on the demo: agreed through the dialog with
its schedule shown as it is set up, refused where it cannot be, renegotiated and
cancelled; the account's header says how the plan stands."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models.kinds import PlanStatus
from models.money import format_money
from models.plans import plan_candidates, plan_standings
from models.schema import PaymentPlan
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_customers_page import dialog_of, open_page, show
from ui.common.plan_dialog import BY_AMOUNT, OWN_DATES, PlanDialog, PlanSetup
from ui.common.plan_models import CandidatesModel, OwnDatesModel, ScheduleModel
from ui.common.reason_dialog import ReasonDialog

HUGHES = 1  # two overdue GBP invoices, no plan
MULLER = 4  # Müller GmbH: INV-0000049 in dispute, two not yet due
KHAN = 12  # Khan Ltd: the demo's plan, 1 of 6 paid


@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def open_plan_dialog(qtbot, page, customer_id: int, action=None) -> PlanDialog:
    show(qtbot, page, customer_id)
    (action or page.agree_plan_action).trigger()
    return dialog_of(qtbot, page, PlanDialog)


def setup_for(customer_id: int, currency: str) -> PlanSetup:
    return PlanSetup(customer_id, "Customer", currency,
                     tuple(plan_candidates(customer_id, currency, DEMO_TODAY)), DEMO_TODAY)


def offer_box(qtbot, page) -> QMessageBox:
    qtbot.waitUntil(lambda: page.plan_actions.offer_box is not None
                    and page.plan_actions.offer_box.isVisible())
    box = page.plan_actions.offer_box
    assert box is not None
    return box


def later(box: QMessageBox) -> None:
    button = next(b for b in box.buttons() if b.text() == "&Later")
    button.click()


# --- agreeing -------------------------------------------------------------------------

def test_a_plan_agreed_through_the_dialog_is_recorded_and_the_header_says_how_it_stands(
        page, qtbot):
    dialog = open_plan_dialog(qtbot, page, HUGHES)

    # Overdue invoices are ticked; six monthly instalments from a month on are proposed.
    assert [c.item.label for c in dialog.ticked()] == ["INV-0000005", "INV-0000006"]
    assert dialog.count_spin.value() == 6
    assert dialog.frequency_combo.currentText() == "Monthly"
    assert dialog.first_date.date() == dt.date(2026, 12, 24)
    lines = dialog.schedule.rows()
    assert [line.label for line in lines] == ["1", "2", "3", "4", "5", "6", "Total"]
    total = sum(c.item.open_minor for c in dialog.ticked())
    assert lines[-1].amount_minor == total
    assert sum(line.amount_minor for line in lines[:-1]) == total  # the last balances
    assert dialog.summary_text().startswith("6 monthly instalments of ")
    assert dialog.save_button.isEnabled()

    with qtbot.waitSignal(page.account_loaded):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    later(offer_box(qtbot, page))

    plans = plan_standings(DEMO_TODAY, customer_id=HUGHES)
    assert len(plans) == 1 and plans[0].status == PlanStatus.ACTIVE
    assert len(plans[0].instalments) == 6 and plans[0].total_minor == total
    first = plans[0].instalments[0]
    chip = f"On plan: 0 of 6 paid, next {format_money(first.amount_minor, 'GBP')} on " \
           f"24 Dec 2026"
    qtbot.waitUntil(lambda: chip in page.view.chip_texts())
    assert page.view.plan_button.isVisible()
    assert page.renegotiate_plan_action.isEnabled()
    assert "Payment plan agreed with Hughes Ltd." in page.view.notice()


def test_a_deposit_and_an_amount_each_are_scheduled_and_add_up(page, qtbot):
    dialog = open_plan_dialog(qtbot, page, HUGHES)
    total = sum(c.item.open_minor for c in dialog.ticked())

    qtbot.keyClicks(dialog.deposit_edit, "500")
    dialog.kind_combo.setCurrentIndex(BY_AMOUNT)
    qtbot.keyClicks(dialog.amount_edit, "400")

    lines = dialog.schedule.rows()
    assert lines[0].label == "Deposit" and lines[0].amount_minor == 50000
    assert all(line.amount_minor == 40000 for line in lines[1:-2])
    assert lines[-1].amount_minor == total
    assert dialog.save_button.isEnabled()
    dialog.reject()


def test_a_schedule_of_own_dates_that_does_not_add_up_keeps_save_off_and_says_why(
        page, qtbot):
    dialog = open_plan_dialog(qtbot, page, HUGHES)

    dialog.kind_combo.setCurrentIndex(OWN_DATES)
    # The own dates start from the schedule worked out so far, which adds up.
    assert dialog.own_dates.rowCount() == 6
    assert dialog.save_button.isEnabled()

    dialog.own_dates.setData(dialog.own_dates.index(0, 1), "100")

    assert not dialog.save_button.isEnabled()
    assert dialog.error_text("custom").startswith("The instalments add up to ")
    assert "not the 2,645.56 GBP to pay" in dialog.summary_text()
    assert dialog.schedule.rowCount() == 0
    dialog.accept()  # Ctrl+Return does not get past it either
    assert dialog.isVisible() and dialog.choice is None
    dialog.reject()
    assert plan_standings(DEMO_TODAY, customer_id=HUGHES) == []


def test_a_first_instalment_in_the_past_is_refused_at_its_field(page, qtbot):
    dialog = open_plan_dialog(qtbot, page, HUGHES)

    dialog.first_date.setText("2026-11-01")
    dialog.first_date.textEdited.emit(dialog.first_date.text())

    assert not dialog.save_button.isEnabled()
    assert "before the day the plan is agreed" in dialog.error_text("first_on")
    dialog.reject()


def test_a_disputed_invoice_cannot_be_ticked_and_says_why(page, qtbot):
    dialog = open_plan_dialog(qtbot, page, MULLER)

    assert dialog.ticked() == []  # nothing overdue that may go in a plan
    assert "Tick the invoices" in dialog.summary_text()
    assert not dialog.save_button.isEnabled()
    assert dialog.tick("INV-0000049") is False
    model = dialog.candidates
    position = next(n for n in range(model.rowCount())
                    if model.candidate_at(n).item.label == "INV-0000049")
    index = model.index(position, 0)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEnabled
    assert "is in dispute" in model.data(index, Qt.ItemDataRole.ToolTipRole)

    assert dialog.tick("INV-0000050") is True
    assert dialog.save_button.isEnabled()
    dialog.reject()


# --- renegotiating and cancelling -------------------------------------------------------

def test_renegotiating_replaces_the_plan_and_keeps_the_old_on_record(page, qtbot):
    old = plan_standings(DEMO_TODAY, customer_id=KHAN, active_only=True)[0]
    show(qtbot, page, KHAN)
    assert any(text.startswith("On plan: 1 of 6 paid") for text in page.view.chip_texts())
    dialog = open_plan_dialog(qtbot, page, KHAN, page.renegotiate_plan_action)

    assert dialog.windowTitle() == "Renegotiate Plan"
    assert [c.item.label for c in dialog.ticked()] == ["INV-0000217"]  # the old plan's
    dialog.count_spin.setValue(10)
    assert dialog.save_button.isEnabled()
    dialog.accept()
    assert "Say why" in dialog.error_text("reason")

    qtbot.keyClicks(dialog.reason_edit, "Lost a contract; smaller payments")
    with qtbot.waitSignal(page.account_loaded):
        dialog.accept()
    later(offer_box(qtbot, page))

    assert PaymentPlan.get_by_id(old.plan_id).status == PlanStatus.REPLACED
    new = plan_standings(DEMO_TODAY, customer_id=KHAN, active_only=True)
    assert len(new) == 1 and new[0].replaces_id == old.plan_id
    assert len(new[0].instalments) == 10
    qtbot.waitUntil(lambda: any(t.startswith("On plan: 0 of 10 paid")
                                for t in page.view.chip_texts()))


def test_cancelling_a_plan_asks_for_a_reason(page, qtbot):
    old = plan_standings(DEMO_TODAY, customer_id=KHAN, active_only=True)[0]
    show(qtbot, page, KHAN)
    assert page.cancel_plan_action.isEnabled()

    page.cancel_plan_action.trigger()
    dialog = dialog_of(qtbot, page, ReasonDialog)
    dialog.accept()
    assert dialog.isVisible() and dialog.error_text()

    qtbot.keyClicks(dialog.reason_edit, "Paid in full by a relative")
    with qtbot.waitSignal(page.account_loaded):
        dialog.accept()

    plan = PaymentPlan.get_by_id(old.plan_id)
    assert plan.status == PlanStatus.CANCELLED
    assert plan.end_reason == "Paid in full by a relative"
    qtbot.waitUntil(lambda: not page.cancel_plan_action.isEnabled())
    assert not any(t.startswith("On plan") for t in page.view.chip_texts())
    assert page.agree_plan_action.isEnabled()


def test_the_plan_actions_are_off_without_an_active_plan(page, qtbot):
    show(qtbot, page, HUGHES)

    assert page.agree_plan_action.isEnabled()
    for action in (page.renegotiate_plan_action, page.cancel_plan_action,
                   page.print_agreement_action, page.email_agreement_action):
        assert not action.isEnabled()
    assert page.agree_plan_action in page.menu_sections()[-1]


# --- the dialog's lists ----------------------------------------------------------------

def test_the_dialogs_lists_are_sound_item_models(demo_store, qtmodeltester):
    dialog = PlanDialog(None, setup=setup_for(MULLER, "EUR"))
    try:
        dialog.tick("INV-0000050")
        qtmodeltester.check(dialog.candidates)
        qtmodeltester.check(dialog.schedule)
        dialog.kind_combo.setCurrentIndex(OWN_DATES)
        dialog.own_dates.add_row("2027-01-05", "10")
        qtmodeltester.check(dialog.own_dates)
    finally:
        dialog.deleteLater()
    assert isinstance(dialog.candidates, CandidatesModel)
    assert isinstance(dialog.schedule, ScheduleModel)
    assert isinstance(dialog.own_dates, OwnDatesModel)


def test_own_dates_rows_are_added_edited_and_removed(qtmodeltester, qapp):
    model = OwnDatesModel()
    model.add_row("2027-01-01", "10")
    model.add_row()
    assert model.setData(model.index(1, 0), " 2027-02-01 ")
    model.setData(model.index(1, 1), "20.50")
    assert model.texts() == [("2027-01-01", "10"), ("2027-02-01", "20.50")]
    qtmodeltester.check(model)
    model.remove_row(0)
    assert model.texts() == [("2027-02-01", "20.50")]
