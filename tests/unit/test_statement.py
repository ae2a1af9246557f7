"""The open-item statement: every open item, the right total, names printed as typed,
the address in the envelope window, and "Page X of Y" on long statements."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import db
from models.charges import record_charges
from models.company import create_business
from models.customer_account import customer_header, customer_list, find_customer
from models.ledger import CustomerDraft, add_customer, record_payment
from reports.activity_statement import activity_statement_data
from reports.fonts import missing_characters
from reports.page import address_window, numbered_canvas
from reports.statement import StatementHeading, render_open_item_statement, statement_data
from tests.conftest import DEMO_TODAY
from tests.e2e.test_cli import duly
from tests.helpers import Placed, pdf_pages
from tests.unit.interest_helpers import customer_on_shipped_policy
from tests.unit.ledger_helpers import customer, invoice
from tests.unit.test_letter_context import with_terms

pytestmark = pytest.mark.both_engines


def read_back(data: StatementHeading, render: Callable[..., None] = render_open_item_statement,
              ) -> list[tuple[str, Placed]]:
    """Each page's text and where each piece of it was drawn (points from bottom-left)."""
    out = io.BytesIO()
    render(data, out)
    return pdf_pages(out.getvalue())



def test_a_statement_lists_every_open_invoice_and_the_total_the_account_shows(
        demo_store: db.Store) -> None:
    data = statement_data(find_customer("C00047"), DEMO_TODAY, today=DEMO_TODAY)
    pages = [page.replace("\xa0", " ") for page, _ in read_back(data)]  # a no-break space
    text = "\n".join(pages)  # reads back as a space
    assert len(data.lines) > 5
    for line in data.lines:
        assert line.number in text
        assert data.words.amount(line.open_minor, data.currency).replace("\xa0", " ") in text
    header = customer_header(find_customer("C00047"), DEMO_TODAY, today=DEMO_TODAY)
    assert data.total_minor == header.balances[0].balance_minor
    assert sum(data.aging) == data.total_minor
    total = data.words.money(data.total_minor, data.currency).replace("\xa0", " ")
    assert text.count(total) >= 3  # info, table, slip
    last = len(pages)
    say = data.words.gettext
    assert say("Remittance advice") in pages[-1]
    assert say("Page {page} of {pages}").format(page=last, pages=last) in pages[-1]


def test_every_demo_statement_totals_to_the_account_balance(demo_store: db.Store) -> None:
    for row in customer_list(DEMO_TODAY, today=DEMO_TODAY):
        data = statement_data(row.id, DEMO_TODAY, today=DEMO_TODAY)
        header = customer_header(row.id, DEMO_TODAY, today=DEMO_TODAY)
        assert data.total_minor == header.balances[0].balance_minor, row.name
        assert data.total_minor == sum(line.open_minor for line in data.lines)


def test_unused_credit_is_listed_and_taken_off_the_total(demo_store: db.Store) -> None:
    data = statement_data(find_customer("Ødegård Bakeri AS"), DEMO_TODAY, today=DEMO_TODAY)
    credits = [line for line in data.lines if line.kind != "invoice"]
    assert credits and all(c.open_minor < 0 for c in credits)
    assert data.credit_minor == -sum(c.open_minor for c in credits)
    text = " ".join(read_back(data)[0][0].split())  # a long reference may wrap
    for credit in credits:
        assert credit.number in text
        assert data.words.amount(credit.open_minor, data.currency) in text


def test_a_statement_as_of_an_earlier_day_shows_what_was_open_then(
        empty_store: db.Store) -> None:
    who = customer("Early Ltd")
    first = invoice(who, 500_00, due_days_ago=20, number="E-1")
    invoice(who, 300_00, due_days_ago=-5, number="E-2")
    record_payment(who, received_on=DEMO_TODAY, amount_minor=500_00,
                   allocate_to=[(first, 500_00)], today=DEMO_TODAY)
    earlier = DEMO_TODAY.replace(day=DEMO_TODAY.day - 1)
    before = statement_data(who, earlier, today=DEMO_TODAY)
    after = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    assert [line.number for line in before.lines] == ["E-1", "E-2"]
    assert before.total_minor == 800_00 and before.aging[1] == 500_00
    assert [line.number for line in after.lines] == ["E-2"] and after.total_minor == 300_00


