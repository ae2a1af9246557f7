"""The Today page as a user meets it: the morning's worklist, worked through, and the notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from models.contacts import ContactEntry, log_contact, record_promise, search_notes
from models.customer_account import customer_invoices
from models.note_search import MATCH_END, MATCH_START
from models.schema import Promise
from models.today import (
    FOLLOW_UP,
    PROMISE_BROKEN,
    WorkItem,
    worklist,
    worklist_summary,
)
from tests.conftest import DEMO_TODAY
from ui.common.reason_dialog import ReasonDialog
from ui.common.style import WARNING
from ui.contacts.contact_dialog import LogContactDialog
from ui.today.note_search_model import HTML_ROLE, NoteSearchModel, plain_snippet, snippet_html
from ui.today.snooze_dialog import SnoozeDialog
from ui.today.today_page import TodayPage
from ui.today.worklist_model import WorklistModel
from ui.window.areas import area_index

LOAD_TIMEOUT_MS = 10_000
DAY = dt.timedelta(days=1)
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def make_page(qtbot, show_page, window, runner, settings) -> Callable[[], TodayPage]:
    """A page filling ``window``, shown, not yet loaded."""

    def make() -> TodayPage:
        page = show_page(TodayPage(runner, lambda: DEMO_TODAY, window, settings=settings))
        return page

    return make


@pytest.fixture
def page(qtbot, demo_store, make_page) -> TodayPage:
    """The page on the demo company, with today's list loaded."""
    page = make_page()
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page


def keys(items: list[WorkItem]) -> list[tuple[str, int]]:
    return [(item.kind, item.ref_id) for item in items]


def select(qtbot, page: TodayPage, item: WorkItem) -> None:
    """Click the item's row, as the user would."""
    index = page.model.index(page.model.position_of((item.kind, item.ref_id)),
                             WorklistModel.CUSTOMER)
    assert index.isValid()
    page.table.scrollTo(index)
    qtbot.mouseClick(page.table.viewport(), LEFT, pos=page.table.visualRect(index).center())
    assert page.current_item() == item


def open_dialog(qtbot, page: TodayPage, kind: type) -> object:
    def found() -> list:
        return [d for d in page.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()))
    return found()[0]


def set_list_date(qtbot, page: TodayPage, day: dt.date) -> None:
    """Set the "Show the list for" field to ``day`` and wait for that day's list."""
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.date_edit.setDate(QDate(day.year, day.month, day.day))
    assert page.list_date() == day


# --- the models ---------------------------------------------------------------------

def test_both_models_are_sound_item_models(demo_store, qtmodeltester):
    work = WorklistModel()
    work.set_rows(worklist(DEMO_TODAY))
    notes = NoteSearchModel()
    notes.set_rows(search_notes("promised"))
    for model in (work, notes):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
        model.sort(1, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model, force_py=True)


def test_the_worklist_keeps_its_most_pressing_first_order_until_sorted(demo_store):
    items = worklist(DEMO_TODAY)
    model = WorklistModel()
    model.set_rows(items)
    assert model.rows() == items
    model.sort(WorklistModel.WAITING, Qt.SortOrder.DescendingOrder)
    waits = [row.days_waiting for row in model.rows()]
    assert waits == sorted(waits, reverse=True)
    model.sort(WorklistModel.WHAT, Qt.SortOrder.AscendingOrder)
    assert model.rows() == items


def test_note_snippets_are_escaped_and_their_matches_bold():
    snippet = f"Paid <i>half</i> & {MATCH_START}promised{MATCH_END} the rest"
    assert plain_snippet(snippet) == "Paid <i>half</i> & promised the rest"
    assert snippet_html(snippet) == \
        "Paid &lt;i&gt;half&lt;/i&gt; &amp; <b>promised</b> the rest"


# --- the list -----------------------------------------------------------------------

