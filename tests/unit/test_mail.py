"""Mail through the business's own server: a real SMTP server with STARTTLS and a login
takes the message as built, and each way it can fail is said in the user's words."""

from __future__ import annotations

import dataclasses
import email
import ssl
from email import policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import db
from models.errors import LedgerError
from models.ledger import CustomerDraft, add_customer
from models.mail import (
    MailError,
    MailSettings,
    build_message,
    clean_header,
    file_name,
    is_loopback,
    mail_settings,
    recipients_of,
    save_mail_settings,
    send_message,
    send_test_message,
    valid_address,
)
from models.mail_headers import display_name
from models.schema import ContactPerson
from tests.mail_server import SENDER, USER, SmtpServer

PDF = b"%PDF-1.4\n% a statement\n%%EOF\n"
pytestmark = pytest.mark.timeout(60)


def message_for(server: SmtpServer, to: list[tuple[str, str]], **kwargs: object):
    return build_message(server.settings, to=to, subject=kwargs.pop("subject", "Overdue"),
                         text=kwargs.pop("text", "Dear Zoë,\nplease pay.\n"), **kwargs)


def test_the_message_arrives_with_its_recipients_subject_body_and_attachment(
        smtp_server: SmtpServer) -> None:
    to = [("Zoë Ødegård", "zoe@example.com"), ("Accounts", "ap@example.com")]
    message = message_for(smtp_server, to, subject="Invoice INV-0042 is overdue",
                          text="Dear Zoë,\nplease pay INV-0042.\n",
                          attachments=[("Statement C00047 2026-11-24.pdf", PDF)])
    reply = send_message(smtp_server.settings, smtp_server.password, message,
                         recipients=[address for _, address in to],
                         ssl_context=smtp_server.client_ssl)
    assert reply.startswith("250 ") and "queued as DULY0001" in reply
    [got] = smtp_server.received
    assert got.envelope_to == ["zoe@example.com", "ap@example.com"]  # type: ignore[attr-defined]
    assert got["Subject"] == "Invoice INV-0042 is overdue"
    assert got["From"] == "Harbour & Finch Ltd <accounts@harbourfinch.example>"
    assert "Zoë Ødegård <zoe@example.com>" in got["To"]
    assert got["Message-ID"].endswith("@harbourfinch.example>") and got["Date"]
    assert got.get_body(("plain",)).get_content() == "Dear Zoë,\nplease pay INV-0042.\n"
    [attachment] = list(got.iter_attachments())
    assert attachment.get_filename() == "Statement C00047 2026-11-24.pdf"
    assert attachment.get_content() == PDF


def test_reply_to_an_html_alternative_and_a_copy_to_the_sender(smtp_server: SmtpServer) -> None:
    settings = dataclasses.replace(smtp_server.settings, reply_to="help@harbourfinch.example",
                                   bcc_self=True)
    message = build_message(settings, to=[("", "zoe@example.com")], subject="Hi",
                            text="Plain", html="<p>Rich</p>")
    send_message(settings, smtp_server.password, message, recipients=["zoe@example.com"],
                 ssl_context=smtp_server.client_ssl)
    [got] = smtp_server.received
    assert got["Reply-To"] == "help@harbourfinch.example"
    assert got.envelope_to == ["zoe@example.com", SENDER]  # type: ignore[attr-defined]
    assert "Bcc" not in got and SENDER not in got["To"]
    assert got.get_body(("html",)).get_content().strip() == "<p>Rich</p>"


def test_a_name_or_subject_with_a_line_break_cannot_add_a_header(
        smtp_server: SmtpServer) -> None:
    evil = "Acme Ltd\r\nBcc: thief@evil.example"
    message = message_for(smtp_server, [(evil, "zoe@example.com")],
                          subject="Overdue\nBcc: thief@evil.example")
    send_message(smtp_server.settings, smtp_server.password, message,
                 recipients=["zoe@example.com"], ssl_context=smtp_server.client_ssl)
    [got] = smtp_server.received
    assert got.envelope_to == ["zoe@example.com"]  # type: ignore[attr-defined]
    assert "Bcc" not in got
    assert got["Subject"] == "Overdue Bcc: thief@evil.example"
    assert clean_header("a\u2028b\x00c\td") == "a b c d"
    with pytest.raises(LedgerError):
        message_for(smtp_server, [("Zoë", "zoe@example.com\nBcc: thief@evil.example")])


