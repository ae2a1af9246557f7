"""Reminders due on Today, as a user meets them: reviewed one by one (the letter or e-mail
read and edited, approved or skipped with a reason), or approved several at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox

from models.action_letters import draft_for
from models.followup import due_action
from models.ledger import InvoiceDraft, add_invoice, record_payment
from models.money import format_money
from models.timeline import TimelineEntry, customer_timeline
from models.today import FOLLOW_UP, STAGE_ACTION, WorkItem, worklist
from tests.conftest import DEMO_TODAY
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.reason_dialog import ReasonDialog
from ui.common.style import ACCENT
from ui.today.action_review_dialog import ActionInvoicesModel, ActionReviewDialog
from ui.today.batch_approve_dialog import BatchActionsModel, BatchApproveDialog, prepare_batch
from ui.today.today_page import TodayPage
from ui.today.worklist_model import WorklistModel

LOAD_TIMEOUT_MS = 10_000
DAY = dt.timedelta(days=1)
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


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


@pytest.fixture
def page(make_page) -> TodayPage:
    return make_page()


# --- helpers --------------------------------------------------------------------------

def shown_preview(qtbot, page: TodayPage) -> PdfPreviewDialog:
    """The preview the approved letters open in, once their PDF is built and loaded."""
    def previews() -> list[PdfPreviewDialog]:
        return [d for d in page.window().findChildren(PdfPreviewDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(previews()) == 1, timeout=LOAD_TIMEOUT_MS)
    preview = previews()[0]
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready)
    return preview


def reminders(page: TodayPage, channel: str) -> list[WorkItem]:
    """The reminders due on the page whose stage goes by ``channel`` (email, letter, phone)."""
    return [item for item in page.items() if item.kind == STAGE_ACTION
            and due_action(item.customer_id, item.currency, DEMO_TODAY).stage.channel == channel]


def listed(page: TodayPage, item: WorkItem) -> bool:
    return page.model.position_of((item.kind, item.ref_id)) >= 0


def click(qtbot, page: TodayPage, item: WorkItem, modifier=Qt.KeyboardModifier.NoModifier):
    """Click the item's row, as the user would (with Ctrl to add it to the selection)."""
    index = page.model.index(page.model.position_of((item.kind, item.ref_id)),
                             WorklistModel.CUSTOMER)
    assert index.isValid()
    page.table.scrollTo(index)
    qtbot.mouseClick(page.table.viewport(), LEFT, modifier,
                     pos=page.table.visualRect(index).center())


def open_dialog(qtbot, page: TodayPage, kind: type) -> object:
    def found() -> list:
        return [d for d in page.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=LOAD_TIMEOUT_MS)
    return found()[0]


def review(qtbot, page: TodayPage, item: WorkItem) -> ActionReviewDialog:
    """Select the reminder and press Enter: its review opens once read."""
    click(qtbot, page, item)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    return open_dialog(qtbot, page, ActionReviewDialog)


def contacts(customer_id: int, kind: str) -> list[TimelineEntry]:
    return customer_timeline(customer_id, kinds=(kind,))


def message_box(qtbot, page: TodayPage) -> QMessageBox:
    return open_dialog(qtbot, page, QMessageBox)


# --- the models -----------------------------------------------------------------------

