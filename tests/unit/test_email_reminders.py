"""E-mail reminders into the outbox: approving an e-mail stage carries it out and
queues its message, with the statement attached, together; a customer without an
e-mail address gets a printed letter instead, and Today says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import db
from models.errors import LedgerError
from models.followup import NO_EMAIL_ADDRESS, DueAction, follow_up_plan
from models.ledger import CustomerDraft, add_customer
from models.mail import save_mail_settings
from models.outbox import outbox, send_queued
from models.schema import (
    ContactPerson,
    Customer,
    FollowUpStage,
    Interaction,
    LetterTemplate,
    OutboxMessage,
    StageExecution,
)
from models.today import STAGE_ACTION, worklist
from reports.due_letters import letter_for_contact, print_due_letters
from reports.email_reminders import (
    queue_due_emails,
    queue_reminder,
    queue_statement_email,
    statement_email_draft,
)
from tests.helpers import pdf_pages
from tests.mail_server import SmtpServer
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOW = dt.datetime.combine(TODAY, dt.time(9))


def overdue(name: str = "Zoë Ødegård AS", *, email: str = "zoe@example.com",
            days: int = 2) -> int:
    """A customer whose invoice has reached the Standard policy's "Payment overdue" e-mail."""
    who = add_customer(CustomerDraft(code="", name=name, currency="GBP",
                                     address="4 Mill Lane\nBristol BS2 0AA",
                                     contact_name="Zoë Ødegård", billing_email=email))
    invoice(who, 1_234_56, due_days_ago=days)
    return who


def action_for(who: int) -> DueAction:
    return next(a for a in follow_up_plan(TODAY).due if a.customer_id == who)


def test_due_emails_are_carried_out_and_queued_with_the_statement(
        empty_store: db.Store) -> None:
    who = overdue()
    action = action_for(who)
    assert (action.stage.name, action.stage.channel) == ("Payment overdue", "email")
    result = queue_due_emails(TODAY, now=NOW)
    assert (result.queued, result.without_address, result.skipped) == (1, (), ())
    [message] = OutboxMessage.select()
    contact = Interaction.get_by_id(message.interaction_id)
    assert (contact.kind, contact.stage_id, contact.outcome) == (
        "email", action.stage.id, "In the outbox")
    assert message.subject in contact.summary and message.body.strip() in contact.summary
    assert "Zoë" in message.body
    assert StageExecution.get(StageExecution.invoice == action.invoices[0].id).interaction_id \
        == contact.id
    code = action.customer_code
    assert message.attachment_name == f"Statement {code} 2026-11-24.pdf"
    [(text, _)] = pdf_pages(bytes(message.attachment))
    assert "Zoë Ødegård AS" in text and "1,234.56" in text
    [row] = outbox()
    assert (row.kind, row.stage_name, row.status, row.to) == (
        "reminder", "Payment overdue", "queued", "Zoë Ødegård <zoe@example.com>")
    # State-based: the stage is carried out, so nothing is queued twice.
    assert queue_due_emails(TODAY, now=NOW).queued == 0
    assert not [i for i in worklist(TODAY) if i.kind == STAGE_ACTION]


def test_a_queued_reminder_is_sent_and_the_contact_says_so(
        empty_store: db.Store, smtp_server: SmtpServer) -> None:
    save_mail_settings(smtp_server.settings)
    who = overdue()
    queue_due_emails(TODAY, now=NOW)
    result = send_queued(smtp_server.settings, smtp_server.password,
                         ssl_context=smtp_server.client_ssl, now=NOW)
    assert result.sent == 1
    [message] = smtp_server.received
    stored = OutboxMessage.get()
    assert message["Subject"] == stored.subject
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == bytes(stored.attachment)
    contact = Interaction.get(Interaction.customer == who, Interaction.kind == "email")
    assert contact.outcome == "Sent 24 Nov 2026 09:00 to zoe@example.com"


