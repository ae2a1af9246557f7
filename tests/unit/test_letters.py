"""Reminder letters on paper: every invoice and charge printed as the store has it,
names as typed, the address in the envelope window, and "Print due letters"
recording each letter once, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypeVar, cast

import pytest
from pypdf import PdfReader

from models import charges, db
from models.action_letters import draft_for
from models.charges import invoice_charges
from models.check import check_store
from models.contacts import search_notes
from models.errors import LedgerError
from models.followup import DueAction, execute_action, follow_up_plan, letters_due
from models.ledger import CustomerDraft, add_customer, record_payment
from models.money import format_money
from models.schema import (
    CreditPolicy,
    Customer,
    FollowUpPolicy,
    FollowUpStage,
    Interaction,
    LetterTemplate,
)
from reports.due_letters import (
    Cancelled,
    PrintedLetter,
    letter_for_contact,
    print_due_letters,
    print_recorded_letters,
)
from reports.email_reminders import Approval, approve_reminders, print_approved_letters
from reports.letter import LetterData, body_layout, date_span, letter_data, render_letter
from reports.page import address_window
from tests.conftest import DEMO_TODAY
from tests.helpers import Placed, pdf_pages
from tests.unit.interest_helpers import customer_on_shipped_policy
from tests.unit.ledger_helpers import TODAY, customer, invoice

NOW = dt.datetime.combine(TODAY, dt.time(9))


def pages_of(pdf: bytes) -> list[tuple[str, Placed]]:
    """Each page's text and where each piece of it was drawn (points from bottom-left)."""
    return pdf_pages(pdf)


def read_back(data: LetterData) -> list[tuple[str, Placed]]:
    out = io.BytesIO()
    render_letter(data, out)
    return pages_of(out.getvalue())



def letter_stage_actions(day: dt.date = TODAY) -> list[DueAction]:
    return [a for a in follow_up_plan(day).due if a.stage.channel == "letter"]


def snapshot(action: DueAction, day: dt.date = TODAY) -> LetterData:
    draft = draft_for(action, day)
    return letter_data(action.customer_id, [i.id for i in action.invoices], day,
                       subject=draft.subject, text=draft.text, stage_name=action.stage.name,
                       tone=action.stage.tone)


def overdue_account(name: str, invoices: int = 1, *, days: int = 50,
                    address: str = "4 Mill Lane\nBristol BS2 0AA") -> int:
    """A customer whose invoices have reached the Standard policy's "Final notice" letter."""
    who = add_customer(CustomerDraft(code="", name=name, currency="GBP", address=address,
                                     contact_name="Zoë Ødegård", billing_email="zoe@example.com"))
    for index in range(invoices):
        invoice(who, 1_000_00 + index * 111, due_days_ago=days - index % 4)
    return who


def row_of(placed: Placed, first: str) -> list[str]:
    """The pieces of text on the same line as ``first``, left to right."""
    y = next(y for _, y, piece in placed if piece == first)
    return [piece for _, _, piece in sorted(p for p in placed if abs(p[1] - y) < 4)]


