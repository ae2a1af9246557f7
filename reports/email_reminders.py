"""E-mail reminders and statements into the outbox.

Approving an e-mail stage carries it out (the contact, the stage reached, its
charges) and puts the message in the outbox in the same transaction, with the
open-item statement attached as it stands after the stage's charges: either
both are recorded or neither. Sending is ``models.outbox.send_queued``'s work.
A customer without a usable e-mail address is not queued: a printed letter goes
instead (``reports.due_letters`` prints it).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from models.action_letters import draft_for
from models.bank_accounts import signatory
from models.contacts import ContactEntry, log_contact
from models.customer_account import customer_draft
from models.db import writing
from models.errors import LedgerError
from models.followup import (
    DueAction,
    carry_out_action,
    current_action,
    execute_action,
    follow_up_plan,
    restate_action_text,
)
from models.kinds import Channel, ContactKind, OutboxKind
from models.language import N_
from models.letter_context import customer_wording, letter_context
from models.mail import recipients_of
from models.outbox import queue_message
from models.reference_rates import MissingRate
from models.relationship import queue_automatic_thanks
from models.templating import TemplateError, render_letter
from reports.due_letters import print_recorded_letters, record_letter
from reports.fonts import refusal_reason, subsets_shared
from reports.statement import STATEMENT_SHORT, render_open_item_statement, statement_data


@dataclass(frozen=True)
class QueueResult:
    """What queueing the e-mails due did."""

    queued: int
    without_address: tuple[str, ...]  # customers with no usable e-mail address (a letter)
    skipped: tuple[tuple[str, str], ...]  # (customer name, reason), e.g. a template that fails
    without_interest: tuple[tuple[str, str], ...] = ()  # (customer name, the rate to add)
    thanked: int = 0  # thank-yous queued by themselves (models.relationship, when chosen)


def queue_due_emails(as_of: dt.date, *, now: dt.datetime | None = None,
                     progress: Callable[[int, int], None] | None = None) -> QueueResult:
    """Carry out every e-mail stage due on ``as_of`` and queue its message, in one
    transaction; customers without an address are left for a letter, and a message
    that cannot be written is skipped with the reason (nothing of it recorded)."""
    now = now or dt.datetime.now()
    queued = 0
    without: list[str] = []
    skipped: list[tuple[str, str]] = []
    no_interest: list[tuple[str, str]] = []
    # All or nothing, as printing the due letters is: an error or a cancel (raised
    # by ``progress``) leaves no stage carried out and nothing in the outbox. Each
    # message's statement is a file of its own: the fonts' subsets are shared.
    with writing(), subsets_shared():
        actions = [a for a in follow_up_plan(as_of).due if a.stage.channel == Channel.EMAIL]
        for done, action in enumerate(actions, 1):
            if action.no_email_address:
                without.append(action.customer_name)
            else:
                # A rate missing for the stage's interest never holds the e-mail back:
                # it goes with what needs no rate, and the user is told which rate to add.
                missing: list[MissingRate] = []
                try:
                    _queue_due(action, as_of, now, rate_missing=missing.append)
                    queued += 1
                except (TemplateError, MissingRate, LedgerError) as refusal:
                    skipped.append((action.customer_name, refusal.message))
                else:
                    no_interest += [(action.customer_name, f"No interest was charged. "
                                                           f"{m.message}") for m in missing]
            if progress is not None:
                progress(done, len(actions))
        # The one home of the automatic thank-you: with the reminders due, each night.
        thanks = queue_automatic_thanks(as_of, now=now)
    return QueueResult(queued, tuple(without), (*skipped, *thanks.skipped), tuple(no_interest),
                       len(thanks.queued))


@dataclass(frozen=True)
class Approval:
    """A reminder the user approved, with the subject and text they approved."""

    action: DueAction
    subject: str
    text: str
    template_name: str = ""  # the template the text was written from ("" for none)


@dataclass(frozen=True)
class ApprovalOutcome:
    """What approving a batch of reminders did, by each approval's position."""

    recorded: tuple[int, ...]  # carried out (calls recorded, e-mails queued)
    refused: tuple[tuple[int, str], ...]  # not carried out, and why (the account moved on)
    letters: tuple[int, ...]  # the letters, to print: recorded when printed or saved
    emails: tuple[int, ...]  # the outbox messages queued, to send


def approve_reminders(approvals: Sequence[Approval], as_of: dt.date, *,
                      now: dt.datetime | None = None,
                      progress: Callable[[int, int], None] | None = None) -> ApprovalOutcome:
    """Carry out each approved reminder as its stage says: a call is recorded, an e-mail
    queued with the statement attached; a letter is left to print
    (:func:`print_approved_letters`), which records it. Each is its own transaction:
    an account that moved on since it was reviewed is refused with the reason, and
    the others still go."""
    recorded: list[int] = []
    refused: list[tuple[int, str]] = []
    letters: list[int] = []
    emails: list[int] = []
    with subsets_shared():  # each e-mail's statement is a file of its own
        for position, approval in enumerate(approvals):
            if progress is not None:
                progress(position, len(approvals))
            action = approval.action
            if action.stage.channel == Channel.LETTER:
                letters.append(position)
                continue
            try:
                if action.stage.channel == Channel.EMAIL:
                    emails.append(queue_reminder(action, as_of, subject=approval.subject,
                                                 text=approval.text, now=now,
                                                 template_name=approval.template_name))
                else:
                    execute_action(action.customer_id, action.currency, as_of,
                                   stage_id=action.stage.id, subject=approval.subject,
                                   text=approval.text, now=now, plan_id=action.plan_id)
            except LedgerError as error:
                refused.append((position, error.message))
            else:
                recorded.append(position)
    if progress is not None:
        progress(len(approvals), len(approvals))
    return ApprovalOutcome(tuple(recorded), tuple(refused), tuple(letters), tuple(emails))


