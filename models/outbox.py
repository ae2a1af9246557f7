"""The outbox: every e-mail to a customer, kept whole with its state, so a failure is
shown and retriable and a message the mail server accepted is never sent again.

Sending exactly once: a message is marked "sending" and that is committed before
Duly talks to the server; only the server's acceptance marks it "sent". A message
still "sending" when a batch starts was cut off (Duly closed or crashed) after
perhaps reaching the server, so it is never sent again by itself: it becomes
"uncertain" and waits for the user to check their Sent folder and retry it.

Across machines (a store on a server, several Dulys sending at once): the claim of a
queued message is one conditional UPDATE whose row count decides, so only one batch
sends it; and a batch holds a claim on each message while it is "sending"
(:func:`models.db.hold_claim`), which a Duly that dies or loses its connection lets go
of by itself. Only a message "sending" with no claim held was cut off: one another Duly
is sending at this moment is left alone, never taken for cut off.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee as pw

from models.audit import record_change
from models.contacts import refresh_contact_summary
from models.dates import short_date
from models.db import claim_abandoned, hold_claim, let_go_claim, writing
from models.errors import LedgerError
from models.kinds import OutboxKind, OutboxState
from models.mail import (
    MailError,
    MailSettings,
    build_message,
    clean_header,
    mail_settings,
    new_message_id,
    send_message,
)
from models.schema import (
    Customer,
    FollowUpStage,
    Interaction,
    OutboxMessage,
    WorklistDecision,
    database,
)

if TYPE_CHECKING:
    import ssl
    from email.message import EmailMessage

# The kind of Today item a message not sent makes (models.today lists it).
EMAIL_FAILED = "email_failed"
IN_THE_OUTBOX = "In the outbox"
_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')  # RFC 5322: such a name is quoted
CUT_OFF = ("Duly was closed while sending; check your Sent folder before sending it "
           "again.")
# The claims a batch holds on the messages it is sending (models.db.hold_claim): "OU".
_SENDING = 0x4F55


@dataclass(frozen=True)
class OutboxRow:
    """One message of the outbox, as the window lists it."""

    id: int
    customer_id: int
    customer_name: str
    kind: OutboxKind
    stage_name: str  # "" for a statement
    to: str  # "Name <a@b>, …" as sent
    subject: str
    status: str  # "queued", "sending", "sent", "failed", "uncertain"
    attempts: int
    error: str  # why the last attempt failed, in the user's words
    server_response: str
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    attachment_name: str


@dataclass(frozen=True)
class SendResult:
    """What a batch did: messages sent, those that failed and why, those not tried."""

    sent: int
    failed: tuple[tuple[str, str], ...]  # (customer name, reason)
    left: int  # not tried (cancelled)
    # (customer name, subject) of messages found cut off mid-send, now "uncertain"
    uncertain: tuple[tuple[str, str], ...] = ()


def outbox(statuses: Sequence[str] | None = None) -> list[OutboxRow]:
    """The messages of the outbox (with ``statuses`` only, if given), newest first."""
    query = (OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.customer, Customer.name, OutboxMessage.kind,
        pw.fn.COALESCE(FollowUpStage.name, ""), OutboxMessage.recipients,
        OutboxMessage.subject, OutboxMessage.status, OutboxMessage.attempts,
        OutboxMessage.error, OutboxMessage.server_response, OutboxMessage.queued_at,
        OutboxMessage.sent_at, OutboxMessage.attachment_name)
             .join(Customer).switch(OutboxMessage)
             .join(FollowUpStage, pw.JOIN.LEFT_OUTER)
             .order_by(OutboxMessage.queued_at.desc(), OutboxMessage.id.desc()))
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    rows = []
    for (outbox_id, customer_id, name, kind, stage, recipients, subject, status, attempts,
         error, response, queued_at, sent_at, attachment_name) in query.tuples():
        rows.append(OutboxRow(
            id=outbox_id, customer_id=customer_id, customer_name=name, kind=kind,
            stage_name=stage, to=recipients_text(_parsed(recipients)), subject=subject,
            status=status, attempts=attempts, error=error, server_response=response,
            queued_at=queued_at, sent_at=sent_at, attachment_name=attachment_name))
    return rows


def recipients_text(to: Sequence[tuple[str, str]]) -> str:
    """Recipients as a mail program shows them: "Name <a@b>, …" (names as written)."""
    return ", ".join(_shown(clean_header(name), address) for name, address in to)


def _shown(name: str, address: str) -> str:
    if not name:
        return address
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def queue_message(customer_id: int, *, kind: str, subject: str, text: str,
                  to: Sequence[tuple[str, str]], attachments: Sequence[tuple[str, bytes]] = (),
                  contact_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Put a message to the customer in the outbox, to be sent by :func:`send_queued`;
    with ``contact_id``, the contact it records (whose outcome then says where the
    e-mail is). At most one attachment. Returns the message's id."""
    if kind not in tuple(OutboxKind):
        raise LedgerError("kind", f"{kind!r} is not a kind of e-mail Duly sends.")
    if not to:
        raise LedgerError("recipients", "There is no one to send it to: the customer has no "
                                        "billing e-mail address.")
    if len(attachments) > 1:
        raise LedgerError("attachments", "An outbox message carries one attachment at most.")
    # Here, not at the top: the window's Today list imports the outbox, not templates.
    from models.templating import check_words

    check_words(subject, text, email=True)
    now = now or dt.datetime.now()
    name, content = attachments[0] if attachments else ("", None)
    with writing():
        stage_id = None
        if contact_id is not None:
            stage_id = Interaction.get_by_id(contact_id).stage_id
        message = OutboxMessage.create(
            customer=customer_id, kind=kind, stage=stage_id, interaction=contact_id,
            recipients=json.dumps([[clean_header(n), a.strip()] for n, a in to],
                                  ensure_ascii=False),
            subject=clean_header(subject), body=text, attachment_name=clean_header(name),
            attachment=content, message_id=_message_id(), status=OutboxState.QUEUED, queued_at=now)
        if contact_id is not None:
            _say_on_contact(contact_id, IN_THE_OUTBOX)
        record_change("queue e-mail", "outbox_message", message.id, after={
            "customer_id": customer_id, "kind": kind, "subject": message.subject,
            "to": recipients_text(to), "attachment": message.attachment_name})
    return int(message.id)


