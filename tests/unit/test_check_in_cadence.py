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


def test_a_customer_and_their_cadence_are_saved_together_or_not_at_all(empty_store) -> None:
    from models.ledger import CustomerDraft
    from models.relationship import add_customer_checking_in, update_customer_checking_in
    from models.schema import Customer

    draft = CustomerDraft(code="", name="Steady Ltd", currency="GBP")
    with pytest.raises(LedgerError):
        add_customer_checking_in(draft, 3)  # too often: no customer either
    assert not Customer.select().where(Customer.name == "Steady Ltd").exists()
    who = add_customer_checking_in(draft, 90)
    assert check_in_days(who) == 90
    renamed = CustomerDraft(code=Customer.get_by_id(who).code, name="Steady & Sons Ltd",
                            currency="GBP")
    with pytest.raises(LedgerError):
        update_customer_checking_in(who, renamed, 1_000)
    assert Customer.get_by_id(who).name == "Steady Ltd" and check_in_days(who) == 90
    update_customer_checking_in(who, renamed, None)
    assert Customer.get_by_id(who).name == "Steady & Sons Ltd" and check_in_days(who) is None
