"""A customer's timeline on the Customers page: everything that happened, newest first,
narrowed without reading again, with contacts' notes correctable and audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from models.contact_form import ContactNote
from models.schema import AuditEntry
from models.timeline import TIMELINE_FILTERS, customer_timeline
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_customers_page import dialog_of, open_page, show
from ui.common.style import WARNING
from ui.contacts.contact_dialog import LogContactDialog
from ui.contacts.contact_logging import ContactLogger
from ui.contacts.edit_contact_dialog import EditContactDialog, NoteCorrection
from ui.customers.customer_account_view import TIMELINE_TAB
from ui.customers.customers_page import CustomersPage
from ui.customers.timeline_model import TimelineModel

LEFT = Qt.MouseButton.LeftButton
CHRONIC = 1  # Hughes Ltd: calls, e-mails and payments in the demo
BROKEN = 2  # Fenwick Ltd: promises kept and broken in the demo
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole


@pytest.fixture
def window(qtbot) -> QWidget:
    window = QWidget()
    window.resize(1200, 780)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    yield page
    page.tasks.stop_all()


def cells(model: TimelineModel, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def timeline_tab(page: CustomersPage) -> None:
    page.view.tabs.setCurrentIndex(TIMELINE_TAB)


# --- the model ----------------------------------------------------------------------

def test_the_timeline_is_a_sound_item_model(demo_store, qtmodeltester):
    model = TimelineModel()
    model.set_rows(customer_timeline(BROKEN))
    qtmodeltester.check(model)
    model.set_kinds(("promise",))
    qtmodeltester.check(model)


def test_a_contact_shows_its_first_line_and_the_whole_note_in_the_tooltip(demo_store):
    model = TimelineModel()
    model.set_rows(customer_timeline(CHRONIC))
    row = next(i for i in range(model.rowCount())
               if model.row_at(i).detail.count("\n") >= 2)
    entry = model.row_at(row)

    when, what, details, amount, status = cells(model, row)
    assert what == entry.title and amount == ""
    assert details == entry.detail.splitlines()[0] + " …"
    assert model.index(row, TimelineModel.DETAILS).data(_TOOLTIP) == \
        f"{entry.title}\n{entry.detail}"
    assert when.endswith(f"{entry.at:%H:%M}")
    assert status == "Follow-up done"


def test_broken_promises_stand_out_and_payments_show_their_amount(demo_store):
    model = TimelineModel()
    model.set_rows(customer_timeline(BROKEN))
    rows = model.rows()
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)

    broken = next(i for i, r in enumerate(rows) if r.status == "broken")
    colour = model.index(broken, TimelineModel.STATUS).data(_FOREGROUND).color()
    assert colour == QColor(WARNING)
    assert model.index(broken, TimelineModel.STATUS).data() == "Broken"
    payment = next(i for i, r in enumerate(rows) if r.kind == "payment")
    assert cells(model, payment)[TimelineModel.AMOUNT].endswith(" GBP")
    assert cells(model, payment)[TimelineModel.WHEN] == "27 Oct 2026"


# --- the tab ------------------------------------------------------------------------

def test_the_tab_lists_the_customers_timeline_newest_first(page, qtbot):
    show(qtbot, page, CHRONIC)

    expected = customer_timeline(CHRONIC)
    assert page.view.timeline.rows() == expected
    assert page.view.tabs.tabText(TIMELINE_TAB) == f"Timeline ({len(expected)})"


def test_a_contact_logged_from_the_tab_is_shown_at_the_top(page, qtbot):
    show(qtbot, page, CHRONIC)
    timeline_tab(page)
    assert page.log_contact_action.isEnabled()

    page.log_contact_action.trigger()
    dialog = dialog_of(qtbot, page, LogContactDialog)
    dialog.time_edit.setTime(QTime(0, 0))  # never in the future, whatever the clock says
    qtbot.keyClicks(dialog.summary_edit, "Priya says the cheque is in the post")
    with qtbot.waitSignal(page.account_loaded, check_params_cb=lambda i: i == CHRONIC):
        qtbot.mouseClick(dialog.log_button, LEFT)

    top = page.view.timeline.row_at(0)
    assert (top.title, top.detail) == ("Call to Priya Hughes",
                                       "Priya says the cheque is in the post")
    assert page.view.notice() == "Call logged."


def test_filtering_shows_only_payments_and_credit_notes_without_reading_again(page, qtbot):
    show(qtbot, page, CHRONIC)
    timeline_tab(page)
    qtbot.waitUntil(lambda: not page.tasks.busy)  # the profile's read ends on its own
    everything = page.view.timeline.rowCount()

    page.view.show_timeline_kinds("Payments, credit notes and charges")

    assert not page.tasks.busy  # filtered in the model, not by a new query
    kinds = {r.kind for r in page.view.timeline.rows()}
    assert kinds and kinds <= set(dict(TIMELINE_FILTERS)["Payments, credit notes and charges"])
    shown = page.view.timeline.rowCount()
    assert 0 < shown < everything
    assert page.view.timeline_count.text() == f"{shown} of {everything} shown"

    page.view.show_timeline_kinds("Everything")
    assert page.view.timeline.rowCount() == everything
    assert page.view.timeline_count.text() == ""


def test_edit_note_is_offered_only_on_contacts(page, qtbot):
    show(qtbot, page, CHRONIC)
    timeline_tab(page)
    model = page.view.timeline
    payment = next(i for i, r in enumerate(model.rows()) if r.kind == "payment")
    call = next(i for i, r in enumerate(model.rows()) if r.kind == "call")

    page.view.timeline_table.selectRow(payment)
    assert not page.edit_note_action.isEnabled()
    page.view.timeline_table.selectRow(call)
    assert page.edit_note_action.isEnabled()


def test_a_corrected_note_changes_the_row_and_leaves_the_old_text_in_the_audit_log(
        page, qtbot):
    show(qtbot, page, CHRONIC)
    timeline_tab(page)
    model = page.view.timeline
    row = next(i for i, r in enumerate(model.rows()) if r.kind == "call")
    before = model.row_at(row)
    old_summary = before.detail.splitlines()[0]

    table = page.view.timeline_table
    table.scrollTo(model.index(row, TimelineModel.WHAT))
    centre = table.visualRect(model.index(row, TimelineModel.WHAT)).center()
    # QTest's double-click is a lone event; an item view acts on it only after a press.
    qtbot.mouseClick(table.viewport(), LEFT, pos=centre)
    qtbot.mouseDClick(table.viewport(), LEFT, pos=centre)
    dialog = dialog_of(qtbot, page, EditContactDialog)
    assert dialog.summary_edit.toPlainText() == old_summary
    dialog.summary_edit.clear()
    qtbot.keyClicks(dialog.summary_edit, "Called about INV-0000005 twice")
    with qtbot.waitSignal(page.account_loaded, check_params_cb=lambda i: i == CHRONIC):
        qtbot.mouseClick(dialog.save_button, LEFT)

    after = next(r for r in model.rows() if r.contact_id == before.contact_id)
    assert after.detail.splitlines()[0] == "Called about INV-0000005 twice"
    assert after.detail.splitlines()[1:] == before.detail.splitlines()[1:]
    audit = AuditEntry.get((AuditEntry.action == "edit contact")
                           & (AuditEntry.row_id == before.contact_id))
    assert json.loads(audit.before)["summary"] == old_summary
    assert json.loads(audit.after)["summary"] == "Called about INV-0000005 twice"
    assert "audit log" in page.view.notice()


def test_an_empty_corrected_note_is_refused_at_the_summary(qtbot):
    note = ContactNote(
        contact_id=5, customer_id=CHRONIC, customer_name="Hughes Ltd", kind="call",
        direction="incoming", occurred_at=dt.datetime(2026, 11, 20, 10, 30),
        with_whom="Priya Hughes", summary="Will pay Friday", outcome="", follow_up_on=None,
        follow_up_done=False, outcomes=("promised to pay", "no answer"))
    dialog = EditContactDialog(note=note)
    qtbot.addWidget(dialog)
    dialog.show()
    assert any(label.text().startswith("Call from Priya Hughes on 20 Nov 2026 at 10:30, "
                                        "with Hughes Ltd. The earlier text is kept")
               for label in dialog.findChildren(QLabel))

    dialog.summary_edit.clear()
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible() and dialog.accepted_correction is None
    assert dialog.error_text("summary") == "Write what was said, or choose an outcome."

    qtbot.keyClicks(dialog.summary_edit, "Will pay Monday")
    qtbot.mouseClick(dialog.follow_up_box, LEFT)
    dialog.follow_up_edit.setText("2026-11-19")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.error_text("follow_up_on") == "The follow-up date is before the contact."

    dialog.follow_up_edit.setText("2026-11-27")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.accepted_correction == NoteCorrection("Will pay Monday", "",
                                                        dt.date(2026, 11, 27))


def test_the_page_uses_the_windows_logger_once_handed_over(page, qtbot, window):
    shared = ContactLogger(page.tasks, lambda: DEMO_TODAY, window)
    page.set_contact_logger(shared)
    show(qtbot, page, CHRONIC)

    shared.initiator = page  # as when the page's own Log Contact goes through it
    with qtbot.waitSignal(page.account_loaded, check_params_cb=lambda i: i == CHRONIC):
        shared.logged.emit(CHRONIC)

    assert page.contact_logger is shared


def test_a_letter_sent_opens_again_from_the_timeline_to_print_once_more(
        qtbot, window, demo_store, tmp_path):
    from pypdf import PdfReader

    from models.customer_account import find_customer
    from reports.due_letters import print_due_letters
    from ui.common.pdf_preview import PdfPreviewDialog

    [sent, *_] = print_due_letters(DEMO_TODAY, tmp_path / "batch.pdf").printed
    page = open_page(qtbot, window)
    try:
        show(qtbot, page, find_customer(sent.customer_code))
        timeline_tab(page)
        model = page.view.timeline
        row = next(i for i, r in enumerate(model.rows()) if r.contact_id == sent.contact_id)
        assert model.row_at(row).kind == "letter"
        page.view.timeline_table.selectRow(row)
        assert page.open_attachment_action.isEnabled()
        page.open_attachment_action.trigger()
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(PdfPreviewDialog)))
        [preview] = [d for d in window.findChildren(PdfPreviewDialog) if d.isVisible()]
        text = "".join(p.extract_text() for p in PdfReader(preview.pdf.path).pages)
        assert sent.customer_code in text and sent.invoices[0] in text
        preview.reject()
    finally:
        page.tasks.stop_all()
