"""One rule for a currency code, wherever one is typed, imported or read: an ISO 4217 code
Duly knows (models.money.is_currency_code). Each form had its own: a customer's took
any three capitals, an agency's or a court fee band's any three letters ("ÉUR"), an import
only a real currency. The same for a country (models.postal.is_country_code)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import db
from models.agencies import AgencyDraft, add_agency
from models.bank_accounts import check_currency
from models.company import CompanyError, check_business
from models.court_fees import CourtFeeBand, check_court_fees
from models.errors import FieldProblems, LedgerError
from models.imports.values import CellError, read_currency
from models.ledger import CustomerDraft, customer_fields
from models.money import is_currency_code
from models.postal import country_code

NOT_CURRENCIES = ("XYZ", "ÉUR", "EU", "EURO", "E1R")


def _customer(currency: str, country: str = "") -> dict[str, object]:
    return customer_fields(CustomerDraft(code="C1", name="Baker Ltd", currency=currency,
                                         country=country),
                           taken=lambda _code: False, next_code=lambda: "C2")


@pytest.mark.parametrize("code", NOT_CURRENCIES)
def test_a_code_that_is_no_currency_is_refused_by_every_form(empty_store: db.Store,
                                                             code: str) -> None:
    with pytest.raises(FieldProblems) as customer:
        _customer(code)
    assert [field for field, _ in customer.value.problems] == ["currency"]
    with pytest.raises(CompanyError):
        check_business("Baker Ltd", "GB", code)
    with pytest.raises(LedgerError):
        check_currency(code)
    with pytest.raises(LedgerError):
        check_court_fees([CourtFeeBand("GB-EAW", code, 1, None, fee_minor=35_00)])
    with pytest.raises(LedgerError, match="three-letter code"):
        add_agency(AgencyDraft(name="Northgate", commission_min_minor=50_00, currency=code))
    with pytest.raises(CellError):
        read_currency(code)


@pytest.mark.parametrize("typed", ("EUR", " gbp ", "jpy", "KWD"))
def test_a_real_currency_is_taken_by_every_form_in_capitals(empty_store: db.Store,
                                                            typed: str) -> None:
    code = typed.strip().upper()
    assert _customer(typed)["currency"] == code
    assert check_business("Baker Ltd", "GB", typed)[2] == code
    assert check_currency(typed) == code
    assert read_currency(typed) == code


@given(st.text(min_size=3, max_size=3))
def test_only_iso_codes_in_capitals_are_currencies(code: str) -> None:
    if is_currency_code(code):
        assert code.isascii() and code.isalpha() and code.isupper()


@pytest.mark.parametrize("code", ("XX", "QQ", "G1", "ÉS"))
def test_a_code_that_is_no_country_is_refused_as_the_importer_refuses_it(
        empty_store: db.Store, code: str) -> None:
    # "XX" was taken by the customer and business forms; an import left it empty.
    with pytest.raises(FieldProblems) as customer:
        _customer("EUR", code)
    assert [field for field, _ in customer.value.problems] == ["country"]
    with pytest.raises(CompanyError):
        check_business("Baker Ltd", code, "EUR")
    assert country_code(code) == ""


@pytest.mark.parametrize("typed", ("GB", " de ", "gr"))
def test_a_real_country_is_taken_in_capitals(empty_store: db.Store, typed: str) -> None:
    code = typed.strip().upper()
    assert _customer("EUR", typed)["country"] == code
    assert check_business("Baker Ltd", typed, "EUR")[1] == code
    assert country_code(typed) == code
