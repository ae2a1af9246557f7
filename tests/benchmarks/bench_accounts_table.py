"""The Accounts table at 10k rows: sorting and filtering in the model against plain Python.

The rows are every account of the 10k-customer, 1M-invoice demo store. Each
measurement alternates Duly and its baseline (``sorted()`` or a list
comprehension over the same rows) so that the shared machine's noise falls
on both alike; medians are reported. Target: at most 2x.

"Cold" is the first sort or filter after new rows arrive (the model builds
its keys then); "warm" is every later one. "+ view" is the same with a
QTableView showing the model, as on the page.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

from models.accounts import AccountRow, overdue_accounts
from tests.benchmarks.common import BIG_TODAY, big_store, median, report

RUNS = 9
QUERIES = ("ltd", "son", "c0012", "gmbh", "zzz")


def load_rows() -> tuple[list[AccountRow], float]:
    """Every account of the big store (include_all) and the seconds the list took."""
    from models.db import open_store

    store = open_store(big_store())
    try:
        started = time.perf_counter()
        rows = overdue_accounts(BIG_TODAY, today=BIG_TODAY, include_all=True)
        return rows, time.perf_counter() - started
    finally:
        store.close()


def _timed(action: Callable[[], Any]) -> float:
    """Milliseconds ``action`` took."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _never_first(day: dt.date | None) -> int:
    return -1 if day is None else day.toordinal()


def _baseline_keys() -> dict[str, tuple[int, Callable[[AccountRow], Any]]]:
    """Columns to sort by, with the raw value the baseline sorts the same rows by."""
    from ui.accounts.accounts_model import (
        COLUMN_CUSTOMER,
        COLUMN_DAYS,
        COLUMN_LAST_CONTACT,
        COLUMN_OVERDUE,
    )

    return {
        "overdue": (COLUMN_OVERDUE, lambda r: r.overdue_minor),
        "customer name": (COLUMN_CUSTOMER, lambda r: r.name.casefold()),
        "days late": (COLUMN_DAYS, lambda r: r.oldest_days_overdue),
        "last contact": (COLUMN_LAST_CONTACT, lambda r: _never_first(r.last_contact_on)),
    }


def measure_sorts(rows: list[AccountRow], with_view: bool) -> list[str]:
    """Sorting by several columns, cold and warm, against ``sorted()``."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from ui.accounts.accounts_model import AccountsModel

    lines = []
    suffix = " + view" if with_view else ""
    for name, (column, key) in _baseline_keys().items():
        cold, warm, baseline = [], [], []
        for run in range(RUNS):
            model = AccountsModel()
            view = None
            if with_view:
                view = QTableView()
                view.setModel(model)
                view.resize(1000, 600)
                view.show()
            model.set_rows(rows, BIG_TODAY)
            order = Qt.SortOrder.DescendingOrder if run % 2 else Qt.SortOrder.AscendingOrder
            other = (Qt.SortOrder.AscendingOrder if order == Qt.SortOrder.DescendingOrder
                     else Qt.SortOrder.DescendingOrder)
            baseline.append(_timed(lambda k=key, r=run: sorted(rows, key=k, reverse=r % 2 == 1)))
            cold.append(_timed(lambda m=model, c=column, o=order: m.sort(c, o)))
            baseline.append(_timed(lambda k=key, r=run: sorted(rows, key=k, reverse=r % 2 == 0)))
            warm.append(_timed(lambda m=model, c=column, o=other: m.sort(c, o)))
            if view is not None:
                view.deleteLater()
        base = median(baseline)
        lines.append(report(f"sort {len(rows):,} accounts by {name}, cold{suffix}",
                            median(cold), base, unit="ms"))
        lines.append(report(f"sort {len(rows):,} accounts by {name}, warm{suffix}",
                            median(warm), base, unit="ms"))
    return lines


def measure_filters(rows: list[AccountRow], with_view: bool) -> list[str]:
    """Filtering by text, cold and warm, against a list comprehension."""
    from PySide6.QtWidgets import QTableView

    from ui.accounts.accounts_model import AccountFilter, AccountsModel

    def plain(text: str) -> list[AccountRow]:
        return [r for r in rows if text in r.name.casefold() or text in r.code.casefold()]

    suffix = " + view" if with_view else ""
    cold, warm, baseline = [], [], []
    for _run in range(RUNS):
        model = AccountsModel()
        view = None
        if with_view:
            view = QTableView()
            view.setModel(model)
            view.resize(1000, 600)
            view.show()
        model.set_rows(rows, BIG_TODAY)
        for number, text in enumerate(QUERIES):
            baseline.append(_timed(lambda t=text: plain(t)))
            times = cold if number == 0 else warm
            times.append(_timed(lambda m=model, t=text: m.set_filter(AccountFilter(text=t))))
        if view is not None:
            view.deleteLater()
    base = median(baseline)
    return [report(f"filter {len(rows):,} accounts by text, cold{suffix}", median(cold), base,
                   unit="ms"),
            report(f"filter {len(rows):,} accounts by text, warm{suffix}", median(warm), base,
                   unit="ms")]


def main() -> list[str]:
    """Measure and print each ratio."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    rows, seconds = load_rows()
    print(f"overdue_accounts(include_all=True) on the big store: {len(rows):,} accounts "
          f"in {seconds:.2f} s (off the GUI thread in the window)", flush=True)
    lines = []
    for with_view in (False, True):
        lines += measure_sorts(rows, with_view)
        lines += measure_filters(rows, with_view)
        app.processEvents()
    return lines


if __name__ == "__main__":
    main()