def test_a_wrong_password_is_said_to_be_refused(smtp_server: SmtpServer) -> None:
    message = message_for(smtp_server, [("", "zoe@example.com")])
    with pytest.raises(MailError) as refused:
        send_message(smtp_server.settings, "wrong", message, recipients=["zoe@example.com"],
                     ssl_context=smtp_server.client_ssl)
    assert refused.value.field == "login"
    assert "refused the user name or password" in refused.value.message
    assert smtp_server.received == []


def test_a_refused_recipient_sends_nothing(smtp_server: SmtpServer) -> None:
    smtp_server.refuse("gone@example.com")
    message = message_for(smtp_server, [("", "zoe@example.com"), ("", "gone@example.com")])
    with pytest.raises(MailError) as refused:
        send_message(smtp_server.settings, smtp_server.password, message,
                     recipients=["zoe@example.com", "gone@example.com"],
                     ssl_context=smtp_server.client_ssl)
    assert refused.value.field == "recipients"
    assert "gone@example.com" in refused.value.message
    assert "Nothing was sent" in refused.value.message
    assert smtp_server.received == []


def test_an_unreachable_server_is_said_in_words(smtp_server: SmtpServer,
                                                closed_port: int) -> None:
    settings = dataclasses.replace(smtp_server.settings, port=closed_port)
    with pytest.raises(MailError) as unreachable:
        send_test_message(settings, smtp_server.password, ssl_context=smtp_server.client_ssl)
    assert unreachable.value.field == "unreachable"
    assert f"127.0.0.1 on port {closed_port}" in unreachable.value.message
    unknown = dataclasses.replace(smtp_server.settings, host="no-such-host.invalid")
    with pytest.raises(MailError) as not_found:
        send_test_message(unknown, smtp_server.password, ssl_context=smtp_server.client_ssl)
    assert not_found.value.field == "unreachable" and "could not find" in not_found.value.message


def test_a_certificate_this_computer_does_not_trust_is_a_tls_failure(
        smtp_server: SmtpServer) -> None:
    with pytest.raises(MailError) as untrusted:
        send_test_message(smtp_server.settings, smtp_server.password,
                          ssl_context=ssl.create_default_context())
    assert untrusted.value.field == "tls" and "does not trust" in untrusted.value.message
    no_tls = dataclasses.replace(smtp_server.settings, security="ssl")
    with pytest.raises(MailError) as wrong_kind:
        send_test_message(no_tls, smtp_server.password, ssl_context=smtp_server.client_ssl)
    assert wrong_kind.value.field in ("tls", "unreachable")
    assert smtp_server.received == []


def test_a_server_that_wants_a_secure_login_refuses_one_in_clear(
        smtp_server: SmtpServer) -> None:
    plain = dataclasses.replace(smtp_server.settings, security="none")
    with pytest.raises(MailError) as refused:
        send_test_message(plain, smtp_server.password, ssl_context=smtp_server.client_ssl)
    assert refused.value.field in ("login", "sender")
    assert smtp_server.received == []


def test_the_test_message_goes_to_the_sender(smtp_server: SmtpServer) -> None:
    reply = send_test_message(smtp_server.settings, smtp_server.password,
                              ssl_context=smtp_server.client_ssl)
    assert reply.startswith("250")
    [got] = smtp_server.received
    assert got.envelope_to == [SENDER]  # type: ignore[attr-defined]
    assert got["Subject"] == "Duly test message"


