"""The store's fixed words come back as their enums, and each has one word in the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models import db
from models.kinds import Channel, ContactKind, InvoiceStatus, Regime
from models.schema import Customer, Invoice


def test_an_invoice_read_back_has_its_status_as_the_enum(tmp_path: Path) -> None:
    store = db.open_store(tmp_path / "kinds.duly", create=True)
    try:
        now = dt.datetime(2026, 12, 3, 9, 0)
        who = Customer.create(code="C1", name="Zoe Ltd", currency="EUR", created_at=now)
        Invoice.create(number="INV-1", customer=who, issue_date=now.date(),
                       due_date=now.date(), amount_minor=100, open_minor=100, currency="EUR",
                       created_at=now)
        status = Invoice.get(number="INV-1").status
        (listed,) = Invoice.select(Invoice.status).tuples()
    finally:
        store.close()
    assert status is InvoiceStatus.OPEN
    assert listed == (InvoiceStatus.OPEN,)
    assert isinstance(listed[0], InvoiceStatus)


def test_a_word_a_newer_store_wrote_is_shown_not_refused(tmp_path: Path) -> None:
    store = db.open_store(tmp_path / "newer.duly", create=True)
    try:
        now = dt.datetime(2026, 12, 3, 9, 0)
        who = Customer.create(code="C1", name="Zoe Ltd", currency="EUR", created_at=now)
        Invoice.create(number="INV-1", customer=who, issue_date=now.date(),
                       due_date=now.date(), amount_minor=100, open_minor=100, currency="EUR",
                       status="in_plan", created_at=now)
        status = Invoice.get(number="INV-1").status
    finally:
        store.close()
    assert status == "in_plan"
    assert InvoiceStatus.word_for(status) == "In plan"


def test_each_kind_has_the_word_the_window_shows() -> None:
    assert InvoiceStatus.WRITTEN_OFF.word == "Written off"
    assert ContactKind.word_for("email") == "E-mail"
    assert Channel.PHONE.word == "Phone call"
    assert Regime.UK_STATUTORY.word == "UK statutory late-payment interest"
    assert all(member.word for kind in (InvoiceStatus, ContactKind, Channel, Regime)
               for member in kind)


def test_a_phone_stage_makes_a_call_and_the_others_their_own_kind() -> None:
    assert Channel.PHONE.contact_kind is ContactKind.CALL
    assert Channel.EMAIL.contact_kind is ContactKind.EMAIL
    assert Channel.LETTER.contact_kind is ContactKind.LETTER
