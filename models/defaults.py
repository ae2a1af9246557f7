"""What a new business starts with: payment terms, credit and follow-up policies.

The three follow-up policies follow common credit-control practice: a gentle
one for good payers, the standard one, and a firm one for accounts at risk.
"""

from __future__ import annotations

from decimal import Decimal

from models.kinds import Channel
from models.money import to_minor
from models.reference_rates import seed_reference_rates
from models.schema import (
    CreditPolicy,
    FollowUpPolicy,
    FollowUpStage,
    LetterTemplate,
    PaymentTerms,
)

# (name, offset days, channel, tone, minimum days since last contact, fee)
_POLICIES: dict[str, tuple[str, list[tuple[str, int, str, str, int, str]]]] = {
    "Gentle": ("For customers who pay and only need a nudge.", [
        ("Friendly reminder", 3, "email", "friendly", 0, "0"),
        ("Second reminder", 21, "email", "friendly", 10, "0"),
        ("Phone call", 35, "phone", "personal", 10, "0"),
        ("Firm reminder", 50, "letter", "firm", 10, "0"),
    ]),
    "Standard": ("The usual pace: courtesy note before due, then escalate.", [
        ("Courtesy reminder", -3, "email", "friendly", 0, "0"),
        ("Payment overdue", 1, "email", "friendly", 0, "0"),
        ("Second reminder", 14, "email", "polite", 7, "0"),
        ("Phone call", 30, "phone", "personal", 7, "0"),
        ("Final notice", 45, "letter", "firm", 7, "0"),
        ("Agency review", 60, "phone", "firm", 7, "0"),
    ]),
    "Firm": ("For accounts at risk: earlier, firmer, with charges.", [
        ("Payment due today", 0, "email", "polite", 0, "0"),
        ("Payment overdue", 1, "email", "polite", 0, "0"),
        ("Phone call", 7, "phone", "firm", 5, "0"),
        ("Formal reminder", 14, "letter", "firm", 5, "0"),
        ("Final notice", 28, "letter", "final", 5, "0"),
        ("Agency review", 42, "phone", "final", 5, "0"),
    ]),
}

# The default letters and e-mails, one per tone and channel, written as a good
# credit controller would: personal, plain and courteous, firm where the stage
# is firm. Each is assembled from the parts below once, when a business starts;
# the user edits the whole text in the Templates area.
_INVOICE_LIST = (
    "{% for invoice in invoices %}\n"
    "  - Invoice {{ invoice.number }} of {{ invoice.issue_date }}, due {{ invoice.due_date }}: "
    "{{ invoice.open }}{% if invoice.open != invoice.amount %} still open of "
    "{{ invoice.amount }}{% endif %} ({{ invoice.lateness }})\n"
    "{% endfor %}\n"
)
_EXTRAS = (
    "{% if early_payment_saving %}\n"
    "\n"
    "{{ early_payment_saving }}\n"
    "{% endif %}\n"
    "{% if interest_and_charges %}\n"
    "\n"
    "{{ interest_and_charges }} That brings the total now due to {{ total_with_charges }}.\n"
    "{% endif %}\n"
)
_PAYMENT = (
    "{% if payment_details %}\n"
    "Our bank details for payment:\n"
    "{{ payment_details }}\n"
    "Please quote your account number, {{ customer_code }}, so that we can match your "
    "payment quickly.\n"
    "{% else %}\n"
    "Please quote your account number, {{ customer_code }}, with your payment so that we can "
    "match it quickly.\n"
    "{% endif %}\n"
)
_PAY_BY = ("{% if next_step_date %}by {{ next_step_date }}{% else %}within 7 days of the date "
           "of this {channel}{% endif %}")
_CALL_US = "{% if business_phone %}on {{ business_phone }} {% endif %}"
_SIGN_OFF = {
    "email": "{greeting},\n{{{{ business_name }}}}\n"
             "{{% if business_phone %}}\n{{{{ business_phone }}}}\n{{% endif %}}\n",
    "letter": "{{% if contact_name == \"Sir or Madam\" %}}Yours faithfully,{{% else %}}"
              "Yours sincerely,{{% endif %}}\n\n{{{{ business_name }}}}\n",
}
# What is overdue, and (only when some invoice is not overdue yet) what is due in all:
# an invoice due on the letter's own day is never counted as overdue.
_OVERDUE_TOTALS = (
    "\nTotal overdue: {{ total_overdue }}\n"
    "{% if total_overdue != total_due %}Total due, with invoices not yet overdue: "
    "{{ total_due }}\n{% endif %}"
)

