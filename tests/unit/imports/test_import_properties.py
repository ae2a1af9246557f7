"""Whatever a file holds, the dry run says what the import then does, and the books it
leaves add up to the file's."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.check import check_store
from models.company import create_business
from models.imports.detect import detect, read_settings
from models.imports.plan import plan_import
from models.imports.run import MissingChoice, run_import
from models.money import format_amount
from models.schema import Allocation, Customer, Invoice, Payment
from tests.unit.imports.exports import write_csv
from tests.unit.ledger_helpers import TODAY

HEADER = ["Customer Name", "Invoice Number", "Invoice Date", "Due Date", "Invoice Total",
          "Invoice Paid"]  # Wave's invoice export
rows = st.lists(st.tuples(
    st.integers(0, 4),  # which customer
    st.integers(1, 10**9),  # the total, in pence
    st.integers(0, 100),  # the share of it paid, in per cent
    st.integers(-30, 400),  # days overdue
), min_size=1, max_size=40)
_stores = itertools.count()


def export(path: Path, lines: list[tuple[int, int, int, int]]) -> Path:
    """The lines as Wave writes them, amounts with thousands separators."""
    written = []
    for n, (who, total, share, overdue) in enumerate(lines):
        due = TODAY - dt.timedelta(days=overdue)
        written.append([f"Customer {who}", f"INV-{n:04d}",
                        (due - dt.timedelta(days=30)).isoformat(), due.isoformat(),
                        format_amount(total, "GBP"), format_amount(total * share // 100, "GBP")])
    return write_csv(path, HEADER, written)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_the_dry_run_says_what_the_import_posts(fast_folder: Path,
                                                 lines: list[tuple[int, int, int, int]]
                                                 ) -> None:
    number = next(_stores)
    store = db.open_store(fast_folder / f"p{number}.sqlite", create=True)
    try:
        create_business("Property Ltd", country="GB", currency="GBP")
        path = export(fast_folder / f"p{number}.csv", lines)
        settings_ = read_settings(detect(path), currency="GBP")
        preview = plan_import(path, settings_, today=TODAY).counts()

        done = run_import(path, settings_, missing=MissingChoice.LEAVE, today=TODAY)

        assert done.plan.counts() == preview
        assert preview["customers_new"] == Customer.select().count() == len(
            {who for who, *_ in lines})
        assert preview["invoices_new"] == Invoice.select().count() == len(lines)
        paid = [total * share // 100 for _w, total, share, _o in lines]
        assert Payment.select().count() == Allocation.select().count() == sum(
            1 for p in paid if p)
        assert sorted(i.open_minor for i in Invoice.select()) == sorted(
            total - p for (_w, total, _s, _o), p in zip(lines, paid, strict=True))
        assert preview["starting_late"] == Invoice.select().where(
            Invoice.chase_from.is_null(False)).count()
        assert check_store() == []
        again = plan_import(path, settings_, today=TODAY).counts()
        assert (again["invoices_new"], again["invoices_changed"]) == (0, 0)
    finally:
        store.close()
