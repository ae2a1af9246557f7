"""E-mail through the business's own mail server: its settings, a proper MIME message,
and one message handed to the server with what went wrong said in the user's words.

The settings live in the store (``Setting`` "mail"); the password never does (see
``models.mail_password``). Names and subjects are user text: line breaks and
other control characters are turned into spaces before they reach a header, so
a customer called "Acme\\nBcc: x@y" cannot add a header, and the address headers
are written by ``models.mail_headers`` so that a name is read back as written
whatever it holds (the email package would misread one holding "=?"). The
envelope (who the server delivers to) is always the list of addresses the caller
passes, never read back from a header. A password goes over an unencrypted
connection only to this computer itself.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import peewee as pw

from models.audit import record_change
from models.db import writing
from models.errors import LedgerError, MailError
from models.mail_headers import address_header, needs_writing, unstructured_header
from models.schema import ContactPerson, Customer, Setting

if TYPE_CHECKING:
    import smtplib
    import ssl
    from email.message import EmailMessage

# The email package, smtplib and ssl are imported where a message is made or sent: the
# models that ask whether a customer has an address are also read to show the window's
# lists, which never send one.

SECURITY = ("starttls", "ssl", "none")
SECURITY_WORDS = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": "None (a local relay)"}
MAIL_SETTING = "mail"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

# One address: something@domain.tld, no spaces, quotes or angle brackets; the part
# before the @ a dot-atom (RFC 5322 3.2.3: dots only between characters), as a
# header's parser reads it.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = re.compile(rf"^{_ATOM}(\.{_ATOM})*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")  # C0, DEL, C1, separators
_UNSAVABLE = re.compile(r'[\\/:*?"<>|]')
_HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:.]+\]?$")


@dataclass(frozen=True)
class MailSettings:
    """How Duly reaches the business's outgoing mail server, and who the mail is from."""

    host: str
    port: int
    security: str  # "starttls", "ssl" or "none" (a local relay)
    username: str  # "" = the server takes mail without a login
    sender_name: str
    sender_address: str
    reply_to: str = ""
    bcc_self: bool = False


def mail_settings() -> MailSettings | None:
    """The outgoing mail settings, or None before they are set up."""
    row = Setting.get_or_none(Setting.key == MAIL_SETTING)
    if row is None:
        return None
    try:
        values = json.loads(row.value)
        return MailSettings(**values)
    except (ValueError, TypeError):
        return None  # a damaged setting is as good as none: the user sets it up again


def save_mail_settings(settings: MailSettings) -> None:
    """Check and keep the outgoing mail settings (never a password); audited."""
    settings = checked_settings(settings)
    with writing():
        before = mail_settings()
        value = json.dumps(asdict(settings), ensure_ascii=False)
        (Setting.insert(key=MAIL_SETTING, value=value)
         .on_conflict(conflict_target=[Setting.key], update={Setting.value: value}).execute())
        record_change("mail settings", "setting", None,
                      before=asdict(before) if before else None, after=asdict(settings))


def checked_settings(settings: MailSettings) -> MailSettings:
    """The settings tidied (spaces trimmed, names on one line), or LedgerError naming
    the field that is wrong, in the user's words."""
    host = settings.host.strip()
    if not host:
        raise LedgerError("host", "Enter the mail server's name, e.g. smtp.example.com.")
    if not _HOST.match(host):
        raise LedgerError("host", f"\u201c{host}\u201d is not a server name: use letters, "
                                  f"digits, dots and dashes, e.g. smtp.example.com.")
    if not 1 <= settings.port <= 65535:
        raise LedgerError("port", "The port is a number from 1 to 65535 (usually 587 for "
                                  "STARTTLS, 465 for SSL/TLS).")
    if settings.security not in SECURITY:
        raise LedgerError("security", "Choose STARTTLS, SSL/TLS or none.")
    sender = settings.sender_address.strip()
    if not valid_address(sender):
        raise LedgerError("sender_address", "Enter the address the mail is from, e.g. "
                                            "accounts@yourbusiness.com.")
    reply_to = settings.reply_to.strip()
    if reply_to and not valid_address(reply_to):
        raise LedgerError("reply_to", f"\u201c{reply_to}\u201d is not an e-mail address.")
    tidied = MailSettings(host=host, port=settings.port, security=settings.security,
                          username=settings.username.strip(),
                          sender_name=clean_header(settings.sender_name),
                          sender_address=sender, reply_to=reply_to,
                          bcc_self=settings.bcc_self)
    refuse_password_in_clear(tidied)
    return tidied


