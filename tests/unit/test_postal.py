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


@pytest.mark.parametrize(("address", "country", "expected"), [
    # Imported one column a line: the postcode joins its town as the destination's post
    # wants it.
    ("Hauptstr. 5\nBerlin\n10115", "DE", "Hauptstr. 5\n10115 Berlin\nGERMANY"),
    ("Hauptstr. 5\n10115\nBerlin\nDeutschland", "DE", "Hauptstr. 5\n10115 Berlin\nDeutschland"),
    ("Via Roma 1\nRoma\nRM\n00184", "IT", "Via Roma 1\n00184 Roma RM\nITALY"),
    ("Ermou 25\nAthina\n105 63", "GR", "Ermou 25\n105 63 Athina\nGREECE"),
    ("Damrak 1\nAmsterdam\n1012 LG", "NL", "Damrak 1\n1012 LG Amsterdam\nNETHERLANDS"),
    ("1200 Commerce St\nSpringfield\nIL\n62701", "US",
     "1200 Commerce St\nSpringfield, IL 62701\nUNITED STATES"),
    ("1 Front St W\nToronto\nON\nM5J 2X6", "CA", "1 Front St W\nToronto ON  M5J 2X6\nCANADA"),
    ("1 George St\nSydney\nNSW\n2000", "AU", "1 George St\nSydney NSW 2000\nAUSTRALIA"),
    ("4 Mill Lane\nbs2 0aa\nBristol", "GB", "4 Mill Lane\nBristol\nBS2 0AA"),  # at home too
    # Written on fewer lines, or not plainly a town and a postcode: as written.
    ("Hauptstr. 5\n10115 Berlin", "DE", "Hauptstr. 5\n10115 Berlin\nGERMANY"),
    ("Hauptstr. 5\n10115", "DE", "Hauptstr. 5\n10115\nGERMANY"),
    ("12 rue X\nParis Cedex 08\n75008", "FR", "12 rue X\nParis Cedex 08\n75008\nFRANCE"),
    ("Calle Mayor 1\nMadrid\n28013", "", "Calle Mayor 1\nMadrid\n28013"),  # country unknown
])
def test_the_postcode_stands_where_the_destination_s_post_wants_it(
        address: str, country: str, expected: str) -> None:
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


def test_a_letter_to_a_berlin_customer_imported_a_column_a_line_writes_10115_berlin(
        empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="", name="Weber GmbH", currency="EUR", country="DE",
                                     contact_name="Anna Weber",
                                     address="Friedrichstraße 100\nBerlin\n10117"))
    invoice(who, 1_000_00, due_days_ago=50)
    [action] = letter_stage_actions()
    [(text, _)] = read_back(snapshot(action))
    lines = text.splitlines()
    at = lines.index("Friedrichstraße 100")
    assert lines[at + 1:at + 3] == ["10117 Berlin", "GERMANY"]