def test_the_review_and_batch_models_are_sound_item_models(demo_store, qtmodeltester):
    items = [i for i in worklist(DEMO_TODAY) if i.kind == STAGE_ACTION]
    action = max((due_action(i.customer_id, i.currency, DEMO_TODAY) for i in items),
                 key=lambda a: len(a.invoices))
    invoices = ActionInvoicesModel(action)
    assert invoices.rowCount() == len(action.invoices) > 1
    batch = BatchActionsModel(prepare_batch(items, DEMO_TODAY, lambda _done, _total: None))
    assert batch.rowCount() == len(items)
    for model in (invoices, batch):
        qtmodeltester.check(model, force_py=True)
    invoices.sort(ActionInvoicesModel.OPEN, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(invoices, force_py=True)
    opens = [i.open_minor for i in invoices.rows()]
    assert opens == sorted(opens, reverse=True)


def test_the_worklist_names_each_reminders_stage_and_channel(page):
    item = reminders(page, "letter")[0]
    row = page.model.position_of((item.kind, item.ref_id))
    what = page.model.index(row, WorklistModel.WHAT)
    assert what.data() == item.title == "Final notice (letter)"
    assert what.data(Qt.ItemDataRole.ForegroundRole).color() == QColor(ACCENT)
    assert page.model.index(row, WorklistModel.DETAILS).data() == item.detail
    assert "Reminder due: Final notice (letter)" in what.data(Qt.ItemDataRole.ToolTipRole)


# --- reviewing one --------------------------------------------------------------------

def test_enter_reviews_a_reminder_while_ctrl_return_still_opens_its_customer(qtbot, page):
    follow_up = next(i for i in page.items() if i.kind == FOLLOW_UP)
    click(qtbot, page, follow_up)
    assert not page.review_action.isEnabled()

    item = reminders(page, "letter")[0]
    action = due_action(item.customer_id, item.currency, DEMO_TODAY)
    click(qtbot, page, item)
    assert page.review_action.isEnabled()
    with qtbot.waitSignal(page.customer_requested, timeout=1000,
                          check_params_cb=lambda cid: cid == item.customer_id):
        qtbot.keyClick(page.table, Qt.Key.Key_Return, CTRL)

    dialog = review(qtbot, page, item)
    assert dialog.customer_label.text() == f"{item.customer_name} ({item.customer_code})"
    assert dialog.stage_label.text().startswith("Final notice — Letter")
    assert dialog.policy_label.text() == action.policy_name
    assert "no fee, interest or compensation" in dialog.charges_label.text()
    assert [i.number for i in dialog.invoices.rows()] == [i.number for i in action.invoices]
    assert dialog.total_label.text().endswith(format_money(action.total_minor, action.currency))
    assert dialog.warnings() == ""
    # Written in the customer's language (French for this one), as the stage sends it.
    draft = draft_for(action, DEMO_TODAY)
    assert draft.language != "en" and draft.language_note == ""
    assert dialog.subject() == draft.subject
    assert dialog.text().startswith(draft.text.split("\n\n")[0])  # its greeting
    dialog.reject()
    assert listed(page, item)


def save_preview(qtbot, page: TodayPage, preview: PdfPreviewDialog, target) -> None:
    """Save the preview's PDF as ``target``, as the user would, and wait for the list."""
    preview.save_action.trigger()
    qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
    dialog = preview.findChild(QFileDialog, "savePdfDialog")
    dialog.selectFile(str(target))
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        dialog.accept()
    qtbot.waitUntil(lambda: target.exists(), timeout=LOAD_TIMEOUT_MS)


def test_an_edited_letter_is_recorded_with_its_text_when_saved_and_leaves_today(
        qtbot, page, tmp_path):
    item = reminders(page, "letter")[-1]
    dialog = review(qtbot, page, item)
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(dialog.text_edit, "P.S. Please quote order 4471 with your payment.")

    qtbot.mouseClick(dialog.approve_button, LEFT)
    preview = shown_preview(qtbot, page)
    try:
        assert preview.windowTitle() == "Letter to print"
        assert preview.document.pageCount() == 1
        assert "4471" in PdfReader(preview.pdf.path).pages[0].extract_text()
        assert page.notice().endswith("printing or saving it records it as sent.")
        assert listed(page, item) and not contacts(item.customer_id, "letter")  # not yet

        save_preview(qtbot, page, preview, tmp_path / "letter.pdf")
    finally:
        preview.reject()
    assert not listed(page, item)
    assert page.notice() == "1 letter was recorded as sent."
    [letter] = [e for e in contacts(item.customer_id, "letter") if "4471" in e.detail]
    assert letter.detail.startswith("Final notice (letter) for ")
    assert "Dear " in letter.detail
    assert letter.detail.rstrip().endswith("P.S. Please quote order 4471 with your payment.")
    assert letter.at.date() == DEMO_TODAY


def test_an_approved_letter_whose_preview_is_closed_is_not_recorded(qtbot, page):
    item = reminders(page, "letter")[0]
    dialog = review(qtbot, page, item)
    qtbot.mouseClick(dialog.approve_button, LEFT)
    preview = shown_preview(qtbot, page)
    preview.reject()
    assert listed(page, item)
    assert due_action(item.customer_id, item.currency, DEMO_TODAY) is not None  # still due
    assert not contacts(item.customer_id, "letter")


def test_an_email_needs_a_subject_and_is_recorded_with_the_one_typed(qtbot, page):
    item = reminders(page, "email")[0]
    dialog = review(qtbot, page, item)
    dialog.subject_edit.selectAll()
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Backspace)
    qtbot.mouseClick(dialog.approve_button, LEFT)
    assert dialog.isVisible()
    assert dialog.error_text("subject") == "Give the e-mail a subject."

    qtbot.keyClicks(dialog.subject_edit, "Two invoices still open")
    assert dialog.error_text("subject") == ""
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)  # moves on; it never approves
    assert dialog.isVisible() and listed(page, item)
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return, CTRL)

    assert not listed(page, item)
    assert page.notice().endswith("recorded; the e-mail is in the outbox.")
    assert any("Two invoices still open" in e.detail
               for e in contacts(item.customer_id, "email"))
    # Mail is not set up in the demo: the window says so and the e-mail waits.
    box = message_box(qtbot, page)
    assert box.objectName() == "mailNotSetUp"
    assert any(e.status == "In the outbox" or "In the outbox" in e.detail
               for e in contacts(item.customer_id, "email"))
    box.reject()


