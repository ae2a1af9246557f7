"""The letters before a claim and the claim pack, read back from their PDFs; the ``claim``
and ``court-fees`` commands."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from main import main
from models import db
from models.claims import claim_pack, last_claim_letter
from models.company import create_business
from models.disputes import open_dispute
from models.kinds import ClaimLetterKind, LegalForm
from models.ledger import CustomerDraft, add_customer
from models.schema import Customer, Invoice
from models.timeline import customer_timeline
from reports.claim_pack import (
    claim_letter_data,
    print_claim_letter,
    render_claim_letter,
    render_claim_pack,
)
from tests.helpers import pdf_pages
from tests.unit.interest_helpers import customer_on, invoice_due, policy
from tests.unit.ledger_helpers import TODAY, invoice


def _customer(name: str, form: LegalForm, country: str = "GB", language: str = "en",
              currency: str = "GBP") -> int:
    who = add_customer(CustomerDraft(
        code="", name=name, currency=currency, contact_name="Ann Baker",
        address="3 High Street\nBath BA1 1SU", country=country, language=language,
        legal_form=str(form)))
    invoice(who, 1_234_56, due_days_ago=45, number=f"{name[:3].upper()}-1")
    return who


def _letter_text(who: int) -> list[str]:
    out = io.BytesIO()
    render_claim_letter(claim_letter_data(who, TODAY), out)
    return [text for text, _ in pdf_pages(out.getvalue())]


def test_an_individual_gets_the_protocol_letter_with_its_reply_form_and_30_days(
        empty_store: db.Store) -> None:
    who = _customer("Ann Baker", LegalForm.INDIVIDUAL)
    pages = _letter_text(who)
    assert len(pages) == 3
    letter, sheet, reply = pages
    assert "Pre-Action Protocol for Debt Claims" in letter
    assert "24 Dec 2026" in letter and "30 days" in letter  # 24 Nov + 30 days
    assert "Information Sheet" in sheet and "National Debtline" in sheet
    assert "Reply Form" in reply and "I do not owe the debt" in reply
    assert "Financial statement" in reply


def test_a_company_gets_a_letter_before_action_with_14_days_and_no_reply_form(
        empty_store: db.Store) -> None:
    who = _customer("Baker Catering Ltd", LegalForm.COMPANY)
    [letter] = _letter_text(who)
    assert "Letter before action" in letter
    assert "8 Dec 2026, 14 days" in letter.replace("\n", " ")
    assert "Reply Form" not in letter and "30 days" not in letter


def test_interest_not_worked_out_is_reserved_in_the_letter_never_given_up(
        empty_store: db.Store) -> None:
    # Statutory interest needs the base rate in force on 30 June 2026, not recorded here.
    who = customer_on(policy("uk_statutory", compensation=True))
    Customer.update(legal_form=LegalForm.COMPANY).where(Customer.id == who).execute()
    invoice_due(who, dt.date(2026, 8, 31), 999_99, "U-1")
    invoice_due(who, dt.date(2026, 9, 30), 500_00, "U-2")  # the same rate missing
    pack = claim_pack(who, TODAY)
    assert pack.interest_minor == 0
    assert len([w for w in pack.warnings if "base rate" in w]) == 1  # said once

    [letter] = _letter_text(who)

    text = " ".join(letter.split())
    assert "We reserve our right to claim interest" in text
    assert "not claim interest" not in text


def test_abroad_the_letter_is_in_the_customers_language(empty_store: db.Store) -> None:
    who = _customer("Müller Gastro GmbH", LegalForm.COMPANY, "DE", "de", "EUR")
    [letter] = _letter_text(who)
    assert "Letzte Mahnung vor Klageerhebung" in letter
    assert "08.12.2026" in letter  # 14 days, as Germany writes dates
    assert "gerichtliche Schritte" in letter.replace("\n", " ")


def test_the_claim_pack_states_the_interest_fee_and_evidence(empty_store: db.Store) -> None:
    who = _customer("Ann Baker", LegalForm.INDIVIDUAL)
    pack = claim_pack(who, TODAY)
    out = io.BytesIO()
    render_claim_pack(pack, out)
    text = " ".join(t for t, _ in pdf_pages(out.getvalue())).replace("\n", " ")
    # No credit policy: 8% (s.69) on 1,234.56 from 11 October to 24 November, 45 days:
    # 1,234.56 x 8% x 45 / 365 = 12.1765... -> 12.18; a day 1,234.56 x 8% / 365 = 0.2706.
    assert pack.interest_minor == 12_18
    for words in ("Particulars of claim", "Statement of interest", "£12.18", "8% a year",
                  "11 Oct 2026", "£0.27 a day", "£1,246.74",  # 1,234.56 + 12.18
                  "£80.00", "£1,326.74", "Evidence", "ANN-1"):
        assert words in text, words


def test_printing_the_letter_records_it_with_its_deadline(empty_store: db.Store,
                                                          tmp_path: Path) -> None:
    who = _customer("Ann Baker", LegalForm.SOLE_TRADER)
    pages = print_claim_letter(who, TODAY, tmp_path / "letter.pdf",
                               now=dt.datetime(2026, 11, 24, 9))
    assert pages == 3 and (tmp_path / "letter.pdf").exists()
    sent = last_claim_letter(who)
    assert sent is not None
    assert (sent.kind, sent.respond_by) == (ClaimLetterKind.PROTOCOL, dt.date(2026, 12, 24))
    assert any(e.kind == "letter" for e in customer_timeline(who))


def test_a_letter_not_written_is_not_recorded(empty_store: db.Store, tmp_path: Path) -> None:
    who = _customer("Ann Baker", LegalForm.INDIVIDUAL)
    with pytest.raises(OSError):
        print_claim_letter(who, TODAY, tmp_path / "missing" / "letter.pdf")
    assert last_claim_letter(who) is None


# --- the commands ------------------------------------------------------------------------------

@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP",
                        address="1 Quay Street\nBristol BS1 4DJ")
        _customer("Baker Catering Ltd", LegalForm.COMPANY)
    finally:
        store.close()
    return path


def test_claim_shows_the_figures_and_writes_the_letter_and_pack(
        shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(shop), "claim", "C00001", "--as-of", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert "Letter before action, 14 days to reply (by 2026-12-08)" in out
    assert "Amount claimed: 1,246.74 GBP" in out and "Court fee:      80.00 GBP" in out
    letter, pack = tmp_path / "l.pdf", tmp_path / "p.pdf"
    assert main(["--db", str(shop), "claim", "C00001", "--as-of", "2026-11-24", "--pack",
                 "--out", str(pack)]) == 0
    assert db.run_in_store(shop, lambda: last_claim_letter(1)) is None  # a pack sends nothing
    assert main(["--db", str(shop), "claim", "C00001", "--as-of", "2026-11-24", "--letter",
                 "--out", str(letter)]) == 0
    assert letter.exists() and pack.exists()
    sent = db.run_in_store(shop, lambda: last_claim_letter(1))
    assert sent is not None and sent.respond_by == dt.date(2026, 12, 8)


def test_claim_refuses_a_pdf_without_a_file(shop: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(shop), "claim", "C00001", "--letter"]) == 2
    assert "--out FILE" in capsys.readouterr().err


def test_court_fees_lists_the_table_and_resets_it(shop: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from models.court_fees import CourtFeeBand, court_fees, save_court_fees

    db.run_in_store(shop, lambda: save_court_fees([CourtFeeBand("GB-EAW", "GBP", 1, None,
                                                                99_00)]))
    assert main(["--db", str(shop), "court-fees"]) == 0
    assert "no limit" in capsys.readouterr().out
    assert main(["--db", str(shop), "court-fees", "--reset"]) == 0
    out = capsys.readouterr().out
    assert "10,000.01  200,000.00         5%" in out and "EX50" in out
    assert len(db.run_in_store(shop, court_fees)) == 9


def test_a_claim_warns_of_an_invoice_partly_in_dispute(empty_store: db.Store) -> None:
    who = _customer("Baker Catering Ltd", LegalForm.COMPANY)
    [bill] = Invoice.select().where(Invoice.customer == who)
    assert not [w for w in claim_pack(who, TODAY).warnings if "dispute" in w]
    open_dispute(who, [(bill.id, 200_00)], category="quality",
                 customer_said="Two cases arrived broken.", today=TODAY)

    warnings = [w for w in claim_pack(who, TODAY).warnings if "dispute" in w]

    assert warnings == ["200.00 GBP of invoice BAK-1 is in dispute and is claimed here: "
                        "settle the dispute first (a credit note, or reject it with a "
                        "reason) or be ready to answer it."]
