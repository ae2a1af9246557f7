"""Names in scripts DejaVu Sans lacks (Chinese, Japanese, Korean, Thai, emoji) print
through a fallback font, embedded in the PDF; a letter or statement with a character no
font here has is refused, and nothing of it is recorded as sent."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from models import db
from models.action_letters import draft_for
from models.schema import Customer
from reports.activity_statement import activity_statement_data, render_activity_statement
from reports.due_letters import print_due_letters, record_letter
from reports.email_reminders import Approval, print_approved_letters
from reports.fonts import (
    REGULAR,
    UnprintableText,
    font_runs,
    markup,
    missing_characters,
    text_width,
)
from reports.letter import render_letter
from reports.statement import render_open_item_statement, statement_data
from tests.unit.ledger_helpers import TODAY, invoice
from tests.unit.test_letters import (
    NOW,
    letter_contacts,
    letter_stage_actions,
    overdue_account,
    snapshot,
)

# Each name, and the fallback font that prints what DejaVu Sans lacks in it.
NAMES = [
    ("北京贸易有限公司", "DroidSansFallbackFull"),
    ("株式会社山田", "DroidSansFallbackFull"),
    ("ヤマダ商店", "DroidSansFallbackFull"),
    ("서울상사", "DroidSansFallback"),  # Hangul: only in the smaller Droid file
    ("บริษัท ไทย จำกัด", "NotoSansThai"),
    ("Pizza 🍕 & Co", "Symbola"),  # beyond U+FFFF: copied out as the emoji itself
]
PRIVATE = "\ue000"  # a private-use character: no font here has it
UNASSIGNED = "\u0378"  # no character at all (yet)


def fonts_of(pdf: bytes) -> set[str]:
    """The fonts a PDF's pages use, by name without the subset's prefix."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts: Any = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def named(name: str, **address: str) -> int:
    """A customer with a letter due, named ``name`` as typed (or as an import kept it)."""
    who = overdue_account("Placeholder Ltd", **address)
    Customer.update(name=name).where(Customer.id == who).execute()
    return who


@pytest.mark.parametrize(("name", "font"), NAMES)
def test_a_letter_prints_the_name_through_the_fallback_font(empty_store: db.Store,
                                                          name: str, font: str) -> None:
    named(name)
    [action] = letter_stage_actions()
    data = snapshot(action)
    assert data.customer_name == name
    out = io.BytesIO()
    render_letter(data, out)
    pdf = out.getvalue()
    assert font in fonts_of(pdf)  # embedded, so the reader needs nothing installed
    assert name in text_of(pdf)


@pytest.mark.parametrize(("name", "font"), NAMES)
def test_a_statement_prints_the_name_through_the_fallback_font(empty_store: db.Store,
                                                             name: str, font: str) -> None:
    who = named(name)
    data = statement_data(who, TODAY, today=TODAY)
    out = io.BytesIO()
    render_open_item_statement(data, out)
    pdf = out.getvalue()
    assert font in fonts_of(pdf)
    text = text_of(pdf)
    # The window, the title and the remittance slip all carry the name.
    assert text.count(name) >= 2, text


def test_an_invoice_number_and_the_letter_text_print_through_the_fallback_too(
        empty_store: db.Store) -> None:
    who = overdue_account("Tanaka Trading")
    invoice(who, 300_00, due_days_ago=45, number="東-77")
    data = statement_data(who, TODAY, today=TODAY)
    out = io.BytesIO()
    render_open_item_statement(data, out)
    assert "東-77" in text_of(out.getvalue())
    [action] = letter_stage_actions()
    letter = snapshot(action)
    out = io.BytesIO()
    render_letter(dataclasses.replace(letter, body=letter.body + "\n\nご連絡ください。"), out)
    assert "ご連絡ください。" in text_of(out.getvalue())


def test_an_activity_statement_prints_a_thai_name(empty_store: db.Store) -> None:
    who = named("บริษัท ไทย จำกัด")
    data = activity_statement_data(who, TODAY.replace(day=1), TODAY, today=TODAY)
    out = io.BytesIO()
    render_activity_statement(data, out)
    assert "บริษัท ไทย จำกัด" in text_of(out.getvalue())
    assert "NotoSansThai" in fonts_of(out.getvalue())


def test_only_characters_no_font_has_are_missing() -> None:
    assert missing_characters("Zoë Ødegård, Μαρία, Иван, 北京 서울 สมชาย 🍕 ❤\ufe0f A & B\n") == []
    assert missing_characters(f"A{PRIVATE}B{UNASSIGNED}{PRIVATE}") == [PRIVATE, UNASSIGNED]