def refuse_password_in_clear(settings: MailSettings) -> None:
    """Refuse, with LedgerError on "security", settings that would send the password
    unencrypted (security "None (a local relay)" with a user name) to anything but
    this computer itself; checked on saving and again before connecting."""
    if settings.security != "none" or not settings.username.strip():
        return
    if is_loopback(settings.host):
        return
    raise LedgerError("security", f"With Security \u201c{SECURITY_WORDS['none']}\u201d the "
                                  f"password would cross the network unencrypted, where "
                                  f"anyone on the way can read it: Duly sends it that way "
                                  f"only to a relay on this computer (localhost or "
                                  f"127.0.0.1). Choose {SECURITY_WORDS['starttls']} or "
                                  f"{SECURITY_WORDS['ssl']}, or leave the user name empty "
                                  f"for a relay that needs no login.")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer itself: an address in 127.0.0.0/8 or ::1, or
    "localhost" when every address it resolves to is one of those. Any other name
    is not, whatever it resolves to now: a name can point elsewhere by the time
    Duly connects."""
    name = host.strip().removeprefix("[").removesuffix("]")
    literal = _ip(name)
    if literal is not None:
        return literal.is_loopback
    if name.rstrip(".").casefold() != "localhost":
        return False
    try:
        found = socket.getaddrinfo("localhost", None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = [_ip(str(info[4][0])) for info in found]
    return bool(addresses) and all(a is not None and a.is_loopback for a in addresses)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``text`` spells (an IPv4 address written as IPv6 as itself)."""
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def valid_address(address: str) -> bool:
    """Whether ``address`` is one plain e-mail address (no name, no line break)."""
    return bool(_ADDRESS.match(address))


def clean_header(text: str) -> str:
    """User text made safe for a header: line breaks and control characters become
    single spaces, so it can never start a header of its own."""
    return " ".join(_CONTROL.sub(" ", text).split())


def recipients_of(customer_id: int) -> list[tuple[str, str]]:
    """Who reminders to the customer go to: the billing contacts with a valid address,
    and the customer's billing e-mail; (name, address), each address once."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    contacts = (ContactPerson.select(ContactPerson.name, ContactPerson.email)
                .where((ContactPerson.customer == customer_id) & ContactPerson.is_billing
                       & (pw.fn.TRIM(ContactPerson.email) != ""))
                .order_by(ContactPerson.id))
    customer = Customer.get_or_none(Customer.id == customer_id)
    candidates = [(c.name, c.email) for c in contacts]
    if customer is not None:
        candidates.append((customer.name, customer.billing_email))
    for name, address in candidates:
        address = address.strip()
        if valid_address(address) and address.casefold() not in seen:
            seen.add(address.casefold())
            found.append((clean_header(name), address))
    return found


def new_message_id(settings: MailSettings) -> str:
    """A new Message-ID in the sender's domain: "<…@yourbusiness.com>"."""
    from email.utils import make_msgid

    return make_msgid(domain=settings.sender_address.rpartition("@")[2] or "duly.invalid")


def build_message(settings: MailSettings, *, to: Sequence[tuple[str, str]], subject: str,
                  text: str, html: str | None = None,
                  attachments: Sequence[tuple[str, bytes]] = (),
                  message_id: str | None = None, date: dt.datetime | None = None
                  ) -> EmailMessage:
    """A MIME message from the business to ``to`` (name, address): Date, Message-ID,
    From, Reply-To, the plain text (and an HTML alternative), PDFs attached.
    Raises LedgerError for no recipient or an address that is not one."""
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime

    if not to:
        raise LedgerError("recipients", "There is no one to send it to: the customer has no "
                                        "billing e-mail address.")
    message = EmailMessage(policy=policy.SMTP)
    subject = clean_header(subject)
    message["Subject"] = (unstructured_header("Subject", subject) if needs_writing(subject)
                          else subject)
    message["From"] = address_header("From", [
        _mailbox(settings.sender_name, settings.sender_address, "sender_address")])
    message["To"] = address_header("To", [_mailbox(name, address, "recipients")
                                          for name, address in to])
    if settings.reply_to:
        message["Reply-To"] = address_header("Reply-To", [
            _mailbox("", settings.reply_to, "reply_to")])
    message["Date"] = format_datetime((date or dt.datetime.now()).astimezone())
    message["Message-ID"] = message_id or new_message_id(settings)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, content in attachments:
        message.add_attachment(content, maintype="application", subtype="pdf",
                               filename=file_name(name))
    return message