def test_the_page_shows_todays_work_most_pressing_first_with_its_summary(page):
    expected = worklist(DEMO_TODAY)
    assert keys(page.items()) == keys(expected)
    assert page.items()[0].kind == PROMISE_BROKEN
    assert worklist_summary(expected) in page.heading_label.text()
    assert page.heading_label.text().startswith("Tue 24 Nov 2026")
    # The first item is selected, ready for Done, Snooze or Dismiss.
    assert page.current_item() == expected[0]
    assert page.done_action.isEnabled()


def test_a_summary_too_long_for_the_page_ends_in_an_ellipsis_with_the_whole_in_its_tip(
        qtbot, page):
    page.resize(420, 500)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(page.heading_label.is_elided)
    page.heading_label.repaint()  # the tooltip follows the text shown
    assert page.heading_label.toolTip() == page.heading_label.text()
    assert page.heading_label.width() <= page.width()


def test_broken_promises_stand_out_in_the_warning_colour(page):
    model = page.model
    broken = model.position_of(next(keys([i]) for i in page.items()
                                     if i.kind == PROMISE_BROKEN)[0])
    follow_up = model.position_of(next(keys([i]) for i in page.items()
                                       if i.kind == FOLLOW_UP)[0])
    what = WorklistModel.WHAT
    paint = model.data(model.index(broken, what), Qt.ItemDataRole.ForegroundRole)
    assert paint.color() == QColor(WARNING)
    assert model.data(model.index(follow_up, what), Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(broken, what).data() == "Broken promise"


def test_a_follow_up_due_on_an_earlier_day_is_still_listed(qtbot, demo_store, make_page):
    # Duly was closed on the day the follow-up fell due: it is there today, saying how late.
    customer = worklist(DEMO_TODAY)[0].customer_id
    at = dt.datetime.combine(DEMO_TODAY - 10 * DAY, dt.time(11))
    contact = log_contact(customer, ContactEntry(
        kind="call", occurred_at=at, summary="Asked for the remittance advice",
        follow_up_on=DEMO_TODAY - 5 * DAY), now=at)
    page = make_page()
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.reload()

    row = page.model.position_of((FOLLOW_UP, contact))
    assert row >= 0
    assert page.model.index(row, WorklistModel.WAITING).data() == "5 days"
    assert page.model.index(row, WorklistModel.SINCE).data() == "19 Nov 2026"
    assert "Asked for the remittance advice" in \
        page.model.index(row, WorklistModel.DETAILS).data()


def test_a_promise_broken_while_duly_was_closed_is_settled_and_listed(
        qtbot, demo_store, make_page):
    invoice, customer = next(
        (row, item.customer_id) for item in reversed(worklist(DEMO_TODAY))
        for row in customer_invoices(item.customer_id, DEMO_TODAY) if row.open_minor > 0)
    made = dt.datetime.combine(DEMO_TODAY - 20 * DAY, dt.time(9))
    promise = record_promise(customer, amount_minor=invoice.open_minor,
                             promised_for=DEMO_TODAY - 10 * DAY, invoice_ids=[invoice.id],
                             now=made)
    assert Promise.get_by_id(promise).status == "open"

    page = make_page()
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.reload()

    assert Promise.get_by_id(promise).status == "broken"
    assert page.model.position_of((PROMISE_BROKEN, promise)) >= 0


def test_done_takes_the_item_off_and_selects_the_next(qtbot, page):
    items = page.items()
    target, after = items[4], items[5]
    select(qtbot, page, target)

    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(page.table, Qt.Key.Key_D, CTRL)

    assert (target.kind, target.ref_id) not in keys(page.items())
    assert len(page.items()) == len(items) - 1
    assert page.current_item() == after
    assert keys(worklist(DEMO_TODAY)) == keys(page.items())
    # Done for good: a later day's list does not bring it back either.
    assert (target.kind, target.ref_id) not in keys(worklist(DEMO_TODAY + 30 * DAY))


def test_a_snoozed_item_leaves_the_list_and_is_back_on_its_day(qtbot, page):
    target = next(i for i in page.items() if i.kind == FOLLOW_UP)
    select(qtbot, page, target)

    qtbot.keyClick(page.table, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = open_dialog(qtbot, page, SnoozeDialog)
    assert dialog.until_text() == (DEMO_TODAY + DAY).isoformat()  # tomorrow by default
    qtbot.mouseClick(dialog.next_week_button, LEFT)
    until = DEMO_TODAY + 7 * DAY
    assert dialog.until_text() == until.isoformat()
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.snooze_button, LEFT)

    assert (target.kind, target.ref_id) not in keys(page.items())
    set_list_date(qtbot, page, until - DAY)
    assert (target.kind, target.ref_id) not in keys(page.items())
    set_list_date(qtbot, page, until)
    assert (target.kind, target.ref_id) in keys(page.items())
    assert page.heading_label.text().startswith("Looking ahead to Tue 1 Dec 2026")


def test_a_snooze_to_today_is_refused_at_the_date(qtbot, page):
    target = page.items()[0]
    page.snooze_action.trigger()
    dialog = open_dialog(qtbot, page, SnoozeDialog)
    dialog.until_edit.selectAll()
    qtbot.keyClicks(dialog.until_edit, DEMO_TODAY.isoformat())
    qtbot.mouseClick(dialog.snooze_button, LEFT)

    assert dialog.isVisible()
    assert "after today" in dialog.error_text("until")
    qtbot.mouseClick(dialog.tomorrow_button, LEFT)
    assert dialog.error_text("until") == ""
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.snooze_button, LEFT)
    assert (target.kind, target.ref_id) not in keys(page.items())
    assert (target.kind, target.ref_id) in keys(worklist(DEMO_TODAY + DAY))