@pytest.mark.parametrize("name", ["A & B <Ltd>", "Zoë Ødegård", "Γεωργίου Α.Ε.",
                                  "Димитров ООД"])
def test_names_print_exactly_as_typed_inside_the_envelope_window(
        demo_store: db.Store, name: str) -> None:
    if name == "Zoë Ødegård":  # the demo has her as a contact; make her a customer too
        invoice(customer(name, currency="EUR"), 120_00, due_days_ago=10)
    data = statement_data(find_customer(name), DEMO_TODAY, today=DEMO_TODAY)
    assert not missing_characters(name)
    text, placed = read_back(data)[0]
    assert name in text.splitlines()
    assert "&amp;" not in text and "&lt;" not in text
    window = address_window(data.page_size)
    in_window = [(x, y) for x, y, piece in placed if piece == name and window.contains(x, y)]
    assert in_window, (name, window, [p for p in placed if p[2] == name])


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_the_whole_address_block_lies_inside_the_window(demo_store: db.Store,
                                                        size: str) -> None:
    data = dataclasses.replace(statement_data(find_customer("C00029"), DEMO_TODAY,
                                              today=DEMO_TODAY), page_size=size)
    _, placed = read_back(data)[0]
    window = address_window(size)
    address = [data.customer_name, attention(data),
               *data.customer_address.splitlines()]
    for line in address:
        # The first place it is drawn (the remittance slip repeats the name).
        x, y = next((x, y) for x, y, piece in placed if piece == line)
        assert window.contains(x, y) and window.contains(x, y + 10), (line, x, y, window)


def test_the_windows_are_where_the_envelopes_have_them() -> None:
    mm, inch = 72 / 25.4, 72.0
    a4 = address_window("A4")
    assert dataclasses.astuple(a4) == pytest.approx(
        (20 * mm, (297 - 45 - 45) * mm, 85 * mm, 45 * mm))
    # All a #10 window can show of a sheet folded 4 in from its top, riding 1 in side to
    # side and 1/8 in up and down: from 2 3/8 in to 3 5/8 in down, 5 3/8 in across.
    letter = address_window("Letter")
    assert dataclasses.astuple(letter) == pytest.approx(
        (0, (11 - 3.625) * inch, 5.375 * inch, 1.25 * inch))


def test_a_business_in_the_united_states_prints_on_letter(store_path: Path) -> None:
    store = db.open_store(store_path, create=True)
    try:
        create_business("Maple & Oak LLC", address="1 Main St\nBoston, MA 02108",
                        country="US", currency="USD")
        who = customer("Corner Diner LLC", currency="USD")
        invoice(who, 99_00, due_days_ago=3, number="M-1")
        data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    finally:
        store.close()
    assert data.page_size == "Letter"
    out = io.BytesIO()
    render_open_item_statement(data, out)
    box = PdfReader(out).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)


def test_a_long_statement_numbers_its_pages_and_repeats_the_table_header(
        empty_store: db.Store) -> None:
    who = customer("Long Account Ltd")
    numbers = [f"L-{i:04d}" for i in range(500)]
    for i, number in enumerate(numbers):
        invoice(who, 10_00 + i, due_days_ago=200 - i % 220, number=number)
    data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    assert len(data.lines) == 500
    pages = read_back(data)
    total = len(pages)
    assert total > 5
    text = ""
    for index, (page, _) in enumerate(pages, start=1):
        assert re.findall(r"Page \d+ of \d+", page) == [f"Page {index} of {total}"]
        lines = page.splitlines()
        assert lines.index("Document") < lines.index("Number") < lines.index("Open"), index
        text += page
    assert all(number in text for number in numbers)
    assert "Remittance advice" in pages[-1][0]
    assert data.words.money(data.total_minor, "GBP") in pages[-1][0]


def test_missing_characters_are_named_once_each() -> None:
    assert missing_characters("Zoë Ødegård, Μαρία, Иван, A & B <Ltd>\n") == []
    assert missing_characters("東京 \ue000 Trading \ue001\ue000") == ["\ue000", "\ue001"]