def test_a_skipped_reminder_leaves_today_with_its_reason_on_the_timeline(qtbot, page):
    item = reminders(page, "letter")[0]
    dialog = review(qtbot, page, item)
    qtbot.mouseClick(dialog.skip_button, LEFT)
    reason = open_dialog(qtbot, page, ReasonDialog)
    assert "Final notice" in reason.text_label.text()
    qtbot.keyClicks(reason.reason_edit, "Spoke to them on Friday, paying next week")
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(reason.confirm_button, LEFT)

    assert not [d for d in page.findChildren(ActionReviewDialog) if d.isVisible()]
    assert not listed(page, item)
    assert "skipped" in page.notice()
    [skipped] = [e for e in contacts(item.customer_id, "reminder skipped")
                 if e.title == "“Final notice” not sent"]
    assert skipped.detail.startswith("Spoke to them on Friday, paying next week")
    assert due_action(item.customer_id, item.currency, DEMO_TODAY) is None


def test_a_cancelled_skip_leaves_the_review_open(qtbot, page):
    item = reminders(page, "email")[0]
    dialog = review(qtbot, page, item)
    qtbot.mouseClick(dialog.skip_button, LEFT)
    reason = open_dialog(qtbot, page, ReasonDialog)
    reason.reject()
    assert dialog.isVisible()
    dialog.reject()
    assert listed(page, item)


def test_a_phone_reminder_warns_of_unallocated_credit_and_records_the_call(
        qtbot, demo_store, make_page):
    item = next(i for i in worklist(DEMO_TODAY) if i.kind == STAGE_ACTION and due_action(
        i.customer_id, i.currency, DEMO_TODAY).stage.channel == "phone")
    record_payment(item.customer_id, received_on=DEMO_TODAY, amount_minor=12_500,
                   allocate_to=[], today=DEMO_TODAY)
    page = make_page()

    dialog = review(qtbot, page, item)
    assert "125.00" in dialog.warnings()
    assert "allocate it before sending" in dialog.warnings()
    assert dialog.warning_label.isVisible()
    assert dialog.approve_button.text() == "&Approve anyway"
    assert dialog.points_edit.toPlainText().startswith(f"Call {item.customer_name}")
    assert dialog.points_edit.isReadOnly()
    assert "records the call as made" in dialog.call_label.text()
    assert "Ctrl+L" in dialog.call_label.text()
    qtbot.keyClicks(dialog.note_edit, "No answer, left a voicemail")
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.approve_button, LEFT)

    assert not listed(page, item)
    assert page.notice().endswith("recorded as a call made.")
    assert any("No answer, left a voicemail" in e.detail
               for e in contacts(item.customer_id, "call"))


