"""Many statements written each to a file of its own (the statements attached to a day's
e-mails) share the fonts' subsets: each file still embeds the fonts its own text needs,
reads back as its own customer's, and is the same file as one written alone."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab import rl_config

from models import db
from models.schema import Customer
from reports.fonts import subsets_shared
from reports.statement import StatementData, render_open_item_statement, statement_data
from tests.conftest import DEMO_TODAY
from tests.unit.ledger_helpers import customer, invoice

# Names whose characters make different subsets of DejaVu Sans, and two ("Acme" and
# "Mace") that make the same one, so the second embeds the subset the first made.
NAMES = ["Acme Trading Ltd", "Zoë Ødegård AS", "Μαρία Παπαδοπούλου", "Mace Trading Ltd",
         "Иван Петров", "Łukasz Wąs", "北京贸易有限公司", "Zoë Ødegård AS"]
# 128 letters of Latin Extended-A and 49 Greek ones: more than one subset of 256 codes
# holds beside the ASCII ones, so the regular face is embedded as two subsets.
MANY_LETTERS = ("".join(map(chr, range(0x100, 0x180))) + " "
                + "".join(chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2))


def statement_of(name: str, number: str) -> StatementData:
    """The statement of a new customer called ``name``, owing one invoice."""
    who = customer("Placeholder Ltd")
    Customer.update(name=name).where(Customer.id == who).execute()  # as an import keeps it
    invoice(who, 120_00, due_days_ago=12, number=number)
    return statement_data(who, DEMO_TODAY, today=DEMO_TODAY)


def written(data: StatementData) -> bytes:
    """The statement as a file of its own."""
    out = io.BytesIO()
    render_open_item_statement(data, out)
    return out.getvalue()


def embedded_fonts(pdf: bytes) -> dict[str, bytes]:
    """Each font a PDF's pages use, by its subset's name: its embedded font program."""
    fonts: dict[str, bytes] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        used: Any = page["/Resources"].get("/Font", {})
        for font in used.values():
            font = font.get_object()
            if "/FontDescriptor" not in font:
                continue  # reportlab's Helvetica, which a canvas starts in: not embedded
            descriptor = font["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = descriptor["/FontFile2"].get_object().get_data()
    return fonts


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_each_file_of_a_batch_reads_back_as_its_own_customers(empty_store: db.Store) -> None:
    statements = [statement_of(name, f"N-{i}") for i, name in enumerate(NAMES)]
    with subsets_shared():
        files = [written(data) for data in statements]
    for data, pdf in zip(statements, files, strict=True):
        text = text_of(pdf)
        assert data.customer_name in text.splitlines()
        assert "120.00" in text
        fonts = embedded_fonts(pdf)
        assert {name.split("+", 1)[1] for name in fonts} >= {"DejaVuSans", "DejaVuSans-Bold"}
        assert all(program for program in fonts.values())


def test_each_file_of_a_batch_embeds_what_it_embeds_written_alone(
        empty_store: db.Store) -> None:
    statements = [statement_of(name, f"N-{i}") for i, name in enumerate(NAMES)]
    alone = [embedded_fonts(written(data)) for data in statements]
    with subsets_shared():
        shared = [embedded_fonts(written(data)) for data in statements]
    assert shared == alone
    # "Acme" and "Mace" are set in the same subsets: the second file embeds them too.
    assert alone[0] == alone[3]


def test_a_file_of_a_batch_is_the_file_written_alone(empty_store: db.Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Without its date and random identifier, which differ from one file to the next.
    monkeypatch.setattr(rl_config, "invariant", 1)
    statements = [statement_of(name, f"N-{i}") for i, name in enumerate(NAMES)]
    statements.append(statement_of(MANY_LETTERS, "N-many"))
    alone = [written(data) for data in statements]
    with subsets_shared():
        assert [written(data) for data in statements] == alone
        assert [written(data) for data in statements] == alone  # every subset made already


def test_a_name_needing_two_subsets_of_a_face_reads_back_from_a_batch(
        empty_store: db.Store) -> None:
    first, many = statement_of("Acme Trading Ltd", "N-1"), statement_of(MANY_LETTERS, "N-2")
    with subsets_shared():
        written(first)
        pdf = written(many)
    assert len([name for name in embedded_fonts(pdf) if name.endswith("+DejaVuSans")]) == 2
    assert "".join(MANY_LETTERS.split()) in "".join(text_of(pdf).split())  # as it wraps
