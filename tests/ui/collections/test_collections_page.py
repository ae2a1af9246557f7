"""The Collections area in the window: reached from the navigation (Ctrl+6), one tab
each for disputes, referrals, write-offs and claims."""

from __future__ import annotations

from ui.collections.collections_page import CollectionsPage


def test_ctrl_6_opens_collections_with_a_tab_for_each_part(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    go = next(a for a in window.go_actions if a.text() == "&Collections")
    assert go.shortcut().toString() == "Ctrl+6"
    go.trigger()
    qtbot.waitUntil(lambda: window.current_area().key == "collections")
    page = window.page("collections")
    assert isinstance(page, CollectionsPage)
    assert [page.tabs.tabText(n) for n in range(page.tabs.count())] == [
        "Disputes", "Referrals", "Write-offs", "Claims"]
    page.show_section("Write-offs")
    assert page.current_tab().title == "Write-offs"


def test_open_customer_and_a_double_click_open_the_chosen_rows_account(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.show_area("collections", "Referrals")
    page = window.page("collections")
    tab = page.current_tab()
    qtbot.waitUntil(lambda: tab.table.model().rowCount() > 0, timeout=20000)

    tab.table.selectRow(0)
    chosen = tab.current_customer_id()
    assert chosen is not None and page.open_customer_action.isEnabled()
    with qtbot.waitSignal(page.customer_requested) as opened:
        page.open_customer_action.trigger()
    assert opened.args == [chosen]
    with qtbot.waitSignal(page.customer_requested) as opened:
        tab.table.doubleClicked.emit(tab.table.model().index(0, 0))
    assert opened.args == [chosen]
    qtbot.waitUntil(lambda: window.current_area().key == "customers")
