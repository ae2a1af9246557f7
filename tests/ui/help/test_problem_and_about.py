"""Help → Report a Problem opens the folder with the log file and says, in plain words,
what to send; About names the versions and where the company's file is."""

from __future__ import annotations

import platform
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QObject, QUrl, Slot, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from models import log_file as logs
from ui import VERSION
from ui.common import messages


class FileManager(QObject):
    """Stands where the desktop's file manager would: the folders it was asked to open.

    Qt's own hook for file URLs (``QDesktopServices.setUrlHandler``), so the test opens
    no real file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        """Record the folder asked for."""
        self.opened.append(Path(url.toLocalFile()))


@pytest.fixture
def file_manager() -> Iterator[FileManager]:
    """Opening a folder goes here for the test."""
    manager = FileManager()
    QDesktopServices.setUrlHandler("file", manager, "open_url")
    yield manager
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    """The window logs into the test's folder, as it would into the user log folder."""
    folder = tmp_path / "state" / "Duly" / "log"
    logs.start_log_file(folder)
    yield folder
    logs.stop_log_file()


def test_report_a_problem_opens_the_log_folder_and_says_what_to_send(
        open_window, demo_file, file_manager, log_folder):
    window = open_window(demo_file)
    messages.show_unexpected_error(window, "Traceback (most recent call last):\n  boom")

    window.help.report_action.trigger()

    assert file_manager.opened == [log_folder]
    box = window.findChild(QMessageBox, "reportProblem")
    assert box is not None and box.isVisible()
    words = box.informativeText()
    assert str(log_folder / "duly.log") in words
    assert "What you were doing" in words and "duly.log" in words
    assert "Traceback" not in box.text() + words
    # What went wrong is in the file the user is asked to send.
    assert "Traceback (most recent call last):\n  boom" in (
        log_folder / "duly.log").read_text(encoding="utf-8")


def test_report_a_problem_makes_the_log_folder_if_nothing_was_logged_yet(
        open_window, file_manager, log_folder):
    window = open_window()

    window.help.report_action.trigger()

    assert log_folder.is_dir() and file_manager.opened == [log_folder]


def test_about_names_the_versions_and_the_company_file(open_window, demo_file):
    window = open_window(demo_file)

    window.about_action.trigger()

    about = window.findChild(QMessageBox, "about")
    assert about is not None and about.isVisible()
    words = about.informativeText()
    assert f"Duly {VERSION}" in about.text() + words
    for version in (f"Qt {qVersion()}", f"PySide6 {PySide6.__version__}",
                    f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"):
        assert version in words
    assert str(demo_file.absolute()) in words


def test_about_on_the_welcome_page_says_no_company_is_open(open_window):
    window = open_window()

    window.about_action.trigger()

    assert "No company is open." in window.findChild(QMessageBox, "about").informativeText()
