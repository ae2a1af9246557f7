"""A payment plan's instalment reminder is reviewed one by one from its Today item, as a
stage due on invoices is: the dialog shows the instalment (not an invoice table);
skipping it passes the reminder over with the reason, noted on the plan; approving the
e-mail of a customer with no address makes it the plan's letter, recorded once saved."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from models.followup import due_action
from models.kinds import ContactKind
from models.schema import Interaction, PaymentPlan
from models.today import INSTALMENT_DUE
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_email_flow import (  # noqa: F401  (fixtures)
    TIMEOUT_MS,
    shown,
    today_shown,
)
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.reason_dialog import ReasonDialog
from ui.today.action_review_dialog import ActionReviewDialog

LEFT = Qt.MouseButton.LeftButton
KHAN = 12  # the demo's plan: instalment 2 of 6 falls due today, its reminder with it


def test_an_instalment_reminder_is_reviewed_and_skipped_from_its_today_item(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    item = next(i for i in page.items() if i.kind == INSTALMENT_DUE and i.customer_id == KHAN)
    assert item.reminder_due
    page.table.selectRow(page.model.position_of((item.kind, item.ref_id)))
    assert page.review_action.isEnabled()

    page.review_action.trigger()
    dialog = shown(qtbot, window, ActionReviewDialog)
    assert dialog.instalment_label.text().startswith("Instalment 2 of 6 of plan PP-000001")
    assert dialog.invoice_table.isHidden() and dialog.total_label.isHidden()
    assert "Instalment reminder" in dialog.stage_label.text()
    qtbot.mouseClick(dialog.skip_button, LEFT)
    reason = shown(qtbot, window, ReasonDialog)
    qtbot.keyClicks(reason.reason_edit, "Rang them: the money goes on Friday")
    with qtbot.waitSignal(page.worklist_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(reason.confirm_button, LEFT)

    plan = PaymentPlan.get(PaymentPlan.customer == KHAN)
    assert due_action(KHAN, plan.currency, DEMO_TODAY, plan_id=plan.id) is None
    assert "skipped" in page.notice()
    noted = Interaction.select().where((Interaction.customer == KHAN)
                                       & (Interaction.plan == plan.id)
                                       & Interaction.summary.contains("Rang them"))
    assert noted.exists()
    after = next(i for i in page.items() if i.kind == INSTALMENT_DUE and i.customer_id == KHAN)
    assert not after.reminder_due and not page.review_action.isEnabled()


def test_an_instalment_e_mail_to_a_customer_with_no_address_is_approved_as_a_letter(
        open_window, demo_file, qtbot, tmp_path: Path):
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    item = next(i for i in page.items() if i.kind == INSTALMENT_DUE and i.customer_id == KHAN)
    page.table.selectRow(page.model.position_of((item.kind, item.ref_id)))
    page.review_action.trigger()
    dialog = shown(qtbot, window, ActionReviewDialog)
    assert "Letter" in dialog.stage_label.text()  # no e-mail address: on paper
    assert "disregard this e-mail" not in dialog.text()  # from the plan's letter
    qtbot.mouseClick(dialog.approve_button, LEFT)

    preview = shown(qtbot, window, PdfPreviewDialog)
    plan = PaymentPlan.get(PaymentPlan.customer == KHAN)
    letters = Interaction.select().where((Interaction.customer == KHAN)
                                         & (Interaction.plan == plan.id)
                                         & (Interaction.kind == ContactKind.LETTER))
    try:
        assert letters.count() == 0  # shown, not yet sent
        target = tmp_path / "instalment.pdf"
        preview.save_action.trigger()
        qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
        save = preview.findChild(QFileDialog, "savePdfDialog")
        save.selectFile(str(target))
        save.accept()
        qtbot.waitUntil(lambda: target.exists() and letters.count() == 1, timeout=TIMEOUT_MS)
    finally:
        preview.reject()
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Khan Ltd" in text and "PP-000001" in text
    assert due_action(KHAN, plan.currency, DEMO_TODAY, plan_id=plan.id) is None
