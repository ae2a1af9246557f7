"""Other people's writes to a store on a server reach this Duly (LISTEN/NOTIFY feeding
``OtherWrites`` and ``latest_write``), and a connection the server dropped is found
again (a throwaway cluster, tests/postgres_server.py; no sleeps: each wait is a
bounded poll of what has arrived)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from models import db
from models.company import create_business
from models.ledger import record_payment
from models.schema import database
from tests.unit.ledger_helpers import TODAY, customer, invoice

ROOT = Path(__file__).resolve().parents[2]
# How long a notification may take to cross a local server: far more than it does.
HEARD_WITHIN_S = 20.0


@pytest.fixture
def server_store(postgres_cluster: Any) -> Iterator[tuple[db.Store, str]]:
    """A store with a business on a new database of the throwaway server, and its
    address."""
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    store = db.open_store(url, create=True)
    create_business("Harbour & Finch Ltd", address="1 Quay Street", country="GB",
                    currency="GBP")
    try:
        yield store, url
    finally:
        store.close()
        postgres_cluster.drop_database(name)


def another_duly(url: str, code: str) -> None:
    """Run ``code`` (Python, with ``db``, ``dt`` and ``ledger`` imported) in another
    Duly process on the store at ``url``: another person's Duly."""
    program = ("import datetime as dt\nfrom models import db, ledger\n"
               f"db.run_in_store({url!r}, lambda: {code})\n")
    subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True, timeout=120,
                   capture_output=True)


def heard_within(seconds: float, asked: Callable[[], bool]) -> bool:
    """Whether ``asked()`` comes true within ``seconds``, asking as often as it may (no
    sleeping: what arrives on the socket is read each time)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if asked():
            return True
    return False


def duly_backends(url: str) -> int:
    """End every connection Duly has to the server (as a server restart does); how many."""
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = 'Duly' AND pid <> pg_backend_pid()"
                             ).fetchall()
    return len(rows)


@pytest.fixture
def sentinel(server_store: tuple[db.Store, str]) -> Iterator[psycopg.Connection[Any]]:
    """A plain connection listening as Duly's listener does: a write's announcement
    has reached the listeners once it has reached this one."""
    with psycopg.connect(server_store[1], autocommit=True) as connection:
        connection.execute("LISTEN duly_writes")
        yield connection


def announced(sentinel: psycopg.Connection[Any]) -> list[str]:
    """The next write's announcement (waiting for it) and any right behind it."""
    heard = [n.payload for n in sentinel.notifies(timeout=HEARD_WITHIN_S, stop_after=1)]
    return heard + [n.payload for n in sentinel.notifies(timeout=0)]


def test_another_dulys_payment_is_heard_and_our_own_write_is_not(
        server_store: tuple[db.Store, str], sentinel: psycopg.Connection[Any]) -> None:
    _store, url = server_store
    customer_id = customer("Quayside Joinery")
    invoice_id = invoice(customer_id, 120_00, due_days_ago=40)
    watch = db.OtherWrites()
    assert watch.lost is None
    assert not watch.happened()
    assert len(announced(sentinel)) == 2  # the customer and the invoice: ours

    record_payment(customer_id, received_on=TODAY, amount_minor=10_00, today=TODAY)
    assert len(announced(sentinel)) == 1
    assert not heard_within(0.5, watch.happened)  # ours: heard, and known for ours

    before = db.latest_write()
    another_duly(url, f"ledger.record_payment({customer_id}, received_on=dt.date(2026, 11, "
                      f"24), amount_minor=2000, today=dt.date(2026, 11, 24))")
    assert heard_within(HEARD_WITHIN_S, watch.happened)
    assert db.latest_write() != before  # figures kept from before are worked out anew
    assert not watch.happened()  # told once
    with db.reading():
        from models.schema import Invoice
        assert Invoice.get_by_id(invoice_id).open_minor == 90_00


def test_our_own_write_moves_the_latest_write_and_a_write_of_nothing_is_silent(
        server_store: tuple[db.Store, str], sentinel: psycopg.Connection[Any]) -> None:
    db.OtherWrites()  # the window listens
    customer_id = customer("Quayside Joinery")
    announced(sentinel)
    first = db.latest_write()
    assert db.latest_write() == first  # nothing written: the same
    with db.writing():
        from models.schema import Customer
        Customer.select().count()  # a write block that writes nothing
    another_duly(server_store[1], "db.latest_write()")  # a command that writes nothing
    assert not list(sentinel.notifies(timeout=0.5))
    assert db.latest_write() == first
    record_payment(customer_id, received_on=TODAY, amount_minor=5_00, today=TODAY)
    assert db.latest_write() != first


