"""`duly send --due`: the e-mail reminders due go out through the business's own mail
server once, for a scheduled job; a dry run sends and records nothing; what cannot
start says how to fix it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import trustme
from pypdf import PdfReader

from models import db
from models.mail import save_mail_settings
from models.schema import ContactPerson, Customer, Interaction, OutboxMessage
from tests.conftest import DEMO_TODAY
from tests.e2e.test_cli import ROOT
from tests.mail_server import SmtpServer

AS_OF = DEMO_TODAY.isoformat()


@pytest.fixture
def trusted(tmp_path: Path, mail_authority: trustme.CA) -> dict[str, str]:
    """The environment of a program that trusts the test server's certificate, as
    Python's default TLS context does any named by SSL_CERT_FILE, and no keyring."""
    ca = tmp_path / "test-ca.pem"
    mail_authority.cert_pem.write_to_path(str(ca))
    return {**os.environ, "SSL_CERT_FILE": str(ca),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def duly(env: dict[str, str], *args: str, password: str | None = None
         ) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py ARGS``, the password (if any) on standard input."""
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env,
                          input=None if password is None else password + "\n")


def set_up_mail(path: Path, server: SmtpServer) -> None:
    store = db.open_store(path)
    try:
        save_mail_settings(server.settings)
    finally:
        store.close()


def outbox_states(path: Path) -> dict[str, int]:
    store = db.open_store(path)
    try:
        states: dict[str, int] = {}
        for message in OutboxMessage.select():
            states[message.status] = states.get(message.status, 0) + 1
        return states
    finally:
        store.close()


def email_contacts(path: Path) -> int:
    store = db.open_store(path)
    try:
        return Interaction.select().where(Interaction.stage.is_null(False)).count()
    finally:
        store.close()


def test_the_emails_due_are_sent_once(demo_file: Path, smtp_server: SmtpServer,
                                      trusted: dict[str, str]) -> None:
    set_up_mail(demo_file, smtp_server)
    first = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF,
                 "--password-stdin", password=smtp_server.password)
    assert first.returncode == 0, first.stderr
    sent = len(smtp_server.received)
    assert sent > 0
    assert first.stdout.count("Sent to ") == sent
    assert f"Sent {sent} e-mail" in first.stdout
    assert outbox_states(demo_file) == {"sent": sent}
    for message in smtp_server.received:
        [attachment] = list(message.iter_attachments())
        # The statement, named in the customer's language: "Statement C00001 …", "Relevé …"
        assert re.fullmatch(rf"\w+ C\d{{5}} {AS_OF}\.pdf",
                            attachment.get_filename())  # type: ignore[arg-type]
        assert attachment.get_content().startswith(b"%PDF")

    again = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF,
                 "--password-stdin", password=smtp_server.password)
    assert again.returncode == 0, again.stderr
    assert "Sent 0 e-mails" in again.stdout
    assert len(smtp_server.received) == sent


def test_a_dry_run_shows_what_would_go_and_records_nothing(
        demo_file: Path, smtp_server: SmtpServer, trusted: dict[str, str]) -> None:
    set_up_mail(demo_file, smtp_server)
    contacts = email_contacts(demo_file)
    result = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF,
                  "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("Would send to ")]
    assert lines and all("@" in line and re.search(r"attached: \w+ C\d{5} ", line)
                         for line in lines)
    assert any("attached: Statement C" in line for line in lines)
    assert any("attached: Relevé C" in line for line in lines)  # to a French customer
    assert f"Dry run: {len(lines)} e-mail" in result.stdout
    assert smtp_server.received == []
    assert outbox_states(demo_file) == {}
    assert email_contacts(demo_file) == contacts


def test_a_wrong_password_says_why_and_leaves_them_to_retry(
        demo_file: Path, smtp_server: SmtpServer, trusted: dict[str, str]) -> None:
    set_up_mail(demo_file, smtp_server)
    result = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF,
                  "--password-stdin", password="wrong")
    assert result.returncode == 1
    assert "Not sent: " in result.stderr
    assert "refused the user name or password" in result.stderr
    states = outbox_states(demo_file)
    assert list(states) == ["failed"] and states["failed"] > 0
    assert smtp_server.received == []


def test_without_mail_settings_it_cannot_start(demo_file: Path,
                                               trusted: dict[str, str]) -> None:
    contacts = email_contacts(demo_file)
    result = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF)
    assert result.returncode == 2
    assert "Outgoing mail is not set up" in result.stderr
    assert "Settings, Outgoing mail" in result.stderr
    assert email_contacts(demo_file) == contacts  # nothing carried out


def test_without_a_password_it_cannot_start_and_says_how_to_give_one(
        demo_file: Path, smtp_server: SmtpServer, trusted: dict[str, str]) -> None:
    set_up_mail(demo_file, smtp_server)
    result = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF)
    assert result.returncode == 2
    assert "There is no password for duly" in result.stderr
    assert "--password-stdin" in result.stderr
    assert outbox_states(demo_file) == {}


def test_a_customer_without_an_address_is_named_for_a_letter(
        demo_file: Path, smtp_server: SmtpServer, trusted: dict[str, str]) -> None:
    set_up_mail(demo_file, smtp_server)
    store = db.open_store(demo_file)
    try:
        Customer.update(billing_email="").where(Customer.code == "C00025").execute()
        ContactPerson.update(email="").where(
            ContactPerson.customer == Customer.get(code="C00025")).execute()
    finally:
        store.close()
    result = duly(trusted, "--db", str(demo_file), "send", "--due", "--as-of", AS_OF,
                  "--password-stdin", password=smtp_server.password)
    assert result.returncode == 0, result.stderr
    assert "Letter instead: Garçon SARL has no e-mail address" in result.stdout
    assert all("customer25" not in str(m["To"]) for m in smtp_server.received)
    letters = duly(trusted, "--db", str(demo_file), "letters", "--due", "--as-of", AS_OF,
                   "--out", str(demo_file.with_name("letters.pdf")))
    assert letters.returncode == 0, letters.stderr
    assert "Garçon SARL" in "\n".join(
        page.extract_text() for page in PdfReader(demo_file.with_name("letters.pdf")).pages)
