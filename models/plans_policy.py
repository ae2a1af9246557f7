"""The one follow-up policy for payment plans ("Payment plans", ``PolicyUse.PLANS``):
its stages fall due by each instalment's date (``models.plan_followup``). A new business
starts with it (``models.defaults``); a store made before it gains it when it reaches
version 15 (``models.db``)."""

from __future__ import annotations

import peewee as pw

from models.default_templates import (
    INSTALMENT_REMINDER,
    MISSED_INSTALMENT,
    PLAN_TONES,
    add_plan_templates,
)
from models.kinds import PolicyUse
from models.schema import FollowUpPolicy, FollowUpStage, LetterTemplate

PLANS_POLICY_NAME = "Payment plans"
PLANS_POLICY_DESCRIPTION = ("While a payment plan is kept its invoices are not chased: a "
                            "reminder goes before each instalment, and a gentle one the day "
                            "after an instalment not paid.")
# The stages: (name, offset days from the instalment's date, channel, template occasion).
_PLAN_STAGES = (("Instalment reminder", -3, "email", INSTALMENT_REMINDER),
                ("Missed instalment", 1, "email", MISSED_INSTALMENT))


def seed_plans_policy(templates: dict[tuple[str, str], LetterTemplate] | None = None) -> int:
    """The policy for payment plans' instalments ("Payment plans"), with its two stages
    and their default templates, created unless the store has one; returns its id."""
    existing = FollowUpPolicy.get_or_none(FollowUpPolicy.use == PolicyUse.PLANS)
    if existing is not None:
        return int(existing.id)
    templates = templates or add_plan_templates()
    name = PLANS_POLICY_NAME
    if FollowUpPolicy.select().where(pw.fn.LOWER(FollowUpPolicy.name) == name.lower()).exists():
        name = f"{PLANS_POLICY_NAME} (instalments)"  # the business's own policy keeps its name
    policy = FollowUpPolicy.create(name=name, description=PLANS_POLICY_DESCRIPTION,
                                   min_balance_minor=0, use=PolicyUse.PLANS)
    for position, (stage, offset, channel, occasion) in enumerate(_PLAN_STAGES, 1):
        FollowUpStage.create(policy=policy, position=position, name=stage, offset_days=offset,
                             channel=channel, template=templates.get((occasion, channel)),
                             tone=PLAN_TONES[occasion])
    return int(policy.id)
