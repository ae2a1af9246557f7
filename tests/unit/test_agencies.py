"""The agency directory: who the agencies are, what they charge, what they are good at
and how the business rates them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from models import db
from models.agencies import AgencyDraft, add_agency, agencies, agency, commission_on, update_agency
from models.company import create_business
from models.errors import LedgerError
from models.schema import AuditEntry

NORTHGATE = AgencyDraft(name="Northgate Collections Ltd", contact_name="Sam Patel",
                        email="sam@northgate.example", phone="+44 161 555 0100",
                        commission_percent=Decimal("15"), commission_min_minor=50_00,
                        currency="gbp", fees="£25 to open a case", strengths="B2B, UK courts",
                        notes="Quick to report back", rating=4)


def test_an_agency_is_kept_with_what_it_charges_and_does_well(empty_store: db.Store) -> None:
    made = add_agency(NORTHGATE)
    row = agency(made)
    assert (row.name, row.contact_name, row.currency, row.rating, row.referrals) == (
        "Northgate Collections Ltd", "Sam Patel", "GBP", 4, 0)
    assert row.commission_words == "15% (at least 50.00 GBP)"
    assert (row.fees, row.strengths, row.notes) == ("£25 to open a case", "B2B, UK courts",
                                                    "Quick to report back")
    update_agency(made, AgencyDraft(name="Northgate Collections Ltd", rating=2))
    assert (agency(made).rating, agency(made).commission_words) == (2, "")
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action).where(
        AuditEntry.table == "agency").tuples()]
    assert actions == ["add agency", "edit agency"]


def test_the_directory_lists_the_best_rated_first(empty_store: db.Store) -> None:
    add_agency(AgencyDraft(name="Zeta Recovery", rating=5))
    add_agency(AgencyDraft(name="Alpha Debt"))
    add_agency(AgencyDraft(name="Beta Credit", rating=3))
    assert [r.name for r in agencies()] == ["Zeta Recovery", "Beta Credit", "Alpha Debt"]


@pytest.mark.parametrize(("recovered", "commission"), [
    (1000_00, 150_00),  # 15%
    (200_00, 50_00),  # 30.00 is under the minimum of 50.00
    (30_00, 30_00),  # never more than it recovered
    (333_33, 50_00),
    (1000_03, 150_00),  # 150.0045 rounds half-up to 150.00
    (1000_10, 150_02),  # 150.015 rounds half-up to 150.02
])
def test_commission_is_the_percentage_but_at_least_the_minimum(
        empty_store: db.Store, recovered: int, commission: int) -> None:
    assert commission_on(agency(add_agency(NORTHGATE)), recovered) == commission


def test_bad_details_are_refused_field_by_field(empty_store: db.Store) -> None:
    add_agency(NORTHGATE)
    with pytest.raises(LedgerError) as refused:
        add_agency(AgencyDraft(name="northgate collections ltd", email="not-an-address",
                               commission_percent=Decimal("120"), rating=6,
                               commission_min_minor=10_00))
    message = refused.value.message
    for words in ("already in the directory", "does not look like an e-mail address",
                  "from 0 to 100", "from 1 to 5", "three-letter code"):
        assert words in message
    with pytest.raises(LedgerError, match="Enter the agency's name"):
        add_agency(AgencyDraft(name="  "))
    assert len(agencies()) == 1


def test_agencies_from_the_command_line(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    finally:
        store.close()
    assert main(["--db", str(path), "agencies"]) == 0
    assert "No agencies in the directory yet." in capsys.readouterr().out
    db.run_in_store(path, lambda: add_agency(NORTHGATE))
    assert main(["--db", str(path), "agencies"]) == 0
    out = capsys.readouterr().out
    assert "Northgate Collections Ltd" in out and "★★★★☆" in out
    assert "15% (at least 50.00 GBP)" in out and "Fees: £25 to open a case" in out