def send_queued(settings: MailSettings, password: str | None, *,
                ids: Sequence[int] | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                ssl_context: ssl.SSLContext | None = None,
                now: dt.datetime | None = None, timeout: float = 30) -> SendResult:
    """Send the queued messages (those of ``ids`` only, if given), oldest first, each
    exactly once; a failure is recorded with its reason and left to retry, and one
    broken off while handed over is "uncertain", as if cut off. Stops between
    messages when ``cancelled()`` says so, leaving the rest queued. ``timeout`` is how
    long to wait for the server at each step, in seconds."""
    if database.in_transaction():
        # Each message's "sending" must be committed before the server hears of it;
        # inside a caller's transaction it would be a savepoint that a crash undoes.
        raise RuntimeError("send_queued must not run inside a transaction.")
    uncertain = _mark_cut_off()
    queued = _queued_ids(ids)
    sent = 0
    failed: list[tuple[str, str]] = []
    for done, outbox_id in enumerate(queued):
        if cancelled is not None and cancelled():
            return SendResult(sent, tuple(failed), len(queued) - done, uncertain)
        outcome = _send_one(outbox_id, settings, password, ssl_context, now, timeout)
        if outcome is None:
            sent += 1
        elif outcome[1]:
            failed.append(outcome)
        if progress is not None:
            progress(done + 1, len(queued))
    return SendResult(sent, tuple(failed), 0, uncertain)


def retry(outbox_id: int) -> None:
    """Queue a failed message again; an uncertain one too, once the user has checked it
    did not go. A message the server accepted is never queued again."""
    with writing():
        message = OutboxMessage.get_or_none(OutboxMessage.id == outbox_id)
        if message is None:
            raise LedgerError("message", "That e-mail is no longer in the outbox.")
        if message.status == OutboxState.SENT:
            sent_at = message.sent_at
            raise LedgerError("message", f"That e-mail was sent on {short_date(sent_at)} at "
                                         f"{sent_at:%H:%M}; it is not sent again.")
        if message.status in (OutboxState.QUEUED, OutboxState.SENDING):
            raise LedgerError("message", "That e-mail is already waiting to be sent.")
        (OutboxMessage.update(status=OutboxState.QUEUED)
         .where(OutboxMessage.id == outbox_id).execute())
        # A decision about the earlier failure does not hide the next one.
        WorklistDecision.delete().where((WorklistDecision.kind == EMAIL_FAILED)
                                        & (WorklistDecision.ref_id == outbox_id)).execute()
        if message.interaction_id is not None:
            _say_on_contact(message.interaction_id, IN_THE_OUTBOX)
        record_change("retry e-mail", "outbox_message", outbox_id,
                      before={"status": message.status, "error": message.error},
                      after={"status": OutboxState.QUEUED})


