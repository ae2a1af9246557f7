"""Settings › Schedule (issue 17): removing the nightly job from the window says what was
done, in words, also when there was none."""

from __future__ import annotations

import os
from pathlib import Path

from models.db import Store
from models.schedule import nightly_units, user_unit_folder
from tests.conftest import DEMO_TODAY
from ui.settings.settings_page import SettingsPage

TIMEOUT_MS = 10_000


def test_removing_the_nightly_job_says_there_was_none_then_removes_one(
        empty_store: Store, qtbot, show_page, window, runner, monkeypatch,
        tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PATH", str(tmp_path / "no programs"))  # no systemctl to ask
    page = show_page(SettingsPage(runner, lambda: DEMO_TODAY, window))
    section = page.schedule
    with qtbot.waitSignal(section.loaded, timeout=TIMEOUT_MS):
        page.reload()
    page.show_section("schedule")
    assert section.remove_button.isEnabled()
    section.remove_button.click()
    qtbot.waitUntil(lambda: section.install_label.text().startswith("There is no nightly"),
                    timeout=TIMEOUT_MS)
    folder = user_unit_folder()
    folder.mkdir(parents=True)
    for name, text in nightly_units(["duly"], empty_store.path).items():
        (folder / name).write_text(text)
    section.remove_button.click()
    qtbot.waitUntil(lambda: section.install_label.text() == "The nightly job is removed: "
                    "Duly will not run by itself any more.", timeout=TIMEOUT_MS)
    assert os.listdir(folder) == []
