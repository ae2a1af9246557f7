"""The window's memory on the 10k-customer, 1M-invoice store after visiting every area
(issue 21): at most 250 MiB.

Opens a migrated copy of the big store (``DULY_BIG_STORE``, or one made in a temporary
folder), shows each area of the navigation in turn and waits until everything it reads
has come in (no task left running), then reports the process's resident memory after
each area, at the end, and its peak; beside them the same figures for a bare window
(PySide6 with a ``QMainWindow`` and a ``QTableView``, in a process of its own), the
part no Python program showing a Qt window can avoid. Run in its own process: the
peak is the process's high-water mark.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.benchmarks.common import BIG_TODAY, load_average, migrated_big_store  # noqa: E402

TARGET_MIB = 250
SETTLE_TIMEOUT_S = 300
QUIET_ROUNDS = 80  # of 10 ms: longer than the window waits before giving memory back

_BARE = """
import os, resource, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1200, 780)
window.show()
for _ in range(20):
    app.processEvents()
print(resident_mib(), peak_mib())
"""


def resident_mib() -> float:
    """The process's resident memory now (VmRSS), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mib() -> float:
    """The process's highest resident memory so far (VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settle(app: QApplication, window: object) -> float:
    """Run the event loop until no task of the window is left running; the seconds."""
    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < SETTLE_TIMEOUT_S:
        app.processEvents()
        busy = window.tasks.busy  # type: ignore[attr-defined]
        quiet = 0 if busy else quiet + 1
        # A finished read may start another (a list's classes); once quiet, the window
        # hands freed memory back (ui.common.tasks.GIVE_BACK_AFTER_MS): waited for too.
        if quiet >= QUIET_ROUNDS:
            break
        time.sleep(0.01)
    return time.monotonic() - started


def bare_window() -> tuple[float, float]:
    """A bare window's resident and peak memory, in a process of its own (MiB)."""
    source = "import os\n" + _resident_source() + _BARE
    out = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ), check=True)
    now, peak = out.stdout.split()
    return float(now), float(peak)


def _resident_source() -> str:
    return ("def _status(key):\n"
            "    for line in open('/proc/self/status', encoding='ascii'):\n"
            "        if line.startswith(key):\n"
            "            return int(line.split()[1]) / 1024\n"
            "def resident_mib():\n"
            "    return _status('VmRSS:')\n"
            "def peak_mib():\n"
            "    return _status('VmHWM:')\n")


def _detail(window: object, say: object) -> None:
    """What the resident memory is made of (DULY_MEMORY_DETAIL=1): Python's own objects
    after a collection, and what freeing the C library's unused memory gives back."""
    import ctypes
    import gc

    gc.collect()
    say(f"  after a garbage collection: resident {resident_mib():.0f} MiB")  # type: ignore[operator]
    import tracemalloc

    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        say(f"  Python's objects (tracemalloc): {current / 2**20:.0f} MiB now, "  # type: ignore[operator]
            f"{peak / 2**20:.0f} MiB at the peak")
        for stat in tracemalloc.take_snapshot().statistics("lineno")[:25]:
            say(f"    {stat}")  # type: ignore[operator]
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    say(f"  after malloc_trim: resident {resident_mib():.0f} MiB")  # type: ignore[operator]


def main() -> list[str]:
    """Visit every area on the big store and print the memory after each."""
    from ui.window.app import create_application
    from ui.window.areas import AREAS
    from ui.window.main_window import MainWindow

    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    if os.environ.get("DULY_MEMORY_DETAIL") == "trace":
        import tracemalloc

        tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="duly-bench-") as folder:
        store = migrated_big_store(Path(folder))
        app = create_application([])
        settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store_path=store, settings=settings, today=BIG_TODAY)
        window.resize(1200, 780)
        window.show()
        started = dt.datetime.now()
        for area in AREAS:
            window.show_area(area.key)
            seconds = _settle(app, window)
            say(f"{area.title}: shown and read in {seconds:.1f} s, resident "
                f"{resident_mib():.0f} MiB, peak {peak_mib():.0f} MiB")
        for area in AREAS:  # a second round: what is kept does not grow
            window.show_area(area.key)
            _settle(app, window)
        resident, peak = resident_mib(), peak_mib()
        if os.environ.get("DULY_MEMORY_DETAIL"):
            _detail(window, say)
        window.close()
        app.processEvents()
    bare_now, bare_peak = bare_window()
    say(f"window on the big store after every area, twice round "
        f"({(dt.datetime.now() - started).total_seconds():.0f} s): resident {resident:.0f} MiB, "
        f"peak {peak:.0f} MiB (target {TARGET_MIB} MiB); bare window {bare_now:.0f} MiB "
        f"resident, {bare_peak:.0f} MiB peak")
    say(f"load average {load_average()}")
    return lines


if __name__ == "__main__":
    main()