def test_settings_are_kept_tidied_and_refused_in_words(empty_store: db.Store) -> None:
    assert mail_settings() is None
    typed = MailSettings(host=" smtp.example.com ", port=587, security="starttls",
                         username=" accounts ", sender_name="Harbour\n& Finch",
                         sender_address="accounts@harbourfinch.example")
    save_mail_settings(typed)
    assert mail_settings() == MailSettings(
        host="smtp.example.com", port=587, security="starttls", username="accounts",
        sender_name="Harbour & Finch", sender_address="accounts@harbourfinch.example")
    for field, wrong in (("host", {"host": ""}), ("host", {"host": "smtp example"}),
                         ("port", {"port": 0}), ("port", {"port": 70000}),
                         ("security", {"security": "tls"}),
                         ("sender_address", {"sender_address": "accounts"}),
                         ("reply_to", {"reply_to": "help at example"})):
        with pytest.raises(LedgerError) as refused:
            save_mail_settings(dataclasses.replace(typed, **wrong))
        assert refused.value.field == field


def test_reminders_go_to_the_billing_contacts_and_the_billing_address(
        empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="", name="Acme\nLtd", currency="GBP",
                                     contact_name="Zoë Ødegård",
                                     billing_email="zoe@example.com"))
    ContactPerson.create(customer=who, name="Accounts", email="AP@example.com", is_billing=True)
    ContactPerson.create(customer=who, name="Sales", email="sales@example.com", is_billing=False)
    ContactPerson.create(customer=who, name="Broken", email="not an address", is_billing=True)
    ContactPerson.create(customer=who, name="Twice", email="zoe@EXAMPLE.com", is_billing=True)
    found = recipients_of(who)
    assert [address for _, address in found] == ["zoe@example.com", "AP@example.com"]
    nobody = add_customer(CustomerDraft(code="", name="Silent Ltd", currency="GBP"))
    assert recipients_of(nobody) == []


def test_a_connection_broken_while_handing_over_is_uncertain(smtp_server: SmtpServer) -> None:
    smtp_server.hold_replies = True
    message = message_for(smtp_server, [("", "zoe@example.com")])
    with pytest.raises(MailError) as broken:
        send_message(smtp_server.settings, smtp_server.password, message,
                     recipients=["zoe@example.com"], ssl_context=smtp_server.client_ssl,
                     timeout=1)
    assert broken.value.field == "uncertain"
    assert "may have been sent" in broken.value.message
    # The server did keep it: exactly why such a message is never retried by itself.
    assert smtp_server.taken.is_set() and len(smtp_server.received) == 1
    smtp_server.release.set()


# --- recipients from the store, never from a header (issue 14) -------------------------

HOSTILE_NAME = "=?utf-8?b?=aa[evil@attacker.example,[ ="


def test_a_hostile_contact_name_reaches_only_the_stores_address_and_reads_as_written(
        smtp_server: SmtpServer) -> None:
    message = message_for(smtp_server, [(HOSTILE_NAME, "zoe@example.com"),
                                        ('Zoë "Z" <x@y>, Ødegård', "ap@example.com")])
    send_message(smtp_server.settings, smtp_server.password, message,
                 recipients=["zoe@example.com", "ap@example.com"],
                 ssl_context=smtp_server.client_ssl)
    [got] = smtp_server.received
    assert got.envelope_to == ["zoe@example.com", "ap@example.com"]  # type: ignore[attr-defined]
    # A mail program reads two recipients, each with its name exactly as written.
    assert [(a.display_name, a.addr_spec) for a in got["To"].addresses] == [
        (HOSTILE_NAME, "zoe@example.com"), ('Zoë "Z" <x@y>, Ødegård', "ap@example.com")]


def test_the_server_delivers_to_the_addresses_given_whatever_the_header_says(
        smtp_server: SmtpServer) -> None:
    message = message_for(smtp_server, [("Zoë", "zoe@example.com")])
    message.replace_header("To", "Zoë <zoe@example.com>, thief@attacker.example")
    send_message(smtp_server.settings, smtp_server.password, message,
                 recipients=["zoe@example.com"], ssl_context=smtp_server.client_ssl)
    [got] = smtp_server.received
    assert got.envelope_to == ["zoe@example.com"]  # type: ignore[attr-defined]
    greeted = smtp_server.greetings
    with pytest.raises(LedgerError) as refused:
        send_message(smtp_server.settings, smtp_server.password, message,
                     recipients=["zoe@example.com, thief@attacker.example"],
                     ssl_context=smtp_server.client_ssl)
    assert refused.value.field == "recipients"
    assert smtp_server.greetings == greeted  # refused before connecting