def test_the_statement_command_writes_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "books.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        invoice(customer("A & B <Ltd>"), 250_00, due_days_ago=40, number="HF-7")
    finally:
        store.close()
    out = tmp_path / "statement.pdf"
    result = duly("--db", str(path), "statement", "A & B <Ltd>", "--out", str(out),
                  "--as-of", DEMO_TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    text = PdfReader(out).pages[0].extract_text()
    assert "A & B <Ltd>" in text and "HF-7" in text and "£250.00" in text
    missing = duly("--db", str(path), "statement", "Nobody", "--out", str(out))
    assert missing.returncode == 2 and "Nobody" in missing.stderr


def test_the_logo_heads_the_letter_and_an_unreadable_one_is_left_out(
        demo_store: db.Store) -> None:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (300, 120), "#1f6f8b").save(picture, "PNG")
    data = statement_data(find_customer("C00029"), DEMO_TODAY, today=DEMO_TODAY)
    for logo, images in ((picture.getvalue(), 1), (b"not an image", 0)):
        out = io.BytesIO()
        render_open_item_statement(dataclasses.replace(
            data, sender=dataclasses.replace(data.sender, logo=logo)), out)
        page = PdfReader(out).pages[0]
        assert len(page.images) == images
        assert data.customer_name in page.extract_text()


def test_a_name_in_thai_prints_as_typed_without_a_warning(empty_store: db.Store) -> None:
    who = customer("Somchai สมชาย")
    invoice(who, 75_00, due_days_ago=12, number="S-1")
    data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    assert data.customer_name == "Somchai สมชาย" and data.warnings == ()
    text = "\n".join(page for page, _ in read_back(data))
    assert "Somchai สมชาย" in text and "?" not in text


def test_a_document_number_no_font_can_print_refuses_the_statement(
        empty_store: db.Store) -> None:
    from reports.fonts import UnprintableText

    invoice(customer("Numbers Ltd"), 10_00, due_days_ago=5, number="\ue000-1")
    with pytest.raises(UnprintableText) as refused:
        statement_data(find_customer("Numbers Ltd"), DEMO_TODAY, today=DEMO_TODAY)
    assert "the number of invoice \u201c\ue000-1\u201d" in refused.value.message
    assert "Numbers Ltd" in refused.value.message


@pytest.mark.parametrize("name", ["A & B <Ltd>", "Zoë Ødegård", "Łukasz", "Μαρία", "Иван"])
def test_latin_greek_and_cyrillic_names_print_exactly_without_a_warning(
        empty_store: db.Store, name: str) -> None:
    who = customer(name)
    invoice(who, 99_00, due_days_ago=3)
    data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    assert data.customer_name == name and data.warnings == ()
    assert name in read_back(data)[0][0].splitlines()


def test_no_demo_statement_needs_a_warning(demo_store: db.Store) -> None:
    # But for the Bank of England rate of 30 Jun 2026, which Duly does not ship (not
    # checked against the Bank's own table): the user is told which rate to add.
    rate = "No Bank of England base rate on 30 Jun 2026 is recorded"
    for row in customer_list(DEMO_TODAY, today=DEMO_TODAY):
        warnings = statement_data(row.id, DEMO_TODAY, today=DEMO_TODAY).warnings
        assert [w for w in warnings if rate not in w] == [], row.name


def test_a_batch_can_draw_the_statement_on_its_own_canvas(demo_store: db.Store) -> None:
    data = statement_data(find_customer("C00047"), DEMO_TODAY, today=DEMO_TODAY)
    out = io.BytesIO()
    render_open_item_statement(data, out, canvasmaker=numbered_canvas(
        lambda page, pages: f"Sheet {page}/{pages}"))
    reader = PdfReader(out)
    text = reader.pages[0].extract_text()
    assert f"Sheet 1/{len(reader.pages)}" in text and "Page 1 of" not in text


# The most each window holds below the customer's name and "Attn." line: DIN 5008's
# 45 mm window takes six more lines; the #10 envelope's, an eighth of an inch clear of its
# edges however the sheet rides, three.
LONGEST = {"GB": "Suite 4\nHarbour House\n1 Long Road\nSpringfield\nBS1 4DJ\nUnited Kingdom",
           "US": "Suite 4\n1 Long Road\nSpringfield, IL 62701"}


