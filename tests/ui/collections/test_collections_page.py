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
