"""What a new business starts with: payment terms, credit and follow-up policies.

The three follow-up policies follow common credit-control practice: a gentle
one for good payers, the standard one, and a firm one for accounts at risk.
"""

from __future__ import annotations

from decimal import Decimal

from models.court_fees import seed_court_fees
from models.default_templates import seed_default_templates
from models.money import to_minor
from models.plans_policy import seed_plans_policy
from models.reference_rates import seed_reference_rates
from models.schema import CreditPolicy, FollowUpPolicy, FollowUpStage, PaymentTerms

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
    CreditPolicy.create(name="German statutory late payment (BGB § 288)",
                        regime="de_statutory", fixed_compensation=True)
    CreditPolicy.create(name="French statutory late payment (L441-10)",
                        regime="fr_statutory", fixed_compensation=True)
    seed_reference_rates()
    seed_court_fees()
    templates = seed_default_templates()
    for policy_name, (description, stages) in _POLICIES.items():
        policy = FollowUpPolicy.create(name=policy_name, description=description,
                                       min_balance_minor=to_minor(Decimal("10"), currency))
        for position, (name, offset, channel, tone, gap, fee) in enumerate(stages, 1):
            FollowUpStage.create(
                policy=policy, position=position, name=name, offset_days=offset,
                channel=channel, template=templates.get((tone, channel)), tone=tone,
                fee_minor=to_minor(Decimal(fee), currency), min_days_since_contact=gap)
    seed_plans_policy(templates)