@dataclass(frozen=True)
class ApprovedLetters:
    """Approved letters printed into one PDF, by each approval's position."""

    printed: tuple[int, ...]  # in the PDF (and recorded as sent, unless a preview)
    refused: tuple[tuple[int, str], ...]  # not printed, and why (the account moved on)
    pages: int
    warnings: tuple[str, ...]


class _Preview(Exception):
    """Ends a preview's transaction: what it recorded is taken back, its PDF kept."""

    def __init__(self, result: ApprovedLetters) -> None:
        super().__init__()
        self.result = result


def print_approved_letters(approvals: Sequence[Approval], as_of: dt.date, out: str | Path, *,
                           now: dt.datetime | None = None, record: bool = True,
                           progress: Callable[[int, int], None] | None = None
                           ) -> ApprovedLetters:
    """Record the letters the user approved (each with their subject and text) as sent,
    with their stages' charges, and print them into one PDF at ``out``, each on pages
    of its own; a letter whose account moved on since it was reviewed is refused with
    the reason. No file is left unless something was printed and all of it recorded.

    With ``record=False`` it is a preview: the PDF is the one printing would make, but
    the records are taken back, so nothing is sent until it is printed or saved."""
    out, now = Path(out), now or dt.datetime.now()
    printed: list[int] = []
    refused: list[tuple[int, str]] = []
    try:
        with writing():
            contacts = []
            for position, approval in enumerate(approvals):
                if progress is not None:
                    progress(position, len(approvals))
                action = approval.action
                try:
                    # A savepoint each: a refusal (the account moved on, or a name no
                    # font can print) takes back only its own letter.
                    contacts.append(record_letter(
                        action.customer_id, action.currency, as_of, stage_id=action.stage.id,
                        subject=approval.subject, text=approval.text, now=now,
                        plan_id=action.plan_id, template_name=approval.template_name))
                except LedgerError as error:
                    refused.append((position, refusal_reason(error)))
                else:
                    printed.append(position)
            if not contacts:
                return ApprovedLetters((), tuple(refused), 0, ())
            letters = print_recorded_letters(contacts, out)
            result = ApprovedLetters(tuple(printed), tuple(refused), letters.pages,
                                     letters.warnings)
            if not record:
                raise _Preview(result)
    except _Preview as preview:
        return preview.result
    except BaseException:
        out.unlink(missing_ok=True)  # printed, but the records were not committed
        raise
    finally:
        if progress is not None:
            progress(len(approvals), len(approvals))
    return result


def queue_reminder(action: DueAction, as_of: dt.date, *, subject: str, text: str,
                   now: dt.datetime | None = None, template_name: str = "") -> int:
    """Carry out an e-mail reminder the user approved in Today (with their subject and
    text, written from the template ``template_name``, "" for none) and queue it, with
    the statement attached; returns the outbox id."""
    if action.stage.channel != Channel.EMAIL:
        raise LedgerError("action", f"\u201c{action.stage.name}\u201d is not an e-mail.")
    now = now or dt.datetime.now()
    with writing():
        current = _still_due(action, as_of)
        to = _recipients(current.customer_id, current.customer_name)
        contact_id = carry_out_action(current, as_of, subject=subject, text=text, now=now,
                                      template_name=template_name)
        return _queue(current, subject, text, to, as_of, contact_id, now)


# The e-mail that sends a statement, in the customer's language (the catalogues).
_STATEMENT_SUBJECT = N_("Statement of account {code} at {date}")
_STATEMENT_DUE = N_("It shows {amount} due.")
_STATEMENT_CREDIT = N_("It shows a credit of {amount}.")
_STATEMENT_SETTLED = N_("Your account is settled: nothing is due.")
_STATEMENT_ATTACHED = N_("Please find attached the statement of your account with us at "
                         "{date}. {owed}")
_STATEMENT_QUERIES = N_("If anything on it does not match your records, please reply to "
                        "this e-mail and we will look into it.")
_SALUTATION = N_("Dear {{ contact_name }},")  # the default templates' own, to one reader
_CLOSING = N_("Kind regards,")