def test_queueing_cancelled_part_way_records_nothing(empty_store: db.Store) -> None:
    overdue("First Ltd"), overdue("Second Ltd")

    class Stop(Exception):
        pass

    def cancel_after_the_first(done: int, _total: int) -> None:
        if done == 1:
            raise Stop

    with pytest.raises(Stop):
        queue_due_emails(TODAY, now=NOW, progress=cancel_after_the_first)
    assert OutboxMessage.select().count() == 0
    assert StageExecution.select().count() == 0
    assert queue_due_emails(TODAY, now=NOW).queued == 2


def test_a_reminder_approved_in_today_goes_with_the_users_own_words(
        empty_store: db.Store) -> None:
    who = overdue()
    action = action_for(who)
    outbox_id = queue_reminder(action, TODAY, subject="About invoice T", text="Hello Zoë",
                               now=NOW)
    message = OutboxMessage.get_by_id(outbox_id)
    assert (message.subject, message.body, message.kind) == ("About invoice T", "Hello Zoë",
                                                             "reminder")
    assert message.stage_id == action.stage.id
    with pytest.raises(LedgerError, match="already sent by"):
        queue_reminder(action, TODAY, subject="Again", text="Again", now=NOW)
    assert OutboxMessage.select().count() == 1


def test_a_reminder_that_cannot_be_written_is_skipped_and_not_recorded(
        empty_store: db.Store) -> None:
    who = overdue()
    stage = action_for(who).stage
    LetterTemplate.update(body="Dear {{ customer.secret.password }}").where(
        LetterTemplate.id == stage.template_id).execute()
    result = queue_due_emails(TODAY, now=NOW)
    assert result.queued == 0
    [(name, reason)] = result.skipped
    assert name == "Zoë Ødegård AS" and reason
    assert OutboxMessage.select().count() == 0
    assert Interaction.select().where(Interaction.stage.is_null(False)).count() == 0
    assert action_for(who).stage.id == stage.id  # still due


# --- no e-mail address: a letter instead ------------------------------------------------

def test_a_customer_without_an_address_gets_a_letter_and_today_says_so(
        empty_store: db.Store, tmp_path: Path) -> None:
    emailed, unreachable = overdue("Has Mail Ltd"), overdue("No Mail Ltd", email="")
    action = action_for(unreachable)
    assert action.no_email_address and NO_EMAIL_ADDRESS in action.warnings
    assert not action_for(emailed).no_email_address
    [item] = [i for i in worklist(TODAY) if i.kind == STAGE_ACTION
              and i.customer_id == unreachable]
    assert item.detail.endswith("no e-mail address: print a letter instead")

    result = queue_due_emails(TODAY, now=NOW)
    assert (result.queued, result.without_address) == (1, ("No Mail Ltd",))
    assert [m.customer_id for m in OutboxMessage.select()] == [emailed]
    with pytest.raises(LedgerError, match="no usable e-mail address"):
        queue_reminder(action, TODAY, subject="S", text="T", now=NOW)

    printed = print_due_letters(TODAY, tmp_path / "letters.pdf", now=NOW)
    [letter] = printed.printed
    assert (letter.customer_name, letter.stage_name) == ("No Mail Ltd", "Payment overdue")
    contact = Interaction.get_by_id(letter.contact_id)
    assert (contact.kind, contact.stage_id) == ("letter", action.stage.id)
    # Written from the business's letter of the stage's tone, not the e-mail.
    letter_text = LetterTemplate.get(LetterTemplate.channel == "letter",
                                     LetterTemplate.tone == action.stage.tone)
    assert letter_text.subject.split("{")[0].strip() in contact.summary
    assert letter_for_contact(contact.id).customer_name == "No Mail Ltd"
    assert not [i for i in worklist(TODAY) if i.kind == STAGE_ACTION]


def test_an_invalid_address_is_no_address(empty_store: db.Store) -> None:
    who = overdue("Typo Ltd", email="")
    # As an import from the accounting system may leave it.
    Customer.update(billing_email="accounts at typo.example").where(
        Customer.id == who).execute()
    assert action_for(who).no_email_address