def test_a_figure_worked_out_first_does_not_keep_the_window_from_hearing_of_it(
        server_store: tuple[db.Store, str]) -> None:
    _store, url = server_store
    customer_id = customer("Quayside Joinery")
    watch = db.OtherWrites()
    before = db.latest_write()
    another_duly(url, f"ledger.record_payment({customer_id}, received_on=dt.date(2026, 11, "
                      f"24), amount_minor=2000, today=dt.date(2026, 11, 24))")
    # A worker working out the worklist reads what the listener heard first...
    assert heard_within(HEARD_WITHIN_S, lambda: db.latest_write() != before)
    # ...and the window, asking next, is still told.
    assert watch.happened()
    assert not watch.happened()


def test_a_write_that_fails_is_never_announced(
        server_store: tuple[db.Store, str], sentinel: psycopg.Connection[Any]) -> None:
    with pytest.raises(RuntimeError), db.writing():
        customer("Never Kept Ltd")
        raise RuntimeError("the user's work stops half-way")
    customer("Kept Ltd")
    assert len(announced(sentinel)) == 1


def test_without_a_listener_nothing_is_kept_between_asks(
        server_store: tuple[db.Store, str]) -> None:
    # A command on a server hears no one: a figure worked out is never given again.
    assert db.latest_write() != db.latest_write()


def test_a_dropped_connection_is_told_and_found_again_and_the_store_works(
        server_store: tuple[db.Store, str]) -> None:
    _store, url = server_store
    customer_id = customer("Quayside Joinery")
    invoice(customer_id, 120_00, due_days_ago=40)
    watch = db.OtherWrites()
    database.execute_sql("SELECT 1")  # this thread holds a connection, as the window does
    before = db.latest_write()

    assert duly_backends(url) >= 2  # the listener and this thread's connection
    assert heard_within(HEARD_WITHIN_S, lambda: (watch.happened(), watch.lost)[1] is not None)
    assert watch.lost is not None
    assert "Lost the connection to" in watch.lost and "trying again" in watch.lost
    assert db.latest_write() != db.latest_write()  # deaf meanwhile: nothing kept

    # A write while the connection is lost: a clear message, nothing half-written.
    with pytest.raises(db.ServerUnreachable, match="nothing was recorded"), \
            db.known_errors():
        record_payment(customer_id, received_on=TODAY, amount_minor=10_00, today=TODAY)

    found: list[BaseException | None] = []
    worker = threading.Thread(target=lambda: found.append(_reconnect()))
    worker.start()
    worker.join()
    assert found == [None]
    assert watch.lost is None
    db.reopen_connection()
    assert db.latest_write() != before
    record_payment(customer_id, received_on=TODAY, amount_minor=10_00, today=TODAY)
    with db.reading():
        from models.schema import Payment
        assert [p.amount_minor for p in Payment.select()] == [10_00]  # the one, once

    another_duly(url, f"ledger.record_payment({customer_id}, received_on=dt.date(2026, 11, "
                      f"24), amount_minor=2000, today=dt.date(2026, 11, 24))")
    assert heard_within(HEARD_WITHIN_S, watch.happened)  # listening again


def test_a_server_still_away_is_told_and_tried_again(
        server_store: tuple[db.Store, str], closed_port: int) -> None:
    watch = db.OtherWrites()
    engine = database.obj
    port = engine.connect_params["port"]
    engine.connect_params["port"] = closed_port  # the server away: nothing listens there
    try:
        db.close_thread_connection()
        with pytest.raises(db.ServerUnreachable, match="trying again|cannot be reached"):
            db.OtherWrites.reconnect()
    finally:
        engine.connect_params["port"] = port
    db.OtherWrites.reconnect()
    assert watch.lost is None


def _reconnect() -> BaseException | None:
    try:
        db.OtherWrites.reconnect()
    except BaseException as failed:  # handed back to the test's thread
        return failed
    finally:
        db.close_thread_connection()
    return None


def test_nothing_is_listened_to_on_a_file(empty_store: db.Store) -> None:
    watch = db.OtherWrites()
    assert watch.lost is None
    assert not watch.happened()
