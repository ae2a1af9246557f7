"""The window as used daily on a 1,280×800 screen: nothing a user needs hides."""

from __future__ import annotations


def _at_1280(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    return window


def test_a_hint_in_the_status_bar_never_covers_its_labels(open_window, demo_file, qtbot):
    window = _at_1280(open_window, demo_file, qtbot)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    bar = window.statusBar()
    labels = [window._status_business, window._status_counts, window._status_overdue,
              window._status_today]

    # What hovering a menu item does: its status tip goes to the status bar.
    bar.showMessage("Record money received from this customer")
    qtbot.waitUntil(lambda: bar.hint.isVisible())

    assert bar.hint.text() == "Record money received from this customer"
    assert all(label.isVisible() for label in labels)
    for label in labels:
        assert not bar.hint.geometry().intersects(label.geometry())
    assert window.status_texts()[0] == "Harbour & Finch Ltd"

    bar.clearMessage()
    qtbot.waitUntil(lambda: not bar.hint.isVisible())
