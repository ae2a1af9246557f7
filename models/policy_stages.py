"""Follow-up policies' stages as the engine reads them: every policy's stages in order,
the business's default policy for invoices, the one policy for payment plans'
instalments, and where an invoice's follow-up clock is started again.

Kept apart from ``models.followup`` so that the plans (``models.plans``, which resume
chasing when one breaks) and the engine (which reminds of the plans' instalments) both
read them without importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from models.audit import record_change
from models.db import writing
from models.errors import LedgerError
from models.kinds import PolicyUse
from models.schema import FollowUpPolicy, FollowUpStage, Invoice, Setting
from models.steady import steady_answer

DEFAULT_POLICY_SETTING = "default_followup_policy"
DEFAULT_POLICY_NAME = "Standard"

@dataclass(frozen=True)
class Stage:
    """One stage of a follow-up policy, as the engine uses it."""

    id: int
    policy_id: int
    position: int
    name: str
    offset_days: int
    channel: str  # email, letter, phone
    tone: str
    template_id: int | None
    fee_minor: int
    apply_interest: bool
    apply_compensation: bool
    min_days_since_contact: int


def default_policy_id() -> int | None:
    """The policy for customers who have none chosen: the business's, else "Standard"
    (never the payment plans' policy, which chases no invoice)."""
    chasing = FollowUpPolicy.use == PolicyUse.INVOICES
    setting = Setting.get_or_none(Setting.key == DEFAULT_POLICY_SETTING)
    if setting is not None and FollowUpPolicy.get_or_none(
            (FollowUpPolicy.id == int(setting.value)) & chasing) is not None:
        return int(setting.value)
    policy = (FollowUpPolicy.select(FollowUpPolicy.id).where(chasing)
              .order_by(FollowUpPolicy.name != DEFAULT_POLICY_NAME, FollowUpPolicy.id).first())
    return int(policy.id) if policy is not None else None


@steady_answer
def plans_policy_id() -> int | None:
    """The policy whose stages fall due by the instalments of payment plans (the one
    "Payment plans" policy), if the store has one."""
    row = (FollowUpPolicy.select(FollowUpPolicy.id).where(FollowUpPolicy.use == PolicyUse.PLANS)
           .order_by(FollowUpPolicy.id).first())
    return int(row.id) if row is not None else None


@steady_answer
def stages_by_policy() -> dict[int, list[Stage]]:
    """Every policy's stages, in order."""
    stages: dict[int, list[Stage]] = defaultdict(list)
    for row in FollowUpStage.select().order_by(FollowUpStage.policy, FollowUpStage.position):
        stages[row.policy_id].append(Stage(
            id=row.id, policy_id=row.policy_id, position=row.position, name=row.name,
            offset_days=row.offset_days, channel=row.channel, tone=row.tone,
            template_id=row.template_id, fee_minor=row.fee_minor,
            apply_interest=row.apply_interest, apply_compensation=row.apply_compensation,
            min_days_since_contact=row.min_days_since_contact))
    return dict(stages)


def is_final_stage(stage: Stage) -> bool:
    """Whether ``stage`` is the last of its policy's stages: nothing follows it."""
    stages = stages_by_policy().get(stage.policy_id, [])
    return bool(stages) and stages[-1].id == stage.id


def start_chasing(invoice_ids: Iterable[int], stage_id: int, on: dt.date) -> None:
    """Start the invoices' follow-up at the stage the user chose, due ``on``; the
    stages after it follow at their usual gaps from there."""
    stage = FollowUpStage.get_or_none(FollowUpStage.id == stage_id)
    if stage is None:
        raise LedgerError("stage", "That follow-up stage no longer exists.")
    ids = list(invoice_ids)
    with writing():
        Invoice.update(chase_from=on - dt.timedelta(days=stage.offset_days)).where(
            Invoice.id.in_(ids)).execute()
        record_change("start follow-up", "invoice", None,
                      after={"invoice_ids": ids, "stage": stage.name, "on": on})
