"""How often to check in with a customer reads back as it was set (the customer dialog
shows it)."""

from __future__ import annotations

import pytest

from models.errors import LedgerError
from models.relationship import check_in_days, set_check_in_days
from tests.unit.ledger_helpers import customer


def test_the_cadence_reads_back_as_set_and_none_for_never(empty_store) -> None:
    who = customer()
    assert check_in_days(who) is None
    set_check_in_days(who, 30)
    assert check_in_days(who) == 30
    with pytest.raises(LedgerError):
        set_check_in_days(who, 5)
    assert check_in_days(who) == 30  # a refused cadence changes nothing
    set_check_in_days(who, None)
    assert check_in_days(who) is None


def test_a_customer_who_is_gone_is_said_so(empty_store) -> None:
    with pytest.raises(LedgerError):
        check_in_days(999)