def test_an_account_that_moved_on_since_the_review_is_refused_and_the_list_reloads(
        qtbot, page):
    item = reminders(page, "letter")[-1]
    dialog = review(qtbot, page, item)
    before = contacts(item.customer_id, "letter")
    # Meanwhile someone records an invoice as of its issue, long overdue since: the
    # account is at a later stage now.
    issued = DEMO_TODAY - 130 * DAY
    add_invoice(item.customer_id, InvoiceDraft(
        number="LATE-1", issue_date=issued, due_date=DEMO_TODAY - 100 * DAY,
        amount_minor=40_000), today=issued)

    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.approve_button, LEFT)

    box = message_box(qtbot, page)
    assert "has moved on to “Agency review”" in box.text()
    assert box.informativeText() == "The list has been read again."
    box.accept()
    assert contacts(item.customer_id, "letter") == before
    expected = worklist(DEMO_TODAY)
    assert [(i.kind, i.ref_id) for i in page.items()] == [(i.kind, i.ref_id) for i in expected]
    now = next(i for i in page.items() if i.kind == STAGE_ACTION
               and i.customer_id == item.customer_id)
    assert now.title == "Agency review (phone call)"


def test_a_reminder_on_a_coming_days_list_waits_for_its_day(qtbot, page):
    ahead = DEMO_TODAY + 10 * DAY
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.set_as_of(ahead)
    item = next(i for i in page.items() if i.kind == STAGE_ACTION and i.due_on > DEMO_TODAY)
    click(qtbot, page, item)
    page.review_action.trigger()
    box = message_box(qtbot, page)
    assert "it can be reviewed and approved from that day" in box.text()
    box.accept()
    assert not [d for d in page.findChildren(ActionReviewDialog) if d.isVisible()]


# --- approving several ----------------------------------------------------------------

def test_a_batch_of_three_reminders_records_three_contacts(qtbot, page, tmp_path):
    chosen = reminders(page, "letter")[:2] + reminders(page, "email")[:1]
    click(qtbot, page, chosen[0])
    for item in chosen[1:]:
        click(qtbot, page, item, CTRL)
    assert page.selected_items() == sorted(
        chosen, key=lambda i: page.model.position_of((i.kind, i.ref_id)))
    assert page.current_item() == chosen[-1]  # the last one clicked is in hand
    assert page.approve_selected_action.isEnabled()
    before = {i.customer_id: customer_timeline(i.customer_id) for i in chosen}

    letters = [i for i in chosen if i in reminders(page, "letter")]
    assert letters
    qtbot.keyClick(page.table, Qt.Key.Key_A, CTRL | SHIFT)
    dialog = open_dialog(qtbot, page, BatchApproveDialog)
    assert dialog.model.rowCount() == 3
    assert all(dialog.model.is_checked(row) for row in range(3))
    assert dialog.count_label.text().startswith("3 of 3 ticked")
    assert dialog.approve_button.text() == "&Approve 3"
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.approve_button, LEFT)

    preview = shown_preview(qtbot, page)
    assert page.notice() == ("1 reminder recorded; the e-mails ready to send. 2 letters open "
                             "to print: printing or saving them records them as sent.")
    assert not any(listed(page, item) for item in chosen if item not in letters)
    assert all(listed(page, item) for item in letters)  # recorded once printed
    try:
        assert preview.document.pageCount() == len(letters)
        save_preview(qtbot, page, preview, tmp_path / "letters.pdf")
    finally:
        preview.reject()
    assert not any(listed(page, item) for item in chosen)
    for item in chosen:
        [new] = [e for e in customer_timeline(item.customer_id)
                 if e not in before[item.customer_id]]
        assert new.kind in ("letter", "email")
        assert new.detail.startswith(f"{item.title} for ")