def statement_email_draft(customer_id: int, as_of: dt.date) -> tuple[str, str]:
    """The subject and text of an e-mail sending the customer their statement, in their
    language: greeting the billing contact by name as the default templates do, and
    signed by the signatory, if one is named, for the business."""
    customer = customer_draft(customer_id)
    data = statement_data(customer_id, as_of, today=as_of)
    context = letter_context(customer_id, (), as_of)
    words = customer_wording(customer_id)
    say = words.gettext
    if data.due_minor > 0:
        owed = say(_STATEMENT_DUE).format(amount=words.money(data.due_minor, data.currency))
    elif data.due_minor < 0:
        owed = say(_STATEMENT_CREDIT).format(amount=words.money(-data.due_minor,
                                                                data.currency))
    else:
        owed = say(_STATEMENT_SETTLED)
    greeting = render_letter("", say(_SALUTATION), context).body.strip()
    signed = [*signatory().lines(), context.business_name]
    text = "\n\n".join([
        greeting, say(_STATEMENT_ATTACHED).format(date=words.date(as_of), owed=owed),
        say(_STATEMENT_QUERIES), "\n".join([say(_CLOSING), *signed])])
    subject = say(_STATEMENT_SUBJECT).format(code=customer.code, date=words.date(as_of))
    return subject, text + "\n"


def queue_statement_email(customer_id: int, as_of: dt.date, *, subject: str, text: str,
                          now: dt.datetime | None = None) -> int:
    """Record an e-mail of the customer's statement in their contact log and queue it
    with the statement attached; returns the outbox id."""
    now = now or dt.datetime.now()
    with writing():
        customer = customer_draft(customer_id)
        to = _recipients(customer_id, customer.name)
        summary = "\n\n".join(part for part in ("Statement of account", subject.strip(),
                                                text.strip()) if part)
        contact_id = log_contact(customer_id, ContactEntry(
            kind=ContactKind.EMAIL, occurred_at=now, summary=summary), now=now)
        attachment = statement_attachment(customer_id, as_of, customer.currency)
        return queue_message(customer_id, kind=OutboxKind.STATEMENT, subject=subject,
                             text=text, to=to, attachments=[attachment],
                             contact_id=contact_id, now=now)


def statement_attachment(customer_id: int, as_of: dt.date,
                         currency: str | None = None) -> tuple[str, bytes]:
    """The open-item statement as a PDF to attach, named in the customer's language:
    "Statement C00047 2026-11-24.pdf", "Kontoauszug C00047 2026-11-24.pdf"."""
    data = statement_data(customer_id, as_of, today=as_of, currency=currency)
    out = io.BytesIO()
    render_open_item_statement(data, out)
    name = data.words.gettext(STATEMENT_SHORT)
    return f"{name} {data.customer_code} {as_of.isoformat()}.pdf", out.getvalue()


# --- one message -------------------------------------------------------------------

def _queue_due(action: DueAction, as_of: dt.date, now: dt.datetime, *,
               rate_missing: Callable[[MissingRate], None] | None = None) -> int:
    """One e-mail stage due: its text from the stage's template, carried out and queued
    (``rate_missing``: see :func:`models.followup.carry_out_action`)."""
    with writing():  # a savepoint: a message that fails leaves nothing of itself
        current = _still_due(action, as_of)
        to = _recipients(current.customer_id, current.customer_name)
        draft = draft_for(current, as_of)
        contact_id = carry_out_action(current, as_of, subject=draft.subject, text=draft.text,
                                      now=now, rate_missing=rate_missing,
                                      template_name=draft.template_name)
        if _charges(current):
            # Written again so that the text's charges and total agree with the
            # charges just recorded, which the attached statement lists.
            draft = draft_for(current, as_of)
            restate_action_text(contact_id, current, subject=draft.subject, text=draft.text)
        return _queue(current, draft.subject, draft.text, to, as_of, contact_id, now)


def _queue(action: DueAction, subject: str, text: str, to: list[tuple[str, str]],
           as_of: dt.date, contact_id: int, now: dt.datetime) -> int:
    """A reminder into the outbox: on invoices with the open-item statement attached; on
    a plan's instalment as a plan's e-mail, alone (the statement would show the whole
    debt the plan spreads out)."""
    if action.instalment is not None:
        return queue_message(action.customer_id, kind=OutboxKind.PLAN, subject=subject,
                             text=text, to=to, contact_id=contact_id, now=now)
    attachment = statement_attachment(action.customer_id, as_of, action.currency)
    return queue_message(action.customer_id, kind=OutboxKind.REMINDER, subject=subject,
                         text=text, to=to, attachments=[attachment], contact_id=contact_id,
                         now=now)


def _still_due(action: DueAction, as_of: dt.date) -> DueAction:
    """The action as it stands now, in the caller's transaction, or a refusal if the
    account has moved on since it was read (so it is never carried out twice)."""
    return current_action(action.customer_id, action.currency, as_of, action.stage.id,
                          action.plan_id, instalment=action.instalment)


def _recipients(customer_id: int, name: str) -> list[tuple[str, str]]:
    to = recipients_of(customer_id)
    if not to:
        raise LedgerError("recipients", f"{name} has no usable e-mail address: print a "
                                        f"letter instead.")
    return to


def _charges(action: DueAction) -> bool:
    """Whether carrying out the action's stage records charges."""
    stage = action.stage
    return bool(stage.fee_minor or stage.apply_interest or stage.apply_compensation)
