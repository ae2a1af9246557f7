"""Letter and e-mail templates: merge fields, the checks on saving, rendering in a sandbox.

A template is plain text with merge fields (``{{ customer_name }}``), conditions
(``{% if early_payment_saving %}…{% endif %}``) and one kind of loop, over the
invoice list (``{% for invoice in invoices %}{{ invoice.number }}{% endfor %}``).
Nothing else of Jinja is allowed: no dots except on the loop's invoice, no
square brackets, no calls, no calculations, no other files. The rules are
checked on the template's syntax tree before it is saved and again before each
rendering, and Jinja's immutable sandbox renders it with strict undefined
fields, no globals and a few argument-free filters, so a template can neither
reach an object or a file nor run for long.

What is left to a valid template is repetition: a long field written many
times over, inside a loop over many invoices, made a letter of 345 MB. So the
filling-in is streamed (``Template.generate``) and stops, with a message
naming the template, past :data:`MAX_RENDERED_CHARS` of text or
:data:`MAX_LOOP_STEPS` turns of the invoice loop; memory stays bounded by those.

Jinja itself is in :mod:`models.template_engine`, imported when a template is first
checked or filled in: the models that queue and send the letters are also read to
show the window's lists, which never fill one in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.errors import LedgerError

if TYPE_CHECKING:
    from models.letter_context import LetterContext

# What the Templates area lists, in this order, with the words it shows.
MERGE_FIELDS: dict[str, str] = {
    "letter_date": "Today's date, e.g. “24 November 2026”",
    "business_name": "Your business's name",
    "business_address": "Your business's postal address",
    "business_email": "Your business's e-mail address",
    "business_phone": "Your business's phone number",
    "business_registration": "Your company and VAT numbers",
    "payment_details": "How to pay you: your bank account for the invoices' currency "
                       "(Settings → Your business)",
    "signatory": "Who signs: the name and position set in Settings → Your business; "
                 "empty when no one is named",
    "customer_name": "The customer's name",
    "customer_code": "The customer's account number with you",
    "customer_address": "The customer's postal address",
    "contact_name": "The customer's billing contact, or “Sir or Madam” when there is none",
    "named_contact": "The billing contact's name; empty when there is none, for a "
                     "greeting of your own: {% if named_contact %} … {% else %} … {% endif %}",
    "invoices": "The invoices, one by one: {% for invoice in invoices %} … {% endfor %}",
    "invoice_count": "How many invoices the letter is about",
    "overdue_count": "How many of them are past their due date",
    "oldest_days_overdue": "How many days the oldest of them is overdue",
    "currency": "The currency of the invoices, e.g. GBP",
    "total_due": "What is open on the invoices and asked for, e.g. “1,234.50 GBP” (any part "
                 "in dispute left out)",
    "total_overdue": "What is open on the invoices past their due date and asked for",
    "early_payment_saving": "“Pay … by … and save …” when an early-payment discount still "
                            "applies; empty otherwise",
    "interest_and_charges": "A sentence on the interest and charges still open on the "
                            "invoices; empty when there are none",
    "charges_total": "The interest and charges still open; empty when there are none",
    "total_with_charges": "What is open on the invoices plus their interest and charges",
    "stage_name": "The follow-up stage this letter is for, e.g. “Final notice”",
    "next_step": "What you will do next if the account is not settled, to follow "
                 "“we will”; may be empty",
    "next_step_date": "The date of that next step; may be empty",
    "in_dispute": "“Of invoice …, … is in dispute and is not asked for here; we will write "
                  "to you about it separately.” when part of an invoice is in dispute; empty "
                  "otherwise",
    "early_payment_amount": "What to pay by the early-payment date to take the discount; "
                            "empty when no discount still applies",
    "early_payment_by": "The last day to pay for the early-payment discount; empty when "
                        "none still applies",
    "early_payment_discount": "What the early-payment discount saves; empty when none "
                              "still applies",
    "settlement_offer": "“If you pay … by …, we will waive the remaining …” while a "
                        "settlement offer is open; empty otherwise",
    "settlement_amount": "What the open settlement offer asks the customer to pay",
    "settlement_by": "The last day of the open settlement offer",
    "loyalty_offer": "“If you pay the … in full by …, we will waive …” while a loyalty "
                     "offer is open; empty otherwise",
    "loyalty_by": "The last day of the open loyalty offer",
    "loyalty_waived": "The fee or interest the open loyalty offer waives",
    "payment_terms": "When your invoices are due, in a sentence: “Our invoices are due for "
                     "payment within 30 days of the invoice date.”",
    "discount_terms": "The early-payment discount of the customer's terms, in a sentence; "
                      "empty when there is none",
    "late_payment_terms": "The interest, compensation and fees late payment carries under the "
                          "customer's credit policy, in sentences; empty when none",
    "terms_summary": "The customer's terms in one line: “Our terms: payment within 30 days of "
                     "the invoice date; …”",
    "how_to_pay": "How to pay you: a sentence asking to quote the account number, with your "
                  "bank account for the customer's currency",
    "thanks_for": "What a thank-you is for, in a sentence (the account paid up, a promise "
                  "kept, a payment plan completed); empty in other letters",
    "instalment_amount": "What is still to pay on the payment plan's instalment a reminder "
                         "is about, e.g. “250.00 GBP”; empty in other letters",
    "instalment_date": "The date that instalment falls due; empty in other letters",
    "instalment_number": "Which instalment of the plan it is: 3 (of 6); empty in other "
                         "letters",
    "instalment_count": "How many instalments the plan has; empty in other letters",
    "plan_reference": "The payment plan's reference for the customer to quote, e.g. "
                      "“PP-000012”; empty in other letters",
    "plan_left": "What is still to pay on the plan in all, that instalment included; empty "
                 "in other letters",
    "plan_grace_until": "The last day the instalment may be paid and the plan kept (its date "
                        "plus the plan's grace); empty in other letters",
}

# The fields of each invoice inside the invoice loop.
INVOICE_FIELDS: dict[str, str] = {
    "number": "The invoice number",
    "issue_date": "The date of the invoice",
    "due_date": "Its due date",
    "amount": "Its amount",
    "open": "What is still open on it and asked for (any part in dispute left out)",
    "days_overdue": "How many days it is overdue (0 if not yet due)",
    "lateness": "How late it is, in words: “22 days overdue”, “due today”, “due in 3 days”",
    "in_dispute": "The part of it in dispute and not asked for, e.g. “120.00 GBP”; empty "
                  "when none is",
}

# Filters that take no argument: none of them can make the text grow much.
SAFE_FILTERS = ("upper", "lower", "capitalize", "title", "trim")

MAX_SUBJECT_CHARS = 500
MAX_BODY_CHARS = 20_000
MAX_DEPTH = 40  # nodes of the syntax tree inside one another
# Filled in: a subject or a text of a million characters is some 300 pages, far past
# any letter; and the invoice loops of one filling-in turn at most this often in
# all (ten loops over 10,000 invoices), so one that writes nothing stops too.
MAX_RENDERED_CHARS = 1_000_000
MAX_LOOP_STEPS = 100_000


def check_words(subject: str, text: str, *, email: bool) -> None:
    """Refuse what a customer would receive without its words: an e-mail needs a
    subject, every letter and e-mail its text, within :data:`MAX_BODY_CHARS`."""
    if email and not subject.strip():
        raise LedgerError("subject", "Give the e-mail a subject.")
    noun = "e-mail" if email else "letter"
    if not text.strip():
        raise LedgerError("text", f"Write the {noun}'s text: it is what the customer will "
                                  f"read.")
    if len(text.strip()) > MAX_BODY_CHARS:
        raise LedgerError("text", f"The text is too long: at most {MAX_BODY_CHARS:,} "
                                  f"characters.")


class TemplateError(LedgerError):
    """A template that cannot be saved or filled in, with the line and the problem."""

    def __init__(self, field: str, message: str, line: int | None = None) -> None:
        super().__init__(field, message)
        self.line = line


@dataclass(frozen=True)
class RenderedLetter:
    """A template filled in for one customer: the subject line and the text."""

    subject: str
    body: str


def check_template(subject: str, body: str) -> None:
    """Refuse a template that uses anything but the merge fields and the allowed tags.

    Raises :class:`TemplateError` naming "subject" or "body", the line and the problem.
    """
    from models.template_engine import check_text

    check_text("subject", subject, MAX_SUBJECT_CHARS)
    check_text("body", body, MAX_BODY_CHARS)


def render_letter(subject: str, body: str, context: LetterContext, *,
                  template_name: str = "") -> RenderedLetter:
    """Fill in a template (called ``template_name``, for the messages) for one customer;
    :class:`TemplateError` if it cannot be, or if it would write more than
    :data:`MAX_RENDERED_CHARS` or loop more than :data:`MAX_LOOP_STEPS` times."""
    from models.template_engine import filled_in

    check_template(subject, body)
    return filled_in(subject, body, context, template_name)
