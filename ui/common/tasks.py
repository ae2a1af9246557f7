"""Slow work off the GUI thread: the one helper every store task goes through.

A task is a plain function ``work(progress) -> result``; ``progress(done,
total)`` may be called from the worker as often as it likes. The function
runs in a pool thread inside ``models.db.known_errors``, and the thread's
store connection is closed before the outcome is reported, so the GUI never
acts on a result while a worker still holds the file. Outcomes and progress
come back by signal to the GUI thread; workers never touch widgets.

Reads run in parallel; writes run one at a time on their own pool (SQLite
has one writer). A progress dialog appears only when a labelled task is still
running after ``PROGRESS_DELAY_MS`` (Anki's habit: quick work shows nothing).
A :class:`~models.errors.Refusal` (bad input, a store, mail or keyring problem)
is shown in the user's words as its kind needs, anything else as a problem Duly
did not expect, unless the caller's ``on_failure`` handles it; a read the window made of
itself (no label, not a write) that lost the server's connection shows nothing: the
status bar says the connection is lost, and everything is read again once it is back
(``ui.window.store_care``).

A ``cancellable`` task's progress dialog has a Cancel button. The worker
learns of it at its next ``progress(done, total)`` call, which raises
:class:`TaskCancelled`, so work inside a ``writing()`` transaction rolls back;
the task then reports neither a result nor an error, only ``on_cancel``.
Work that finishes before it notices still reports its result: what it wrote
is written.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from models.changes import Changes
from models.errors import Refusal
from ui.common import messages
from ui.common.collector import give_back_memory

Progress = Callable[[int, int], None]

PROGRESS_DELAY_MS = 600
# Once no task has been running for this long, the memory they freed is handed back to
# the system (see ui.common.collector.give_back_memory).
GIVE_BACK_AFTER_MS = 500
# Progress calls closer together than this are not sent to the GUI thread.
_PROGRESS_INTERVAL_S = 0.05
CANCELLING_TEXT = "Stopping…"


class TaskCancelled(Exception):
    """Raised in the worker by ``progress(done, total)`` once the user has cancelled."""


class TaskProgress:
    """What a worker is handed: call it with ``(done, total)``; ask it whether the
    user has cancelled (for work that hands a ``cancelled()`` check further on)."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def __call__(self, done: int, total: int) -> None:
        """Report how far the work is; raises :class:`TaskCancelled` once cancelled."""
        self._task.report_progress(done, total)

    @property
    def cancelled(self) -> bool:
        """Whether the user has asked the work to stop."""
        return self._task.cancelled


Work = Callable[[TaskProgress], Any]


@dataclass(frozen=True)
class TaskFailure:
    """What went wrong in a worker: the exception and its formatted traceback."""

    error: BaseException
    details: str