@pytest.mark.parametrize("country", ["GB", "US"])
def test_a_long_address_is_set_smaller_to_fit_the_window(tmp_path: Path, country: str) -> None:
    store = db.open_store(tmp_path / "books.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", address="1 Quay Street\nBristol BS1 4DJ",
                        country=country, currency="GBP")
        who = add_customer(CustomerDraft(code="", name="A & B <Ltd>", currency="GBP",
                                         contact_name="Zoë Ødegård",
                                         address=LONGEST[country]))
        invoice(who, 100_00, due_days_ago=5)
        data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
        _, placed = read_back(data)[0]
    finally:
        store.close()
    assert not [w for w in data.warnings if "envelope window" in w]
    window = address_window(data.page_size)
    for line in ["A & B <Ltd>", "Attn. Zoë Ødegård", *LONGEST[country].splitlines()]:
        x, y = next((x, y) for x, y, piece in placed if piece == line)
        assert window.contains(x, y - 2) and window.contains(x, y + 8), (line, y, window)


def test_an_address_too_long_for_the_window_is_cut_there_with_a_warning(tmp_path: Path) -> None:
    store = db.open_store(tmp_path / "books.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", country="US", currency="USD")
        lines = [f"Address line {n}" for n in range(1, 13)]
        who = add_customer(CustomerDraft(code="", name="Long Address Inc", currency="USD",
                                         address="\n".join(lines)))
        invoice(who, 100_00, due_days_ago=5)
        data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
        _, placed = read_back(data)[0]
    finally:
        store.close()
    assert [w for w in data.warnings if "too long for the envelope window" in w]
    window = address_window(data.page_size)
    printed = [(x, y) for x, y, piece in placed if piece.startswith("Address line")]
    assert 0 < len(printed) < len(lines)
    assert all(window.contains(x, y - 2) for x, y in printed)


