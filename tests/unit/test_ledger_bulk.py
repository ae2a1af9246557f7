"""Many records at once: the same rules, figures and audit entries as one typed in, and
a refusal that names the record it is about."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import db
from models.check import check_store
from models.db import writing
from models.ledger import InvoiceDraft, record_payment
from models.ledger_bulk import NewInvoice, RecordRefused, add_invoices
from models.schema import Allocation, AuditEntry, Invoice, Payment
from tests.unit.ledger_helpers import TODAY, customer, invoice

pytestmark = pytest.mark.both_engines


def new(customer_id: int, number: str, amount_minor: int = 10_000,
        paid_minor: int = 0) -> NewInvoice:
    return NewInvoice(customer_id, InvoiceDraft(
        number=number, issue_date=TODAY - dt.timedelta(days=60),
        due_date=TODAY - dt.timedelta(days=30), amount_minor=amount_minor),
        paid_minor=paid_minor, paid_on=TODAY - dt.timedelta(days=10))


def test_many_invoices_are_recorded_with_their_payments_ids_and_audit(
        empty_store: db.Store) -> None:
    zoe, acme = customer("Zoë"), customer("Acme")
    invoice(zoe, 500, due_days_ago=3, number="TYPED-1")
    with writing():
        ids = add_invoices([new(zoe, "B-1"), new(acme, "B-2", paid_minor=2_500),
                            new(zoe, "B-3", paid_minor=10_000)], today=TODAY)

    assert [Invoice.get_by_id(i).number for i in ids] == ["B-1", "B-2", "B-3"]
    assert [Invoice.get_by_id(i).open_minor for i in ids] == [10_000, 7_500, 0]
    assert [(a.invoice_id, a.amount_minor) for a in Allocation.select()] == [
        (ids[1], 2_500), (ids[2], 10_000)]
    assert Payment.select().count() == 2
    added = {e.row_id: json.loads(e.after) for e in AuditEntry.select().where(
        AuditEntry.action == "add invoice")}
    assert added[ids[1]]["number"] == "B-2" and added[ids[1]]["amount_minor"] == 10_000
    assert check_store() == []


def test_the_audit_of_many_reads_as_the_audit_of_one_typed_in(empty_store: db.Store) -> None:
    zoe = customer("Zoë")
    typed = invoice(zoe, 10_000, due_days_ago=30, number="TYPED-1")
    record_payment(zoe, received_on=TODAY - dt.timedelta(days=10), amount_minor=2_500,
                   method="other", reference="Paid in Xero", allocate_to=[(typed, 2_500)],
                   today=TODAY)
    with writing():
        add_invoices([new(zoe, "B-1", paid_minor=2_500)._replace(reference="Paid in Xero")],
                     today=TODAY)

    def after(action: str) -> list[dict[str, object]]:
        return [json.loads(e.after) for e in AuditEntry.select().where(
            AuditEntry.action == action).order_by(AuditEntry.id)]

    (one_invoice, many_invoice), (one_payment, many_payment) = (
        after("add invoice"), after("record payment"))
    assert {**one_invoice, "number": "B-1"} == many_invoice | {"due_date": one_invoice[
        "due_date"], "issue_date": one_invoice["issue_date"]}
    assert one_payment["allocations"][0].keys() == many_payment["allocations"][0].keys()
    assert {k: v for k, v in one_payment.items() if k != "allocations"} == {
        k: v for k, v in many_payment.items() if k != "allocations"}


@pytest.mark.parametrize(("numbers", "refused_at", "reason"), [
    (["B-1", "TYPED-1", "B-3"], 1, "Invoice TYPED-1 already exists."),
    (["B-1", "B-2", "B-1"], 2, "Invoice B-1 is there twice."),
])
def test_a_number_taken_is_refused_by_its_place_and_nothing_stays(
        empty_store: db.Store, numbers: list[str], refused_at: int, reason: str) -> None:
    zoe = customer("Zoë")
    invoice(zoe, 500, due_days_ago=3, number="TYPED-1")

    with pytest.raises(RecordRefused) as refused, writing():
        add_invoices([new(zoe, n) for n in numbers], today=TODAY)
    assert (refused.value.index, refused.value.message) == (refused_at, reason)
    assert [i.number for i in Invoice.select()] == ["TYPED-1"]
    assert check_store() == []
