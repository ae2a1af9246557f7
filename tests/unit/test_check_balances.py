"""``check`` adds up every account's balance only when an invoice's kept open amount or an
allocation across accounts is wrong (otherwise the two checks imply it): when one is,
the account's balance is still reported, as before."""

from __future__ import annotations

from models import db
from models.check import check_store
from models.schema import Invoice


def test_a_drifted_open_amount_also_reports_the_accounts_balance(
        demo_store: db.Store) -> None:
    invoice = Invoice.select().where(Invoice.open_minor > 100).first()
    Invoice.update(open_minor=invoice.open_minor - 1).where(Invoice.id == invoice.id).execute()
    messages = [str(p) for p in check_store() if p.area == "balances"]
    assert any(invoice.number in m and "open" in m for m in messages)
    assert any("invoiced less received" in m for m in messages)


def test_a_sound_store_reports_no_balance(demo_store: db.Store) -> None:
    assert [p for p in check_store() if p.area == "balances"] == []
