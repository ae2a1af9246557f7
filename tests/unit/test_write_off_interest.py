"""No interest or late charge runs on a debt once it is written off."""

from __future__ import annotations

import datetime as dt

import pytest

from models import db
from models.charges import record_charges
from models.errors import LedgerError
from models.interest import interest_to_charge
from models.kinds import WriteOffReason
from models.policies import set_default_policies
from models.schema import CreditPolicy
from models.write_offs import write_off
from tests.unit.ledger_helpers import TODAY, customer, invoice

LATER = TODAY + dt.timedelta(days=120)


def test_interest_stops_on_the_day_of_the_write_off_and_none_is_charged(
        empty_store: db.Store) -> None:
    contractual = CreditPolicy.get(CreditPolicy.name == "Contractual 8% a year")
    set_default_policies(followup_policy_id=None, credit_policy_id=contractual.id)
    bill = invoice(customer(), 900_00, due_days_ago=90)
    before = interest_to_charge(bill, TODAY, without_missing_rate=True).interest_minor
    write_off(bill, reason=WriteOffReason.INSOLVENT, on=TODAY, vat_percent=None, today=TODAY)
    after = interest_to_charge(bill, LATER, without_missing_rate=True).interest_minor
    assert before > 0  # interest had run before the write-off; it runs no further
    assert after == before
    with pytest.raises(LedgerError, match="written off"):
        record_charges(bill, LATER, interest=True, compensation=False, fee_minor=0)
