"""Post abroad carries its country: the last line of the address, in capitals."""

from __future__ import annotations

import pytest

from models import db
from models.ledger import CustomerDraft, add_customer
from models.postal import country_code, postal_address
from reports.page import address_window
from tests.unit.ledger_helpers import invoice
from tests.unit.test_letters import letter_stage_actions, read_back, snapshot


@pytest.mark.parametrize(("address", "country", "expected"), [
    ("12 rue de la République\n69002 Lyon", "FR", "12 rue de la République\n69002 Lyon\nFRANCE"),
    ("Ermou 25\n105 63 Athina", "gr", "Ermou 25\n105 63 Athina\nGREECE"),
    ("ul. Vitosha 1\n1000 Sofia\nBulgaria", "BG", "ul. Vitosha 1\n1000 Sofia\nBulgaria"),
    ("Hauptstr. 5\n10115 Berlin\nDeutschland", "DE", "Hauptstr. 5\n10115 Berlin\nDeutschland"),
    ("4 Mill Lane\nBristol BS2 0AA", "GB", "4 Mill Lane\nBristol BS2 0AA"),  # at home
    ("4 Mill Lane\nBristol BS2 0AA", "", "4 Mill Lane\nBristol BS2 0AA"),  # not known
])
def test_post_abroad_ends_with_its_country_in_capitals(address: str, country: str,
                                                       expected: str) -> None:
    assert postal_address(address, country, "GB") == expected


def test_countries_are_read_from_their_names_in_the_languages_duly_reads() -> None:
    assert [country_code(t) for t in ("Deutschland", "Grèce", "UK", "FR", "Atlantis")] == [
        "DE", "GR", "GB", "FR", ""]


def test_a_letter_to_lyon_carries_france_inside_the_window(empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="", name="Lefèvre SARL", currency="EUR",
                                     country="FR", contact_name="Claire Lefèvre",
                                     billing_email="claire@example.fr",
                                     address="12 rue de la République\n69002 Lyon"))
    invoice(who, 1_000_00, due_days_ago=50)
    [action] = letter_stage_actions()
    data = snapshot(action)
    [(text, placed)] = read_back(data)
    lines = text.splitlines()
    assert lines[lines.index("69002 Lyon") + 1] == "FRANCE"
    window = address_window(data.page_size)
    x, y = next((x, y) for x, y, piece in placed if piece == "FRANCE")
    assert window.contains(x, y)
