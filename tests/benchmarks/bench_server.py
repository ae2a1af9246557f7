"""Duly on a PostgreSQL server beside Duly on the SQLite file, in one run (issue 22).

The two stores hold the same books: the demo generator's 10,000 customers and
1,000,000 invoices, seed 2026, as of 24 November 2026, made by the same command on
each engine (``main.py --db TARGET demo ...``; the run prints each one's counts and
totals, and each answer's digest, so that a difference shows).

- The server: a throwaway cluster (``tests/postgres_server.py``) with room for the
  store in memory (``SETTINGS``) and, as for the tests, no syncs (fsync off): what is
  measured is reading and the clients' contention, not the disk's flushes. Or the
  store ``DULY_BENCH_SERVER=postgresql://…`` names (made once by ``python -m
  tests.benchmarks.bench_server serve``, which leaves its cluster running).
- The file: ``DULY_BIG_STORE`` (a copy of the big store at this version's schema), or
  else a migrated copy of ``bench-stores/``'s.

Each side runs in its own process with its store open, and the parent asks each in
turn for one timed run of each case (run by run, interleaved): today's overdue list
and its hand-written floor on the same server (the same aggregate as
``bench_accounts``'s floor), the Today worklist and the follow-up plan. Medians of wall
time. Then clients recording payments through ``models.ledger.record_payment`` (what
the window's Record Payment calls), each its own process and connection, on a copy of
the server's store (``CREATE DATABASE … TEMPLATE``): one client alone, then ten at once,
each paying its own customers and, one payment in four, customers every client pays.
Throughput, median and 95th-percentile time per payment, refusals, and ``check`` on the
copy afterwards. The load average is printed with each figure: the machine is shared.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tests.benchmarks.bench_accounts import TODAY_SQL
from tests.benchmarks.common import (
    BIG_CUSTOMERS,
    BIG_INVOICES,
    BIG_TODAY,
    ROOT,
    load_average,
    median,
    migrated_big_store,
)

RUNS = 9
CLIENTS = 10
PAYMENTS = 40  # by each client
SHARED = 4  # customers every client pays, one payment in four
# A server with room for the store in memory, as an office server would be given.
SETTINGS = ("-c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=256MB "
            "-c max_wal_size=4GB -c checkpoint_timeout=30min")
# The floor on the server: bench_accounts' aggregate in PostgreSQL's parameter style.
SERVER_TODAY_SQL = TODAY_SQL.replace(":d0", "%(d0)s").replace(":d30", "%(d30)s") \
    .replace(":d60", "%(d60)s").replace(":d90", "%(d90)s")
BOOKS_SQL = ("SELECT (SELECT COUNT(*) FROM customer), (SELECT COUNT(*) FROM invoice), "
             "(SELECT SUM(amount_minor) FROM invoice), (SELECT SUM(open_minor) FROM invoice), "
             "(SELECT COUNT(*) FROM payment), (SELECT SUM(amount_minor) FROM payment), "
             "(SELECT COUNT(*) FROM allocation), (SELECT COUNT(*) FROM interaction)")


def _days(as_of: dt.date) -> dict[str, dt.date]:
    return {f"d{n}": as_of - dt.timedelta(days=n) for n in (0, 30, 60, 90)}


def _digest(result: object) -> str:
    """A short digest of an answer (its repr: every field of every row)."""
    return hashlib.sha256(repr(result).encode()).hexdigest()[:12]


def _size(result: object) -> str:
    if isinstance(result, list):
        return f"{len(result):,} rows"
    due, skipped = getattr(result, "due", ()), getattr(result, "skipped", ())
    return f"{len(due):,} due, {len(skipped):,} held back"


# --- one side: a process with its store open ------------------------------------------

def _cases(target: str) -> dict[str, Callable[[], object]]:
    """What a side can be asked to run, on the store open in this process."""
    from models.accounts import overdue_accounts
    from models.followup import follow_up_plan
    from models.today import worklist

    cases: dict[str, Callable[[], object]] = {
        "overdue": lambda: overdue_accounts(BIG_TODAY, today=BIG_TODAY),
        "today": lambda: worklist(BIG_TODAY),
        "plan": lambda: follow_up_plan(BIG_TODAY),
    }
    if target.startswith("postgresql://"):
        import psycopg

        raw = psycopg.connect(target, autocommit=True)
        days = _days(BIG_TODAY)
        cases["floor"] = lambda: raw.execute(SERVER_TODAY_SQL, days).fetchall()
        cases["books"] = lambda: raw.execute(BOOKS_SQL).fetchone()
    else:
        file = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        text_days = {name: day.isoformat() for name, day in _days(BIG_TODAY).items()}
        cases["floor"] = lambda: file.execute(TODAY_SQL, text_days).fetchall()
        cases["books"] = lambda: file.execute(BOOKS_SQL).fetchone()
    return cases


def _side(target: str, pipe: Connection) -> None:
    """Serve timed runs of the cases on the store at ``target`` until told to stop."""
    from models.db import open_store

    store = open_store(target if target.startswith("postgresql://") else Path(target),
                       check_later=True)
    try:
        cases = _cases(target)
        pipe.send("ready")
        while (name := pipe.recv()) is not None:
            work = cases[name]
            gc.collect()  # what the runs before left is no run's cost
            started = time.perf_counter()
            result = work()
            seconds = time.perf_counter() - started
            pipe.send((seconds, _size(result), _digest(result), result if name == "books"
                       else None))
    finally:
        store.close()


class _Side:
    """A side's process, asked for one run at a time."""

    def __init__(self, name: str, target: str) -> None:
        self.name = name
        self._pipe, theirs = mp.get_context("spawn").Pipe()
        self._process = mp.get_context("spawn").Process(target=_side, args=(target, theirs))
        self._process.start()
        if self._pipe.recv() != "ready":
            raise RuntimeError(f"the {name} side did not start")

    def run(self, case: str) -> tuple[float, str, str, Any]:
        """One timed run of ``case``: seconds, size, digest (and the books' figures)."""
        self._pipe.send(case)
        answer: tuple[float, str, str, Any] = self._pipe.recv()
        return answer

    def close(self) -> None:
        """End the side's process."""
        self._pipe.send(None)
        self._process.join()


