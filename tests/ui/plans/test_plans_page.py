"""The Plans area on the demo: every plan with how it stands, the chosen plan's
instalments, and the plan's actions (renegotiate, cancel, print the agreement, open
the customer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QWidget

from models.kinds import ContactKind, InstalmentState, PlanStatus
from models.plans import plan_standings
from models.schema import Interaction, PaymentPlan
from tests.conftest import DEMO_TODAY
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.plan_dialog import PlanDialog
from ui.common.reason_dialog import ReasonDialog
from ui.common.tasks import TaskRunner
from ui.plans.plans_model import ACTIVE, ALL, ENDED, InstalmentsModel, PlansModel
from ui.plans.plans_page import PlansPage
from ui.window.main_window import MainWindow

KHAN = 12  # Khan Ltd: the demo's plan, agreed 45 days ago, 1 of 6 paid


@pytest.fixture
def page(qtbot, window: QWidget, demo_store):
    tasks = TaskRunner(window)
    page = PlansPage(tasks, lambda: DEMO_TODAY, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(page.loaded):
        page.reload()
    yield page
    tasks.stop_all()


def visible(qtbot, parent: QWidget, kind: type) -> object:
    def found() -> list:
        return [d for d in parent.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=20000)
    return found()[0]


def test_the_demos_plan_is_listed_with_how_it_stands_and_its_instalments(page):
    assert page.plans.rowCount() == 1
    plan = page.current_plan()
    assert plan is not None and plan.customer_name == "Khan Ltd"
    assert page.plans.data(page.plans.index(0, 2)) == "1 of 6"
    assert page.plans.data(page.plans.index(0, 6)) == "On plan"
    assert page.plans.data(page.plans.index(0, 7)).startswith("on plan: 1 of 6 paid, next ")
    assert page.count_label.text() == "1 plan"

    assert page.instalments.rowCount() == 6
    states = [r.state for r in page.instalments.rows()]
    assert states[0] == InstalmentState.PAID
    assert page.instalments.data(page.instalments.index(0, 5)) == "Paid"
    assert "Khan Ltd: on plan: 1 of 6 paid" in page.plan_label.text()
    for action in page.actions_for_menu():
        assert action.isEnabled()


def test_the_filter_shows_the_active_ended_or_all_plans(page, qtbot):
    page.plan_actions.cancel(page.current_plan())
    dialog = visible(qtbot, page, ReasonDialog)
    dialog.reason_edit.setText("Agreed by mistake")
    with qtbot.waitSignal(page.loaded):
        dialog.accept()

    assert page.plans.rowCount() == 0
    assert page.count_label.text() == "0 of 1 plan shown"
    assert page.instalments.rowCount() == 0
    assert not page.renegotiate_action.isEnabled()

    page.show_plans(ENDED)
    assert page.plans.rowCount() == 1
    assert page.current_plan().status == PlanStatus.CANCELLED
    assert page.plans.data(page.plans.index(0, 6)) == "Cancelled"
    assert page.instalments.rowCount() == 6
    assert not page.cancel_action.isEnabled() and page.print_action.isEnabled()
    page.show_plans(ALL)
    assert page.plans.rowCount() == 1
    page.show_plans(ACTIVE)
    assert page.plans.rowCount() == 0


def test_renegotiating_from_the_plans_area_lists_both_plans(page, qtbot):
    old = page.current_plan()
    page.renegotiate_action.trigger()
    dialog = visible(qtbot, page, PlanDialog)
    assert dialog.setup.replacing.plan_id == old.plan_id
    dialog.count_spin.setValue(4)
    dialog.reason_edit.setText("Asked to pay sooner")
    with qtbot.waitSignal(page.loaded):
        dialog.accept()
    qtbot.waitUntil(lambda: page.plan_actions.offer_box is not None)
    page.plan_actions.offer_box.reject()

    page.show_plans(ALL)
    assert page.plans.rowCount() == 2
    statuses = sorted(str(r.status) for r in page.plans.rows())
    assert statuses == [PlanStatus.ACTIVE, PlanStatus.REPLACED]
    assert "renegotiated with Khan Ltd" in page.notice()


def test_the_agreement_is_shown_to_print_and_recorded_once_saved(page, qtbot, tmp_path: Path):
    plan_id = page.current_plan().plan_id
    before = Interaction.select().where(Interaction.plan == plan_id).count()

    page.print_action.trigger()
    preview = visible(qtbot, page.window(), PdfPreviewDialog)
    try:
        assert preview.windowTitle() == "Payment plan agreement – Khan Ltd"
        text = "".join(p.extract_text() for p in PdfReader(preview.pdf.path).pages)
        assert "Payment plan agreement" in text and "Khan Ltd" in text
        # Shown is not sent: nothing on the timeline yet.
        assert Interaction.select().where(Interaction.plan == plan_id).count() == before

        target = tmp_path / "agreement.pdf"
        preview.save_action.trigger()
        qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
        save = preview.findChild(QFileDialog, "savePdfDialog")
        save.selectFile(str(target))
        save.accept()
        qtbot.waitUntil(lambda: target.exists(), timeout=20000)
        qtbot.waitUntil(lambda: "recorded as printed" in page.notice())
    finally:
        preview.reject()
    letters = Interaction.select().where((Interaction.plan == plan_id)
                                         & (Interaction.kind == ContactKind.LETTER))
    assert letters.count() == 1


def test_open_customer_asks_for_the_plans_customer(page, qtbot):
    with qtbot.waitSignal(page.customer_requested) as asked:
        page.open_customer_action.trigger()
    assert asked.args == [KHAN]


def test_the_plans_lists_are_sound_item_models(page, qtmodeltester):
    qtmodeltester.check(page.plans)
    qtmodeltester.check(page.instalments)
    page.plans.sort(0)
    page.instalments.sort(1)
    qtmodeltester.check(page.plans)
    qtmodeltester.check(page.instalments)
    empty_plans, empty_instalments = PlansModel(), InstalmentsModel()
    qtmodeltester.check(empty_plans)
    qtmodeltester.check(empty_instalments)


def test_the_window_opens_the_plans_area_and_its_customer(open_window, demo_file, qtbot):
    window: MainWindow = open_window(demo_file)
    window.show_area("plans")
    page = window.page("plans")
    qtbot.waitUntil(lambda: page.plans.rowCount() == 1, timeout=20000)
    assert window.current_area().title == "Plans"

    page.open_customer_action.trigger()

    assert window.current_area().key == "customers"
    customers = window.page("customers")
    qtbot.waitUntil(lambda: customers.header is not None and customers.header.id == KHAN,
                    timeout=20000)
    qtbot.waitUntil(lambda: any(t.startswith("On plan: 1 of 6 paid")
                                for t in customers.view.chip_texts()))
    assert [p.plan_id for p in plan_standings(DEMO_TODAY, active_only=True)] == \
        [PaymentPlan.select().first().id]
