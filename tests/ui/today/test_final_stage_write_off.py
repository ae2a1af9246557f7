"""The last stage of a follow-up policy, reviewed on Today, carried out as a write-off: the
invoices taken off the account with a reason, the stage passed over, the item gone; or,
when the store refuses (an invoice disputed in part), told why with nothing written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from models.dates import long_date
from models.disputes import open_dispute
from models.followup import DueAction, due_action
from models.kinds import InvoiceStatus, WriteOffReason
from models.money import format_money
from models.schema import Invoice, WriteOff
from models.timeline import customer_timeline
from models.today import STAGE_ACTION, WorkItem, worklist
from models.write_offs import relief_from, write_offs
from tests.conftest import DEMO_TODAY
from ui.common.write_off_dialog import WriteOffDialog
from ui.today.action_review_dialog import ActionReviewDialog
from ui.today.today_page import TodayPage
from ui.today.worklist_model import WorklistModel

LOAD_TIMEOUT_MS = 10_000
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def make_page(qtbot, show_page, demo_store, window, runner,
              settings) -> Callable[[], TodayPage]:
    """A page on the demo company filling ``window``, with today's list loaded."""

    def make() -> TodayPage:
        page = show_page(TodayPage(runner, lambda: DEMO_TODAY, window, settings=settings))
        with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
            page.reload()
        return page

    return make


def final_stage_items(stage_name: str = "Agency review") -> list[tuple[WorkItem, DueAction]]:
    """The demo's reminders due at their policy's last stage, with several invoices first."""
    found = []
    for item in worklist(DEMO_TODAY):
        if item.kind != STAGE_ACTION:
            continue
        action = due_action(item.customer_id, item.currency, DEMO_TODAY)
        if action is not None and action.stage.name == stage_name:
            found.append((item, action))
    found.sort(key=lambda pair: -len(pair[1].invoices))
    return found


def open_dialog(qtbot, page: TodayPage, kind: type) -> object:
    def found() -> list:
        return [d for d in page.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=LOAD_TIMEOUT_MS)
    return found()[0]


def review(qtbot, page: TodayPage, item: WorkItem) -> ActionReviewDialog:
    """Select the reminder and press Enter: its review opens once read."""
    index = page.model.index(page.model.position_of((item.kind, item.ref_id)),
                             WorklistModel.CUSTOMER)
    assert index.isValid()
    page.table.scrollTo(index)
    qtbot.mouseClick(page.table.viewport(), LEFT, pos=page.table.visualRect(index).center())
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    return open_dialog(qtbot, page, ActionReviewDialog)


def listed(page: TodayPage, item: WorkItem) -> bool:
    return page.model.position_of((item.kind, item.ref_id)) >= 0


def status_of(invoice_id: int) -> tuple[str, int]:
    bill = Invoice.get_by_id(invoice_id)
    return str(bill.status), int(bill.open_minor)


def test_the_last_stage_is_written_off_from_its_review_and_leaves_today(
        qtbot, make_page):
    item, action = final_stage_items()[0]
    assert len(action.invoices) > 1
    page = make_page()
    dialog = review(qtbot, page, item)
    assert dialog.write_off_button.isVisible()

    qtbot.mouseClick(dialog.write_off_button, LEFT)
    writing = open_dialog(qtbot, page, WriteOffDialog)
    listed_text = writing.invoices_text()
    assert all(invoice.number in listed_text for invoice in action.invoices)
    total = format_money(action.total_minor, action.currency)
    assert writing.total_label.text() == f"{total}, all that is open"
    assert any("“Agency review” carried out as a write-off" in label.text()
               for label in writing.findChildren(QLabel))
    writing.choose_reason(WriteOffReason.INSOLVENT)
    qtbot.keyClicks(writing.notes_edit, "Administrators appointed")
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(writing.ok_button, LEFT)

    assert not [d for d in page.findChildren(ActionReviewDialog) if d.isVisible()]
    # The invoices are written off in full, each by a write-off of its own.
    assert [status_of(i.id) for i in action.invoices] == \
        [(InvoiceStatus.WRITTEN_OFF, 0)] * len(action.invoices)
    made = write_offs(customer_id=action.customer_id)
    assert sorted(row.invoice_id for row in made) == sorted(i.id for i in action.invoices)
    assert {(row.reason, row.notes) for row in made} == {
        (WriteOffReason.INSOLVENT, "Administrators appointed")}
    assert sum(row.amount_minor for row in made) == action.total_minor
    # The stage does not come back; the list no longer has it.
    assert not listed(page, item)
    assert due_action(action.customer_id, action.currency, DEMO_TODAY) is None
    assert not any(i.kind == STAGE_ACTION and i.customer_id == action.customer_id
                   and i.currency == action.currency for i in worklist(DEMO_TODAY))
    # The notice says what was done and when the VAT relief can be claimed.
    first = min(relief_from(row.issue_date, row.due_date) for row in made)
    notice = page.notice()
    assert notice.startswith(f"Written off {len(action.invoices)} invoices, {total}")
    assert f"the VAT bad-debt relief can be claimed from {long_date(first)}" in notice
    # The timeline has the write-off notes and the stage passed over, with the reason.
    timeline = customer_timeline(action.customer_id)
    notes = [e for e in timeline if e.kind == "credit note"
             and e.title.startswith("Credit note WO-")]
    assert len(notes) == len(action.invoices)
    assert all(e.detail == "Written off: customer insolvent" for e in notes)
    skipped = [e for e in timeline if e.kind == "reminder skipped"
               and "Agency review" in e.title]
    assert skipped and skipped[0].detail.startswith("Written off: customer insolvent")


def test_a_stage_that_is_not_the_last_offers_no_write_off(qtbot, make_page):
    item, _action = final_stage_items("Final notice")[0]
    page = make_page()
    dialog = review(qtbot, page, item)
    assert dialog.write_off_button.isHidden()
    dialog.reject()


def test_an_invoice_disputed_in_part_refuses_the_write_off_and_nothing_is_written(
        qtbot, make_page):
    item, action = final_stage_items()[0]
    disputed = action.invoices[-1]
    open_dispute(action.customer_id, [(disputed.id, 10_00)], category="price",
                 customer_said="Charged the old price", today=DEMO_TODAY)
    before = {i.id: status_of(i.id) for i in action.invoices}
    page = make_page()
    dialog = review(qtbot, page, item)
    qtbot.mouseClick(dialog.write_off_button, LEFT)
    writing = open_dialog(qtbot, page, WriteOffDialog)
    qtbot.mouseClick(writing.ok_button, LEFT)

    box = open_dialog(qtbot, page, QMessageBox)
    assert f"Part of invoice {disputed.number} is in dispute" in box.text()
    assert "Settle the dispute first" in box.text()
    assert box.informativeText() == f"Nothing was written off for {action.customer_name}."
    box.accept()
    assert {i.id: status_of(i.id) for i in action.invoices} == before
    assert WriteOff.select().count() == 0
    assert listed(page, item)
    assert due_action(action.customer_id, action.currency, DEMO_TODAY).stage.id == \
        action.stage.id
    assert "Written off" not in page.notice()