def output_folder(tmp_path: Path) -> Path:
    """A folder of its own for the PDF, so a stray file would show (the store is beside)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


_Kept = TypeVar("_Kept", str, PrintedLetter)


def as_kept(letters: Sequence[_Kept], store_engine: str) -> list[_Kept]:
    """Letters (or their pages' text) as a preview can promise them: on a server the
    contacts' numbers a preview took are not given back (its sequences never roll back),
    so the printed letters' contacts, and the references made of them, are the next ones
    (docs/decisions.md, "Previews on a server")."""
    if store_engine == "sqlite":
        return list(letters)
    return [cast(_Kept, re.sub(r"(C\d{5})/\d+", r"\1/…", item)) if isinstance(item, str)
            else dataclasses.replace(item, contact_id=0) for item in letters]


def letter_contacts() -> int:
    return Interaction.select().where(Interaction.kind == "letter").count()


# --- one letter --------------------------------------------------------------------

def test_a_letter_shows_every_invoice_in_a_table_with_the_total(demo_store: db.Store) -> None:
    action = max(letter_stage_actions(DEMO_TODAY), key=lambda a: len(a.invoices))
    data = snapshot(action, DEMO_TODAY)
    [(text, _)] = read_back(data)
    text = text.replace("\xa0", " ")  # a no-break space reads back as a space
    assert len(data.invoices) >= 5
    for line in data.invoices:
        assert line.number in text
        assert data.words.amount(line.open_minor, data.currency).replace("\xa0", " ") in text
        assert data.words.amount(line.amount_minor, data.currency).replace("\xa0", " ") in text
    total = data.words.money(data.total_minor, data.currency).replace("\xa0", " ")
    assert data.total_minor == action.total_minor and total in text
    say = data.words.gettext  # the customer's language (French, for this one)
    assert say("Invoice") in text and say("Issued") in text  # the table's header
    assert f"- {say('Invoice')}" not in text  # the template's list gave way to the table
    assert text.count(say("Total overdue")) == 1  # its total line to the table's total row
    assert data.subject in text and say("FINAL NOTICE") in text
    assert say("Page {page} of {pages}").format(page=1, pages=1) in text


def test_the_body_keeps_its_words_around_the_table() -> None:
    body = ("Dear Ann,\n\nPlease pay:\n\n  - Invoice INV-1 of today\n  - Invoice INV-10 of "
            "today\n\nTotal: £3.00\n\nThanks.\n\nYours sincerely,\n\nAcme")
    layout = body_layout(body, ["INV-1", "INV-10"], ("£3.00",))
    assert layout.before == ("Dear Ann,", "Please pay:")
    assert layout.after == ("Thanks.", "Yours sincerely,", "Acme")
    assert layout.total_label == "Total"
    # Without a list of the invoices, the table follows the paragraph after "Dear".
    plain = body_layout("Dear Ann,\n\nYou owe us.\n\nThanks.", ["INV-1"], ("£3.00",))
    assert (plain.before, plain.after) == (("Dear Ann,", "You owe us."), ("Thanks.",))
    # A bullet naming another invoice is not the list ("INV-1" is not "INV-12").
    other = body_layout("Dear Ann,\n\n- INV-12 is paid, thank you.\n\nBye.", ["INV-1"], ())
    assert other.after == ("Bye.",) and "- INV-12 is paid, thank you." in other.before


def test_a_letter_without_the_invoice_list_still_has_the_table(empty_store: db.Store) -> None:
    who = overdue_account("Plain Words Ltd", 2)
    [action] = letter_stage_actions()
    data = letter_data(who, [i.id for i in action.invoices], TODAY, subject="Your account",
                       text="Dear Zoë,\n\nTwo invoices are unpaid.\n\nPlease pay.\n\nAcme")
    [(text, _)] = read_back(data)
    lines = text.splitlines()
    assert lines.index("Two invoices are unpaid.") < lines.index("Please pay.")
    for line in data.invoices:
        assert lines.index("Two invoices are unpaid.") < next(
            i for i, t in enumerate(lines) if line.number in t) < lines.index("Please pay.")


@pytest.mark.parametrize("name", ["A & B <Ltd>", "Zoë Ødegård", "Łukasz", "Μαρία", "Иван"])
def test_names_print_exactly_as_typed_inside_the_envelope_window(
        empty_store: db.Store, name: str) -> None:
    who = overdue_account(name)
    [action] = letter_stage_actions()
    data = snapshot(action)
    assert data.customer_name == name and data.warnings == () and data.tone == "firm"
    text, placed = read_back(data)[0]
    assert name in text.splitlines()
    assert f"Dear {data.contact_name}," in text  # the template's salutation, as typed
    assert "&amp;" not in text and "&lt;" not in text
    assert "FINAL NOTICE" not in text  # only the "final" tone has the marker
    window = address_window(data.page_size)
    assert any(piece == name and window.contains(x, y) for x, y, piece in placed), placed
    assert Customer.get_by_id(who).name == name


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_the_whole_address_block_lies_inside_the_window(empty_store: db.Store,
                                                        size: str) -> None:
    # Two address lines: the #10 window holds four lines under the return address.
    overdue_account("Window & Sons", address="Unit 4, Mill Lane\nBristol BS2 0AA")
    [action] = letter_stage_actions()
    data = dataclasses.replace(snapshot(action), page_size=size)
    pages = read_back(data)
    _, placed = pages[0]
    window = address_window(size)
    for line in [data.customer_name, f"Attn. {data.contact_name}",
                 *data.customer_address.splitlines()]:
        x, y = next((x, y) for x, y, piece in placed if piece == line)
        assert window.contains(x, y) and window.contains(x, y + 10), (line, x, y, window)
    width = PdfReader(io.BytesIO(render_bytes(data))).pages[0].mediabox.width
    assert float(width) == (612 if size == "Letter" else pytest.approx(595.27, abs=0.01))


def render_bytes(data: LetterData) -> bytes:
    out = io.BytesIO()
    render_letter(data, out)
    return out.getvalue()


def test_a_name_in_japanese_prints_as_typed_without_a_warning(empty_store: db.Store) -> None:
    overdue_account("株式会社 Tanaka")
    [action] = letter_stage_actions()
    data = snapshot(action)
    assert data.customer_name == "株式会社 Tanaka" and data.warnings == ()
    assert "株式会社 Tanaka" in read_back(data)[0][0]


def with_charges(who: int) -> None:
    """The customer on 8% contractual interest; "Final notice" charges it and a fee."""
    contractual = CreditPolicy.get(CreditPolicy.name == "Contractual 8% a year")
    Customer.update(credit_policy=contractual).where(Customer.id == who).execute()
    FollowUpStage.update(apply_interest=True, fee_minor=15_00).where(
        FollowUpStage.name == "Final notice").execute()


def test_each_charge_prints_with_its_calculation(empty_store: db.Store) -> None:
    who = customer("Interest Due Ltd")
    with_charges(who)
    first = invoice(who, 1_000_00, due_days_ago=50, number="C-1")
    invoice(who, 500_00, due_days_ago=46, number="C-2")
    [action] = letter_stage_actions()
    execute_action(who, action.currency, TODAY, stage_id=action.stage.id, now=NOW)
    data = snapshot(action)
    interest = next(c for c in invoice_charges(first) if c.kind == "interest")
    assert interest.period_from is not None and interest.period_to is not None
    assert [(c.kind, c.invoice_number) for c in data.charges] == [
        ("interest", "C-1"), ("fee", "C-1"), ("interest", "C-2")]
    [(text, _)] = read_back(data)
    flat = " ".join(text.split())
    start, end = interest.period_from, interest.period_to
    span = " ".join(date_span(start, end, data.words).split())  # "6 Oct – 24 Nov 2026"
    assert (f"Interest on 1,000.00 at 8.00% a year, {span} ({interest.days} days)"
            in flat), flat
    assert "10.96" in flat and "Reminder fee: 15.00 GBP." in flat and "15.00" in flat
    assert data.charges_minor == sum(c.amount_minor for c in data.charges)
    assert data.words.money(data.charges_minor, "GBP") in flat
    assert data.words.money(data.total_minor + data.charges_minor, "GBP") in flat
    assert "Interest and charges" in flat


def part_paid_interest(monkeypatch: pytest.MonkeyPatch) -> tuple[int, DueAction]:
    """A customer on 8% whose invoice was part paid while interest ran, and the "Final
    notice" that charges it: the interest falls in two periods. The charge's words are
    not the usual ones, so nothing can be read back from them."""
    who = customer("Part Paid Ltd")
    with_charges(who)
    first = invoice(who, 1_000_00, due_days_ago=50, number="P-1")
    record_payment(who, received_on=TODAY - dt.timedelta(days=20), amount_minor=300_00,
                   allocate_to=[(first, 300_00)], today=TODAY)
    [action] = letter_stage_actions()
    monkeypatch.setattr(charges, "interest_words", lambda _: "Worked out as agreed.")
    execute_action(who, action.currency, TODAY, stage_id=action.stage.id, now=NOW)
    [interest] = [c for c in invoice_charges(first) if c.kind == "interest"]
    assert (interest.principal_minor, interest.description) == (None, "Worked out as agreed.")
    return who, action


def test_interest_in_two_periods_prints_each_from_its_figures(
        empty_store: db.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _, action = part_paid_interest(monkeypatch)
    data = snapshot(action)
    [charge] = [c for c in data.charges if c.kind == "interest"]
    assert [(p.days, p.principal_minor) for p in charge.periods] == [(30, 1_000_00),
                                                                      (20, 700_00)]
    first, second = (TODAY - dt.timedelta(days=49), TODAY - dt.timedelta(days=20))
    flat = " ".join(read_back(data)[0][0].split())
    assert (first, second) == (dt.date(2026, 10, 6), dt.date(2026, 11, 4))
    assert ("Interest, 6 Oct – 24 Nov 2026 (50 days): 6 Oct – 4 Nov 2026: 30 days on "
            "1,000.00 at 8.00% a year = 6.5753; ") in flat, flat
    assert "20 days on 700.00 at 8.00% a year = 3.0685" in flat
    assert "Worked out as agreed." not in flat


def test_interest_the_store_no_longer_bears_out_prints_its_span_alone(
        empty_store: db.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    who, action = part_paid_interest(monkeypatch)
    # The customer's policy changed since the charge: its periods cannot be worked out
    # again, and none that were not charged is printed.
    CreditPolicy.update(rate_percent=Decimal("9")).where(
        CreditPolicy.name == "Contractual 8% a year").execute()
    data = snapshot(action)
    [charge] = [c for c in data.charges if c.kind == "interest"]
    first = TODAY - dt.timedelta(days=49)
    assert charge.periods == ()
    assert first == dt.date(2026, 10, 6)
    assert charge.calculation == "Interest, 6 Oct\u2009–\u200924 Nov 2026 (50 days)"


def letter_with_charges(invoices: int) -> LetterData:
    """The final notice of a customer with ``invoices`` invoices, recorded with its
    interest and fee as "Print due letters" records it: the text, then the charges."""
    who = overdue_account("Six Invoices & Co", invoices)
    with_charges(who)
    [action] = letter_stage_actions()
    draft = draft_for(action, TODAY)
    execute_action(who, action.currency, TODAY, stage_id=action.stage.id, now=NOW)
    return letter_data(who, [i.id for i in action.invoices], TODAY, subject=draft.subject,
                       text=draft.text, stage_name=action.stage.name, tone=action.stage.tone,
                       reference="C00001/1")


def test_a_typical_letter_of_six_invoices_with_charges_fits_one_page(
        empty_store: db.Store) -> None:
    data = letter_with_charges(6)
    assert len(data.invoices) == 6 and len(data.charges) == 7
    assert render_letter(data, io.BytesIO()) == 1
    assert render_letter(dataclasses.replace(data, page_size="Letter"), io.BytesIO()) == 1


def test_a_letter_that_goes_over_takes_its_closing_with_its_last_paragraph(
        empty_store: db.Store) -> None:
    # US Letter is shorter, and its text starts below all the #10 window can show.
    data = dataclasses.replace(letter_with_charges(7), page_size="Letter")
    pages = read_back(data)
    assert len(pages) == 2
    assert "Please quote your account number" in pages[1][0] and "Yours sincerely" in pages[1][0]
    assert "If you dispute any of these invoices" in pages[0][0]


# --- printing the letters due ------------------------------------------------------

def test_due_letters_are_recorded_once_and_printed_after_a_summary(
        demo_store: db.Store, tmp_path: Path) -> None:
    due = letters_due(DEMO_TODAY)  # letter stages, and e-mails to customers without one
    assert len(due) >= 2
    before = letter_contacts()
    folder = output_folder(tmp_path)
    out = folder / "letters.pdf"
    steps: list[tuple[int, int]] = []
    result = print_due_letters(DEMO_TODAY, out, now=NOW, progress=lambda d, t: steps.append(
        (d, t)))
    assert result.letters == len(due) and result.path == out and result.skipped == ()
    assert steps == [(i, len(due)) for i in range(1, len(due) + 1)]
    assert letter_contacts() == before + len(due)
    # Indexed for search at the batch's end, in one go: found like any note.
    found = {h.contact_id for h in search_notes(due[0].stage.name, limit=10_000)}
    assert {p.contact_id for p in result.printed if p.stage_name == due[0].stage.name} <= found
    assert check_store() == []
    pages = pages_of(out.read_bytes())
    assert result.pages == len(pages) == 1 + sum(p.pages for p in result.printed)
    summary, placed = pages[0]
    assert "Letters due 24 November 2026" in summary and "Page 1 of 1" in summary
    for action, printed in zip(due, result.printed, strict=True):
        assert printed.customer_name == action.customer_name
        row = [printed.customer_name, printed.customer_code, action.stage.name,
               str(len(action.invoices)) if action.invoices else "–",
               format_money(action.total_minor, action.currency), str(printed.first_page)]
        assert row_of(placed, printed.customer_name) == row
        first = pages[printed.first_page - 1][0]
        # The footer in the customer's language: "Page 1 of 2", "Page 1 sur 2"...
        assert action.customer_name in first and re.search(rf" 1 \S+ {printed.pages}\n",
                                                           first)
        assert all(i.number in first for i in action.invoices)
    # The same day again: every letter is recorded as sent, nothing is printed.
    again = print_due_letters(DEMO_TODAY, folder / "again.pdf", now=NOW)
    assert (again.letters, again.path) == (0, None) and "No letters are due" in again.message
    assert letter_contacts() == before + len(due)
    assert [p.name for p in folder.iterdir()] == ["letters.pdf"]


def test_a_long_letter_takes_its_pages_and_the_next_starts_on_a_new_one(
        empty_store: db.Store, tmp_path: Path) -> None:
    overdue_account("Long Letter Ltd", 45)
    overdue_account("Short Letter Ltd", 1)
    out = tmp_path / "letters.pdf"
    result = print_due_letters(TODAY, out, now=NOW)
    long, short = sorted(result.printed, key=lambda p: -p.pages)
    assert long.pages >= 2 and short.pages == 1
    pages = [text for text, _ in pages_of(out.read_bytes())]
    for printed in result.printed:
        for number in range(1, printed.pages + 1):
            page = pages[printed.first_page - 2 + number]
            assert re.findall(r"Page \d+ of \d+", page) == [f"Page {number} of {printed.pages}"]
        letter = "".join(pages[printed.first_page - 1:printed.first_page - 1 + printed.pages])
        assert all(number in letter for number in printed.invoices)
        assert printed.customer_name in pages[printed.first_page - 1]
    assert sorted(p.first_page for p in result.printed) == [2, 2 + result.printed[0].pages]


@pytest.mark.parametrize("after", [2, 3])  # while recording, while printing
def test_a_cancel_records_nothing_and_leaves_no_file(empty_store: db.Store, tmp_path: Path,
                                                     after: int) -> None:
    for name in ("First Ltd", "Second Ltd", "Third Ltd"):
        overdue_account(name)
    folder = output_folder(tmp_path)
    steps: list[int] = []
    with pytest.raises(Cancelled):
        print_due_letters(TODAY, folder / "letters.pdf", now=NOW,
                          progress=lambda done, total: steps.append(done),
                          cancelled=lambda: len(steps) >= after)
    assert steps == list(range(1, after + 1))
    assert letter_contacts() == 0 and list(folder.iterdir()) == []
    assert len(letter_stage_actions()) == 3  # all still due


def test_a_pdf_that_cannot_be_written_records_nothing(empty_store: db.Store,
                                                      tmp_path: Path) -> None:
    overdue_account("Nowhere Ltd")
    folder = output_folder(tmp_path)
    with pytest.raises(OSError):
        print_due_letters(TODAY, folder / "missing folder" / "letters.pdf", now=NOW)
    assert letter_contacts() == 0 and list(folder.iterdir()) == []
    assert len(letter_stage_actions()) == 1


def test_a_letter_whose_template_fails_is_skipped_and_reported(empty_store: db.Store,
                                                               tmp_path: Path) -> None:
    broken = LetterTemplate.create(name="Broken", channel="letter", tone="firm",
                                   subject="Your account", body="Dear {{ nobody }},")
    FollowUpStage.update(template=broken).where(FollowUpStage.name == "Final notice").execute()
    overdue_account("Broken Template Ltd")
    gentle = overdue_account("Gentle Letter Ltd", days=55)
    policy = FollowUpPolicy.get(FollowUpPolicy.name == "Gentle")
    Customer.update(followup_policy=policy).where(Customer.id == gentle).execute()
    result = print_due_letters(TODAY, tmp_path / "letters.pdf", now=NOW)
    assert [p.customer_name for p in result.printed] == ["Gentle Letter Ltd"]
    [skipped] = result.skipped
    assert skipped.customer_name == "Broken Template Ltd" and "nobody" in skipped.reason
    assert letter_contacts() == 1
    summary = pages_of((tmp_path / "letters.pdf").read_bytes())[0][0]
    assert "Broken Template Ltd" in summary and "Not printed" in summary
    assert [a.customer_name for a in letter_stage_actions()] == ["Broken Template Ltd"]


def test_nothing_due_writes_no_file(empty_store: db.Store, tmp_path: Path) -> None:
    folder = output_folder(tmp_path)
    result = print_due_letters(TODAY, folder / "letters.pdf", now=NOW)
    assert (result.letters, result.pages, result.path) == (0, 0, None)
    assert list(folder.iterdir()) == []


def test_a_recorded_letter_prints_again_as_it_was(empty_store: db.Store,
                                                  tmp_path: Path) -> None:
    who = overdue_account("Again & Again <Ltd>", 3)
    with_charges(who)
    out = tmp_path / "letters.pdf"
    # Printed the next morning for the day before: the letter keeps the day it was for.
    next_morning = NOW + dt.timedelta(days=1)
    [printed] = print_due_letters(TODAY, out, now=next_morning).printed
    again = letter_for_contact(printed.contact_id)
    assert tuple(i.number for i in again.invoices) == printed.invoices
    assert again.total_with_charges_minor == printed.amount_minor and again.charges
    assert again.letter_date == TODAY and again.reference == f"C00001/{printed.contact_id}"
    reprint = pages_of(render_bytes(again))
    batch = pages_of(out.read_bytes())[printed.first_page - 1:]
    assert [text for text, _ in reprint] == [text for text, _ in batch]


def test_the_letters_words_agree_with_the_charges_its_stage_records(
        empty_store: db.Store, tmp_path: Path) -> None:
    who = overdue_account("Charged Ltd", 2)
    with_charges(who)
    out = output_folder(tmp_path) / "letters.pdf"
    [printed] = print_due_letters(TODAY, out, now=NOW).printed
    data = letter_for_contact(printed.contact_id)
    total = data.words.money(data.total_with_charges_minor, "GBP")
    sentence = (f"Late-payment charges of {data.words.money(data.charges_minor, 'GBP')} are also "
                f"due on these invoices")
    letter = " ".join(pages_of(out.read_bytes())[printed.first_page - 1][0].split())
    assert sentence in letter and f"That brings the total now due to {total}." in letter
    recorded = Interaction.get_by_id(printed.contact_id).summary
    assert sentence in recorded and total in recorded


def test_a_summary_longer_than_a_page_moves_the_letters_on(empty_store: db.Store,
                                                           tmp_path: Path) -> None:
    for index in range(60):
        overdue_account(f"Customer {index:02d} Ltd")
    out = output_folder(tmp_path) / "letters.pdf"
    result = print_due_letters(TODAY, out, now=NOW)
    pages = pages_of(out.read_bytes())
    summary_pages = result.printed[0].first_page - 1
    assert summary_pages == 2 and "Page 2 of 2" in pages[1][0]
    for printed in result.printed:
        first = pages[printed.first_page - 1][0]
        # "Page 1 of 1", "Page 1 sur 1", "Σελίδα 1 από 1": each in its customer's language
        assert printed.customer_name in first and re.search(r" 1 \S+ 1\n", first)
        listed = next(placed for _, placed in pages[:summary_pages]
                      if any(piece == printed.customer_name for _, _, piece in placed))
        assert row_of(listed, printed.customer_name)[-1] == str(printed.first_page)


def test_a_letter_to_no_one_by_name_greets_sir_or_madam_and_leaves_room_to_sign(
        empty_store: db.Store) -> None:
    who = add_customer(CustomerDraft(code="", name="Nameless Ltd", currency="GBP",
                                     address="1 High Street\nBath BA1 1AA"))
    invoice(who, 250_00, due_days_ago=50)
    [action] = letter_stage_actions()
    data = snapshot(action)
    assert data.contact_name == ""
    [(text, placed)] = read_back(data)
    assert "Dear Sir or Madam," in text and "Attn." not in text
    closing = next(y for _, y, piece in placed if piece == "Yours faithfully,")
    signed = min(y for _, y, piece in placed if piece == "Harbour & Finch Ltd")
    assert closing - signed > 30  # points: room for a handwritten signature


def test_letters_approved_in_the_window_print_together(empty_store: db.Store,
                                                       tmp_path: Path) -> None:
    overdue_account("First & Co")
    overdue_account("Second <Ltd>")
    contacts = []
    for action in letter_stage_actions():
        draft = draft_for(action, TODAY)
        contacts.append(execute_action(action.customer_id, action.currency, TODAY,
                                       stage_id=action.stage.id, subject=draft.subject,
                                       text=draft.text))
    out = output_folder(tmp_path) / "approved.pdf"
    assert print_recorded_letters(contacts, out).pages == 2
    pages = [text for text, _ in pages_of(out.read_bytes())]
    assert "First & Co" in pages[0] and "Second <Ltd>" in pages[1]
    assert all("Page 1 of 1" in page for page in pages)
    assert list(out.parent.iterdir()) == [out]
    with pytest.raises(LedgerError):
        print_recorded_letters([], out)


def test_a_letter_approved_without_a_subject_is_printed_again_without_one(
        empty_store: db.Store) -> None:
    overdue_account("No Subject Ltd")
    [action] = letter_stage_actions()
    text = "Dear Ms Smith,\n\nInvoice T-1 is now overdue.\n\nPlease pay it this week."
    contact_id = execute_action(action.customer_id, action.currency, TODAY,
                                stage_id=action.stage.id, subject="", text=text)

    again = letter_for_contact(contact_id)

    assert again.subject == ""
    assert again.body == text


def test_approved_letters_are_recorded_when_printed_and_only_what_moved_on_is_refused(
        empty_store: db.Store, tmp_path: Path, store_engine: str) -> None:
    overdue_account("First & Co")
    overdue_account("Second <Ltd>")
    approvals = [Approval(action, draft_for(action, TODAY).subject,
                          draft_for(action, TODAY).text) for action in letter_stage_actions()]
    # The first is approved twice over (as if from a list read before it was done).
    batch = [approvals[0], approvals[1], approvals[0]]
    steps: list[tuple[int, int]] = []

    outcome = approve_reminders(batch, TODAY, now=NOW,
                                progress=lambda done, total: steps.append((done, total)))
    assert outcome.letters == (0, 1, 2) and outcome.recorded == () and outcome.emails == ()
    assert len(letter_stage_actions()) == 2  # approved, not yet printed: still due
    assert steps[-1] == (3, 3)

    preview = print_approved_letters(batch, TODAY, tmp_path / "preview.pdf", now=NOW,
                                     record=False)
    assert preview.printed == (0, 1) and preview.pages == 2
    [(position, why)] = preview.refused
    assert position == 2 and why
    assert len(letter_stage_actions()) == 2 and letter_contacts() == 0  # nothing kept
    shown = [text for text, _ in pages_of((tmp_path / "preview.pdf").read_bytes())]

    printed = print_approved_letters(batch, TODAY, tmp_path / "letters.pdf", now=NOW)
    assert printed.printed == (0, 1) and [p for p, _ in printed.refused] == [2]
    assert letter_stage_actions() == [] and letter_contacts() == 2  # both carried out
    assert as_kept([text for text, _ in pages_of((tmp_path / "letters.pdf").read_bytes())],
                   store_engine) == as_kept(shown, store_engine)


def test_a_rate_missing_for_the_interest_never_drops_the_letter(empty_store: db.Store,
                                                               tmp_path: Path) -> None:
    # The shipped rates end before 30 Jun 2026.
    who = customer_on_shipped_policy("Statutory Late Ltd", "UK statutory late payment")
    FollowUpStage.update(apply_interest=True, apply_compensation=True).where(
        FollowUpStage.name == "Final notice").execute()
    late = invoice(who, 1_000_00, due_days_ago=50, number="S-1")  # due 5 Oct 2026

    result = print_due_letters(TODAY, tmp_path / "letters.pdf", now=NOW)

    assert result.letters == 1 and result.skipped == ()
    [printed] = result.printed
    assert any(w.startswith("No interest was charged. No Bank of England base rate on "
                            "30 Jun 2026") for w in printed.warnings)
    assert [c.kind for c in invoice_charges(late)] == ["compensation"]
    summary = pages_of((tmp_path / "letters.pdf").read_bytes())[0][0]
    assert "No interest was charged" in " ".join(summary.split())


@pytest.mark.parametrize("days_later", [0, 9, 23])
def test_the_preview_of_due_letters_is_what_printing_then_records_and_prints(
        demo_store: db.Store, tmp_path: Path, days_later: int, store_engine: str) -> None:
    from models.schema import Charge, StageExecution

    as_of = DEMO_TODAY + dt.timedelta(days=days_later)
    now = dt.datetime.combine(as_of, dt.time(9))
    kept = (letter_contacts, Charge.select().count, StageExecution.select().count)
    before = [count() for count in kept]

    preview = print_due_letters(as_of, tmp_path / "preview.pdf", now=now, record=False)
    assert [count() for count in kept] == before  # shown, nothing recorded
    assert preview.letters > 0 and len(follow_up_plan(as_of).due) >= preview.letters

    printed = print_due_letters(as_of, tmp_path / "printed.pdf", now=now)
    assert (printed.letters, printed.pages) == (preview.letters, preview.pages)
    # the same letters, references and pages
    assert as_kept(printed.printed, store_engine) == as_kept(preview.printed, store_engine)
    assert letter_contacts() == before[0] + printed.letters
    if printed.path is not None:
        assert as_kept([text for text, _ in pages_of(printed.path.read_bytes())],
                       store_engine) == as_kept([text for text, _ in pages_of(
                           (tmp_path / "preview.pdf").read_bytes())], store_engine)


def test_total_overdue_counts_only_the_overdue_invoices(empty_store: db.Store) -> None:
    who = overdue_account("Due Today Ltd")  # 1,000.00 fifty days overdue
    invoice(who, 250_00, due_days_ago=0, number="TODAY-1")  # due on the letter's day
    [action] = letter_stage_actions()
    assert "TODAY-1" in [i.number for i in action.invoices]  # the notice lists it too
    data = snapshot(action)
    assert (data.overdue_minor, data.total_minor) == (1_000_00, 1_250_00)
    [(text, _)] = read_back(data)
    flat = " ".join(text.split())
    assert "Total overdue £1,000.00" in flat
    assert "Total due, with invoices not yet overdue £1,250.00" in flat
    assert "Total overdue: " not in flat  # the template's lines became the table's rows


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_a4_letters_carry_din_5008_fold_and_punch_marks(empty_store: db.Store,
                                                        page_size: str) -> None:
    from reportlab.lib.rl_accel import fp_str
    from reportlab.lib.units import mm

    from reports.page import FOLD_MARKS_MM, PUNCH_MARK_MM, paper

    overdue_account("Folded Ltd")
    [action] = letter_stage_actions()
    data = dataclasses.replace(snapshot(action), page_size=page_size)
    pdf = PdfReader(io.BytesIO(render_bytes(data)))
    stream = pdf.pages[0].get_contents().get_data().decode("latin-1")
    height = paper(page_size)[1]
    din = [f"{fp_str(4 * mm, height - at * mm)} m" for at in (*FOLD_MARKS_MM, PUNCH_MARK_MM)]
    us = [f"{fp_str(4 * mm, height - at * 72)} m" for at in (4, 8)]  # inches from the top
    wanted, unwanted = (din, us) if page_size == "A4" else (us, din)
    assert all(mark in stream for mark in wanted), wanted
    assert not any(mark in stream for mark in unwanted)


# USPS DMM 601.6.3: 1/8 in clear around the address in the window whatever the insert's
# position. A #10 envelope, 9 1/2 x 4 1/8 in, its window 4 1/2 x 1 1/8 in, 7/8 in from
# the left and 1/2 in from the bottom; the 8 1/2 in sheet, folded 4 in from its top.
def _windows_on_the_sheet() -> list[tuple[float, float, float, float]]:
    """The window (left, bottom, right, top; points on the sheet) at the four limits
    of the sheet's ride: left or right, fold down or pushed up."""
    inch, height = 72.0, 792.0
    windows = []
    for shift in (0.0, 9.5 - 8.5):  # the sheet against the envelope's left or right
        for rise in (0.0, 4.125 - 4.0):  # its fold on the bottom, or its top at the top
            bottom_from_top = 4.0 + rise - 0.5  # the sheet's top is 4 in + rise up
            windows.append(((0.875 - shift) * inch, height - bottom_from_top * inch,
                            (0.875 - shift + 4.5) * inch,
                            height - (bottom_from_top - 1.125) * inch))
    return windows


def test_a_us_address_stays_an_eighth_inch_inside_the_no10_window_however_the_sheet_rides(
        empty_store: db.Store) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.fonts import register_fonts

    register_fonts()
    address = "Suite 400\n1200 Commerce Street\nSpringfield, IL 62701"
    overdue_account("Prairie Supply & Co", address=address)
    FollowUpStage.update(tone="final").where(FollowUpStage.channel == "letter").execute()
    [action] = letter_stage_actions()
    data = dataclasses.replace(snapshot(action), page_size="Letter")
    assert data.warnings == ()
    _, placed = read_back(data)[0]
    lines = {data.customer_name, f"Attn. {data.contact_name}", *address.splitlines()}
    clear = 9.0  # 1/8 in
    for x, y, piece in placed:
        # The piece's box at the largest address size (10 pt; DejaVu Sans's ascent and
        # descent are within 0.76 and 0.24 of it).
        box = (x, y - 2.4, x + stringWidth(piece, "DejaVuSans", 10), y + 7.6)
        for left, bottom, right, top in _windows_on_the_sheet():
            if piece in lines:
                assert (box[0] >= left + clear and box[2] <= right - clear
                        and box[1] >= bottom + clear and box[3] <= top - clear), (piece, box)
            else:  # nothing else shows through: not FINAL NOTICE, not the date
                assert (box[2] <= left or box[0] >= right or box[3] <= bottom
                        or box[1] >= top), (piece, box)
    assert {piece for _, _, piece in placed} >= lines | {"FINAL NOTICE"}


def test_a_letter_claiming_interest_says_it_keeps_running_by_the_day_under_the_law(
        empty_store: db.Store) -> None:
    who = customer_on_shipped_policy("Statutory Ltd", "UK statutory late payment")
    FollowUpStage.update(apply_interest=True).where(
        FollowUpStage.name == "Final notice").execute()
    invoice(who, 10_000_00, due_days_ago=50, number="S-1")  # due 5 Oct 2026
    [action] = letter_stage_actions()
    # The 30 Jun 2026 rate is not shipped: add it as the user would (3.75%).
    from models.reference_rates import BOE_BASE, add_reference_rate

    add_reference_rate(BOE_BASE, dt.date(2026, 6, 30), Decimal("3.75"), "my bank")
    execute_action(who, action.currency, TODAY, stage_id=action.stage.id, now=NOW)
    data = snapshot(action)
    # 10,000.00 at 3.75% + 8 = 11.75% a year: 3.2192 a day.
    assert data.interest_running == (
        "Interest keeps running on these invoices until they are paid: £3.22 a day, "
        "under the Late Payment of Commercial Debts (Interest) Act 1998.")
    [(text, _)] = read_back(data)
    assert "£3.22 a day" in " ".join(text.split())


def test_a_total_line_edited_in_the_window_still_becomes_the_table_s_total_row() -> None:
    # The review dialog gives its text back with plain spaces where the amounts had
    # no-break ones (French "1 234,56 €").
    body = ("Bonjour,\n\nVoici :\n\n  - Facture F-1 : 1 234,56 €\n\n"
            "Total échu : 1 234,56 €\n\nMerci.")
    layout = body_layout(body, ["F-1"], ("1\u202f234,56\xa0€",))
    assert layout.total_label == "Total échu" and layout.after == ("Merci.",)


def test_a_spanish_salutation_ends_in_a_colon_and_the_table_follows_the_opening() -> None:
    body = "Estimado/a señor/a:\n\nLe escribimos por su cuenta.\n\nAtentamente,\n\nAcme"
    layout = body_layout(body, ["F-1"], ())
    assert layout.before == ("Estimado/a señor/a:", "Le escribimos por su cuenta.")


def test_amounts_of_a_billion_and_more_stay_inside_their_columns(empty_store: db.Store) -> None:
    who = customer("Big Ticket Ltd")
    invoice(who, 1_000_000_000_00, due_days_ago=50, number="B-1")
    [action] = letter_stage_actions()
    [(text, placed)] = pdf_pages(render_to_bytes(snapshot(action)))
    amounts = sorted(x for x, _, piece in placed if piece == "1,000,000,000.00")
    assert len(amounts) == 2, text  # the amount and what is open of it
    margin, page = 20 * 72 / 25.4, 210 * 72 / 25.4
    scale = (page - 2 * margin) / 170
    amount_left = margin + (40 + 26 + 26) * scale  # the Amount column's left edge
    open_left = amount_left + 29 * scale
    assert amounts[0] >= amount_left + 5 and amounts[1] >= open_left + 5


def render_to_bytes(data: LetterData) -> bytes:
    out = io.BytesIO()
    render_letter(data, out)
    return out.getvalue()
