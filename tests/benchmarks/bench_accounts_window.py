"""The Accounts area on the 10k-customer, 1M-invoice store, measured in the window.

Reports the time from choosing a new as-of date to the list on show (the
page's own 300 ms pause after a date stops changing is reported apart), and
the window process's peak memory. Run in its own process: memory is the
process's high-water mark.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from tests.benchmarks.common import BIG_TODAY, big_store  # noqa: E402

RUNS = 5
PAST = (dt.date(2026, 6, 30), dt.date(2026, 3, 31))


def _wait_for(signal, timeout_ms: int = 60_000) -> None:  # noqa: ANN001 - a Qt signal
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def main() -> list[str]:
    """Open the window, then time as-of changes until each list is shown."""
    from ui.window.app import create_application
    from ui.window.main_window import MainWindow

    path = big_store()
    app = create_application([])
    # A throwaway file: Qt saves settings by replacing the file, so never /dev/null.
    settings_dir = tempfile.mkdtemp(prefix="duly-bench-")
    settings = QSettings(os.path.join(settings_dir, "settings.ini"),
                         QSettings.Format.IniFormat)
    window = MainWindow(store_path=path, settings=settings, today=BIG_TODAY)
    window.show()
    _wait_for(window.store_opened)  # the store opens once the window has painted
    page = window.page("accounts")
    started = time.perf_counter()
    window.show_area("accounts")
    _wait_for(page.accounts_loaded)
    first = time.perf_counter() - started
    timings: dict[str, list[float]] = {"today": [], "past": []}
    for _ in range(RUNS):
        for label, day in (("past", PAST[0]), ("today", BIG_TODAY), ("past", PAST[1])):
            started = time.perf_counter()
            page.set_as_of(day)
            _wait_for(page.accounts_loaded)
            timings[label].append(time.perf_counter() - started)
    rows = page.model.rowCount()
    window.close()
    app.processEvents()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"accounts area first shown (10k customers, 1M invoices): {first:.3f} s, {rows} rows",
        f"as-of date chosen -> list shown, today: median "
        f"{statistics.median(timings['today']):.3f} s; past date: median "
        f"{statistics.median(timings['past']):.3f} s (plus the page's 0.3 s pause "
        f"after a date stops changing in the date box)",
        f"window process peak memory: {peak:,.0f} MiB",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