def test_dismiss_asks_why_and_takes_the_item_off_for_good(qtbot, page):
    target = page.items()[-1]
    select(qtbot, page, target)

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    dialog = open_dialog(qtbot, page, ReasonDialog)
    qtbot.mouseClick(dialog.confirm_button, LEFT)
    assert dialog.isVisible() and dialog.error_text()
    qtbot.keyClicks(dialog.reason_edit, "Paid by cheque, in the post")
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.confirm_button, LEFT)

    assert (target.kind, target.ref_id) not in keys(page.items())
    set_list_date(qtbot, page, DEMO_TODAY + 3 * DAY)
    assert (target.kind, target.ref_id) not in keys(page.items())


def test_enter_on_an_item_asks_for_its_customer(qtbot, page):
    target = page.items()[2]
    select(qtbot, page, target)
    with qtbot.waitSignal(page.customer_requested,
                          check_params_cb=lambda cid: cid == target.customer_id):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.current_customer_id() == target.customer_id


def test_a_coming_day_can_be_looked_at_and_today_comes_back(qtbot, page):
    ahead = DEMO_TODAY + 7 * DAY
    set_list_date(qtbot, page, ahead)
    assert keys(page.items()) == keys(worklist(ahead))
    assert page.today_button.isEnabled()

    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(page.today_button, LEFT)
    assert page.list_date() == DEMO_TODAY
    assert keys(page.items()) == keys(worklist(DEMO_TODAY))
    assert not page.today_button.isEnabled()


def test_an_empty_day_says_there_is_nothing_to_do(qtbot, empty_store, make_page):
    page = make_page()
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    assert page.items() == []
    assert page.body.currentWidget() is not page.table
    assert "Nothing to do today" in page.message_label.text()
    assert page.heading_label.text().endswith("Nothing to do today")
    assert not page.done_action.isEnabled()


# --- the note search ----------------------------------------------------------------