def attachment_of(outbox_id: int) -> tuple[str, bytes]:
    """The message's attachment as sent (its name and bytes), to re-open."""
    message = OutboxMessage.get_or_none(OutboxMessage.id == outbox_id)
    if message is None:
        raise LedgerError("message", "That e-mail is no longer in the outbox.")
    if message.attachment is None:
        raise LedgerError("attachment", "That e-mail had no attachment.")
    return message.attachment_name, bytes(message.attachment)


def attachment_of_contact(contact_id: int) -> tuple[str, bytes]:
    """The attachment of the e-mail a contact records (the customer's timeline re-opens
    it); LedgerError when Duly sent none with it."""
    message = (OutboxMessage.select(OutboxMessage.id)
               .where(OutboxMessage.interaction == contact_id)
               .order_by(OutboxMessage.id.desc()).first())
    if message is None:
        raise LedgerError("attachment", "No attachment is kept with this e-mail: it was "
                                        "logged by hand, not sent by Duly.")
    return attachment_of(message.id)


# --- sending one ---------------------------------------------------------------------

def _mark_cut_off() -> tuple[tuple[str, str], ...]:
    """Messages left "sending" by a batch that never finished become "uncertain"; one
    another batch is sending at this moment (its claim held) is left to it."""
    with writing():
        found = list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.subject,
                                          OutboxMessage.interaction, Customer.name)
                     .join(Customer).where(OutboxMessage.status == OutboxState.SENDING)
                     .order_by(OutboxMessage.id).tuples())
        rows = []
        for row in found:
            outbox_id, _, contact_id, _ = row
            # Still "sending" once its claim is ours: the batch that ended first records
            # its outcome before letting go of the claim.
            if not claim_abandoned(_SENDING, outbox_id) or not OutboxMessage.update(
                    status=OutboxState.UNCERTAIN, error=CUT_OFF).where(
                    (OutboxMessage.id == outbox_id)
                    & (OutboxMessage.status == OutboxState.SENDING)).execute():
                continue
            rows.append(row)
            if contact_id is not None:
                _say_on_contact(contact_id, f"Perhaps sent: {CUT_OFF}")
            record_change("e-mail cut off", "outbox_message", outbox_id,
                          before={"status": OutboxState.SENDING},
                          after={"status": OutboxState.UNCERTAIN})
    return tuple((name, subject) for _, subject, _, name in rows)


def _queued_ids(ids: Sequence[int] | None) -> list[int]:
    query = (OutboxMessage.select(OutboxMessage.id)
             .where(OutboxMessage.status == OutboxState.QUEUED)
             .order_by(OutboxMessage.queued_at, OutboxMessage.id))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    return [outbox_id for (outbox_id,) in query.tuples()]


def _send_one(outbox_id: int, settings: MailSettings, password: str | None,
              context: ssl.SSLContext | None, now: dt.datetime | None, timeout: float
              ) -> tuple[str, str] | None:
    """Send one message; None when the server took it, else (customer, reason). A
    message no longer queued (taken by another batch) gives ("", "")."""
    from email.errors import MessageError

    message = OutboxMessage.get_or_none(OutboxMessage.id == outbox_id)
    if message is None:
        return ("", "")
    # Written in full before it is claimed: a message that cannot be written fails
    # alone and stays "failed", since the server never heard of it.
    try:
        to = _recipients(message)
        mime = build_message(settings, to=to, subject=message.subject, text=message.body,
                             attachments=_attachments(message),
                             message_id=message.message_id, date=now)
    except (ValueError, TypeError, LookupError, MessageError) as error:
        reason = error.message if isinstance(error, LedgerError) else _unwritable(error)
        claimed = False
        try:
            with writing():
                claimed = _claim(outbox_id, OutboxState.FAILED)
                if claimed:
                    _record_failure(message, reason)
        finally:
            if claimed:
                let_go_claim(_SENDING, outbox_id)
        return (message.customer.name, reason) if claimed else ("", "")
    if not _claim(outbox_id, OutboxState.SENDING):
        return ("", "")
    # Committed: from here on, a crash leaves it "sending", never sent twice.
    try:
        return _hand_over(message, settings, password, to, mime, context, now, timeout)
    finally:
        let_go_claim(_SENDING, outbox_id)


