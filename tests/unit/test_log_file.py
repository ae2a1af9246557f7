"""Duly's log file: what went wrong is written where Report a Problem finds it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import log_file as logs


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    """The log written into the test's folder; stopped after it."""
    folder = tmp_path / "state" / "log"
    yield folder
    logs.stop_log_file()


def test_errors_are_written_to_the_log_file_in_its_folder(log_folder):
    path = logs.start_log_file(log_folder)
    logging.getLogger("models.mail_password").warning("The keyring is locked")
    logging.getLogger("duly").error("Unexpected error\n%s", "Traceback: boom")

    assert path == log_folder / logs.LOG_FILE_NAME == logs.log_file()
    text = path.read_text(encoding="utf-8")
    assert "WARNING models.mail_password: The keyring is locked" in text
    assert "ERROR duly: Unexpected error\nTraceback: boom" in text


# pytest-qt's own hook would fail the test for the error it is shown.
@pytest.mark.qt_no_exception_capture
def test_an_uncaught_error_is_written_to_the_log_with_its_details(log_folder):
    path = logs.start_log_file(log_folder)
    try:
        raise ZeroDivisionError("the ledger divided by nothing")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # as Python calls it for an error nobody caught

    text = path.read_text(encoding="utf-8")
    assert "Uncaught error" in text
    assert "ZeroDivisionError: the ledger divided by nothing" in text


def test_stopping_the_log_leaves_the_file_and_python_as_they_were(log_folder):
    hook = sys.excepthook
    path = logs.start_log_file(log_folder)
    logging.getLogger("duly").error("first")
    logs.stop_log_file()
    logging.getLogger("duly").error("after the log stopped")

    assert "after the log stopped" not in path.read_text(encoding="utf-8")
    assert sys.excepthook is hook
    assert logs.log_file() == logs.default_log_folder() / logs.LOG_FILE_NAME


def test_the_log_is_rotated_at_a_megabyte_with_three_old_files_kept(log_folder):
    # So that a session writing errors in a loop never fills the disk.
    path = logs.start_log_file(log_folder)
    line = "x" * 999
    for _ in range(5_000):  # about 5 MB
        logging.getLogger("duly").warning(line)

    files = sorted(p.name for p in log_folder.iterdir())
    assert files == [logs.LOG_FILE_NAME] + [f"{logs.LOG_FILE_NAME}.{n}" for n in (1, 2, 3)]
    assert all(p.stat().st_size <= 1_000_000 for p in log_folder.iterdir())
    assert line in path.read_text(encoding="utf-8")