_SUBJECT = {
    "friendly": "{% if overdue_count %}A friendly reminder{% else %}Coming up for payment"
                "{% endif %}: your account {{ customer_code }} with {{ business_name }}",
    "polite": "{% if overdue_count %}Overdue payment{% else %}Payment due{% endif %}: "
              "your account {{ customer_code }} with {{ business_name }}",
    "personal": "Your account {{ customer_code }} with {{ business_name }}: can we talk?",
    "firm": "Payment required: overdue account {{ customer_code }} with {{ business_name }}",
    "final": "Final notice before further action: account {{ customer_code }} with "
             "{{ business_name }}",
}

_BODY = {
    "friendly": (
        "Dear {{ contact_name }},\n\n"
        "{% if overdue_count %}\n"
        "I hope all is well with you. This is a friendly reminder that, according to our "
        "records, the following on your account {{ customer_code }} is now past its due date "
        "and we have not yet received payment:\n"
        "{% else %}\n"
        "I hope all is well with you. As a courtesy, here is what falls due shortly on your "
        "account {{ customer_code }}, in case it helps with your next payment run:\n"
        "{% endif %}\n\n"
        + _INVOICE_LIST
        + "\nTotal: {{ total_due }}\n"
        + _EXTRAS
        + "\n{% if overdue_count %}It may simply have slipped through; it happens to all of "
          "us. {% endif %}If anything on an invoice is not right, or you need a copy, just "
          "{reply} and we will put it right straight away.\n\n"
        + _PAYMENT
        + "\nIf you have already paid, thank you, and please disregard this {channel}.\n\n"
        "{sign_off}"
    ),
    "polite": (
        "Dear {{ contact_name }},\n\n"
        "{% if overdue_count %}\n"
        "We have not yet received payment for the following on your account "
        "{{ customer_code }}, which is now overdue:\n"
        "{% else %}\n"
        "A reminder that the following on your account {{ customer_code }} is now due for "
        "payment:\n"
        "{% endif %}\n\n"
        + _INVOICE_LIST
        + "\nTotal: {{ total_due }}\n"
        + _EXTRAS
        + "\nPlease arrange payment at your earliest convenience{% if next_step_date %}, and "
          "in any case by {{ next_step_date }}{% endif %}. If something is holding payment "
          "up, such as a query on an invoice or a question of timing, please let us know "
          "now: we would much rather hear from you and find a way forward together.\n\n"
        + _PAYMENT
        + "\nIf your payment has crossed with this {channel}, thank you, and please "
          "disregard it.\n\n"
        "{sign_off}"
    ),
    "personal": (
        "Dear {{ contact_name }},\n\n"
        "I am writing to you personally about your account {{ customer_code }}"
        "{% if oldest_days_overdue %}, which has now been overdue for "
        "{{ oldest_days_overdue }} days{% endif %}. We value working with "
        "{{ customer_name }}, and I would like to resolve this with you directly rather than "
        "send you more reminders.\n\n"
        "This is what is still open:\n\n"
        + _INVOICE_LIST
        + "\nTotal: {{ total_due }}\n"
        + _EXTRAS
        + "\nI know there can be good reasons for a delay: a query about an invoice, a change "
          "in who handles payments, or simply a difficult month. Whatever the reason, please "
          "call me " + _CALL_US + "or {reply}{% if next_step_date %} by "
          "{{ next_step_date }}{% endif %}. If paying the full amount at once is difficult, "
          "we can agree a payment plan that works for both of us.\n\n"
        + _PAYMENT
        + "\nI look forward to hearing from you.\n\n"
        "{sign_off}"
    ),
    "firm": (
        "Dear {{ contact_name }},\n\n"
        "Despite our earlier reminders, the following remains unpaid on your account "
        "{{ customer_code }}{% if oldest_days_overdue %}, the oldest of it now "
        "{{ oldest_days_overdue }} days overdue{% endif %}:\n\n"
        + _INVOICE_LIST
        + _OVERDUE_TOTALS
        + _EXTRAS
        + "\nPlease pay the full amount " + _PAY_BY + ". {% if next_step %}If payment has not "
          "reached us by then, we will {{ next_step }}.{% endif %}\n\n"
        "If you dispute any of these invoices, tell us at once which and why, so that we can "
        "look into it. If you cannot pay in full, contact us " + _CALL_US + "before that date "
        "to agree a payment plan: we would much rather settle this with you than take "
        "further steps.\n\n"
        + _PAYMENT
        + "\n{sign_off}"
    ),
    "final": (
        "Dear {{ contact_name }},\n\n"
        "We have already reminded you about the following, which remains unpaid on your "
        "account {{ customer_code }}{% if oldest_days_overdue %}, the oldest of it now "
        "{{ oldest_days_overdue }} days overdue{% endif %}:\n\n"
        + _INVOICE_LIST
        + _OVERDUE_TOTALS
        + _EXTRAS
        + "\nThis is our final notice. Unless the full amount reaches us " + _PAY_BY + ", we "
          "will {% if next_step %}{{ next_step }}{% else %}pass the account to a debt "
          "collection agency{% endif %} without further notice. That is a step we would much "
          "rather not take.\n\n"
        "If there is a reason we do not know about, such as a dispute over an invoice or "
        "difficulty in paying, contact us " + _CALL_US + "before then. Even now, we are "
        "willing to agree a payment plan if you get in touch.\n\n"
        + _PAYMENT
        + "\n{sign_off}"
    ),
}
_EMAIL_GREETING = {"friendly": "Kind regards", "polite": "Kind regards",
                   "personal": "With best wishes", "firm": "Regards", "final": "Regards"}


