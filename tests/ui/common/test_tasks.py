"""The task helper: work leaves the GUI thread; results, errors and progress come back."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from models import db
from models.customer_account import customer_list
from models.db import StoreReadOnly
from models.errors import LedgerError
from models.ledger import CustomerDraft, add_customer
from models.mail import MailError
from models.mail_password import KeyringUnavailable
from models.overview import store_overview
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common.messages import UNEXPECTED, ledger_refusal
from ui.common.tasks import CANCELLING_TEXT, PROGRESS_DELAY_MS, Task, TaskRunner


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


def test_a_sqlite_failure_of_the_users_store_becomes_a_store_error(runner, window,
                                                                   company_file, qtbot):
    other = sqlite3.connect(company_file)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program is writing

        def work(progress):
            with closing(sqlite3.connect(company_file, timeout=0)) as mine:
                mine.execute("BEGIN IMMEDIATE")

        runner.run(work)
        qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))
    finally:
        other.close()

    assert "another program is writing" in visible_message_boxes(window)[0].text()


@pytest.mark.parametrize(("refusal", "title", "hint"), [
    (MailError("login", "The mail server did not accept the user name or password."),
     "The e-mail could not be sent", "Settings › E-mail"),
    (KeyringUnavailable("locked", "The keyring is locked."),
     "Duly cannot keep the mail password", "never keeps the password in a plain file"),
    (LedgerError("amount", "The amount must be more than zero."), "Duly", ""),
])
def test_each_kind_of_refusal_is_told_in_its_own_way(runner, window, qtbot, refusal, title,
                                                      hint):
    def work(progress):
        raise refusal

    runner.run(work)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    box = visible_message_boxes(window)[0]
    assert (box.windowTitle(), box.text()) == (title, refusal.message)
    assert box.icon() == QMessageBox.Icon.Warning
    assert hint in box.informativeText()
    assert not box.detailedText()  # not shown as a bug


def test_a_write_form_re_asks_bad_input_but_leaves_a_mail_problem_to_the_window(
        runner, window, qtbot):
    re_asked: list[LedgerError] = []
    for error in (LedgerError("amount", "Enter an amount."), MailError("unreachable", "No.")):
        def work(progress, error=error):
            raise error

        runner.run(work, writes=True, changes=frozenset(),
                   on_failure=ledger_refusal(window, re_asked.append, always=lambda: None))
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    assert [e.field for e in re_asked] == ["amount"]
    assert visible_message_boxes(window)[0].windowTitle() == "The e-mail could not be sent"


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
        runner.run(first, writes=True, changes=frozenset())
        runner.run(second, writes=True, changes=frozenset())
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


def test_stopping_interrupts_work_that_says_how_instead_of_waiting_for_it(runner, qtbot):
    started, interrupted = threading.Event(), threading.Event()
    results = []

    def work(progress):
        started.set()
        interrupted.wait(30)  # the work ends only when interrupted
        return "late"

    task = runner.run(work, on_success=results.append, interrupt=interrupted.set)
    assert started.wait(5)
    runner.stop_all()
    QCoreApplication.processEvents()

    assert interrupted.is_set()
    assert results == []
    assert task.detached and not runner.busy


def test_the_runner_is_idle_once_the_last_outcome_has_been_handled(runner, qtbot):
    told = []
    runner.idle.connect(lambda: told.append(("idle", runner.busy)))

    def first_done(result):  # the handler starts more work: not idle yet
        told.append(result)
        runner.run(lambda progress: "second", on_success=told.append)

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(lambda progress: "first", on_success=first_done)
    QCoreApplication.processEvents()

    assert told == ["first", "second", ("idle", False)]


# --- cancelling -------------------------------------------------------------------

def cancel_button(qtbot, task: Task) -> QPushButton:
    """The Cancel button of the task's progress dialog, once the dialog shows."""
    qtbot.waitUntil(lambda: task.progress_dialog is not None
                    and task.progress_dialog.isVisible(), timeout=5000)
    buttons = task.progress_dialog.findChildren(QPushButton)
    assert [b.text() for b in buttons] == ["Cancel"]
    return buttons[0]