def test_a_batch_leaves_warned_accounts_unticked_and_reports_those_refused(
        qtbot, demo_store, make_page):
    items = [i for i in worklist(DEMO_TODAY) if i.kind == STAGE_ACTION]
    warned, moved, kept = items[0], items[3], items[4]
    record_payment(warned.customer_id, received_on=DEMO_TODAY, amount_minor=5_000,
                   allocate_to=[], today=DEMO_TODAY)
    page = make_page()
    click(qtbot, page, warned)
    click(qtbot, page, moved, CTRL)
    click(qtbot, page, kept, CTRL)

    page.approve_selected_action.trigger()
    dialog = open_dialog(qtbot, page, BatchApproveDialog)
    model = dialog.model
    rows = {model.entry_at(row).item.customer_id: row for row in range(model.rowCount())}
    flags = model.index(rows[warned.customer_id], BatchActionsModel.FLAGS).data()
    assert "not yet allocated" in flags and flags.startswith("⚠")
    assert not model.is_checked(rows[warned.customer_id])
    assert model.is_checked(rows[moved.customer_id]) and model.is_checked(rows[kept.customer_id])
    assert dialog.count_label.text().startswith("2 of 3 ticked")
    dialog.tick(warned.customer_name)
    assert dialog.approve_button.text() == "&Approve 3"
    # One account moves on before the user says OK: an invoice is recorded as of its
    # issue, long overdue since.
    issued = DEMO_TODAY - 150 * DAY
    add_invoice(moved.customer_id, InvoiceDraft(
        number="LATE-2", issue_date=issued, due_date=DEMO_TODAY - 120 * DAY,
        amount_minor=25_000), today=issued)

    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.approve_button, LEFT)

    # The letter is refused as it is prepared for printing, in the same words.
    box = message_box(qtbot, page)
    assert box.text() == "1 reminder was not recorded."
    assert box.informativeText().startswith(f"{moved.customer_name}: The account has moved on")
    box.accept()
    assert page.notice() == ("2 reminders recorded; the calls are recorded as made. "
                             "1 not recorded: see why in the message.")
    assert not listed(page, warned) and not listed(page, kept)
    assert any(i.customer_id == moved.customer_id and i.kind == STAGE_ACTION
               for i in page.items())


def test_a_batch_needs_a_tick(qtbot, page):
    item = reminders(page, "email")[0]
    click(qtbot, page, item)
    page.approve_selected_action.trigger()
    dialog = open_dialog(qtbot, page, BatchApproveDialog)
    dialog.tick(item.customer_name, False)
    assert not dialog.approve_button.isEnabled()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_text("actions") == "Tick at least one reminder to approve."
    dialog.reject()
    assert listed(page, item)


def test_a_reminder_someone_else_sent_meanwhile_is_refused_with_their_name(qtbot, page):
    from models.audit import who_changes
    from models.followup import execute_action

    item = reminders(page, "email")[0]
    dialog = review(qtbot, page, item)
    action = due_action(item.customer_id, item.currency, DEMO_TODAY)
    # Meanwhile another person, in their own window, sends the same reminder.
    execute_action(item.customer_id, item.currency, DEMO_TODAY, stage_id=action.stage.id,
                   subject="Your account", text="Sent from another window")
    sent = contacts(item.customer_id, "email")

    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.approve_button, LEFT)

    box = message_box(qtbot, page)
    assert f"“{action.stage.name}” was already sent by {who_changes()} at " in box.text()
    assert box.informativeText() == "The list has been read again."
    box.accept()
    assert contacts(item.customer_id, "email") == sent  # it went once
    assert not listed(page, item)
