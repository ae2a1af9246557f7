"""The Disputes tab of the Collections area, on the demo: the cases listed and filtered,
a dispute of part of an invoice opened through the dialog (the rest still chased), a
note and a file kept and read back, and a case settled by credit note, rejected or
withdrawn; each through the models, said in the notice line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from models.accounts import overdue_accounts
from models.check import check_store
from models.dispute_choices import disputable_invoices
from models.disputed import claim_on
from models.disputes import (
    case_notes,
    dispute,
    dispute_age_days,
    disputes,
    open_dispute,
    withdraw_dispute,
)
from models.followup import follow_up_plan
from models.kinds import DisputeCategory, DisputeStatus, InvoiceStatus
from models.schema import CreditNote, Invoice
from models.today import DISPUTE_OPEN, worklist
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.collections import disputes_tab
from ui.collections.case_note_dialog import CaseNoteDialog
from ui.collections.collections_page import CollectionsPage
from ui.collections.dispute_credit_dialog import DisputeCreditDialog
from ui.collections.disputes_model import CLOSED, OPEN
from ui.collections.disputes_tab import DisputesTab
from ui.common.area import AreaContext
from ui.common.dispute_dialog import DisputeDialog
from ui.common.reason_dialog import ReasonDialog
from ui.common.tasks import TaskRunner

MULLER = 4  # Müller GmbH: the demo's dispute on INV-0000049 (quality, raised 10 Nov)
HUGHES = 1  # two overdue GBP invoices, INV-0000005 and INV-0000006
ASHWORTH = 51


@pytest.fixture
def page(qtbot, window, demo_store, tmp_path):
    tasks = TaskRunner(window)
    context = AreaContext(
        tasks=tasks, today=lambda: DEMO_TODAY,
        settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
        window=window, log_contact_action=QAction(window), import_action=QAction(window),
        contact_logger=lambda: None, open_customer=lambda _id: None,
        show_area=lambda _key, _section: None)
    page = CollectionsPage(context, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    tab = page.tabs_by_title["Disputes"]
    assert isinstance(tab, DisputesTab)
    with qtbot.waitSignals([tab.loaded, tab.notes_loaded], order="strict"):
        page.reload()
    yield page
    tasks.stop_all()


def tab_of(page: CollectionsPage) -> DisputesTab:
    tab = page.current_tab()
    assert isinstance(tab, DisputesTab)
    return tab


def dialog_of(qtbot, parent, kind):
    def found():
        return [d for d in parent.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()))
    return found()[0]


def written(qtbot, tab: DisputesTab, click) -> None:
    """Do ``click`` (a write) and wait for the tab to have read the cases again."""
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        click()


def choose(qtbot, tab: DisputesTab, case_id: int) -> None:
    with qtbot.waitSignal(tab.notes_loaded, check_params_cb=lambda i: i == case_id):
        assert tab.select_case(case_id)


def test_the_tab_lists_the_demo_dispute_with_its_age_and_detail(page, qtbot):
    tab = tab_of(page)

    rows = tab.cases.rows()
    assert [(r.customer_name, r.status) for r in rows] == [("Müller GmbH",
                                                           DisputeStatus.OPEN)]
    cells = [tab.cases.index(0, c).data() for c in range(tab.cases.columnCount())]
    assert cells[:2] == ["Müller GmbH", "INV-0000049"]
    assert cells[2] == "208.42 EUR"
    assert cells[3:7] == ["Quality", "10 Nov 2026", "14 days", "Open"]
    assert "Says the delivery arrived damaged" in tab.case_label.text()
    assert [line.number for line in tab.lines.rows()] == ["INV-0000049"]
    assert page.open_customer_action.isEnabled()
    assert tab.count_label.text() == "1 dispute"
    assert tab.notes.rowCount() == 0 and tab.notes_empty_label.isVisible()
    assert not tab.open_file_button.isEnabled()


def test_an_old_open_dispute_stands_out(page, qtbot):
    tab = tab_of(page)
    tab.cases.set_cases(tab.cases.rows(), DEMO_TODAY, 10)  # the setting: 10 days

    age = tab.cases.index(0, 5)
    assert age.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "longer than 10 days" in age.data(Qt.ItemDataRole.ToolTipRole)
    assert age.data(Qt.ItemDataRole.FontRole).bold()


def test_a_part_of_an_invoice_disputed_through_the_dialog_leaves_the_rest_chased(
        page, qtbot):
    tab = tab_of(page)
    tab.new_action.trigger()
    dialog = dialog_of(qtbot, tab, DisputeDialog)

    # Nothing chosen: each problem is said at its field.
    dialog.accept()
    assert dialog.error_text("customer") == "Choose the customer who disputes."
    assert dialog.error_text("invoices") == "Tick the invoices the customer disputes."
    assert dialog.error_text("customer_said") == \
        "Say what the customer disputes, in their words."

    dialog.choose_customer(HUGHES)
    qtbot.waitUntil(lambda: dialog.lines.rowCount() == 2)
    dialog.tick("INV-0000005", "2000")
    dialog.said_edit.setPlainText("The second pallet was never delivered")
    dialog.category_combo.setCurrentIndex(
        dialog.category_combo.findData(DisputeCategory.NOT_DELIVERED))
    dialog.accept()
    assert dialog.error_text("invoices") == (
        "Invoice INV-0000005 has only 1,441.46 GBP open; the customer can dispute that much "
        "at most.")
    assert dialog.isVisible()

    dialog.tick("INV-0000005", "400.00")
    written(qtbot, tab, dialog.accept)

    case = disputes(state="open", customer_id=HUGHES)[0]
    assert tab.current_case() == case
    assert page.notice_label.text() == (
        f"Dispute #{case.case_id} opened for Hughes Ltd on an invoice: the amounts "
        f"disputed are not chased.")
    assert (case.category, case.claimed_minor) == (DisputeCategory.NOT_DELIVERED, 400_00)
    bill = Invoice.get(Invoice.number == "INV-0000005")
    # Only the part disputed stops being chased: the invoice stays open for the rest.
    assert bill.status == InvoiceStatus.OPEN
    assert claim_on(bill.id) == 400_00
    hughes = next(a for a in overdue_accounts(DEMO_TODAY) if a.customer_id == HUGHES)
    assert hughes.disputed_minor == 400_00
    # The next reminder asks for the rest of INV-0000005 (and all of INV-0000006).
    [due] = [a for a in follow_up_plan(DEMO_TODAY).due if a.customer_id == HUGHES]
    assert [(i.number, i.open_minor) for i in due.invoices] == [
        ("INV-0000005", 1441_46 - 400_00), ("INV-0000006", 1204_10)]
    assert check_clean()


def test_a_note_and_a_file_are_kept_with_the_case_and_read_back(page, qtbot, tmp_path,
                                                                monkeypatch):
    tab = tab_of(page)
    case_id = tab.current_case().case_id
    tab.note_action.trigger()
    dialog = dialog_of(qtbot, tab, CaseNoteDialog)
    dialog.text_edit.setPlainText("Called Anna: photos by Friday")
    with qtbot.waitSignals([tab.loaded, tab.notes_loaded], order="strict", timeout=10_000):
        dialog.accept()
    assert page.notice_label.text() == f"Note kept with dispute #{case_id}."

    photo = tmp_path / "damaged pallet.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo of the damage")
    monkeypatch.setattr(disputes_tab, "choose_attachment", lambda _parent: photo)
    with qtbot.waitSignals([tab.loaded, tab.notes_loaded], order="strict", timeout=10_000):
        tab.attach_action.trigger()
    assert page.notice_label.text() == f"damaged pallet.jpg kept with dispute #{case_id}."

    notes = [(n.text, n.file_name) for n in case_notes(case_id)]
    assert notes == [("Called Anna: photos by Friday", ""), ("", "damaged pallet.jpg")]
    shown = [tab.notes.index(r, 1).data() for r in range(tab.notes.rowCount())]
    assert shown == ["Called Anna: photos by Friday", "File damaged pallet.jpg (0 KB)"]
    assert tab.current_note().file_name == "damaged pallet.jpg"
    assert tab.save_file_button.isEnabled()

    copy = tmp_path / "out" / "copy.jpg"
    monkeypatch.setattr(disputes_tab, "choose_save_path", lambda _parent, _name: copy)
    with qtbot.waitSignal(tab.file_ready):
        tab.save_file_button.click()
    assert copy.read_bytes() == photo.read_bytes()

    opened = []
    monkeypatch.setattr(disputes_tab, "show_file", lambda path: opened.append(path) or True)
    with qtbot.waitSignal(tab.file_ready):
        tab.open_file_button.click()
    assert opened and opened[0].read_bytes() == photo.read_bytes()
    assert opened[0].name == "damaged pallet.jpg"


def test_the_open_store_is_neither_attached_nor_written_over(page, qtbot, demo_store,
                                                          tmp_path, monkeypatch):
    # Read or replaced outside SQLite, the open store would lose its locks or its books
    # (models.files.refuse_store_file): refused in words, the store as it was.
    if demo_store.server is not None:
        pytest.skip("a store on a server has no file to choose")
    tab = tab_of(page)
    case_id = tab.current_case().case_id
    photo = tmp_path / "pallet.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo")
    monkeypatch.setattr(disputes_tab, "choose_attachment", lambda _parent: photo)
    with qtbot.waitSignals([tab.loaded, tab.notes_loaded], order="strict", timeout=10_000):
        tab.attach_action.trigger()
    notes_before = case_notes(case_id)
    store = demo_store.path
    before = store.stat()  # not read: that would drop the store's locks too

    def refused(verb: str) -> None:
        qtbot.waitUntil(lambda: bool(visible_message_boxes(page.window())), timeout=10_000)
        [box] = visible_message_boxes(page.window())
        assert box.text().startswith(f"Duly could not {verb} ")
        assert box.text().endswith(": it is the store Duly has open; choose another file.")
        box.close()

    monkeypatch.setattr(disputes_tab, "choose_attachment", lambda _parent: store)
    tab.attach_action.trigger()
    refused("read")
    assert case_notes(case_id) == notes_before
    assert tab.current_note().file_name == "pallet.jpg"
    monkeypatch.setattr(disputes_tab, "choose_save_path", lambda _parent, _name: store)
    tab.save_file_button.click()
    refused("write")
    after = store.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino, before.st_size, before.st_mtime_ns)
    assert check_clean()


def test_settling_by_credit_note_posts_it_and_ends_the_case(page, qtbot):
    tab = tab_of(page)
    case = tab.current_case()
    bill = Invoice.get(Invoice.number == "INV-0000049")
    before = bill.open_minor
    tab.credit_action.trigger()
    dialog = dialog_of(qtbot, tab, DisputeCreditDialog)
    assert dialog.credits.credits_typed()[0][1] == "208.42"

    dialog.number_edit.setText("CN-D1")
    dialog.reason_edit.setText("Two chairs damaged in delivery")
    dialog.credits.set_typed(0, "300")
    dialog.accept()
    assert dialog.error_text("credits") == ""  # the store decides: the dialog re-opens
    qtbot.waitUntil(lambda: any(d.isVisible() and d is not dialog and
                                d.error_text("credits")
                                for d in tab.findChildren(DisputeCreditDialog)))
    again = next(d for d in tab.findChildren(DisputeCreditDialog)
                 if d.isVisible() and d.error_text("credits"))
    assert again.error_text("credits") == (
        "Only 208.42 EUR of invoice INV-0000049 is in dispute: credit that much at most.")

    assert (again.number_edit.text(), again.credits.credits_typed()[0][1]) == ("CN-D1",
                                                                                "300.00")
    again.credits.set_typed(0, "108.42")
    written(qtbot, tab, again.accept)

    ended = dispute(case.case_id)
    assert ended.status == DisputeStatus.CREDITED
    note = CreditNote.get(CreditNote.number == "CN-D1")
    assert (note.amount_minor, ended.credit_note_id) == (108_42, note.id)
    bill = Invoice.get_by_id(bill.id)
    # The credit is set against the invoice; the 100.00 not credited is chased again.
    assert bill.open_minor == before - 108_42
    assert bill.status == InvoiceStatus.OPEN and claim_on(bill.id) == 0
    assert check_clean()
    assert page.notice_label.text() == (
        f"Dispute #{case.case_id} settled: credit note CN-D1 for 108.42 EUR posted to "
        f"Müller GmbH's account.")
    assert tab.current_case().status == DisputeStatus.CREDITED
    assert not tab.credit_action.isEnabled() and tab.note_action.isEnabled()


def test_rejecting_ends_the_case_with_its_reason_and_chases_again(page, qtbot):
    tab = tab_of(page)
    case = tab.current_case()
    tab.reject_action.trigger()
    dialog = dialog_of(qtbot, tab, ReasonDialog)
    dialog.accept()
    assert dialog.error_text() == "Say why, in a few words: it is kept with the record."
    dialog.reason_edit.setText("Delivery note signed as received in good order")
    written(qtbot, tab, dialog.accept)

    ended = dispute(case.case_id)
    assert (ended.status, ended.resolution) == (
        DisputeStatus.REJECTED, "Delivery note signed as received in good order")
    assert Invoice.get(Invoice.number == "INV-0000049").status == InvoiceStatus.OPEN
    assert page.notice_label.text().startswith(f"Dispute #{case.case_id} rejected")
    assert "Rejected on 24 Nov 2026" in tab.case_label.text()
    assert check_clean()


def test_a_withdrawn_dispute_is_recorded_as_the_customer_said(page, qtbot):
    tab = tab_of(page)
    case = tab.current_case()
    tab.withdraw_action.trigger()
    dialog = dialog_of(qtbot, tab, ReasonDialog)
    dialog.reason_edit.setText("Found the damage was theirs")
    written(qtbot, tab, dialog.accept)

    ended = dispute(case.case_id)
    assert (ended.status, ended.resolution) == (DisputeStatus.WITHDRAWN,
                                                "Found the damage was theirs")
    assert tab.cases.index(0, 6).data() == "Withdrawn"
    assert tab.cases.index(0, 5).data() == ""  # a closed case has no age
    assert check_clean()


def test_the_filters_show_open_closed_by_kind_and_by_customer(page, qtbot):
    tab = tab_of(page)
    closed = open_dispute(ASHWORTH, [(disputable_invoices(ASHWORTH)[0].id, None)],
                          category="price", customer_said="Old price list",
                          today=DEMO_TODAY)
    withdraw_dispute(closed, "Agreed after all", on=DEMO_TODAY)
    with qtbot.waitSignal(tab.loaded):
        tab.reload()
    assert tab.count_label.text() == "2 disputes"

    tab.state_combo.setCurrentIndex(OPEN)
    assert [r.customer_name for r in tab.cases.rows()] == ["Müller GmbH"]
    tab.state_combo.setCurrentIndex(CLOSED)
    assert [r.customer_name for r in tab.cases.rows()] == ["Ashworth Ltd"]
    assert tab.count_label.text() == "1 of 2 disputes shown"
    assert tab.current_case().case_id == closed
    tab.state_combo.setCurrentIndex(0)
    tab.category_combo.setCurrentIndex(tab.category_combo.findData(DisputeCategory.QUALITY))
    assert [r.customer_name for r in tab.cases.rows()] == ["Müller GmbH"]
    tab.category_combo.setCurrentIndex(0)
    tab.search_edit.setText("ashw")
    assert [r.customer_name for r in tab.cases.rows()] == ["Ashworth Ltd"]
    tab.search_edit.setText("C00004")
    assert [r.customer_name for r in tab.cases.rows()] == ["Müller GmbH"]
    tab.search_edit.setText("nobody")
    assert tab.cases.rowCount() == 0 and tab.current_case() is None
    assert not tab.reject_action.isEnabled() and tab.new_action.isEnabled()
    assert not page.open_customer_action.isEnabled()


def test_the_tab_actions_are_in_the_area_menu_with_their_own_keys(page):
    tab = tab_of(page)
    keys = [a.shortcut().toString() for a in tab.actions()]
    assert keys == ["Ctrl+Alt+N", "Ctrl+Alt+O", "Ctrl+Alt+F", "Ctrl+Alt+C", "Ctrl+Alt+J",
                    "Ctrl+Alt+W"]
    assert tab.actions() in page.menu_sections()
    others = {a.shortcut().toString() for section in page.menu_sections()
              for a in section if a not in tab.actions()}
    assert not others & set(keys)


def test_the_disputes_lists_are_sound_item_models(page, qtbot, qtmodeltester):
    tab = tab_of(page)
    qtmodeltester.check(tab.cases)
    qtmodeltester.check(tab.lines)
    qtmodeltester.check(tab.notes)
    tab.credit_action.trigger()
    dialog = dialog_of(qtbot, tab, DisputeCreditDialog)
    qtmodeltester.check(dialog.credits)
    dialog.reject()
    tab.new_action.trigger()
    new = dialog_of(qtbot, tab, DisputeDialog)
    new.choose_customer(HUGHES)
    qtbot.waitUntil(lambda: new.lines.rowCount() == 2)
    new.tick("INV-0000006", "10")
    qtmodeltester.check(new.lines)
    new.reject()


def check_clean() -> bool:
    """``check`` finds nothing wrong with the store."""
    problems = check_store()
    assert not problems, problems
    return True


def test_how_long_a_dispute_may_stay_open_is_set_on_the_tab(page, qtbot):
    tab = tab_of(page)
    assert tab.age_spin.value() == 30
    age = tab.cases.index(0, 5)
    assert age.data(Qt.ItemDataRole.ForegroundRole) is None  # 14 days of 30

    tab.age_spin.setValue(10)
    written(qtbot, tab, tab.age_spin.editingFinished.emit)

    assert dispute_age_days() == 10
    assert tab.cases.index(0, 5).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert page.notice_label.text() == ("Disputes open longer than 10 days are now flagged, "
                                        "and listed on Today.")
    assert [i.kind for i in worklist(DEMO_TODAY) if i.kind == DISPUTE_OPEN] == [DISPUTE_OPEN]
