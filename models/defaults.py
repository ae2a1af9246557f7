"""What a new business starts with: payment terms, credit and follow-up policies.

The three follow-up policies follow common credit-control practice: a gentle
one for good payers, the standard one, and a firm one for accounts at risk.
"""

from __future__ import annotations

from decimal import Decimal

from models.money import to_minor
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

_TEMPLATE_BODY = (
    "Dear {{ contact_name }},\n\n"
    "Our records show {{ invoice_count }} invoice(s) totalling {{ total_due }} "
    "now due on your account. {{ stage_text }}\n\n"
    "If you have already paid, thank you, and please ignore this message.\n\n"
    "Kind regards,\n{{ business_name }}"
)
_STAGE_TEXT = {
    "friendly": "We would be grateful if you could arrange payment at your convenience.",
    "polite": "Please arrange payment as soon as possible.",
    "personal": "We will call you to talk it through.",
    "firm": "Payment is now seriously overdue. Please pay within 7 days.",
    "final": "This is our final notice before we pass the debt to a collection agency.",
}


def seed_defaults(currency: str) -> None:
    """Create the default terms, credit policies and follow-up policies."""
    PaymentTerms.create(name="Net 30", net_days=30)
    PaymentTerms.create(name="Net 14", net_days=14)
    PaymentTerms.create(name="2% 10, net 30", net_days=30,
                        discount_percent=Decimal("2"), discount_days=10)
    CreditPolicy.create(name="No charges", regime="none")
    CreditPolicy.create(name="Contractual 1.5% a month", regime="contractual_monthly",
                        rate_percent=Decimal("1.5"), grace_days=7)
    CreditPolicy.create(name="UK statutory late payment", regime="uk_statutory",
                        fixed_compensation=True)
    CreditPolicy.create(name="EU statutory late payment", regime="eu_statutory",
                        fixed_compensation=True)
    templates: dict[tuple[str, str], LetterTemplate] = {}
    for policy_name, (description, stages) in _POLICIES.items():
        policy = FollowUpPolicy.create(name=policy_name, description=description,
                                       min_balance_minor=to_minor(Decimal("10"), currency))
        for position, (name, offset, channel, tone, gap, fee) in enumerate(stages, 1):
            template = None
            if channel in ("email", "letter"):
                key = (tone, channel)
                if key not in templates:
                    templates[key] = LetterTemplate.create(
                        name=f"{tone.capitalize()} {channel}", channel=channel, tone=tone,
                        subject="Your account with {{ business_name }}",
                        body=_TEMPLATE_BODY.replace("{{ stage_text }}", _STAGE_TEXT[tone]))
                template = templates[key]
            FollowUpStage.create(
                policy=policy, position=position, name=name, offset_days=offset,
                channel=channel, template=template, tone=tone,
                fee_minor=to_minor(Decimal(fee), currency), min_days_since_contact=gap)
