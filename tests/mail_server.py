"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, STARTTLS with a certificate
from a test authority (trustme), and a login for user "duly" with password "s3cret".

What it receives is parsed back into ``EmailMessage`` objects with the envelope's
recipients, so a test can check exactly what a customer would get; the clients
that greeted it and the logins it was given are kept too. ``plain_smtp_server``
is a local relay without encryption that still takes a login (and so sees the
password as sent), on 127.0.0.1 or, with ``remote_smtp_server``, on an address of
this machine that is not loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from models.mail import MailSettings

USER = "duly"
PASSWORD = "s3cret"
SENDER = "accounts@harbourfinch.example"


def free_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class _Handler:
    """Takes every message, except for recipients the test has told it to refuse."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_EHLO(self, _server: Any, session: Any, _envelope: Any,  # noqa: N802
                          hostname: str, responses: list[str]) -> list[str]:
        session.host_name = hostname
        with self.server.lock:
            self.server.greetings += 1
        return responses

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str,  # noqa: N802
                          _options: list[str]) -> str:
        if address.casefold() in self.server.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        # As a mail program reads it: lines end in \n once off the wire.
        content = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        message = email.message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.count += 1
            number = self.server.count
            message.envelope_to = list(envelope.rcpt_tos)  # type: ignore[attr-defined]
            message.envelope_from = envelope.mail_from  # type: ignore[attr-defined]
            self.server.received.append(message)
        self.server.taken.set()
        if self.server.hold_replies:
            # Kept, but the client waits for the verdict until the test lets go.
            await asyncio.get_running_loop().run_in_executor(None, self.server.release.wait, 30)
        return f"250 2.0.0 Ok: queued as DULY{number:04d}"


class _Authenticator:
    """Takes user "duly" with password "s3cret", and keeps every login it is given."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    def __call__(self, _server: Any, _session: Any, _envelope: Any, _mechanism: str,
                 data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            with self.server.lock:
                self.server.logins.append((data.login.decode(), data.password.decode()))
        ok = (isinstance(data, LoginPassword) and data.login == USER.encode()
              and data.password == PASSWORD.encode())
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


@dataclass
class SmtpServer:
    """The running server and what it has received."""

    host: str
    port: int
    client_ssl: ssl.SSLContext
    settings: MailSettings
    password: str = PASSWORD
    received: list[EmailMessage] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold_replies: bool = False  # keep messages but answer only once ``release`` is set
    release: threading.Event = field(default_factory=threading.Event)
    taken: threading.Event = field(default_factory=threading.Event)  # a message came in
    greetings: int = 0  # clients that said EHLO
    logins: list[tuple[str, str]] = field(default_factory=list)  # (user, password) given

    def refuse(self, address: str) -> None:
        """Refuse RCPT TO ``address`` from now on."""
        self.refused.add(address.casefold())


@pytest.fixture(scope="session")
def mail_authority() -> trustme.CA:
    """The test certificate authority the server's certificate comes from."""
    return trustme.CA()


@pytest.fixture
def smtp_server(mail_authority: trustme.CA) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 requiring STARTTLS and a login."""
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    mail_authority.issue_cert("127.0.0.1", "localhost").configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    mail_authority.configure_trust(client_tls)
    port = free_port()
    settings = MailSettings(host="127.0.0.1", port=port, security="starttls", username=USER,
                            sender_name="Harbour & Finch Ltd", sender_address=SENDER)
    state = SmtpServer("127.0.0.1", port, client_tls, settings)
    controller = Controller(_Handler(state), hostname="127.0.0.1", port=port,
                            tls_context=server_tls, require_starttls=True,
                            authenticator=_Authenticator(state), auth_required=True,
                            auth_require_tls=True, ready_timeout=10)
    yield from _running(controller, state)


def _running(controller: Controller, state: SmtpServer) -> Iterator[SmtpServer]:
    controller.start()
    try:
        yield state
    finally:
        state.release.set()
        controller.stop()


def _plain_server(host: str) -> Iterator[SmtpServer]:
    """A relay on ``host`` with no encryption that takes a login all the same."""
    port = free_port(host)
    settings = MailSettings(host=host, port=port, security="none", username=USER,
                            sender_name="Harbour & Finch Ltd", sender_address=SENDER)
    state = SmtpServer(host, port, ssl.create_default_context(), settings)
    # Offers AUTH without TLS; requiring it too only adds aiosmtpd's warning.
    controller = Controller(_Handler(state), hostname=host, port=port,
                            authenticator=_Authenticator(state), auth_required=False,
                            auth_require_tls=False, ready_timeout=10)
    yield from _running(controller, state)


@pytest.fixture
def plain_smtp_server() -> Iterator[SmtpServer]:
    """A local relay on 127.0.0.1 without encryption that asks for a login."""
    yield from _plain_server("127.0.0.1")


def own_address() -> str | None:
    """An IPv4 address of this machine that is not loopback, or None without one."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        found.update(str(info[4][0]) for info in
                     socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # a UDP "connect" only picks the route; sends nothing
        found.add(str(probe.getsockname()[0]))
    for address in sorted(found):
        if ipaddress.ip_address(address).is_loopback or address == "0.0.0.0":
            continue
        with contextlib.suppress(OSError), socket.socket() as probe:
            probe.bind((address, 0))
            return address
    return None


@pytest.fixture
def remote_smtp_server() -> Iterator[SmtpServer]:
    """The relay of ``plain_smtp_server`` on an address of this machine that is not
    loopback: to Duly, a server across the network."""
    address = own_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    yield from _plain_server(address)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    return free_port()