def test_runs_split_text_by_the_font_that_has_each_character() -> None:
    assert font_runs("Zoë Ødegård") == ((REGULAR, "Zoë Ødegård"),)
    assert font_runs("Somchai สมชาย 北京") == (
        (REGULAR, "Somchai "), ("NotoSansThai", "สมชาย"), (REGULAR, " "),
        ("DroidSansFallbackFull", "北京"))
    assert markup("A & B <Ltd> 北京") == (
        'A &amp; B &lt;Ltd&gt; <font name="DroidSansFallbackFull">北京</font>')
    # Measured in the font that draws it, not as DejaVu's empty boxes.
    assert text_width("北京", REGULAR, 10) == pytest.approx(20, abs=0.5)


def test_a_letter_with_a_character_no_font_has_is_refused_naming_customer_and_character(
        empty_store: db.Store) -> None:
    named(f"Private{PRIVATE} Ltd")
    [action] = letter_stage_actions()
    with pytest.raises(UnprintableText) as refused:
        snapshot(action)
    message = refused.value.message
    assert message.startswith(f"Not printed: the letter to \u201cPrivate{PRIVATE} Ltd\u201d")
    assert "the customer's name has a character no font here can print" in message
    assert "(U+E000)" in message and "print the letter by hand" in message


def test_a_statement_with_a_character_no_font_has_is_refused(empty_store: db.Store) -> None:
    who = named("Odd Ltd", address=f"1 Road{UNASSIGNED}\nBristol")
    with pytest.raises(UnprintableText) as refused:
        statement_data(who, TODAY, today=TODAY)
    assert "the statement to \u201cOdd Ltd\u201d" in refused.value.message
    assert "the customer's address" in refused.value.message
    assert "U+0378" in refused.value.message


def test_print_due_letters_skips_only_the_letter_that_cannot_print(
        empty_store: db.Store, tmp_path: Path) -> None:
    named(f"Private{PRIVATE} Ltd")
    named("北京贸易有限公司")
    result = print_due_letters(TODAY, tmp_path / "letters.pdf", now=NOW)
    assert [p.customer_name for p in result.printed] == ["北京贸易有限公司"]
    [skipped] = result.skipped
    assert skipped.customer_name == f"Private{PRIVATE} Ltd"
    assert skipped.reason.startswith("The customer's name has a character no font here can ")
    assert "U+E000" in skipped.reason
    assert letter_contacts() == 1  # the one printed; the other is not recorded as sent
    assert [a.customer_name for a in letter_stage_actions()] == [f"Private{PRIVATE} Ltd"]
    pages = text_of((tmp_path / "letters.pdf").read_bytes())
    assert "北京贸易有限公司" in pages
    # The summary, for the business, spells the character out: no box, no silent "?".
    assert "Private[U+E000] Ltd" in pages and "Not printed and not recorded" in pages


def test_approving_a_letter_that_cannot_print_records_nothing(empty_store: db.Store,
                                                              tmp_path: Path) -> None:
    named(f"Private{PRIVATE} Ltd")
    named("서울상사")
    actions = letter_stage_actions()
    approvals = [Approval(a, draft_for(a, TODAY).subject, draft_for(a, TODAY).text)
                 for a in actions]
    printed = print_approved_letters(approvals, TODAY, tmp_path / "letters.pdf", now=NOW)
    bad = next(n for n, a in enumerate(actions) if a.customer_name.startswith("Private"))
    [(position, why)] = printed.refused
    assert position == bad and "U+E000" in why
    assert len(printed.printed) == 1 and letter_contacts() == 1
    assert "서울상사" in text_of((tmp_path / "letters.pdf").read_bytes())
    [left] = letter_stage_actions()
    with pytest.raises(UnprintableText):  # the one reviewed on its own: refused as well
        record_letter(left.customer_id, left.currency, TODAY, stage_id=left.stage.id,
                      subject="Overdue", text="Please pay.", now=NOW)
    assert letter_contacts() == 1


def test_without_the_fallback_font_packages_a_chinese_name_is_refused_not_boxed(
        empty_store: db.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reports import fonts

    missing = tmp_path / "not-installed.ttf"
    monkeypatch.setattr(fonts, "FALLBACKS", tuple((name, missing, None)
                                                  for name, _, _ in fonts.FALLBACKS))
    caches = (fonts._fallbacks, fonts._drawn, fonts.font_runs)
    for cached in caches:
        cached.cache_clear()
    try:
        named("北京贸易有限公司")
        result = print_due_letters(TODAY, tmp_path / "letters.pdf", now=NOW)
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()
    [skipped] = result.skipped
    assert skipped.customer_name == "北京贸易有限公司"
    assert "no font here can print" in skipped.reason and "U+5317" in skipped.reason
    assert result.letters == 0 and letter_contacts() == 0  # nothing recorded as sent