def _hand_over(message: OutboxMessage, settings: MailSettings, password: str | None,
               to: list[tuple[str, str]], mime: EmailMessage, context: ssl.SSLContext | None,
               now: dt.datetime | None, timeout: float) -> tuple[str, str] | None:
    """Give the claimed message to the mail server and record what came of it."""
    try:
        response = send_message(settings, password, mime,
                                recipients=[address for _, address in to],
                                ssl_context=context, timeout=timeout)
    except (MailError, LedgerError) as error:  # LedgerError: refused before connecting
        # Broken off mid-handover: it may have gone, so it is never retried by itself.
        status = OutboxState.UNCERTAIN if error.field == "uncertain" else OutboxState.FAILED
        _record_failure(message, error.message, status)
        return (message.customer.name, error.message)
    _record_sent(message, response, now or dt.datetime.now())
    return None


def _claim(outbox_id: int, status: str) -> bool:
    """Move a queued message to ``status`` for this batch, counting the attempt, holding
    the claim on it (let go by the caller); False when it is no longer queued or another
    batch holds it (another batch took it). The UPDATE's row count decides: two batches
    claiming one message at once, one waits for the other and then finds it taken."""
    if not hold_claim(_SENDING, outbox_id):
        return False
    with writing():
        claimed = bool(OutboxMessage.update(status=status, attempts=OutboxMessage.attempts + 1)
                       .where((OutboxMessage.id == outbox_id)
                              & (OutboxMessage.status == OutboxState.QUEUED))
                       .execute())
    if not claimed:
        let_go_claim(_SENDING, outbox_id)
    return claimed


def _unwritable(error: Exception) -> str:
    return (f"Duly could not write this e-mail from what the outbox holds ({error}); it was "
            f"not sent. Send the customer a new one.")


def _record_sent(message: OutboxMessage, response: str, at: dt.datetime) -> None:
    with writing():
        OutboxMessage.update(status=OutboxState.SENT, sent_at=at, server_response=response,
                             error="").where(
            OutboxMessage.id == message.id).execute()
        if message.interaction_id is not None:
            who = ", ".join(address for _, address in _recipients(message))
            _say_on_contact(message.interaction_id, f"Sent {short_date(at)} {at:%H:%M} to {who}")
        record_change("e-mail sent", "outbox_message", message.id,
                      after={"status": OutboxState.SENT, "server_response": response})


def _record_failure(message: OutboxMessage, reason: str, status: str = OutboxState.FAILED) -> None:
    with writing():
        OutboxMessage.update(status=status, error=reason).where(
            OutboxMessage.id == message.id).execute()
        if message.interaction_id is not None:
            said = "Perhaps sent" if status == OutboxState.UNCERTAIN else "Not sent"
            _say_on_contact(message.interaction_id, f"{said}: {reason}")
        record_change("e-mail failed", "outbox_message", message.id,
                      after={"status": status, "error": reason})


def _say_on_contact(contact_id: int, outcome: str) -> None:
    """Keep the contact's outcome saying where its e-mail is, and the customer's last
    contact counting it only once it has gone."""
    Interaction.update(outcome=outcome).where(Interaction.id == contact_id).execute()
    refresh_contact_summary([Interaction.get_by_id(contact_id).customer_id])


def _recipients(message: OutboxMessage) -> list[tuple[str, str]]:
    return _parsed(message.recipients)


def _parsed(recipients: str) -> list[tuple[str, str]]:
    return [(str(name), str(address)) for name, address in json.loads(recipients)]


def _attachments(message: OutboxMessage) -> list[tuple[str, bytes]]:
    if message.attachment is None:
        return []
    return [(message.attachment_name, bytes(message.attachment))]


def _message_id() -> str:
    """A Message-ID fixed when the message is queued, so a retry keeps it."""
    from email.utils import make_msgid

    settings = mail_settings()
    return new_message_id(settings) if settings is not None else make_msgid(domain="duly.invalid")