def test_a_note_search_finds_the_note_and_opens_its_customer(qtbot, page):
    expected = search_notes("promised")
    assert expected

    page.search_action.trigger()
    assert page.search_edit.hasFocus()
    with qtbot.waitSignal(page.notes_found, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClicks(page.search_edit, "promised")

    assert page.notes.rows() == expected
    assert page.note_results.label.text().startswith(f"{len(expected)} notes match")
    first = page.notes.index(0, NoteSearchModel.NOTE)
    assert MATCH_START not in first.data()
    assert "<b>promised</b>" in page.notes.data(first, HTML_ROLE)
    # The search is the latest thing done: its first note is the one in hand.
    assert page.current_customer_id() == expected[0].customer_id

    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    assert page.results_table.hasFocus()
    qtbot.keyClick(page.results_table, Qt.Key.Key_Down)
    with qtbot.waitSignal(page.customer_requested, timeout=1000,
                          check_params_cb=lambda cid: cid == expected[1].customer_id):
        qtbot.keyClick(page.results_table, Qt.Key.Key_Return)


def test_a_note_the_user_just_logged_is_found(qtbot, page):
    customer = page.items()[0].customer_id
    at = dt.datetime.combine(DEMO_TODAY, dt.time(9, 30))
    log_contact(customer, ContactEntry(kind="call", occurred_at=at,
                                       summary="Spoke to <Ms Quayle> about the pallets"),
                now=at)
    with qtbot.waitSignal(page.notes_found, timeout=LOAD_TIMEOUT_MS):
        page.search("pallets quayle")

    [hit] = page.notes.rows()
    assert hit.customer_id == customer
    html = page.notes.data(page.notes.index(0, NoteSearchModel.NOTE), HTML_ROLE)
    assert "&lt;Ms <b>Quayle</b>&gt;" in html and "<b>pallets</b>" in html


def test_escape_clears_the_search_and_hides_the_results(qtbot, page):
    with qtbot.waitSignal(page.notes_found, timeout=LOAD_TIMEOUT_MS):
        page.search("zzzz-nothing-like-it")
    assert page.notes.rowCount() == 0
    assert page.note_results.label.text() == "No notes match “zzzz-nothing-like-it”"
    page.focus_search()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Escape)
    assert page.search_edit.text() == ""
    assert page.search_text() == ""
    assert not page.results_table.isVisible()
    assert page.current_customer_id() == page.items()[0].customer_id


def test_clear_forgets_the_list_and_the_search(qtbot, page):
    with qtbot.waitSignal(page.notes_found, timeout=LOAD_TIMEOUT_MS):
        page.search("promised")
    page.clear()
    assert page.items() == [] and page.notes.rowCount() == 0
    assert page.current_customer_id() is None
    assert page.list_date() is None


# --- in the window ------------------------------------------------------------------

def today_shown(window, qtbot) -> TodayPage:
    """Go to Today and wait for its list."""
    page = window.page("today")
    if page.list_date() is None:
        qtbot.waitUntil(lambda: page.list_date() is not None, timeout=LOAD_TIMEOUT_MS)
    window.show_area("today")
    return page


