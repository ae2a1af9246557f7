"""Settings › Customer classes (issue 18): the thresholds each class is drawn with, shown
with their meaning, saved through the store, and a refusal shown at its field."""

from __future__ import annotations

import os

from models.customer_class import ClassThresholds, class_thresholds
from models.db import Store
from tests.conftest import DEMO_TODAY
from ui.settings.settings_page import SettingsPage

LOAD_TIMEOUT_MS = 10_000


def _page(qtbot, show_page, window, runner) -> SettingsPage:
    page = show_page(SettingsPage(runner, lambda: DEMO_TODAY, window))
    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    page.show_section("classes")
    return page


def test_the_thresholds_are_shown_with_their_meaning_and_saved(
        empty_store: Store, qtbot, show_page, window, runner) -> None:
    page = _page(qtbot, show_page, window, runner)
    section = page.classes
    assert page.section_widget() is section
    assert section.chosen() == ClassThresholds()  # Duly's own, none chosen yet
    words = " ".join(label.text() for label in section.findChildren(type(page.notice_label)))
    for meaning in ("Reliable", "Pays on time, or nearly.", "On time for at least",
                    "Recurring late payer", "At risk", "Broken promises or defaulted plans:"):
        assert meaning in words
    assert section.spins["reliable_percent"].suffix() == " %"
    if os.environ.get("DULY_SCREENSHOTS"):
        window.grab().save(os.environ["DULY_SCREENSHOTS"] + "/customer-classes.png")
    section.spins["reliable_percent"].setValue(95)
    section.spins["on_time_days"].setValue(7)
    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        section.save_button.click()
    assert page.notice_label.text() == "Customer class thresholds saved."
    assert class_thresholds() == ClassThresholds(reliable_percent=95, on_time_days=7)
    assert section.spins["reliable_percent"].value() == 95  # read back as saved


def test_thresholds_that_do_not_hold_together_are_refused_at_their_field(
        empty_store: Store, qtbot, show_page, window, runner) -> None:
    page = _page(qtbot, show_page, window, runner)
    section = page.classes
    section.spins["recurring_percent"].setValue(95)  # above a reliable customer's 90 %
    section.save_button.click()
    qtbot.waitUntil(lambda: section.error_label.text() != "", timeout=LOAD_TIMEOUT_MS)
    assert section.error_label.text() == (
        "The on-time share below which a customer is a recurring late payer cannot be "
        "above the share a reliable customer keeps.")
    assert section.spins["recurring_percent"].hasFocus()
    assert class_thresholds() == ClassThresholds()  # nothing saved
    section.defaults_button.click()
    assert section.chosen() == ClassThresholds() and section.error_label.text() == ""