def test_a_task_that_cannot_be_cancelled_shows_no_cancel_button(runner, qtbot):
    release = threading.Event()

    def work(progress):
        release.wait(30)

    task = runner.run(work, label="Checking the store…")
    try:
        qtbot.waitUntil(lambda: task.progress_dialog is not None
                        and task.progress_dialog.isVisible(), timeout=5000)
        assert task.progress_dialog.findChildren(QPushButton) == []
        assert not task.cancellable
    finally:
        release.set()
    qtbot.waitUntil(lambda: not runner.busy)


def test_cancel_stops_the_work_at_its_next_progress_and_reports_nothing(
        runner, window, qtbot):
    release = threading.Event()
    reached = []
    outcomes = []

    def work(progress):
        progress(1, 3)
        release.wait(30)
        reached.append(progress.cancelled)
        progress(2, 3)  # raises: the user cancelled
        reached.append("after the cancel")
        return "finished"

    task = runner.run(work, label="Building the statement…", cancellable=True,
                      on_success=lambda r: outcomes.append(("success", r)),
                      on_failure=lambda e: outcomes.append(("failure", e)) or True,
                      on_cancel=lambda: outcomes.append("cancelled"))
    try:
        button = cancel_button(qtbot, task)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert task.cancelled
        # The dialog stays, saying so, until the worker has stopped.
        assert task.progress_dialog.isVisible()
        assert task.progress_dialog.labelText() == CANCELLING_TEXT
        assert not button.isEnabled()
    finally:
        release.set()
    qtbot.waitUntil(lambda: bool(outcomes))

    assert outcomes == ["cancelled"]
    assert reached == [True]
    assert task.done and task.progress_dialog is None and not runner.busy
    assert not visible_message_boxes(window)


def test_escape_in_the_progress_dialog_cancels_too(runner, qtbot):
    release = threading.Event()
    cancelled = []

    def work(progress):
        release.wait(30)
        progress(1, 1)

    task = runner.run(work, label="Printing…", cancellable=True,
                      on_cancel=lambda: cancelled.append(True))
    try:
        cancel_button(qtbot, task)
        qtbot.keyClick(task.progress_dialog, Qt.Key.Key_Escape)
        assert task.cancelled
    finally:
        release.set()
    qtbot.waitUntil(lambda: cancelled == [True])


def test_a_cancelled_write_is_rolled_back(runner, window, company_file, qtbot):
    store = db.open_store(company_file)
    try:
        release = threading.Event()
        cancelled = []

        def work(progress):
            with db.writing():
                for number in range(1, 4):
                    add_customer(CustomerDraft(code=f"C{number:05}", name=f"Customer {number}",
                                               currency="EUR"))
                    progress(number, 3)
                    release.wait(30)

        task = runner.run(work, writes=True, changes=frozenset(), label="Importing customers…",
                          cancellable=True,
                          on_cancel=lambda: cancelled.append(True))
        try:
            qtbot.mouseClick(cancel_button(qtbot, task), Qt.MouseButton.LeftButton)
        finally:
            release.set()
        qtbot.waitUntil(lambda: cancelled == [True])

        assert customer_list(DEMO_TODAY) == []
        assert not visible_message_boxes(window)
    finally:
        store.close()


def test_work_that_finishes_before_it_notices_the_cancel_reports_its_result(runner, qtbot):
    release = threading.Event()
    results = []
    cancelled = []

    def work(progress):
        release.wait(30)
        return "written"

    task = runner.run(work, label="Recording…", cancellable=True, on_success=results.append,
                      on_cancel=lambda: cancelled.append(True))
    try:
        task.cancel()
    finally:
        release.set()
    qtbot.waitUntil(lambda: bool(results))

    assert results == ["written"] and cancelled == []