def test_open_charges_are_open_items_and_count_in_the_total(tmp_path: Path) -> None:
    store = db.open_store(tmp_path / "books.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("A & B <Ltd>")
        late = invoice(who, 500_00, due_days_ago=40, number="HF-9")
        record_charges(late, DEMO_TODAY, interest=False, compensation=False, fee_minor=25_00)
        data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
        activity = activity_statement_data(who, DEMO_TODAY.replace(day=1), DEMO_TODAY,
                                           today=DEMO_TODAY)
    finally:
        store.close()
    assert (data.charges_minor, data.total_minor) == (25_00, 525_00)
    assert activity.closing_minor == data.total_minor
    text, placed = read_back(data)[0]
    y = next(y for _, y, piece in placed if piece == "Fee on")
    row = [piece for _, line_y, piece in sorted(placed) if abs(line_y - y) < 1]
    assert row == ["Fee on", "HF-9", "24 Nov 2026", "25.00", "0.00", "25.00"]
    assert "£525.00" in text


def test_the_early_payment_saving_is_offered_while_a_discount_applies(
        empty_store: db.Store) -> None:
    who = customer()
    with_terms(who, "2% 10, net 30")
    invoice(who, 500_00, due_days_ago=-25, issued_days_before_due=30, number="F-1")
    data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    saving = ("Pay £490.00 by 29 Nov 2026 to save £10.00: our 2% discount for "
              "payment within 10 days still applies to invoice F-1.")
    assert data.early_payment_saving == saving
    text = " ".join(read_back(data)[0][0].split())
    assert saving in text
    later = DEMO_TODAY + dt.timedelta(days=6)
    assert statement_data(who, later, today=later).early_payment_saving == ""


@pytest.mark.parametrize("paid_minor", [1_000_00, 1_250_00])  # nil, then 250.00 in credit
def test_no_remittance_slip_when_nothing_is_to_be_paid(empty_store: db.Store,
                                                       paid_minor: int) -> None:
    who = customer("Paid Up Ltd")
    invoice(who, 1_000_00, due_days_ago=10, number="P-1")
    record_payment(who, received_on=DEMO_TODAY, amount_minor=paid_minor, today=DEMO_TODAY)
    text = "".join(page for page, _ in read_back(statement_data(who, DEMO_TODAY,
                                                                today=DEMO_TODAY)))
    assert "Remittance advice" not in text and "Amount paid" not in text


def test_a_remittance_slip_when_something_is_owed(empty_store: db.Store) -> None:
    who = customer("Owes Ltd")
    invoice(who, 1_000_00, due_days_ago=10, number="O-1")
    text = "".join(page for page, _ in read_back(statement_data(who, DEMO_TODAY,
                                                                today=DEMO_TODAY)))
    assert "Remittance advice" in text


def test_documents_carry_their_title_author_and_language(empty_store: db.Store,
                                                         tmp_path: Path) -> None:
    from reports.batch import PdfBatch

    who = customer("Meta Data Ltd")
    invoice(who, 1_000_00, due_days_ago=10, number="M-1")
    out = io.BytesIO()
    render_open_item_statement(statement_data(who, DEMO_TODAY, today=DEMO_TODAY), out)
    statement = PdfReader(io.BytesIO(out.getvalue()))
    assert statement.metadata is not None
    assert statement.metadata.title and "Meta Data Ltd" in statement.metadata.title
    assert statement.metadata.author == "Harbour & Finch Ltd"
    assert statement.trailer["/Root"]["/Lang"] == "en-GB"
    batch_file = tmp_path / "batch.pdf"
    with PdfBatch(batch_file, title="Statements", author="Harbour & Finch Ltd") as batch:
        render_open_item_statement(statement_data(who, DEMO_TODAY, today=DEMO_TODAY), None,
                                   canvasmaker=batch.canvasmaker)
    batched = PdfReader(batch_file)
    assert batched.trailer["/Root"]["/Lang"] == "en-GB"
    assert batched.metadata is not None and batched.metadata.title == "Statements"


@pytest.mark.parametrize("bank_details", ["", "Sort code 20-00-00 · Account 12345678"])
def test_the_remittance_slip_never_stands_alone_on_a_page(empty_store: db.Store,
                                                          bank_details: str) -> None:
    from models.bank_accounts import add_text_account

    add_text_account(bank_details)
    before_slip = "How to pay" if bank_details else "Aging"
    who = customer("Many Invoices Ltd")
    for count in range(1, 41):
        invoice(who, 100_00 + count, due_days_ago=60 - count, number=f"R-{count:02d}")
        pages = [text for text, _ in read_back(statement_data(who, DEMO_TODAY,
                                                              today=DEMO_TODAY))]
        [slip_page] = [page for page in pages if "Remittance advice" in page]
        assert before_slip in slip_page, count  # never a page of the slip alone
        assert pages[-1] == slip_page, count


def test_a_statement_shows_what_is_overdue_beside_the_total_due(empty_store: db.Store) -> None:
    who = customer("Partly Late Ltd")
    invoice(who, 1_000_00, due_days_ago=20, number="L-1")
    invoice(who, 400_00, due_days_ago=-10, number="L-2")  # not due for ten days
    [(text, placed)] = read_back(statement_data(who, DEMO_TODAY, today=DEMO_TODAY))
    from tests.unit.test_letters import row_of

    assert row_of(placed, "Overdue") == ["Overdue", "£1,000.00"]
    assert "£1,400.00" in text


def test_no_overdue_line_when_everything_due_is_overdue(empty_store: db.Store) -> None:
    who = customer("All Late Ltd")
    invoice(who, 1_000_00, due_days_ago=20, number="A-1")
    [(text, _)] = read_back(statement_data(who, DEMO_TODAY, today=DEMO_TODAY))
    assert "Overdue" not in text.splitlines()


def _drawn_extents(pdf: bytes) -> list[tuple[float, float, float, str]]:
    """Each piece of text on the first page: (left, right, baseline, text), its width
    measured in the font and size it was drawn in."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.fonts import BOLD, REGULAR

    found: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip() or not isinstance(font, dict):
            return
        name = BOLD if "Bold" in str(font.get("/BaseFont", "")) else REGULAR
        left = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        drawn = size * tm[0] * cm[0]
        found.append((left, left + stringWidth(text.strip(), name, drawn),
                      tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("kind", ["open items", "activity"])
def test_amounts_of_a_billion_and_more_fit_their_columns(empty_store: db.Store,
                                                         kind: str) -> None:
    from models.input_rules import MAX_MINOR
    from reports.activity_statement import render_activity_statement

    who = customer("Big Orders Ltd")
    invoice(who, MAX_MINOR, due_days_ago=50, number="B-1")
    invoice(who, MAX_MINOR - 1, due_days_ago=46, number="B-2")
    out = io.BytesIO()
    if kind == "open items":
        render_open_item_statement(statement_data(who, DEMO_TODAY, today=DEMO_TODAY), out)
    else:
        render_activity_statement(activity_statement_data(
            who, dt.date(2026, 9, 1), DEMO_TODAY, today=DEMO_TODAY), out)
    pieces = _drawn_extents(out.getvalue())
    assert any("1,000,000,000.00" in text for *_, text in pieces)
    rows: dict[int, list[tuple[float, float, str]]] = {}
    for left, right, baseline, text in pieces:
        rows.setdefault(round(baseline), []).append((left, right, text))
    for line in rows.values():
        line.sort()
        for (_, right, text), (left, _, following) in zip(line, line[1:], strict=False):
            assert right <= left + 0.5, (text, following)  # never printed over each other


@pytest.mark.parametrize(("typed", "printed"), [
    ("IBAN: DE89370400440532013000 BIC COBADEFFXXX",
     "IBAN: DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX"),
    ("IBAN GB29 NWBK 6016 1331 9268 19", "IBAN GB29 NWBK 6016 1331 9268 19"),
    ("ES91 2100 0418 4502 0005 1332 BIC CAIXESBBXXX",
     "ES91 2100 0418 4502 0005 1332 BIC CAIXESBBXXX"),
    ("Sort code 20-00-00 · Account 12345678", "Sort code 20-00-00 · Account 12345678"),
])
def test_an_iban_prints_in_groups_of_four_that_never_break(typed: str, printed: str) -> None:
    from models.bank_accounts import printed_bank_details

    kept = printed_bank_details(typed)
    assert kept.replace("\u00a0", " ") == printed
    for word in kept.split(" "):  # an IBAN is one unbreakable word
        assert not (word[:2].isalpha() and word[2:4].isdigit()) or "\u00a0" in word, word


def test_a_statement_never_breaks_an_iban_across_lines(empty_store: db.Store) -> None:
    from models.bank_accounts import add_text_account

    add_text_account("Harbour & Finch Ltd, Barclays Bank, Bristol branch, "
                     "IBAN GB29NWBK60161331926819, BIC BARCGB22")
    who = customer("Pays By Iban Ltd")
    invoice(who, 100_00, due_days_ago=10, number="I-1")
    [(text, _)] = read_back(statement_data(who, DEMO_TODAY, today=DEMO_TODAY))
    lines = [line.replace("\u00a0", " ") for line in text.splitlines()]
    assert any("GB29 NWBK 6016 1331 9268 19" in line for line in lines)


def test_interest_run_up_and_not_charged_is_shown_apart_from_the_total(
        empty_store: db.Store) -> None:
    who = customer_on_shipped_policy("Accruing Ltd", "Contractual 8% a year")
    invoice(who, 1_000_00, due_days_ago=30, number="AC-1")
    data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    # 1,000.00 at 8% for 30 days: 6.5753 → 6.58, not charged yet, not in the total.
    assert data.accrued_interest == (
        "Late-payment interest of £6.58 has run up on these invoices to 24 Nov 2026 "
        "and is not yet charged; it is not in the total due.")
    assert data.total_minor == 1_000_00
    text = " ".join("".join(page for page, _ in read_back(data)).split())
    assert "Late-payment interest of £6.58 has run up" in text


def test_a_rate_missing_for_accrued_interest_is_the_users_warning_not_the_customers(
        empty_store: db.Store) -> None:
    who = customer_on_shipped_policy("Statutory Late Ltd", "UK statutory late payment")
    invoice(who, 1_000_00, due_days_ago=30, number="SL-1")  # needs the 30 Jun 2026 rate
    data = statement_data(who, DEMO_TODAY, today=DEMO_TODAY)
    assert any("30 Jun 2026" in w for w in data.warnings)
    text = "".join(page for page, _ in read_back(data))
    assert "Settings" not in text


def attention(data: StatementHeading) -> str:
    """The contact's line of the address, in the customer's language ("Attn. …")."""
    return data.words.gettext("Attn. {contact}").format(contact=data.contact_name)
