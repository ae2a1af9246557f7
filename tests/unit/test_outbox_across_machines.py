"""The outbox with several Dulys sending at once, on machines of their own around one
store on a server: each message goes once, one being sent by another Duly is left to
it, and one whose sender died is "uncertain", never sent again by itself (a real SMTP
server, tests/mail_server.py; a throwaway PostgreSQL, tests/postgres_server.py)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from models import db
from models.company import create_business
from models.kinds import OutboxState
from models.mail import save_mail_settings
from models.outbox import SendResult, queue_message, send_queued
from models.schema import OutboxMessage
from tests.mail_server import SmtpServer
from tests.unit.ledger_helpers import TODAY, customer

NOW = dt.datetime.combine(TODAY, dt.time(9, 30))


@pytest.fixture
def server_mail(postgres_cluster: Any, smtp_server: SmtpServer) -> Iterator[tuple[str, SmtpServer]]:
    """A store on the throwaway server, open on this thread, sending through the test's
    mail server: the store's address and the mail server."""
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    store = db.open_store(url, create=True)
    create_business("Harbour & Finch Ltd", address="1 Quay Street\nBristol BS1 4DJ",
                    country="GB", currency="GBP")
    save_mail_settings(smtp_server.settings)
    try:
        yield url, smtp_server
    finally:
        store.close()
        postgres_cluster.drop_database(name)


def queued(who: int, subject: str) -> int:
    return queue_message(who, kind="statement", subject=subject,
                         text="Dear Zoë,\n\nInvoice T-1 is now overdue.\n",
                         to=[("Zoë Ødegård", "zoe@example.com")], now=NOW)


def send(server: SmtpServer, **options: Any) -> SendResult:
    """A batch as a Duly sends it, on this thread's own connection to the store."""
    with db.known_errors():
        return send_queued(server.settings, server.password, ssl_context=server.client_ssl,
                           now=NOW, **options)


def status_of(outbox_id: int) -> str:
    return str(OutboxMessage.get_by_id(outbox_id).status)


def test_two_dulys_sending_the_queue_at_once_send_each_message_once(
        server_mail: tuple[str, SmtpServer]) -> None:
    _, mail = server_mail
    ids = [queued(customer(f"Customer {n}"), f"Reminder {n}") for n in range(30)]
    start = threading.Barrier(2)
    results: dict[int, SendResult | BaseException] = {}

    def batch(side: int) -> None:
        try:
            start.wait(timeout=30)
            results[side] = send(mail)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            results[side] = error
        finally:
            db.close_thread_connection()

    batches = [threading.Thread(target=batch, args=(side,)) for side in (0, 1)]
    for thread in batches:
        thread.start()
    for thread in batches:
        thread.join()

    done = [results[0], results[1]]
    assert all(isinstance(r, SendResult) for r in done), done
    assert sum(r.sent for r in done) == 30  # type: ignore[union-attr]
    assert all(r.uncertain == () and r.failed == () for r in done)  # type: ignore[union-attr]
    assert sorted(m["Subject"] for m in mail.received) == sorted(f"Reminder {n}"
                                                                 for n in range(30))
    assert [(status_of(i), OutboxMessage.get_by_id(i).attempts) for i in ids] == \
        [(OutboxState.SENT, 1)] * 30


def _sender_of(url: str, outbox_id: int) -> int:
    """The server process of the connection holding the claim on a message."""
    with psycopg.connect(url, autocommit=True) as watcher:
        [(pid,)] = watcher.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
            "AND objid = %s AND granted", (outbox_id,)).fetchall()
    return int(pid)


def test_a_message_another_duly_is_sending_is_left_to_it_and_uncertain_once_it_dies(
        server_mail: tuple[str, SmtpServer]) -> None:
    url, mail = server_mail
    held = queued(customer("In Flight Ltd"), "Your account with us")
    mail.hold_replies = True  # the mail server has it; its verdict waits for the test
    first: dict[str, SendResult | BaseException] = {}

    def sender() -> None:
        try:
            first["result"] = send(mail, timeout=20)
        except BaseException as error:  # noqa: BLE001 - told to the test below
            first["result"] = error
        finally:
            db.close_thread_connection()

    elsewhere = threading.Thread(target=sender)
    elsewhere.start()
    try:
        assert mail.taken.wait(timeout=30)  # the other Duly is handing it over now
        # A second Duly's batch meanwhile neither sends it nor takes it for cut off.
        meanwhile = send(mail)
        assert (meanwhile.sent, meanwhile.uncertain) == (0, ())
        assert status_of(held) == OutboxState.SENDING and len(mail.received) == 1

        # The sending Duly's connection ends (its computer is switched off).
        with psycopg.connect(url, autocommit=True) as admin:
            # With a timeout, the server waits until that Duly's session has ended (and its
            # claims with it), not only until it was told to end.
            admin.execute("SELECT pg_terminate_backend(%s, 20000)", (_sender_of(url, held),))
        after = send(mail)
        assert after.sent == 0
        assert after.uncertain == (("In Flight Ltd", "Your account with us"),)
        assert status_of(held) == OutboxState.UNCERTAIN
        assert send(mail).sent == 0 and len(mail.received) == 1  # never sent again by itself
    finally:
        mail.release.set()
        elsewhere.join()
    # The Duly cut off is told its connection was lost; the message stays "uncertain",
    # for the user to check the Sent folder.
    assert isinstance(first["result"], db.ServerUnreachable), first["result"]
    assert status_of(held) == OutboxState.UNCERTAIN and len(mail.received) == 1
