"""Letters and statements in the customer's language: the catalogues, the locale's
formats, and a letter to a customer in Lyon, Athens or Sofia with no English left in it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from models import db
from models.action_letters import draft_for
from models.default_templates import TEMPLATE_NAMES, default_template
from models.followup import follow_up_plan
from models.language import LANGUAGES, LOCALE_DIR, catalogue, translated, wording
from models.schema import Customer, LetterTemplate
from models.templating import check_template
from reports.letter import letter_data, render_letter
from reports.statement import render_open_item_statement, statement_data
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages, undo_v14
from tests.po_check import problems

SHIPPED = tuple(code for code in LANGUAGES if code != "en" and translated(code))
# The fixed words of a letter and a statement, as English prints them: none may be left
# in a document in another language.
# (The business's own words, such as its bank details, stay as it wrote them.)
ENGLISH_WORDS = ("Invoice", "Issued", "Total overdue", "Days", "FINAL NOTICE", "Amount (",
                 "Open (", "Statement", "Remittance advice", "How to pay", "Dear ",
                 "Yours ", "overdue", "Please", " of 1")


def test_the_languages_issue_15_names_are_shipped() -> None:
    # Lyon, Athens, Sofia, and the demo's other customers abroad.
    assert {"fr", "el", "bg", "de"} <= set(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_each_catalogue_translates_every_message_keeping_its_merge_fields(
        language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "duly.po"
    assert problems(path) == []
    with (LOCALE_DIR / "duly.pot").open("rb") as source:
        wanted = {m.id for m in read_po(source) if m.id}
    with path.open("rb") as source:
        assert wanted <= {m.id for m in read_po(source) if m.id}  # up to date with the code


@pytest.mark.parametrize("language", SHIPPED)
def test_every_default_template_is_valid_and_written_in_the_language(language: str) -> None:
    english = catalogue("en").gettext
    for tone, channel in TEMPLATE_NAMES:
        subject, body = default_template(tone, channel, catalogue(language).gettext)
        check_template(subject, body)
        assert (subject, body) != default_template(tone, channel, english)
        assert "Dear " not in body and "Kind regards" not in body


def test_amounts_dates_and_rates_follow_the_locale() -> None:
    assert wording("de", "DE").money(1_234_56, "EUR") == "1.234,56\xa0€"
    assert wording("fr", "FR").money(1_234_56, "EUR") == "1\u202f234,56\xa0€"
    assert wording("en", "GB").money(1_234_56, "GBP") == "£1,234.56"
    assert wording("de", "AT").money(1_234_56, "EUR") == "€\xa01.234,56"  # Austria's way
    assert wording("de").date(dt.date(2026, 3, 1)) == "01.03.2026"
    assert wording("fr").date(dt.date(2026, 3, 1)) == "1 mars 2026"
    assert wording("en").date(dt.date(2026, 3, 1)) == "1 Mar 2026"
    assert wording("de").percent(Decimal("8")) == "8,00\xa0%"
    assert wording("en").percent(Decimal("12.125")) == "12.125%"
    assert wording("fr").and_list(["A", "B", "C"]) == "A, B et C"
    assert wording("el").days(1) == "1 ημέρα" and wording("el").days(5) == "5 ημέρες"
    assert wording("xx").language == "en"  # a language Duly does not write: English


def _letter_to(language: str) -> tuple[str, str]:
    """The first letter due in the demo, sent to a customer made to speak ``language``:
    its text and its printed page."""
    action = next(a for a in follow_up_plan(DEMO_TODAY).due
                  if a.stage.channel == "letter" and a.stage.tone == "final")
    country = {"fr": "FR", "el": "GR", "bg": "BG", "de": "DE"}[language]
    Customer.update(language=language, country=country).where(
        Customer.id == action.customer_id).execute()
    draft = draft_for(action, DEMO_TODAY)
    assert draft.language == language and draft.language_note == ""
    data = letter_data(action.customer_id, [i.id for i in action.invoices], DEMO_TODAY,
                       subject=draft.subject, text=draft.text, stage_name=action.stage.name,
                       tone=action.stage.tone, language=draft.language)
    out = io.BytesIO()
    render_letter(data, out)
    [(page, _)] = pdf_pages(out.getvalue())
    return draft.text, page


@pytest.mark.parametrize(("language", "marker", "page_word"), [
    ("fr", "DERNIER RAPPEL", "Page 1 sur 1"), ("el", "ΤΕΛΙΚΗ ΕΙΔΟΠΟΙΗΣΗ", "Σελίδα 1 από 1"),
    ("bg", "ПОСЛЕДНО ПРЕДУПРЕЖДЕНИЕ", "Страница 1 от 1"),
    ("de", "LETZTE MAHNUNG", "Seite 1 von 1")])
def test_a_final_notice_abroad_reads_as_a_local_firm_wrote_it(
        demo_store: db.Store, language: str, marker: str, page_word: str) -> None:
    text, page = _letter_to(language)
    assert marker in page and page_word in page
    for word in ENGLISH_WORDS:
        assert word not in page, word
    assert "{{" not in text and "{%" not in text


def test_a_french_letter_writes_its_dates_and_amounts_the_french_way(
        demo_store: db.Store) -> None:
    text, page = _letter_to("fr")
    assert "24 nov. 2026" in page  # the letter's date, in the one format of the document
    assert "Total échu" in page and "€" in page and "EUR" in page  # headings name it
    assert "Madame, Monsieur," in text or "Bonjour " in text


def test_a_statement_follows_the_customers_language(demo_store: db.Store) -> None:
    greek = Customer.select().where(Customer.language == "el").first()
    data = statement_data(greek.id, DEMO_TODAY, today=DEMO_TODAY)
    out = io.BytesIO()
    render_open_item_statement(data, out)
    text = "\n".join(page for page, _ in pdf_pages(out.getvalue()))
    assert "Αντίγραφο λογαριασμού" in text and "24 Νοε 2026" in text
    for word in ("Statement", "Document", "Aging", "Page "):
        assert word not in text, word


def test_a_store_made_before_the_languages_gains_them_and_keeps_the_business_s_own(
        tmp_path: Path) -> None:
    from models.company import create_business

    path = tmp_path / "old.sqlite"
    store = db.open_store(path, create=True)
    create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
    # As a store of v12 was: English only, one default renamed by the business.
    LetterTemplate.delete().where(LetterTemplate.language != "en").execute()
    LetterTemplate.update(name="Our own final letter").where(
        LetterTemplate.name == "Final letter").execute()
    undo_v14(db.database.connection())
    db.database.user_version = 12
    store.close()
    store = db.open_store(path)
    try:
        assert store.migrated_from == 12
        languages = {t.language for t in LetterTemplate.select().where(
            LetterTemplate.name == "Firm letter")}
        assert languages == {"en", *SHIPPED}
        renamed = LetterTemplate.select().where(LetterTemplate.name.in_(
            ("Final letter", "Our own final letter")))
        assert {(t.name, t.language) for t in renamed} == {("Our own final letter", "en")}
    finally:
        store.close()


def test_a_catalogue_a_translator_broke_prints_english_and_says_so(
        demo_store: db.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models import language

    broken = tmp_path / "fr" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    good = (LOCALE_DIR / "fr" / "LC_MESSAGES" / "duly.po").read_text(encoding="utf-8")
    (broken / "duly.po").write_text(good + '\nmsgid "unfinished"\n', encoding="utf-8")
    monkeypatch.setattr(language, "LOCALE_DIR", tmp_path)
    language._read_catalogue.cache_clear()
    language._wording.cache_clear()
    try:
        french = Customer.select().where(Customer.language == "fr").first()
        data = statement_data(french.id, DEMO_TODAY, today=DEMO_TODAY)
        out = io.BytesIO()
        render_open_item_statement(data, out)
        text = "\n".join(page for page, _ in pdf_pages(out.getvalue()))
    finally:
        language._read_catalogue.cache_clear()
        language._wording.cache_clear()
    assert "Statement" in text  # printed, in English rather than not at all
    assert any("French words could not be read (duly.po, line" in w for w in data.warnings)


def test_a_long_heading_word_is_set_smaller_never_cut(demo_store: db.Store) -> None:
    german = Customer.select().where(Customer.language == "de").first()
    data = statement_data(german.id, DEMO_TODAY, today=DEMO_TODAY)
    out = io.BytesIO()
    render_open_item_statement(data, out)
    lines = pdf_pages(out.getvalue())[0][0].splitlines()
    assert "überfällig" in lines  # "Tage überfällig", over two lines, the word whole


@pytest.mark.parametrize(("language", "subject", "words"), [
    ("de", "Kontoauszug C", ("anbei erhalten Sie Ihren Kontoauszug", "Freundliche Grüße")),
    ("el", "Αντίγραφο λογαριασμού C", ("Σας επισυνάπτουμε", "Με φιλικούς χαιρετισμούς,")),
    ("fr", "Relevé de compte C", ("Veuillez trouver ci-joint", "Cordialement,"))])
def test_the_statement_e_mail_is_written_in_the_customer_s_language(
        demo_store: db.Store, language: str, subject: str, words: tuple[str, ...]) -> None:
    from reports.email_reminders import statement_attachment, statement_email_draft

    reader = Customer.select().where(Customer.language == language).first()
    title, text = statement_email_draft(reader.id, DEMO_TODAY)
    assert title.startswith(subject)
    assert title.endswith(wording(language, reader.country).date(DEMO_TODAY))
    assert all(word in text for word in words), text
    for english in ("Dear", "Please find", "Kind regards", "It shows"):
        assert english not in text
    attached, _ = statement_attachment(reader.id, DEMO_TODAY)
    assert attached == f"{wording(language).gettext('Statement')} {reader.code} {DEMO_TODAY}.pdf"
    assert not attached.startswith("Statement")