def _interleaved(sides: list[_Side], cases: list[str]) -> dict[tuple[str, str], list[float]]:
    """Every case on every side, in turn, RUNS times (one untimed warming run first)."""
    for side in sides:
        for case in cases:
            side.run(case)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(RUNS):
        for case in cases:
            for side in sides:
                times.setdefault((side.name, case), []).append(side.run(case)[0])
    return times


def _line(text: str) -> str:
    line = f"{text} [load {load_average()}]"
    print(line, flush=True)
    return line


def measure_reads(server: str, file: Path) -> list[str]:
    """The overdue list against its floor and against the file; Today and the follow-up
    plan beside the file's figures."""
    sides = [_Side("server", server), _Side("file", str(file))]
    lines = []
    try:
        books = {side.name: side.run("books")[3] for side in sides}
        same = "the same books" if books["server"] == books["file"] else "DIFFERENT BOOKS"
        lines.append(_line(f"books (customers, invoices, their sum, open, payments, their sum, "
                           f"allocations, contacts): server {books['server']}, file "
                           f"{books['file']}: {same}"))
        answers = {(side.name, case): side.run(case)[1:3] for side in sides
                   for case in ("overdue", "today", "plan")}
        times = _interleaved(sides, ["overdue", "floor"])
        ours, floor, file_ours = (median(times[key]) for key in
                                  (("server", "overdue"), ("server", "floor"),
                                   ("file", "overdue")))
        size, digest = answers["server", "overdue"]
        same = "same" if answers["file", "overdue"] == (size, digest) else \
            f"file: {answers['file', 'overdue']}"
        lines.append(_line(f"overdue list today ({size}, answer {digest}, {same}): server "
                           f"{ours:.3f} s, hand-written SQL floor on the server "
                           f"{floor:.3f} s, ratio {ours / floor:.2f}x (target 1.5x)"))
        lines.append(_line(f"overdue list today: server {ours:.3f} s, file {file_ours:.3f} s, "
                           f"ratio {ours / file_ours:.2f}x (target 2x); the file's floor "
                           f"{median(times['file', 'floor']):.3f} s"))
        times = _interleaved(sides, ["today", "plan"])
        for case, name in (("today", "Today worklist"), ("plan", "follow-up plan")):
            server_s, file_s = median(times["server", case]), median(times["file", case])
            size, digest = answers["server", case]
            same = "same" if answers["file", case] == (size, digest) else \
                f"file: {answers['file', case]}"
            lines.append(_line(f"{name} ({size}, answer {digest}, {same}): server "
                               f"{server_s:.3f} s, file {file_s:.3f} s, ratio "
                               f"{server_s / file_s:.2f}x"))
    finally:
        for side in sides:
            side.close()
    return lines


# --- clients recording payments ------------------------------------------------------

def _client(target: str, customers: list[int], start: Any, out: Any) -> None:
    """One client: its own connection, ``record_payment`` for each customer in turn;
    puts (seconds of each payment, refusals, first start, last end) on ``out``."""
    from models.db import open_store
    from models.ledger import record_payment

    store = open_store(target, check_later=True)
    times, refusals = [], Counter[str]()
    try:
        start.wait()
        began = time.perf_counter()
        for number, customer_id in enumerate(customers):
            started = time.perf_counter()
            try:
                record_payment(customer_id, received_on=BIG_TODAY, amount_minor=12_345,
                               reference=f"bench {os.getpid()} {number}", today=BIG_TODAY)
            except Exception as exc:  # noqa: BLE001 - counted and reported, not hidden
                refusals[f"{type(exc).__name__}: {str(exc)[:60]}"] += 1
            times.append(time.perf_counter() - started)
        out.put((times, dict(refusals), began, time.perf_counter()))
    finally:
        store.close()