def file_name(name: str) -> str:
    """An attachment's file name as the customer's mail program gets it: on one line,
    without the characters a computer cannot save a file under (\\ / : * ? " < > |),
    which also keeps it from being misread; "attachment.pdf" when nothing is left."""
    return clean_header(_UNSAVABLE.sub("_", name)).strip(". ") or "attachment.pdf"


def _mailbox(name: str, address: str, field: str) -> tuple[str, str]:
    """(display name on one line, address) for a header; LedgerError on ``field`` if the
    address is not one plain address as the email package itself reads it."""
    from email.errors import MessageError
    from email.headerregistry import Address

    if valid_address(address):
        try:
            if Address(addr_spec=address).addr_spec == address:
                return clean_header(name), address
        except (ValueError, MessageError):
            pass  # refused below, as any address that is not one
    raise LedgerError(field, f"\u201c{clean_header(address)}\u201d is not an e-mail address.")


def send_message(settings: MailSettings, password: str | None, message: EmailMessage, *,
                 recipients: Sequence[str], ssl_context: ssl.SSLContext | None = None,
                 timeout: float = 30) -> str:
    """Hand ``message`` to the mail server for delivery to ``recipients`` (the addresses
    it is for, from the store: never read back from its headers) and the sender too
    with ``bcc_self``; give the server's reply (e.g. "250 2.0.0 Ok: queued as ABC").
    Raises LedgerError for settings that would send the password unencrypted or a
    recipient that is not an address, before connecting; MailError saying what failed
    in the user's words; a message any recipient of which is refused is not sent."""
    import ssl
    from email import policy
    from email.errors import MessageError

    refuse_password_in_clear(settings)
    envelope = _envelope(settings, recipients)
    try:
        data = message.as_bytes(policy=policy.SMTP)
    except (ValueError, LookupError, MessageError) as error:  # e.g. text it cannot encode
        raise LedgerError("message", f"Duly could not write this e-mail ({error}); it was "
                                     f"not sent.") from None
    context = ssl_context or ssl.create_default_context()
    server = _connect(settings, context, timeout)
    try:
        _secure_and_log_in(server, settings, password, context)
        return _hand_over(server, settings, data, envelope)
    finally:
        _close(server)


def send_test_message(settings: MailSettings, password: str | None, *,
                      ssl_context: ssl.SSLContext | None = None) -> str:
    """Send a short message to the sender's own address, to check the settings."""
    own = MailSettings(**{**asdict(settings), "bcc_self": False})
    message = build_message(own, to=[(settings.sender_name, settings.sender_address)],
                            subject="Duly test message",
                            text="This message was sent by Duly to check the outgoing mail "
                                 "settings. If you can read it, reminders will reach your "
                                 "customers the same way.\n")
    return send_message(own, password, message, recipients=[settings.sender_address],
                        ssl_context=ssl_context)


# --- talking to the server ----------------------------------------------------------

def _envelope(settings: MailSettings, recipients: Sequence[str]) -> list[str]:
    """The addresses the server is told to deliver to, each once; LedgerError when
    there is none or one is not a plain address."""
    envelope: list[str] = []
    wanted = [*recipients, *([settings.sender_address] if settings.bcc_self else [])]
    for address in wanted:
        if not valid_address(address):
            raise LedgerError("recipients", f"\u201c{clean_header(address)}\u201d is not an "
                                            f"e-mail address.")
        if address.casefold() not in (known.casefold() for known in envelope):
            envelope.append(address)
    if not envelope:
        raise LedgerError("recipients", "There is no one to send it to.")
    return envelope


def _connect(settings: MailSettings, context: ssl.SSLContext, timeout: float) -> smtplib.SMTP:
    import smtplib
    import ssl

    where = f"{settings.host} on port {settings.port}"
    try:
        if settings.security == "ssl":
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout,
                                    context=context)
        return smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    except socket.gaierror:
        raise MailError("unreachable", f"Duly could not find the mail server \u201c"
                                       f"{settings.host}\u201d. Check its name, and that "
                                       f"this computer is online.") from None
    except ssl.SSLError as error:
        raise MailError("tls", _tls_words(settings, error)) from None
    except TimeoutError:
        raise MailError("unreachable", f"The mail server {where} did not answer. Check the "
                                       f"server and port, and that this computer is "
                                       f"online.") from None
    except smtplib.SMTPConnectError as error:
        raise MailError("unreachable", f"The mail server {where} would not take a "
                                       f"connection: {_reply(error)}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise MailError("unreachable", f"Duly could not reach the mail server {where} "
                                       f"({_os_words(error)}). Check the server and port, "
                                       f"and that this computer is online.") from None