class Task(QObject):
    """One piece of slow work; its outcome is handled in the GUI thread."""

    # Emitted from the worker thread; delivered queued to this GUI-thread object.
    _progressed = Signal(int, int)
    _succeeded = Signal(object)
    _failed = Signal(object)
    _stopped = Signal()

    ended = Signal()
    """The outcome has been handled (or the task was detached)."""

    def __init__(self, work: Work, *, window: QWidget, label: str | None,
                 on_success: Callable[[Any], None] | None,
                 on_failure: Callable[[BaseException], bool] | None,
                 store_path: Path | str | None, cancellable: bool = False,
                 on_cancel: Callable[[], None] | None = None,
                 interrupt: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._work = work
        self._window = window
        self._label = label
        self._on_success = on_success
        self._on_failure = on_failure
        self._store_path = store_path
        self._cancellable = cancellable
        self._on_cancel = on_cancel
        self._interrupt = interrupt
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self._progress: tuple[int, int] | None = None
        self._dialog: QProgressDialog | None = None
        self._cancel_button: QPushButton | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.detached = False
        self.superseded = False
        # A write's news, told even if superseded (given the write's result).
        self.written: Callable[[object], None] | None = None
        self.done = False
        self._progressed.connect(self._on_self_progressed)
        self._succeeded.connect(self._on_self_succeeded)
        self._failed.connect(self._on_self_failed)
        self._stopped.connect(self._on_self_stopped)

    @property
    def cancellable(self) -> bool:
        """Whether the user may cancel the work (its progress dialog has a Cancel button)."""
        return self._cancellable

    @property
    def cancelled(self) -> bool:
        """Whether the user has cancelled the work (safe to ask from any thread)."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report (a cancellable task only)."""
        if not self._cancellable or self.done or self._cancel.is_set():
            return
        self._cancel.set()
        if self._dialog is not None:
            self._dialog.setLabelText(CANCELLING_TEXT)
        if self._cancel_button is not None:
            self._cancel_button.setEnabled(False)  # deleting it inside its own click crashes

    def interrupt(self) -> None:
        """Stop the work at once, if it says how (it then ends early, its outcome to be
        ignored): the window is closing its store."""
        if self._interrupt is not None and not self.done:
            self._interrupt()

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress dialog, once the task has run long enough to show one."""
        return self._dialog

    def start_clock(self) -> None:
        """Start counting towards showing progress (labelled tasks only)."""
        if self._label is not None:
            self._timer.start()

    def supersede(self) -> None:
        """Let the work finish, but drop its outcome: a newer task answers instead.

        The task stays alive (and counted as running) until its worker reports,
        since the worker still sends its outcome to this object.
        """
        self.superseded = True

    def detach(self) -> None:
        """Forget this task: its outcome, if any still arrives, is ignored."""
        self.detached = True
        self._finish()

    # --- worker thread ---------------------------------------------------

    def run_in_worker(self) -> None:
        """The pool thread's entry point: run the work, then report its outcome."""
        # The store's module, on the worker: the window paints before it is imported.
        from models.db import close_thread_connection, known_errors

        try:
            try:
                with known_errors(self._store_path):
                    result = self._work(TaskProgress(self))
            finally:
                close_thread_connection()
        except TaskCancelled:
            self._stopped.emit()
        except Exception as exc:  # everything reaches the user, never a silent thread death
            self._failed.emit(TaskFailure(exc, traceback.format_exc()))
        else:
            self._succeeded.emit(result)

    def report_progress(self, done: int, total: int) -> None:
        """Send ``done`` of ``total`` to the GUI thread (not too often); raises
        :class:`TaskCancelled` once the user has cancelled. Called in the worker."""
        if self._cancel.is_set():
            raise TaskCancelled
        now = time.monotonic()
        if done >= total or now - self._last_progress >= _PROGRESS_INTERVAL_S:
            self._last_progress = now
            self._progressed.emit(done, total)

    # --- GUI thread ------------------------------------------------------

    @Slot(int, int)
    def _on_self_progressed(self, done: int, total: int) -> None:
        self._progress = (done, total)
        if self._dialog is not None:
            self._apply_progress()

    @Slot(object)
    def _on_self_succeeded(self, result: object) -> None:
        if self.detached:
            return
        self._finish()
        if not self.superseded and self._on_success is not None:
            self._on_success(result)
        if self.written is not None:
            self.written(result)

    @Slot(object)
    def _on_self_failed(self, failure: TaskFailure) -> None:
        if self.detached:
            return
        self._finish()
        if self.superseded:
            return
        handled = self._on_failure(failure.error) if self._on_failure is not None else False
        if handled:
            return
        from models.db import ServerUnreachable

        if isinstance(failure.error, ServerUnreachable) and self.written is None \
                and self._label is None:
            return  # a read of its own: the status bar says so, all is read again after
        if isinstance(failure.error, Refusal):
            messages.show_refusal(self._window, failure.error)
        else:
            messages.show_unexpected_error(self._window, failure.details)

    @Slot()
    def _on_self_stopped(self) -> None:
        if self.detached:
            return
        self._finish()
        if self._on_cancel is not None and not self.superseded:
            self._on_cancel()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Escape in the progress dialog cancels cancellable work and is ignored otherwise."""
        if (watched is self._dialog and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape):
            self.cancel()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self.done or self.detached:
            return
        dialog = QProgressDialog(self._window)
        dialog.setWindowTitle("Duly")
        dialog.setLabelText(CANCELLING_TEXT if self.cancelled else self._label or "")
        if self._cancellable:
            # Given as text (not a button of ours), so Escape cancels as well.
            dialog.setCancelButtonText("Cancel")
            self._cancel_button = dialog.findChild(QPushButton)
            if self._cancel_button is not None:
                self._cancel_button.setEnabled(not self.cancelled)
            # Cancel (or Escape) asks the worker to stop; the dialog stays until it has.
            dialog.canceled.disconnect(dialog.cancel)
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(360)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setRange(0, 0)  # busy until the worker reports a count
        # Escape reaches the dialog as a key press when it is not the active window
        # (QDialog would then just hide it while the work goes on): it cancels, or
        # does nothing for work that cannot be cancelled.
        dialog.installEventFilter(self)
        self._dialog = dialog
        self._apply_progress()
        dialog.show()

    def _apply_progress(self) -> None:
        assert self._dialog is not None
        if self._progress is not None and self._progress[1] > 0:
            done, total = self._progress
            self._dialog.setRange(0, total)
            self._dialog.setValue(min(done, total))

    def _finish(self) -> None:
        if self.done:
            return
        self.done = True
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
            self._cancel_button = None
        self.ended.emit()


class TaskRunner(QObject):
    """Runs the window's slow work: reads in parallel, writes one at a time.

    Every write says what it changed; once it has succeeded (and its own
    ``on_success`` has run), :attr:`changed` carries that to whoever follows
    the stream, with the object that asked for the write, which has already
    shown the outcome itself. A read given a ``latest`` key replaces the one
    still on its way with the same key: only the newest read's outcome counts.
    """

    changed = Signal(object, object)
    """A write succeeded: what it changed (:data:`models.changes.Changes`) and the
    object that ran it (None if it did not say)."""

    idle = Signal()
    """No task is left: the last one's outcome has been handled (and started none)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.read_pool = QThreadPool(self)
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self._tasks: set[Task] = set()
        self._latest: dict[object, Task] = {}
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(GIVE_BACK_AFTER_MS)
        self._quiet.timeout.connect(self._on_quiet_timeout)
        # Told once the last outcome's handler has run (it may start more work).
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._on_idle_timeout)
        # A window closed with work on its way (a preview still being built) ignores
        # its outcome: the widgets it would fill are gone. (The set, not self: the
        # runner is deleted with the window.)
        tasks = self._tasks
        window.destroyed.connect(lambda *_: _forsake(tasks))

    @property
    def busy(self) -> bool:
        """Whether any task has not yet had its outcome handled."""
        return bool(self._tasks)

    def run(self, work: Work, *, on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException], bool] | None = None,
            label: str | None = None, writes: bool = False,
            changes: Changes | Callable[[Any], Changes] | None = None,
            initiator: object = None,
            latest: object = None, store_path: Path | str | None = None,
            cancellable: bool = False, on_cancel: Callable[[], None] | None = None,
            interrupt: Callable[[], None] | None = None) -> Task:
        """Run ``work(progress)`` in the background and hand its result to ``on_success``.

        ``on_failure(error)`` may return True to say it has told the user
        itself; otherwise the error is shown in a message box. With a
        ``label``, a progress dialog appears if the work outlasts the delay;
        ``cancellable`` gives it a Cancel button, and a cancelled task calls
        only ``on_cancel``. A write (``writes``) says what it ``changes`` (or how
        to tell from its result: a write that may change nothing says so) and,
        optionally, its ``initiator``; a read with a ``latest`` key drops the
        outcome of the read still running under that key. ``interrupt`` (any thread)
        stops the work at once: :meth:`stop_all` calls it rather than wait for the end.
        """
        if writes and changes is None:
            raise ValueError("a write says what it changes")
        task = Task(work, window=self._window, label=label, on_success=on_success,
                    on_failure=on_failure, store_path=store_path, cancellable=cancellable,
                    on_cancel=on_cancel, interrupt=interrupt)
        if writes:
            task.written = lambda result: self._tell_changed(changes, result, initiator)
        if latest is not None:
            self.forget(latest)
            self._latest[latest] = task
        self._tasks.add(task)
        task.ended.connect(self._on_task_ended)
        task.start_clock()
        (self.write_pool if writes else self.read_pool).start(task.run_in_worker)
        return task

    def _tell_changed(self, changes: Changes | Callable[[Any], Changes], result: object,
                      initiator: object) -> None:
        changed = changes(result) if callable(changes) else changes
        if changed:
            self.changed.emit(changed, initiator)

    def forget(self, latest: object) -> None:
        """Drop the outcome of the read still running under the ``latest`` key, if any."""
        earlier = self._latest.pop(latest, None)
        if earlier is not None and not earlier.done:
            earlier.supersede()

    def stop_all(self) -> None:
        """Drop queued work, stop (or else wait for) running work, and ignore outcomes on
        their way.

        Called before the open store is closed, so no worker is left reading a
        store that is no longer the window's.
        """
        for pool in (self.read_pool, self.write_pool):
            pool.clear()
        for task in list(self._tasks):
            task.interrupt()
        for pool in (self.read_pool, self.write_pool):
            pool.waitForDone()
        for task in list(self._tasks):
            task.detach()
        self._tasks.clear()
        self._latest.clear()

    @Slot()
    def _on_task_ended(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._tasks.discard(task)
            for key in [k for k, held in self._latest.items() if held is task]:
                del self._latest[key]
        if not self._tasks:
            self._quiet.start()
            self._idle.start()

    @Slot()
    def _on_idle_timeout(self) -> None:
        if not self._tasks:
            self.idle.emit()

    @Slot()
    def _on_quiet_timeout(self) -> None:
        if not self._tasks:
            give_back_memory()


def _forsake(tasks: set[Task]) -> None:
    """Ignore the outcome of each task still on its way (its window is gone)."""
    for task in list(tasks):
        task.detached = True
    tasks.clear()