def test_an_error_after_a_cancel_is_still_shown(runner, window, qtbot):
    release = threading.Event()

    def work(progress):
        release.wait(30)
        raise RuntimeError("disk gone")

    task = runner.run(work, cancellable=True, on_cancel=lambda: None)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    assert "RuntimeError: disk gone" in visible_message_boxes(window)[0].detailedText()


def test_escape_leaves_the_progress_of_work_that_cannot_be_cancelled(runner, qtbot):
    release = threading.Event()
    done = []

    def work(progress):
        release.wait(30)

    task = runner.run(work, label="Checking the store…", on_success=done.append)
    try:
        qtbot.waitUntil(lambda: task.progress_dialog is not None
                        and task.progress_dialog.isVisible(), timeout=5000)
        qtbot.keyClick(task.progress_dialog, Qt.Key.Key_Escape)
        assert task.progress_dialog.isVisible() and not task.cancelled
    finally:
        release.set()
    qtbot.waitUntil(lambda: done == [None])


def test_only_the_newest_read_of_a_kind_is_answered(runner, qtbot):
    # An older answer still on its way (e.g. a count read before a write) never
    # overwrites the newer one, and its worker ends safely after it was superseded.
    release = threading.Event()
    answers = []

    def older(progress):
        release.wait(30)
        return "older"

    try:
        runner.run(older, latest="count", on_success=answers.append)
        runner.run(lambda progress: "newer", latest="count", on_success=answers.append)
        qtbot.waitUntil(lambda: answers == ["newer"])
    finally:
        release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert answers == ["newer"]


def test_a_write_tells_what_it_changed_and_who_asked(runner, qtbot):
    asker = object()
    with qtbot.waitSignal(runner.changed) as told:
        runner.run(lambda progress: None, writes=True, changes=frozenset({"money"}),
                   initiator=asker)
    assert told.args == [frozenset({"money"}), asker]
    with pytest.raises(ValueError):
        runner.run(lambda progress: None, writes=True)  # a write must say what it changes


def test_a_write_that_may_change_nothing_tells_only_what_it_did(runner, qtbot):
    told: list[object] = []
    runner.changed.connect(lambda what, _who: told.append(what))
    settled: list[object] = []

    def changed_if(result):
        return frozenset({"contacts"}) if result else frozenset()

    runner.run(lambda progress: 0, writes=True, changes=changed_if, on_success=settled.append)
    runner.run(lambda progress: 2, writes=True, changes=changed_if, on_success=settled.append)
    qtbot.waitUntil(lambda: len(settled) == 2 and not runner.busy)

    assert told == [frozenset({"contacts"})]  # the first changed nothing: no one reads again


def test_work_that_ends_after_its_window_closed_touches_nothing(qtbot):
    import shiboken6
    from PySide6.QtWidgets import QLabel

    window = QWidget()
    label = QLabel(window)
    runner = TaskRunner(window)
    runner.run(lambda progress: "filled", on_success=label.setText)
    runner.read_pool.waitForDone()  # its outcome is on its way, not yet delivered
    shiboken6.delete(window)  # closed meanwhile: the label is gone
    with qtbot.captureExceptions() as raised:
        QCoreApplication.processEvents()  # the outcome arrives, and is ignored
    assert raised == []



def _resident_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="glibc keeps what each thread freed in that thread's own pool")
def test_memory_a_task_freed_is_handed_back_once_no_task_runs(runner, qtbot):
    kept: list[bytes] = []

    def work(_progress) -> None:  # a big read: most of it freed, a little kept
        rows = [bytes(600) + i.to_bytes(4, "little") for i in range(250_000)]
        kept.extend(rows[::50])  # what a list keeps, scattered through the freed rest

    before = _resident_mib()
    runner.run(work)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    held = _resident_mib()
    assert held - before > 60  # the freed rows' memory is still the process's
    qtbot.waitUntil(lambda: _resident_mib() < held - 60, timeout=5000)
    assert len(kept) == 5_000
