"""The outbox: each e-mail reaches the business's own mail server exactly once, a
failure is recorded in plain words and can be retried, and a message cut off by a
closed Duly is never sent again behind the user's back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from models import db
from models.contacts import ContactEntry, log_contact
from models.customer_account import customer_header
from models.errors import LedgerError
from models.followup import follow_up_plan
from models.ledger import CustomerDraft, add_customer
from models.mail import recipients_of, save_mail_settings
from models.migrations import LATEST_VERSION
from models.outbox import (
    CUT_OFF,
    EMAIL_FAILED,
    attachment_of,
    attachment_of_contact,
    outbox,
    queue_message,
    retry,
    send_queued,
)
from models.schema import Customer, Interaction, OutboxMessage
from models.today import dismiss, perhaps_sent, worklist
from tests.helpers import schema_of, undo_v14
from tests.mail_server import SmtpServer
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOW = dt.datetime.combine(TODAY, dt.time(9, 30))
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 a statement \x00\x01\x02\n%%EOF\n"


def queued(who: int, subject: str = "Your account with us",
           text: str = "Dear Zoë,\n\nInvoice T-1 is now overdue.\n") -> int:
    return queue_message(who, kind="statement", subject=subject, text=text,
                         to=[("Zoë Ødegård", "zoe@example.com")],
                         attachments=[("Statement C00001 2026-11-24.pdf", PDF)], now=NOW)


def status_of(outbox_id: int) -> OutboxMessage:
    return OutboxMessage.get_by_id(outbox_id)


@pytest.fixture
def mail(empty_store: db.Store, smtp_server: SmtpServer) -> SmtpServer:
    save_mail_settings(smtp_server.settings)
    return smtp_server


def send(server: SmtpServer, **kwargs: object):  # type: ignore[no-untyped-def]
    options = {"ssl_context": server.client_ssl, "now": NOW, **kwargs}
    password = options.pop("password", server.password)
    return send_queued(server.settings, password, **options)  # type: ignore[arg-type]


# --- a message arrives as written ------------------------------------------------------

def test_a_queued_message_arrives_with_its_recipients_subject_text_and_pdf(
        mail: SmtpServer) -> None:
    who = customer()
    outbox_id = queued(who)
    result = send(mail)
    assert (result.sent, result.failed, result.left) == (1, (), 0)
    [message] = mail.received
    assert message.envelope_to == ["zoe@example.com"]  # type: ignore[attr-defined]
    assert message["To"] == "Zoë Ødegård <zoe@example.com>"
    assert message["From"] == "Harbour & Finch Ltd <accounts@harbourfinch.example>"
    assert message["Subject"] == "Your account with us"
    assert message.get_body(("plain",)).get_content() == (  # type: ignore[union-attr]
        "Dear Zoë,\n\nInvoice T-1 is now overdue.\n")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Statement C00001 2026-11-24.pdf"
    assert attachment.get_content() == PDF
    row = status_of(outbox_id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)
    assert row.server_response == "250 2.0.0 Ok: queued as DULY0001"
    assert message["Message-ID"] == row.message_id
    assert row.message_id.endswith("@harbourfinch.example>")
    assert attachment_of(outbox_id) == ("Statement C00001 2026-11-24.pdf", PDF)


def test_a_sent_message_is_never_sent_again(mail: SmtpServer) -> None:
    outbox_id = queued(customer())
    send(mail)
    assert send(mail).sent == 0
    with pytest.raises(LedgerError, match="it is not sent again"):
        retry(outbox_id)
    assert len(mail.received) == 1


def test_the_contact_says_where_its_email_is_and_keeps_its_pdf(mail: SmtpServer) -> None:
    who = customer()
    contact = Interaction.create(customer=who, kind="email", occurred_at=NOW, created_at=NOW)
    queue_message(who, kind="statement", subject="Statement", text="Attached.",
                  to=[("Zoë", "zoe@example.com")], attachments=[("S.pdf", PDF)],
                  contact_id=contact.id, now=NOW)
    assert Interaction.get_by_id(contact.id).outcome == "In the outbox"
    send(mail)
    assert Interaction.get_by_id(contact.id).outcome == (
        "Sent 24 Nov 2026 09:30 to zoe@example.com")
    assert attachment_of_contact(contact.id) == ("S.pdf", PDF)
    by_hand = Interaction.create(customer=who, kind="email", occurred_at=NOW, created_at=NOW)
    with pytest.raises(LedgerError, match="logged by hand"):
        attachment_of_contact(by_hand.id)


def test_a_batch_is_never_sent_inside_a_transaction(mail: SmtpServer) -> None:
    queued(customer())
    with db.writing(), pytest.raises(RuntimeError, match="inside a transaction"):
        send(mail)
    assert mail.received == []


# --- failures are said in words and can be retried -----------------------------------

def test_a_wrong_password_leaves_the_message_failed_and_retriable(mail: SmtpServer) -> None:
    outbox_id = queued(customer())
    result = send(mail, password="wrong")
    assert result.sent == 0
    [(name, reason)] = result.failed
    assert name == "Zoë Ødegård AS"
    assert "refused the user name or password" in reason
    row = status_of(outbox_id)
    assert (row.status, row.error) == ("failed", reason)
    assert mail.received == []
    [item] = [i for i in worklist(TODAY) if i.kind == EMAIL_FAILED]
    assert (item.ref_id, item.detail) == (outbox_id, reason)
    assert item.title == "E-mail not sent: Your account with us" and not perhaps_sent(item)

    retry(outbox_id)
    assert [i for i in worklist(TODAY) if i.kind == EMAIL_FAILED] == []
    assert send(mail).sent == 1
    row = status_of(outbox_id)
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")
    assert mail.received[0]["Message-ID"] == row.message_id  # the retry kept its id


def test_a_refused_recipient_sends_nothing_and_says_who(mail: SmtpServer) -> None:
    outbox_id = queued(customer())
    mail.refuse("zoe@example.com")
    [(_, reason)] = send(mail).failed
    assert "refused zoe@example.com" in reason and "Nothing was sent" in reason
    assert status_of(outbox_id).status == "failed"
    assert mail.received == []
    mail.refused.clear()
    retry(outbox_id)
    assert send(mail).sent == 1


def test_an_unreachable_server_leaves_the_message_failed(mail: SmtpServer,
                                                         closed_port: int) -> None:
    outbox_id = queued(customer())
    nowhere = dataclasses.replace(mail.settings, port=closed_port)
    result = send_queued(nowhere, mail.password, ssl_context=mail.client_ssl, now=NOW)
    [(_, reason)] = result.failed
    assert "could not reach the mail server" in reason
    assert "nothing is listening there" in reason
    assert (status_of(outbox_id).status, status_of(outbox_id).error) == ("failed", reason)
    retry(outbox_id)
    assert send(mail).sent == 1


def test_a_dismissed_failure_comes_back_if_the_retry_fails_too(mail: SmtpServer) -> None:
    outbox_id = queued(customer())
    send(mail, password="wrong")
    dismiss(EMAIL_FAILED, outbox_id, "will call instead", on=TODAY)
    assert not [i for i in worklist(TODAY) if i.kind == EMAIL_FAILED]
    retry(outbox_id)
    send(mail, password="wrong")
    assert [i.ref_id for i in worklist(TODAY) if i.kind == EMAIL_FAILED] == [outbox_id]


# --- exactly once, whatever happens mid-batch --------------------------------------------

def test_a_cancelled_batch_resumed_sends_each_message_exactly_once(mail: SmtpServer) -> None:
    ids = [queued(customer(f"Customer {n}"), subject=f"Reminder {n}") for n in range(5)]
    seen: list[tuple[int, int]] = []
    first = send(mail, cancelled=lambda: len(mail.received) >= 2,
                 progress=lambda done, total: seen.append((done, total)))
    assert (first.sent, first.left) == (2, 3)
    assert seen == [(1, 5), (2, 5)]
    assert [status_of(i).status for i in ids] == ["sent"] * 2 + ["queued"] * 3
    second = send(mail)
    assert (second.sent, second.left) == (3, 0)
    subjects = [m["Subject"] for m in mail.received]
    assert subjects == [f"Reminder {n}" for n in range(5)]
    assert len({m["Message-ID"] for m in mail.received}) == 5
    assert all(status_of(i).attempts == 1 for i in ids)


def test_a_message_cut_off_mid_send_is_not_sent_again_until_the_user_says(
        mail: SmtpServer) -> None:
    cut_off, waiting = queued(customer("Cut Off Ltd")), queued(customer("Waiting Ltd"))
    # As a batch leaves it when Duly is closed after telling the server, before recording.
    OutboxMessage.update(status="sending", attempts=1).where(
        OutboxMessage.id == cut_off).execute()
    result = send(mail)
    assert result.sent == 1
    assert result.uncertain == (("Cut Off Ltd", "Your account with us"),)
    assert [m.envelope_to for m in mail.received] == [["zoe@example.com"]]  # type: ignore[attr-defined]
    assert status_of(waiting).status == "sent"
    row = status_of(cut_off)
    assert (row.status, row.error, row.attempts) == ("uncertain", CUT_OFF, 1)
    [item] = [i for i in worklist(TODAY) if i.kind == EMAIL_FAILED]
    assert item.ref_id == cut_off and "check your Sent folder" in item.detail
    assert perhaps_sent(item)
    assert send(mail).sent == 0  # nor by the next batch

    retry(cut_off)  # the user checked: it did not go
    assert send(mail).sent == 1
    assert mail.received[-1]["Message-ID"] == row.message_id
    assert status_of(cut_off).attempts == 2


def test_a_message_broken_off_while_handed_over_is_uncertain_not_failed(
        mail: SmtpServer) -> None:
    broken = queued(customer("Broken Off Ltd"))
    mail.hold_replies = True  # the server keeps it, but its answer never comes in time
    result = send(mail, timeout=1)
    mail.release.set()
    assert result.sent == 0 and len(mail.received) == 1
    row = status_of(broken)
    assert row.status == "uncertain" and "may have been sent" in row.error
    mail.hold_replies = False
    assert send(mail).sent == 0 and len(mail.received) == 1  # never resent by itself


def test_only_the_messages_asked_for_are_sent(mail: SmtpServer) -> None:
    first, second = queued(customer("One")), queued(customer("Two"))
    assert send(mail, ids=[second]).sent == 1
    assert (status_of(first).status, status_of(second).status) == ("queued", "sent")


# --- headers cannot be forged --------------------------------------------------------

def test_a_customer_name_with_a_newline_cannot_inject_a_header(mail: SmtpServer) -> None:
    who = add_customer(CustomerDraft(code="", name="Acme\nBcc: thief@evil.example",
                                     currency="GBP", billing_email="ap@acme.example"))
    queue_message(who, kind="statement", subject="Statement\r\nBcc: thief@evil.example",
                  text="Attached.", to=[("Acme\nBcc: thief@evil.example", "ap@acme.example")],
                  now=NOW)
    send(mail)
    [message] = mail.received
    assert message.envelope_to == ["ap@acme.example"]  # type: ignore[attr-defined]
    assert message["Bcc"] is None
    assert [k for k in message if "thief" in k.casefold()] == []
    assert message["To"] == '"Acme Bcc: thief@evil.example" <ap@acme.example>'
    assert message["Subject"] == "Statement Bcc: thief@evil.example"
    [row] = outbox()
    assert row.to == '"Acme Bcc: thief@evil.example" <ap@acme.example>'


def test_nothing_is_queued_without_a_recipient(empty_store: db.Store) -> None:
    with pytest.raises(LedgerError, match="no billing e-mail address"):
        queue_message(customer(), kind="statement", subject="S", text="T", to=[])
    assert OutboxMessage.select().count() == 0


# --- the store ------------------------------------------------------------------------

def test_a_v5_store_gains_the_outbox_and_the_shape_of_a_new_one(tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    old = tmp_path / "old.sqlite"
    db.open_store(old, create=True).close()
    with sqlite3.connect(old) as connection:  # as Duly with store version 5 left it
        undo_v14(connection)  # the later versions first
        connection.execute('DROP TABLE "outbox_message"')
        connection.execute('ALTER TABLE "interaction" DROP COLUMN "subject"')
        connection.execute('ALTER TABLE "interaction" DROP COLUMN "body"')
        connection.execute('ALTER TABLE "invoice" DROP COLUMN "chase_from"')
        connection.execute('ALTER TABLE "customer" DROP COLUMN "tax_number"')
        for table, column in (("invoice", "number"), ("credit_note", "number"),
                              ("customer", "code")):
            connection.execute(f'DROP INDEX "{table}_{column}_key"')
            connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}_key"')
        connection.execute('DROP TABLE "external_record"')
        connection.execute('DROP TABLE "import_batch"')
        connection.execute("PRAGMA user_version = 5")
    connection.close()
    store = db.open_store(old)
    try:
        assert (store.migrated_from, store.schema_version) == (5, LATEST_VERSION)
    finally:
        store.close()
    assert schema_of(old) == schema_of(new)


# --- an e-mail is a contact once it has gone ----------------------------------------

def emailed(who: int) -> int:
    """An e-mail to the customer logged as a contact and put in the outbox, as Duly does."""
    contact_id = log_contact(who, ContactEntry(kind="email", occurred_at=NOW,
                                               summary="Statement e-mailed"), now=NOW)
    return queue_message(who, kind="statement", subject="Your statement", text="Dear Zoë,",
                         to=[("Zoë Ødegård", "zoe@example.com")], contact_id=contact_id,
                         now=NOW)


def last_contact(who: int) -> dt.datetime | None:
    return Customer.get_by_id(who).last_contact_at


def test_an_e_mail_that_failed_is_not_a_contact_until_it_goes(mail: SmtpServer) -> None:
    who = customer()
    invoice(who, 500_00, due_days_ago=20)
    outbox_id = emailed(who)
    assert last_contact(who) is None  # waiting in the outbox: nothing has reached them

    send(mail, password="wrong")

    assert status_of(outbox_id).status == "failed"
    assert last_contact(who) is None
    assert customer_header(who, TODAY, today=TODAY).last_contact_on is None
    assert not any("contact" in reason for skipped in follow_up_plan(TODAY).skipped
                   for reason in skipped.reasons)

    retry(outbox_id)
    send(mail)

    assert status_of(outbox_id).status == "sent"
    assert last_contact(who) == NOW


def test_an_e_mail_that_perhaps_went_counts_as_a_contact(mail: SmtpServer) -> None:
    who = customer()
    outbox_id = emailed(who)
    OutboxMessage.update(status="sending").where(OutboxMessage.id == outbox_id).execute()

    send(mail)  # finds it cut off by a Duly that was closed mid-send

    assert status_of(outbox_id).status == "uncertain"
    assert last_contact(who) == NOW


def test_an_e_mail_without_a_subject_or_words_is_never_queued(empty_store: db.Store) -> None:
    who = customer()
    with pytest.raises(LedgerError, match="Give the e-mail a subject") as refused:
        queue_message(who, kind="reminder", subject="  ", text="Dear Zoë,",
                      to=[("Zoë", "zoe@example.com")])
    assert refused.value.field == "subject"
    with pytest.raises(LedgerError) as refused:
        queue_message(who, kind="reminder", subject="Overdue", text="\n",
                      to=[("Zoë", "zoe@example.com")])
    assert refused.value.field == "text"
    assert OutboxMessage.select().count() == 0


HOSTILE_NAME = "=?utf-8?b?=aa[evil@attacker.example,[ ="


def test_a_hostile_contact_name_goes_to_the_stores_address_and_a_bad_message_fails_alone(
        mail: SmtpServer) -> None:
    first = queued(customer("First Ltd"))
    hostile = add_customer(CustomerDraft(code="", name="Hostile Ltd", currency="GBP",
                                         contact_name=HOSTILE_NAME,
                                         billing_email="ap@hostile.example"))
    hostile_id = queue_message(hostile, kind="statement", subject="Statement",
                               text="Attached.", to=recipients_of(hostile), now=NOW)
    old = customer("Old Ltd")
    contact = Interaction.create(customer=old, kind="email", occurred_at=NOW, created_at=NOW)
    bad = queue_message(old, kind="statement", subject="Statement", text="Attached.",
                        to=[("Old", "ap@old.example")], contact_id=contact.id, now=NOW)
    # As an older Duly could have kept it: a recipient that is two addresses in one.
    OutboxMessage.update(recipients=json.dumps([["Old", "ap@old.example, x@attacker.example"]])
                         ).where(OutboxMessage.id == bad).execute()
    last = queued(customer("Last Ltd"))

    result = send(mail)

    assert (result.sent, result.left, result.uncertain) == (3, 0, ())
    [(name, reason)] = result.failed
    assert name == "Old Ltd" and "is not an e-mail address" in reason
    assert [status_of(i).status for i in (first, hostile_id, bad, last)] == [
        "sent", "sent", "failed", "sent"]
    assert (status_of(bad).attempts, status_of(bad).error) == (1, reason)
    assert Interaction.get_by_id(contact.id).outcome == f"Not sent: {reason}"
    assert [m.envelope_to for m in mail.received] == [  # type: ignore[attr-defined]
        ["zoe@example.com"], ["ap@hostile.example"], ["zoe@example.com"]]
    to_hostile = mail.received[1]["To"]
    assert [(a.display_name, a.addr_spec) for a in to_hostile.addresses] == [
        (HOSTILE_NAME, "ap@hostile.example")]
    [item] = [i for i in worklist(TODAY) if i.kind == EMAIL_FAILED]
    assert item.ref_id == bad and not perhaps_sent(item)
    # Nothing was left half-sent: the next batch finds nothing cut off.
    again = send(mail)
    assert (again.sent, again.uncertain) == (0, ()) and status_of(bad).status == "failed"
