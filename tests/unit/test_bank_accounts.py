"""Payment details per currency and the named signatory: what a user types is checked in
their words, each document shows the account for its currency, and letters are signed."""

from __future__ import annotations

import io

import pytest

from models import db
from models.bank_accounts import (
    BankAccountDraft,
    bank_accounts,
    check_bank_account,
    payment_account,
    payment_details,
    printed_account,
    remove_bank_account,
    save_bank_account,
    save_signatory,
    signatory,
)
from models.errors import FieldProblems, LedgerError
from models.kinds import BankKind
from models.language import wording
from models.ledger import CustomerDraft, add_customer
from models.letter_context import letter_context
from reports.letter import render_letter
from reports.statement import statement_data
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages
from tests.unit.ledger_helpers import TODAY, invoice
from tests.unit.test_letters import letter_stage_actions, overdue_account, snapshot
from tests.unit.test_statement import read_back

NBSP = "\u00a0"
EUR_ACCOUNT = BankAccountDraft("EUR", BankKind.IBAN, label="Commerzbank",
                               holder="Harbour & Finch Ltd",
                               iban="de89 3704 0044 0532 0130 00", bic="cobadeffxxx")
GBP_ACCOUNT = BankAccountDraft("GBP", BankKind.UK, label="Barclays", holder="Harbour & Finch Ltd",
                               sort_code="20 00 00", account_number="1234 5678")


def refusal(draft: BankAccountDraft) -> dict[str, str]:
    """What checking ``draft`` objects to, by field ({} when it will do)."""
    try:
        check_bank_account(draft)
    except FieldProblems as error:
        return dict(error.problems)
    return {}


# --- what a user types ----------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "GB29 NWBK 6016 1331 9268 19", "gb29nwbk60161331926819", "DE89-3704-0044-0532-0130-00",
    "FR14 2004 1010 0505 0001 3M02 606", "NO93 8601 1117 947",
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S"])
def test_an_iban_as_banks_print_it_is_kept_without_its_spaces(typed: str) -> None:
    kept = check_bank_account(BankAccountDraft("EUR", BankKind.IBAN, iban=typed))
    assert kept.iban == "".join(c for c in typed.upper() if c.isalnum())


@pytest.mark.parametrize(("typed", "says"), [
    ("GB29 NWBK 6016 1331 9268 18", "check digits do not match"),  # last digit mistyped
    ("GB29 NWBK 6016 1331 9268 91", "check digits do not match"),  # two swapped
    ("DE89 3704 0044 0532 0130 0", "check digits do not match"),  # a digit left out
    ("DE86 3704 0044 0532 0130", "not an IBAN from DE: it has 20 characters"),  # sums
    ("XX08 3704 0044 0532 0130 0", "is not a country with IBANs"),
    ("12345678", "starts with two letters for the country"),
    ("", "Enter the IBAN"),
])
def test_an_iban_that_cannot_be_one_is_refused_saying_why(typed: str, says: str) -> None:
    assert says in refusal(BankAccountDraft("EUR", BankKind.IBAN, iban=typed))["iban"]


@pytest.mark.parametrize(("bic", "ok"), [("NWBKGB2L", True), ("cobadeffxxx", True),
                                        ("NWBKGB2", False), ("NWBK GB2L XX", False),
                                        ("1WBKGB2L", False), ("", True)])
def test_a_bic_has_eight_or_eleven_characters(bic: str, ok: bool) -> None:
    found = refusal(BankAccountDraft("GBP", BankKind.IBAN, iban="GB29NWBK60161331926819",
                                     bic=bic))
    assert ("bic" not in found) is ok
    if not ok:
        assert found["bic"].startswith("A BIC (SWIFT code) has 8 or 11")


def test_a_sort_code_is_six_digits_and_prints_in_pairs() -> None:
    kept = check_bank_account(GBP_ACCOUNT)
    assert (kept.sort_code, kept.account_number) == ("20-00-00", "12345678")
    found = refusal(BankAccountDraft("GBP", BankKind.UK, sort_code="20-00-0",
                                     account_number="1234567"))
    assert found == {"sort_code": "A sort code has six digits, e.g. 20-00-00.",
                     "account_number": "A UK account number has eight digits, e.g. 12345678."}


