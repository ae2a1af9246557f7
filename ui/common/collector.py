"""Python's cycle collector, run on the GUI thread only.

Left to itself, Python collects cycles in whichever thread happens to allocate
when a threshold is crossed, a worker thread included. A Qt object caught in a
cycle is then destroyed on that worker while the GUI thread may be delivering
its timer event, and the program crashes (seen in the window's tests: a
segmentation fault in ``QTimerInfoList::activateTimers`` while a worker read
the store). Automatic collection is therefore switched off while the window
lives, and the same generational thresholds are checked from a timer on the GUI
thread (the approach calibre's ``GarbageCollector`` takes).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    """Collects cycles on the GUI thread each second, as Python would have when due.

    :meth:`stop` gives collection back to Python.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)

    def collect_if_due(self) -> None:
        """Collect the generations whose counts have passed their thresholds."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=False)):
            if threshold and count > threshold:
                generation = level
            else:
                break
        if generation >= 0:
            gc.collect(generation)

    def stop(self) -> None:
        """Stop the timer, collect once here, and let Python collect by itself again."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


_trim: Callable[[int], int] | None = None
_trim_looked_up = False


def give_back_memory() -> None:
    """Hand the memory Python and SQLite have freed back to the system, where the C
    library keeps it otherwise: glibc holds what each worker thread freed in that
    thread's own pool, and after a big read (a list of 10,000 customers' classes)
    that is tens of MiB the window no longer uses. Does nothing where there is no
    ``malloc_trim`` (macOS, Windows, musl), whose allocators give memory back alone."""
    global _trim, _trim_looked_up
    if not _trim_looked_up:
        _trim_looked_up = True
        # Not at the top: it brings subprocess, which the first paint need not wait for.
        import ctypes.util

        name = ctypes.util.find_library("c")
        try:
            _trim = ctypes.CDLL(name).malloc_trim if name else None
        except (OSError, AttributeError):
            _trim = None
    if _trim is not None:
        _trim(0)