def test_a_letter_instead_uses_the_stages_own_text_when_the_business_has_no_letter(
        empty_store: db.Store, tmp_path: Path) -> None:
    who = overdue("No Mail Ltd", email="")
    stage = FollowUpStage.get_by_id(action_for(who).stage.id)
    LetterTemplate.update(tone="other").where(LetterTemplate.channel == "letter").execute()
    printed = print_due_letters(TODAY, tmp_path / "letters.pdf", now=NOW)
    [letter] = printed.printed
    email = LetterTemplate.get_by_id(stage.template_id)
    contact = Interaction.get_by_id(letter.contact_id)
    assert email.subject.split("{")[0].strip() in contact.summary


# --- "E-mail statement" ------------------------------------------------------------------

def test_a_statement_is_emailed_with_its_pdf_and_logged(empty_store: db.Store) -> None:
    who = overdue()
    subject, text = statement_email_draft(who, TODAY)
    assert subject.startswith("Statement of account C")
    assert "1,234.56" in text and "Harbour & Finch Ltd" in text
    assert text.startswith("Dear Zoë Ødegård,")  # the billing contact, by name as typed
    outbox_id = queue_statement_email(who, TODAY, subject=subject, text=text, now=NOW)
    message = OutboxMessage.get_by_id(outbox_id)
    assert (message.kind, message.stage_id, message.subject) == ("statement", None, subject)
    assert message.attachment_name.startswith("Statement C") and bytes(
        message.attachment).startswith(b"%PDF")
    contact = Interaction.get_by_id(message.interaction_id)
    assert (contact.kind, contact.outcome) == ("email", "In the outbox")
    # Not a stage: the reminder due is still due.
    assert action_for(who).stage.name == "Payment overdue"


def test_a_statement_is_not_queued_without_an_address(empty_store: db.Store) -> None:
    who = overdue("No Mail Ltd", email="")
    with pytest.raises(LedgerError, match="no usable e-mail address"):
        queue_statement_email(who, TODAY, subject="S", text="T", now=NOW)
    assert OutboxMessage.select().count() == 0
    assert Interaction.select().where(Interaction.customer == who).count() == 0


def test_a_billing_contact_and_the_billing_address_are_both_written_to(
        empty_store: db.Store) -> None:
    who = customer()
    invoice(who, 50_00, due_days_ago=2)
    Customer.update(billing_email="ap@zoe.example").where(Customer.id == who).execute()
    ContactPerson.create(customer=who, name="Per Hansen", email="per@zoe.example", is_billing=True)
    queue_due_emails(TODAY, now=NOW)
    [row] = outbox()
    assert row.to.count("@") == 3 and "ap@zoe.example" in row.to


def test_a_stage_with_a_fee_writes_the_fee_into_the_email(empty_store: db.Store) -> None:
    who = overdue()
    stage_id = action_for(who).stage.id
    FollowUpStage.update(fee_minor=25_00).where(FollowUpStage.id == stage_id).execute()
    queue_due_emails(TODAY, now=NOW)
    message = OutboxMessage.get()
    [(text, _)] = pdf_pages(bytes(message.attachment))
    assert "25.00" in text  # the statement shows the fee just charged
    contact = Interaction.get_by_id(message.interaction_id)
    assert message.body.strip() in contact.summary  # the text as restated with the fee


def test_a_rate_missing_for_the_interest_never_holds_a_reminder_back(
        empty_store: db.Store) -> None:
    from models.charges import invoice_charges
    from models.reference_rates import seed_reference_rates
    from models.schema import CreditPolicy, Invoice

    seed_reference_rates()  # the shipped table ends before 30 June 2026
    who = overdue("Statutory Mail Ltd")  # due 22 Nov 2026: needs the 30 June 2026 rate
    statutory = CreditPolicy.get(CreditPolicy.name == "UK statutory late payment")
    Customer.update(credit_policy=statutory).where(Customer.id == who).execute()
    FollowUpStage.update(apply_interest=True, apply_compensation=True).where(
        FollowUpStage.name == "Payment overdue").execute()

    result = queue_due_emails(TODAY, now=NOW)

    assert (result.queued, result.skipped) == (1, ())
    [(name, reason)] = result.without_interest
    assert name == "Statutory Mail Ltd"
    assert reason.startswith("No interest was charged. No Bank of England base rate on "
                             "30 Jun 2026")
    [late] = Invoice.select().where(Invoice.customer == who)
    assert [c.kind for c in invoice_charges(late.id)] == ["compensation"]