@pytest.mark.parametrize(("routing", "says"), [
    ("021000021", None),  # JPMorgan Chase, New York
    ("011000015", None),  # Federal Reserve Bank of Boston
    ("021000022", "check digit does not match"),
    ("02100002", "has nine digits"),
])
def test_an_aba_routing_number_is_nine_digits_with_its_check(routing: str,
                                                            says: str | None) -> None:
    found = refusal(BankAccountDraft("USD", BankKind.US, routing_number=routing,
                                     account_number="000123456789"))
    assert (found.get("routing_number") is None) is (says is None)
    if says:
        assert says in found["routing_number"]


def test_free_text_needs_words_and_other_kinds_fields_are_not_kept() -> None:
    assert refusal(BankAccountDraft("", BankKind.TEXT, details="  \n ")) == {
        "details": "Write how customers pay you, e.g. your bank's name and your "
                   "account's number."}
    kept = check_bank_account(BankAccountDraft("", BankKind.TEXT, details=" PayPal: a@b.example ",
                                               iban="GB29NWBK60161331926819"))
    assert (kept.details, kept.iban) == ("PayPal: a@b.example", "")


def test_a_currency_is_three_letters_or_any() -> None:
    assert refusal(BankAccountDraft("EURO", BankKind.TEXT, details="x"))["currency"].startswith(
        "Choose the currency as a three-letter code")
    assert check_bank_account(BankAccountDraft(" eur", BankKind.TEXT, details="x")).currency \
        == "EUR"


# --- one account per currency ----------------------------------------------------------

def test_a_second_account_for_a_currency_is_refused_naming_the_first(
        empty_store: db.Store) -> None:
    first = save_bank_account(None, EUR_ACCOUNT)
    other = BankAccountDraft("EUR", BankKind.TEXT, details="Wise: Harbour & Finch")
    with pytest.raises(LedgerError) as refused:
        save_bank_account(None, other)
    assert refused.value.field == "currency"
    assert refused.value.message.startswith(
        "You already have an account for EUR payments: Commerzbank · IBAN DE89")
    assert [a.id for a in bank_accounts()] == [first]
    # Editing the account itself is no second account.
    assert save_bank_account(first, BankAccountDraft(**{**EUR_ACCOUNT.__dict__,
                                                        "label": "Commerzbank AG"})) == first
    assert payment_account("EUR").label == "Commerzbank AG"  # type: ignore[union-attr]


def test_a_document_shows_the_account_for_its_currency_else_the_one_for_any(
        empty_store: db.Store) -> None:
    assert payment_account("EUR") is None
    eur = save_bank_account(None, EUR_ACCOUNT)
    save_bank_account(None, GBP_ACCOUNT)
    assert payment_account("USD") is None  # nothing fits: no "How to pay"
    anything = save_bank_account(None, BankAccountDraft("", BankKind.TEXT,
                                                        details="Ask us for our details."))
    assert payment_account("eur").id == eur  # type: ignore[union-attr]
    assert payment_account("GBP").sort_code == "20-00-00"  # type: ignore[union-attr]
    assert payment_account("USD").id == anything  # type: ignore[union-attr]
    remove_bank_account(eur)
    assert payment_account("EUR").id == anything  # type: ignore[union-attr]
    assert [a.currency for a in bank_accounts()] == ["GBP", ""]  # any currency last


def test_labels_print_in_the_documents_language_and_an_iban_in_unbreakable_fours(
        empty_store: db.Store) -> None:
    save_bank_account(None, EUR_ACCOUNT)
    account = payment_account("EUR")
    english = printed_account(account, wording("en"))
    assert english.splitlines() == [
        "Account holder: Harbour & Finch Ltd", "Bank: Commerzbank",
        f"IBAN: DE89{NBSP}3704{NBSP}0044{NBSP}0532{NBSP}0130{NBSP}00", "BIC: COBADEFFXXX"]
    assert printed_account(account, wording("de")).splitlines()[0] == \
        "Kontoinhaber: Harbour & Finch Ltd"
    assert printed_account(account, wording("fr")).splitlines()[0] == \
        "Titulaire du compte\u00a0: Harbour & Finch Ltd"
    assert payment_details("JPY", wording("en")) == ""


# --- documents --------------------------------------------------------------------------

def euro_customer(name: str = "Brasserie Zoë SARL", language: str = "en") -> int:
    return add_customer(CustomerDraft(code="", name=name, currency="EUR", country="FR",
                                      language=language, contact_name="Zoë Martin",
                                      address="3 rue de la Paix\n75002 Paris"))