def _secure_and_log_in(server: smtplib.SMTP, settings: MailSettings, password: str | None,
                       context: ssl.SSLContext) -> None:
    import smtplib
    import ssl

    try:
        server.ehlo()
        if settings.security == "starttls":
            if not server.has_extn("starttls"):
                raise MailError("tls", f"The mail server {settings.host} does not offer "
                                       f"STARTTLS on port {settings.port}. Try SSL/TLS (usually "
                                       f"port 465), or ask your provider.")
            server.starttls(context=context)
            server.ehlo()
        if settings.username:
            if password is None:
                raise MailError("login", "There is no password for the mail server. Enter it "
                                         "in Settings, Outgoing mail.")
            server.login(settings.username, password)
    except ssl.SSLError as error:
        raise MailError("tls", _tls_words(settings, error)) from None
    except smtplib.SMTPAuthenticationError as error:
        raise MailError("login", f"The mail server refused the user name or password for "
                                 f"\u201c{settings.username}\u201d: {_reply(error)}") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError("login", f"The mail server {settings.host} does not accept a login "
                                 f"on this connection. Use STARTTLS or SSL/TLS, or leave the "
                                 f"user name empty for a relay that needs none.") from None
    except (OSError, smtplib.SMTPException) as error:
        raise MailError("server", f"The mail server {settings.host} broke off the "
                                  f"conversation ({_os_words(error)}).") from None


def _hand_over(server: smtplib.SMTP, settings: MailSettings, data: bytes,
               envelope: list[str]) -> str:
    import smtplib

    try:
        code, reply = server.mail(settings.sender_address)
        if code != 250:
            raise MailError("sender", f"The mail server refused the sender address "
                                      f"{settings.sender_address}: {code} {_text(reply)}")
        refused = []
        for address in envelope:
            code, reply = server.rcpt(address)
            if code not in (250, 251):
                refused.append(f"{address} ({code} {_text(reply)})")
        if refused:
            server.rset()
            raise MailError("recipients", "The mail server refused "
                                          + "; ".join(refused) + ". Nothing was sent.")
        code, reply = _data(server, settings, data)
        if code != 250:
            raise MailError("message", f"The mail server refused the message: {code} "
                                       f"{_text(reply)}")
        return f"{code} {_text(reply)}"
    except (OSError, smtplib.SMTPException) as error:
        raise MailError("server", f"The mail server {settings.host} broke off while taking "
                                  f"the message ({_os_words(error)}); it was not "
                                  f"sent.") from None


def _data(server: smtplib.SMTP, settings: MailSettings, data: bytes) -> tuple[int, bytes]:
    """Hand over the message itself. Once it is on its way, a broken connection leaves
    it unknown whether the server kept it: that is "uncertain", never "not sent"."""
    import smtplib

    try:
        return server.data(data)
    except smtplib.SMTPDataError as error:  # DATA itself refused: nothing went
        raise MailError("message", f"The mail server refused the message: "
                                   f"{_reply(error)}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise MailError("uncertain", f"The connection to {settings.host} broke while the "
                                     f"message was being handed over "
                                     f"({_os_words(error)}), so it may have been sent. Check "
                                     f"your Sent folder before sending it again.") from None


def _close(server: smtplib.SMTP) -> None:
    """Say goodbye; a server that hangs up first changes nothing about what was sent."""
    import smtplib

    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


def _tls_words(settings: MailSettings, error: ssl.SSLError) -> str:
    import ssl

    if isinstance(error, ssl.SSLCertVerificationError):
        return (f"The mail server {settings.host} showed a certificate this computer does not "
                f"trust ({error.verify_message}). Check the server name; never send through a "
                f"server you do not trust.")
    return (f"A secure connection to {settings.host} on port {settings.port} failed "
            f"({error.reason or error}). Check the security setting: STARTTLS is usually "
            f"port 587, SSL/TLS port 465.")


def _reply(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _os_words(error: BaseException) -> str:
    import smtplib

    if isinstance(error, ConnectionRefusedError):
        return "nothing is listening there"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the connection was closed"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__