def _payers(target: str, clients: int) -> list[list[int]]:
    """Each client's customers in order: its own ones, and one payment in four for one of
    the customers every client pays."""
    import psycopg

    with psycopg.connect(target) as connection:
        owing = [row[0] for row in connection.execute(
            "SELECT customer_id FROM invoice WHERE open_minor > 0 AND status = 'open' "
            "GROUP BY customer_id ORDER BY customer_id LIMIT %s",
            (SHARED + clients * PAYMENTS,))]
    shared, own = owing[:SHARED], owing[SHARED:]
    return [[shared[(client + n) % SHARED] if n % 4 == 3 else own[client * PAYMENTS + n]
             for n in range(PAYMENTS)] for client in range(clients)]


def record_payments(target: str, clients: int) -> tuple[float, float, float, int, Counter[str]]:
    """``clients`` processes recording PAYMENTS payments each at once: payments a second,
    median and 95th-percentile seconds a payment, payments made, refusals."""
    context = mp.get_context("spawn")
    start, out = context.Event(), context.Queue()
    processes = [context.Process(target=_client, args=(target, customers, start, out))
                 for customers in _payers(target, clients)]
    for process in processes:
        process.start()
    time.sleep(2.0)  # each client opens its store before the start is given
    start.set()
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    times = sorted(seconds for result in results for seconds in result[0])
    refusals: Counter[str] = Counter()
    for result in results:
        refusals.update(result[1])
    wall = max(result[3] for result in results) - min(result[2] for result in results)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    made = len(times) - sum(refusals.values())
    return made / wall, median(times), p95, made, refusals


def measure_payments(server: str) -> list[str]:
    """One client, then ten, on a fresh copy of the server's store each; check after."""
    lines = []
    for clients in (1, CLIENTS):
        with _database_copy(server) as copy:
            rate, middle, p95, made, refusals = record_payments(copy, clients)
            lines.append(_line(
                f"{clients} client{'s' if clients > 1 else ''} recording payments "
                f"({made:,} made of {clients * PAYMENTS:,}, {SHARED} customers shared, one "
                f"payment in four): {rate:.1f} payments/s, median {middle * 1000:.0f} ms, "
                f"95th percentile {p95 * 1000:.0f} ms a payment; refused: "
                f"{dict(refusals) or 'none'}"))
            checked = subprocess.run([sys.executable, "main.py", "--db", copy, "check"],
                                     cwd=ROOT, capture_output=True, text=True)
            lines.append(_line(f"check after {clients} client(s): exit {checked.returncode}: "
                               + (checked.stdout + checked.stderr).strip()
                               .replace("\n", " | ")[:600]))
    return lines


@contextmanager
def _database_copy(url: str) -> Iterator[str]:
    """A copy of the server's database at ``url`` (a template copy), removed after."""
    import psycopg

    base, _, name = url.rpartition("/")
    copy = f"{name}_payments"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    try:
        yield f"{base}/{copy}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (copy,))
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')


# --- the server's store ------------------------------------------------------------

def generate(url: str) -> str:
    """Make the big demo store in the (empty) database at ``url``; the line to print."""
    load = load_average()
    started = time.perf_counter()
    subprocess.run([sys.executable, "main.py", "--db", url, "demo", "--customers",
                    str(BIG_CUSTOMERS), "--invoices", str(BIG_INVOICES), "--as-of",
                    BIG_TODAY.isoformat()], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return _line(f"demo store on the server ({BIG_CUSTOMERS:,} customers, {BIG_INVOICES:,} "
                 f"invoices): {seconds:.1f} s, {BIG_INVOICES / seconds:,.0f} invoices/s "
                 f"(load before {load})")


def main() -> list[str]:
    """Every figure, on the server ``DULY_BENCH_SERVER`` names or a throwaway one."""
    kept = os.environ.get("DULY_BENCH_SERVER")
    with tempfile.TemporaryDirectory(prefix="duly-bench-") as folder:
        file = migrated_big_store(Path(folder))
        if kept:
            return measure_reads(kept, file) + measure_payments(kept)
        from tests.postgres_server import ThrowawayCluster

        cluster = ThrowawayCluster(SETTINGS)
        cluster.start()
        try:
            url = cluster.url(cluster.new_database())
            lines = [generate(url)]
            return lines + measure_reads(url, file) + measure_payments(url)
        finally:
            cluster.stop()


def serve() -> None:
    """Start a cluster for the benchmark, make the big store on it and leave it running:
    prints the address to give as ``DULY_BENCH_SERVER`` and how to stop it."""
    from tests.postgres_server import ThrowawayCluster

    cluster = ThrowawayCluster(SETTINGS)
    cluster.start()
    url = cluster.url(cluster.new_database())
    print(f"server store: {url}", flush=True)
    generate(url)
    print(f"DULY_BENCH_SERVER={url}\nto stop it: runuser -u postgres -- pg_ctl -D "
          f"{cluster.folder / 'data'} -m fast stop; rm -r {cluster.folder}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        main()