def test_a_euro_statement_shows_the_euro_iban_and_not_the_pound_account(
        empty_store: db.Store) -> None:
    save_bank_account(None, GBP_ACCOUNT)
    save_bank_account(None, EUR_ACCOUNT)
    who = euro_customer()
    invoice(who, 500_00, due_days_ago=20, number="E-1")
    [(text, _)] = read_back(statement_data(who, DEMO_TODAY, today=DEMO_TODAY, currency="EUR"))
    lines = text.replace(NBSP, " ").splitlines()
    assert "How to pay" in lines
    assert "IBAN: DE89 3704 0044 0532 0130 00" in lines  # whole, on one line
    assert "BIC: COBADEFFXXX" in lines
    assert "20-00-00" not in text and "Sort code" not in text


def test_a_pound_statement_shows_the_sort_code(empty_store: db.Store) -> None:
    save_bank_account(None, GBP_ACCOUNT)
    save_bank_account(None, EUR_ACCOUNT)
    who = overdue_account("Pounds Ltd")
    [(text, _)] = read_back(statement_data(who, DEMO_TODAY, today=DEMO_TODAY))
    assert "Sort code: 20-00-00" in text and "Account number: 12345678" in text
    assert "IBAN" not in text


def test_a_letter_is_signed_by_the_signatory_under_room_for_a_signature(
        empty_store: db.Store) -> None:
    save_signatory("  Jane   Finch ", "Credit Controller")
    assert signatory().lines() == ("Jane Finch", "Credit Controller")
    overdue_account("Signed For Ltd")
    [action] = letter_stage_actions()
    out = io.BytesIO()
    render_letter(snapshot(action), out)
    [(text, placed)] = pdf_pages(out.getvalue())
    assert "Jane Finch\nCredit Controller\nHarbour & Finch Ltd" in text

    def y(piece: str) -> float:
        return max(at for _, at, drawn in placed if drawn == piece)

    assert y("Yours sincerely,") - y("Jane Finch") > 30  # points: room to sign
    assert y("Jane Finch") > y("Credit Controller") > min(
        at for _, at, drawn in placed if drawn == "Harbour & Finch Ltd")


def test_without_a_signatory_a_letter_is_signed_as_before(empty_store: db.Store) -> None:
    overdue_account("Unsigned Ltd")
    [action] = letter_stage_actions()
    out = io.BytesIO()
    render_letter(snapshot(action), out)
    [(text, _)] = pdf_pages(out.getvalue())
    assert "Yours sincerely,\nHarbour & Finch Ltd" in text


def test_a_signatory_needs_a_name_for_a_position(empty_store: db.Store) -> None:
    with pytest.raises(FieldProblems) as refused:
        save_signatory("", "Credit Controller")
    assert refused.value.problems == [
        ("signatory_name", "Enter the name of whoever signs as Credit Controller.")]
    assert save_signatory("", "").lines() == ()


def test_a_german_letter_names_the_euro_account_in_german(empty_store: db.Store) -> None:
    save_bank_account(None, GBP_ACCOUNT)
    save_bank_account(None, EUR_ACCOUNT)
    save_signatory("Jane Finch", "Credit Controller")
    who = add_customer(CustomerDraft(code="", name="Müller GmbH", currency="EUR", country="DE",
                                     language="de", contact_name="Jürgen Müller",
                                     address="Hauptstraße 1\n10115 Berlin"))
    bill = invoice(who, 800_00, due_days_ago=50, number="D-1")
    context = letter_context(who, [bill], TODAY)
    assert context.payment_details.startswith("Kontoinhaber: Harbour & Finch Ltd\nBank: ")
    assert context.signatory == "Jane Finch\nCredit Controller"
    [action] = letter_stage_actions()
    out = io.BytesIO()
    render_letter(snapshot(action), out)
    [(text, _)] = pdf_pages(out.getvalue())
    text = text.replace(NBSP, " ")
    assert "Kontoinhaber: Harbour & Finch Ltd" in text
    assert "IBAN: DE89 3704 0044 0532 0130 00" in text
    assert "Sort code" not in text and "Bankleitzahl" not in text
    assert "Jane Finch\nCredit Controller" in text


def test_the_demo_company_has_a_pound_and_a_euro_account_and_a_signatory(
        demo_store: db.Store) -> None:
    kinds = {a.currency: a.kind for a in bank_accounts()}
    assert kinds == {"GBP": BankKind.UK, "EUR": BankKind.IBAN}
    assert signatory().name == "Jane Finch"