def default_template(tone: str, channel: str) -> tuple[str, str]:
    """The subject and text Duly starts with for a tone ("friendly" … "final") and a
    channel ("email" or "letter")."""
    sign_off = _SIGN_OFF[channel].format(greeting=_EMAIL_GREETING[tone])
    reply = "reply to this e-mail" if channel == Channel.EMAIL else "write to us"
    words = {"{channel}": "e-mail" if channel == Channel.EMAIL else "letter", "{reply}": reply,
             "{sign_off}": sign_off}
    body = _BODY[tone]
    for placeholder, text in words.items():
        body = body.replace(placeholder, text)
    return _SUBJECT[tone], body


def seed_defaults(currency: str) -> None:
    """Create the default terms, credit policies and follow-up policies."""
    PaymentTerms.create(name="Net 30", net_days=30)
    PaymentTerms.create(name="Net 14", net_days=14)
    PaymentTerms.create(name="2% 10, net 30", net_days=30,
                        discount_percent=Decimal("2"), discount_days=10)
    CreditPolicy.create(name="No charges", regime="none")
    CreditPolicy.create(name="Contractual 1.5% a month", regime="contractual_monthly",
                        rate_percent=Decimal("1.5"), grace_days=7)
    CreditPolicy.create(name="Contractual 8% a year", regime="contractual_annual",
                        rate_percent=Decimal("8"), grace_days=0)
    CreditPolicy.create(name="UK statutory late payment", regime="uk_statutory",
                        fixed_compensation=True)
    CreditPolicy.create(name="EU statutory late payment", regime="eu_statutory",
                        fixed_compensation=True)
    seed_reference_rates()
    templates = {(tone, channel): _create_template(tone, channel)
                 for tone in _SUBJECT for channel in ("email", "letter")}
    for policy_name, (description, stages) in _POLICIES.items():
        policy = FollowUpPolicy.create(name=policy_name, description=description,
                                       min_balance_minor=to_minor(Decimal("10"), currency))
        for position, (name, offset, channel, tone, gap, fee) in enumerate(stages, 1):
            FollowUpStage.create(
                policy=policy, position=position, name=name, offset_days=offset,
                channel=channel, template=templates.get((tone, channel)), tone=tone,
                fee_minor=to_minor(Decimal(fee), currency), min_days_since_contact=gap)


def _create_template(tone: str, channel: str) -> LetterTemplate:
    subject, body = default_template(tone, channel)
    return LetterTemplate.create(name=f"{tone.capitalize()} {channel}", channel=channel,
                                 tone=tone, subject=subject, body=body)
