"""The task helper: work leaves the GUI thread; results, errors and progress come back."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from models import db
from models.db import StoreReadOnly
from models.overview import store_overview
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.messages import UNEXPECTED
from ui.tasks import PROGRESS_DELAY_MS, TaskRunner


@pytest.fixture
def window(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def runner(window):
    runner = TaskRunner(window)
    yield runner
    runner.stop_all()


def test_work_runs_off_the_gui_thread_and_its_result_comes_back_on_it(runner, qtbot):
    worker_threads = []
    results = []

    def work(progress):
        worker_threads.append(threading.get_ident())
        return 42

    runner.run(work, on_success=lambda r: results.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(results))

    assert results == [(42, threading.get_ident())]
    assert worker_threads and worker_threads[0] != threading.get_ident()
    assert not runner.busy


def test_a_store_error_is_shown_in_the_users_words(runner, window, qtbot):
    def work(progress):
        raise StoreReadOnly(Path("shop.sqlite"), "shop.sqlite is read-only.")

    runner.run(work)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    box = visible_message_boxes(window)[0]
    assert box.text() == "shop.sqlite is read-only."
    assert box.icon() == QMessageBox.Icon.Warning


def test_a_sqlite_failure_of_the_users_disk_becomes_a_store_error(runner, window, qtbot):
    def work(progress):
        raise sqlite3.OperationalError("database is locked")

    runner.run(work)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    assert "another program is writing" in visible_message_boxes(window)[0].text()


def test_an_unexpected_error_is_reported_with_its_details(runner, window, qtbot):
    def work(progress):
        raise RuntimeError("invoice 1043 has no customer")

    runner.run(work)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    box = visible_message_boxes(window)[0]
    assert box.text() == UNEXPECTED
    assert box.icon() == QMessageBox.Icon.Critical
    assert "RuntimeError: invoice 1043 has no customer" in box.detailedText()


def test_a_caller_that_handles_the_failure_gets_no_message_box(runner, window, qtbot):
    handled = []

    def work(progress):
        raise ValueError("bad")

    runner.run(work, on_failure=lambda error: handled.append(error) or True)
    qtbot.waitUntil(lambda: bool(handled))

    assert isinstance(handled[0], ValueError)
    assert not visible_message_boxes(window)


def test_progress_shows_only_when_the_work_outlasts_the_delay(runner, window, qtbot):
    release = threading.Event()
    results = []

    def work(progress):
        progress(3, 10)
        release.wait(30)
        return "done"

    started = time.monotonic()
    task = runner.run(work, label="Creating the demo company…", on_success=results.append)
    try:
        assert task.progress_dialog is None
        qtbot.waitUntil(lambda: task.progress_dialog is not None
                        and task.progress_dialog.isVisible(), timeout=5000)
        assert time.monotonic() - started >= PROGRESS_DELAY_MS / 1000 * 0.9
        dialog = task.progress_dialog
        assert dialog.labelText() == "Creating the demo company…"
        qtbot.waitUntil(lambda: (dialog.value(), dialog.maximum()) == (3, 10))
    finally:
        release.set()
    qtbot.waitUntil(lambda: results == ["done"])
    assert task.progress_dialog is None


def test_quick_work_shows_no_progress(runner, window, qtbot):
    results = []

    task = runner.run(lambda progress: "quick", label="Counting…", on_success=results.append)
    qtbot.waitUntil(lambda: bool(results))

    assert task.done and task.progress_dialog is None


def test_writes_run_one_at_a_time(runner, qtbot):
    events = []
    release = threading.Event()

    def first(progress):
        events.append("first started")
        release.wait(30)
        events.append("first ended")

    def second(progress):
        events.append("second started")

    assert runner.write_pool.maxThreadCount() == 1
    try:
        runner.run(first, writes=True)
        runner.run(second, writes=True)
        qtbot.waitUntil(lambda: "first started" in events)
        assert "second started" not in events
    finally:
        release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert events == ["first started", "first ended", "second started"]


def test_a_worker_closes_its_store_connection_when_done(runner, company_file, qtbot):
    store = db.open_store(company_file)
    try:
        results = []
        runner.run(lambda progress: store_overview(DEMO_TODAY), on_success=results.append)
        qtbot.waitUntil(lambda: bool(results))
    finally:
        store.close()

    # The last connection to close removes the write-ahead log; a worker that
    # kept its connection would leave it behind.
    assert not Path(f"{company_file}-wal").exists()


def test_stopping_drops_outcomes_still_on_their_way(runner, window, qtbot):
    results = []

    task = runner.run(lambda progress: "late", on_success=results.append)
    runner.stop_all()  # the work has finished; its result is queued for delivery
    QCoreApplication.processEvents()

    assert results == []
    assert task.detached and not runner.busy