def log_dialog_for(qtbot, window) -> LogContactDialog:
    def found() -> list[LogContactDialog]:
        return [d for d in window.findChildren(LogContactDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=LOAD_TIMEOUT_MS)
    return found()[0]


def dialog_words(dialog: QWidget) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_the_count_and_summary_show_at_start_whichever_area_is_shown(
        open_window, demo_file, settings, qtbot):
    settings.setValue("window/area", "accounts")
    window = open_window(demo_file)
    expected = worklist(DEMO_TODAY)

    qtbot.waitUntil(lambda: window.badge_summary() != "", timeout=LOAD_TIMEOUT_MS)
    assert window.current_area().key == "accounts"
    assert window.badge_summary() == worklist_summary(expected)
    assert window.badge_summary().startswith("30 to do: 4 broken promises")
    assert window.nav_badge("today") == str(len(expected))
    assert window.nav_badge("accounts") == ""
    # Read by the window itself: the Today page has not been built.
    assert not isinstance(window.pages.widget(area_index("today")), TodayPage)


def test_work_done_in_today_lowers_the_count(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(window, qtbot)
    before = len(page.items())
    qtbot.waitUntil(lambda: window.nav_badge("today") == str(before), timeout=LOAD_TIMEOUT_MS)

    select(qtbot, page, page.items()[0])
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(page.table, Qt.Key.Key_D, CTRL)

    # The write's changes reach the navigation's count too.
    qtbot.waitUntil(lambda: window.nav_badge("today") == str(before - 1),
                    timeout=LOAD_TIMEOUT_MS)
    assert window.badge_summary() == worklist_summary(worklist(DEMO_TODAY))
    # Ctrl+D is Done here, never the Customers area's Dispute Invoice.
    assert not [d for d in window.findChildren(ReasonDialog) if d.isVisible()]


def test_looking_ahead_leaves_todays_count_alone(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(window, qtbot)
    qtbot.waitUntil(lambda: window.nav_badge("today") != "", timeout=LOAD_TIMEOUT_MS)
    count = window.nav_badge("today")
    set_list_date(qtbot, page, DEMO_TODAY + 7 * DAY)
    assert len(page.items()) != int(count)
    assert window.nav_badge("today") == count


def test_enter_on_an_item_opens_the_customer_in_the_customers_area(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(window, qtbot)
    target = page.items()[1]
    select(qtbot, page, target)

    customers = window.page("customers")
    with qtbot.waitSignal(customers.account_loaded, timeout=LOAD_TIMEOUT_MS,
                          check_params_cb=lambda cid: cid == target.customer_id):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.current_area().key == "customers"
    assert customers.header.name == target.customer_name


def test_ctrl_l_logs_a_contact_with_the_customer_in_hand_in_today_and_accounts(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(window, qtbot)
    target = page.items()[3]
    select(qtbot, page, target)
    assert window.log_contact_action.isEnabled()
    assert not window.area_menu("customers").isEnabled()  # the action answers all the same

    qtbot.keyClick(page.table, Qt.Key.Key_L, CTRL)
    dialog = log_dialog_for(qtbot, window)
    assert f"{target.customer_name} ({target.customer_code})" in dialog_words(dialog)
    dialog.reject()
    with qtbot.waitActive(window):
        window.activateWindow()

    with qtbot.waitSignal(window.page("accounts").accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        window.show_area("accounts")
    accounts = window.page("accounts")
    account = accounts.model.visible_rows()[2]
    accounts.table.setFocus()
    accounts.table.setCurrentIndex(accounts.model.index(2, 0))
    assert window.current_customer_id() == account.customer_id
    qtbot.keyClick(accounts.table, Qt.Key.Key_L, CTRL)
    dialog = log_dialog_for(qtbot, window)
    assert f"{account.name} ({account.code})" in dialog_words(dialog)
    dialog.reject()


def test_log_contact_waits_for_a_customer_in_hand(open_window, company_file, qtbot):
    window = open_window(company_file)
    page = today_shown(window, qtbot)
    assert page.items() == []
    assert not window.log_contact_action.isEnabled()
    window.show_area("insights")
    assert window.current_customer_id() is None
    assert not window.log_contact_action.isEnabled()


def test_work_done_on_a_coming_days_list_still_lowers_todays_count(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(window, qtbot)
    qtbot.waitUntil(lambda: window.nav_badge("today") != "", timeout=LOAD_TIMEOUT_MS)
    count = int(window.nav_badge("today"))
    set_list_date(qtbot, page, DEMO_TODAY + 3 * DAY)
    select(qtbot, page, page.items()[0])  # a broken promise, on today's list too

    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.done_action.trigger()

    qtbot.waitUntil(lambda: window.nav_badge("today") == str(count - 1),
                    timeout=LOAD_TIMEOUT_MS)


def test_every_today_action_has_a_shortcut_and_a_menu_entry(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = today_shown(window, qtbot)
    assert window.area_menu("today").isEnabled()
    in_menu = [a for a in window.area_menu("today").actions() if not a.isSeparator()]
    for action in (*page.actions_for_menu(), window.log_contact_action):
        assert action in in_menu
        assert not action.shortcut().isEmpty(), action.text()
    assert window.log_contact_action in window.area_menu("customers").actions()
    window.show_area("insights")
    assert not window.area_menu("today").isEnabled()


def test_opening_today_with_no_promise_to_settle_leaves_the_other_areas_as_they_are(
        page, runner, qtbot):
    told: list[object] = []
    runner.changed.connect(lambda what, _who: told.append(what))
    with qtbot.waitSignal(page.worklist_changed, timeout=LOAD_TIMEOUT_MS):
        page.reload()  # the fixture's load settled what was due: nothing is left

    assert told == []