@settings(max_examples=500, deadline=None)
@given(name=st.text() | st.text(min_size=100, max_size=300), subject=st.text(),
       attachment=st.text())
def test_any_name_subject_or_file_name_is_read_back_as_written(
        name: str, subject: str, attachment: str) -> None:
    plain = MailSettings(host="127.0.0.1", port=25, security="none", username="",
                         sender_name=name, sender_address=SENDER, reply_to=SENDER)
    message = build_message(plain, to=[(name, "zoe@example.com"), (name, "ap@example.com")],
                            subject=subject, text="Dear Zoë,\n", attachments=[(attachment, PDF)])
    read = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    written = display_name(clean_header(name))  # cut only past 400 bytes
    assert [(a.display_name, a.addr_spec) for a in read["To"].addresses] == [
        (written, "zoe@example.com"), (written, "ap@example.com")]
    assert [(a.display_name, a.addr_spec) for a in read["From"].addresses] == [
        (written, SENDER)]
    assert read["Subject"] == clean_header(subject)
    [attached] = list(read.iter_attachments())
    assert attached.get_filename() == file_name(attachment)
    assert not set(file_name(attachment)) & set('\\/:*?"<>|')


def test_an_address_a_mail_program_would_misread_is_not_an_address() -> None:
    for wrong in ("a..b@example.com", ".a@example.com", "a.@example.com",
                  "zoe@example.com, thief@attacker.example", "Zoë <zoe@example.com>"):
        assert not valid_address(wrong), wrong
    for right in ("a.b@example.com", "o'neil+dues@example.co.uk", "x@example.com"):
        assert valid_address(right), right


# --- a password never crosses the network unencrypted (issue 14) ----------------------

def test_only_this_computer_itself_is_loopback() -> None:
    for here in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LocalHost.",
                 "::ffff:127.0.0.1"):
        assert is_loopback(here), here
    for there in ("192.0.2.2", "10.0.0.1", "0.0.0.0", "::", "fd00::2", "smtp.example.com",
                  "localhost.example.com", "127.0.0.1.nip.io", ""):
        assert not is_loopback(there), there


def test_settings_that_would_send_the_password_in_clear_are_refused_in_words(
        empty_store: db.Store) -> None:
    relay = MailSettings(host="mail.example.com", port=25, security="none",
                         username="accounts", sender_name="Harbour & Finch",
                         sender_address=SENDER)
    with pytest.raises(LedgerError) as refused:
        save_mail_settings(relay)
    assert refused.value.field == "security"
    assert "None (a local relay)" in refused.value.message
    assert "STARTTLS" in refused.value.message and "user name empty" in refused.value.message
    assert mail_settings() is None
    for fine in (dataclasses.replace(relay, username=""),
                 dataclasses.replace(relay, security="starttls", port=587),
                 dataclasses.replace(relay, host="localhost")):
        save_mail_settings(fine)
        assert mail_settings() == fine


def test_a_local_relay_takes_the_login_in_clear(plain_smtp_server: SmtpServer) -> None:
    for host in ("127.0.0.1", "localhost"):
        settings = dataclasses.replace(plain_smtp_server.settings, host=host)
        assert send_test_message(settings, plain_smtp_server.password).startswith("250")
    assert plain_smtp_server.logins == [(USER, plain_smtp_server.password)] * 2
    assert len(plain_smtp_server.received) == 2


def test_a_relay_across_the_network_never_hears_the_password(
        remote_smtp_server: SmtpServer) -> None:
    with pytest.raises(LedgerError) as refused:
        send_test_message(remote_smtp_server.settings, remote_smtp_server.password)
    assert refused.value.field == "security"
    assert "unencrypted" in refused.value.message
    # Refused before connecting: the server was never even greeted.
    assert remote_smtp_server.greetings == 0 and remote_smtp_server.logins == []
    assert remote_smtp_server.received == []
    # Without a login the same relay is fine: no password goes.
    no_login = dataclasses.replace(remote_smtp_server.settings, username="")
    assert send_test_message(no_login, None).startswith("250")
    assert remote_smtp_server.logins == [] and len(remote_smtp_server.received) == 1
