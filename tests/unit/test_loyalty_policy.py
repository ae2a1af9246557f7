"""A credit policy's loyalty incentive is chosen (and audited) in one place; what it
cannot be is refused saying why."""

from __future__ import annotations

import json

import pytest

from models import db
from models.errors import LedgerError
from models.kinds import LoyaltyWaiver
from models.policies import credit_policies, set_loyalty_waiver
from models.schema import AuditEntry, CreditPolicy


def test_the_loyalty_incentive_is_set_and_audited(empty_store: db.Store) -> None:
    policy = credit_policies()[0]
    set_loyalty_waiver(policy.id, LoyaltyWaiver.FEE)
    assert CreditPolicy.get_by_id(policy.id).loyalty_waiver == LoyaltyWaiver.FEE
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.row_id) == ("edit credit policy", policy.id)
    assert json.loads(entry.before) == {"loyalty_waiver": "none"}
    assert json.loads(entry.after) == {"loyalty_waiver": "fee"}


def test_a_waiver_that_is_not_one_or_a_policy_gone_is_refused(empty_store: db.Store) -> None:
    policy = credit_policies()[0]
    with pytest.raises(LedgerError) as refused:
        set_loyalty_waiver(policy.id, "everything")  # type: ignore[arg-type]
    assert refused.value.field == "loyalty_waiver"
    with pytest.raises(LedgerError, match="no longer exists"):
        set_loyalty_waiver(10_000, LoyaltyWaiver.INTEREST)
    assert CreditPolicy.get_by_id(policy.id).loyalty_waiver == LoyaltyWaiver.NONE
