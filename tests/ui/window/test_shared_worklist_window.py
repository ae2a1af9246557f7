"""The window's readers of Today's list: the navigation's count, the status bar and the
Today page show one list, worked out once per change of the store."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.today import FOLLOW_UP, worklists_worked_out

LEFT = Qt.MouseButton.LeftButton


def _settled(window, today) -> bool:
    """The page's list and the navigation's count are both in, and agree."""
    return (today.list_date() is not None and not today.is_loading()
            and window.nav_badge("today") == f"{len(today.items()):,}"
            and not window.tasks.busy)


def test_the_count_the_status_bar_and_the_page_share_one_list(open_window, demo_file, qtbot):
    before = worklists_worked_out()
    window = open_window(demo_file)
    today = window.page("today")
    qtbot.waitUntil(lambda: _settled(window, today), timeout=20000)
    # Opening settles the day (the demo's promises and plans: nothing to change on its
    # day), then reads the list once for the page, the count and the status bar together.
    assert worklists_worked_out() == before + 1
    assert window.badge_summary().startswith(f"{len(today.items()):,} to do")

    # A write (a follow-up marked done) is followed by the list worked out once more,
    # for all three, and none of them shows the item any longer.
    follow_up = next(item for item in today.items() if item.kind == FOLLOW_UP)
    today.table.selectRow(today.model.position_of((follow_up.kind, follow_up.ref_id)))
    count = len(today.items())
    worked_out = worklists_worked_out()
    with qtbot.waitSignal(today.worklist_changed, timeout=10000):
        today.done_action.trigger()
    qtbot.waitUntil(lambda: _settled(window, today), timeout=20000)
    assert (follow_up.kind, follow_up.ref_id) not in {(i.kind, i.ref_id) for i in today.items()}
    assert len(today.items()) == count - 1
    assert window.nav_badge("today") == f"{count - 1:,}"
    assert worklists_worked_out() == worked_out + 1


def test_a_day_whose_settling_writes_still_works_the_list_out_once(
        demo_file, settings, own_store_path, qtbot):
    # A month on, promises have broken: opening records them, and only then is the list
    # worked out, by the page, for the count too (the count waits for the page's reads,
    # rather than work out the list from before the day was settled).
    import datetime as dt
    import sqlite3

    from tests.conftest import DEMO_TODAY
    from ui.window.main_window import MainWindow

    def open_promises() -> int:
        with sqlite3.connect(demo_file) as store:
            return store.execute("SELECT COUNT(*) FROM promise WHERE status = 'open'").fetchone()[0]

    open_before = open_promises()
    before = worklists_worked_out()
    window = MainWindow(store_path=demo_file, own_store_path=own_store_path, settings=settings,
                        today=DEMO_TODAY + dt.timedelta(days=30))
    qtbot.addWidget(window)
    window.show()
    today = window.page("today")
    qtbot.waitUntil(lambda: _settled(window, today), timeout=20000)

    assert open_promises() < open_before  # settling the day wrote
    assert worklists_worked_out() == before + 1
    assert window.badge_summary().startswith(f"{len(today.items()):,} to do")


def test_the_status_bar_figures_come_after_the_first_pages_list(open_window, demo_file, qtbot):
    # The status bar's figures are read once the page the window opened on has its list:
    # read beside it, they took the interpreter from it on a big book.
    seen: list[bool] = []
    window = open_window(demo_file)
    today = window.page("today")
    assert window.overview is None
    window.overview_loaded.connect(lambda _overview: seen.append(today.list_date() is not None))
    qtbot.waitUntil(lambda: _settled(window, today) and window.overview is not None,
                    timeout=20000)
    assert seen == [True]
    assert window.status.counts.text() != "Counting invoices…"
