"""The demo gives the same books on a PostgreSQL server as in a file: the benchmarks
compare the two engines on the same demo store, and a user moving between them sees
the same company."""

from __future__ import annotations

from pathlib import Path

import peewee as pw

from models import db
from models.demo import create_demo
from models.schema import Allocation, Invoice, Payment, StageExecution
from tests.conftest import DEMO_SEED, DEMO_TODAY

# Enough customers for several payment plans (every 60th customer has one), whose
# overdue invoices include some due the same day: where the engines' order of ties shows.
CUSTOMERS, INVOICES = 300, 6_000
ROWS: dict[str, tuple[type[pw.Model], tuple[str, ...]]] = {
    "allocations": (Allocation, ("invoice", "payment", "credit_note", "amount_minor",
                                 "allocated_on")),
    "invoices": (Invoice, ("open_minor", "status")),
    "payments": (Payment, ("customer", "amount_minor", "unallocated_minor")),
    "stages reached": (StageExecution, ("invoice", "stage", "interaction", "executed_on")),
}


def _books(target: Path | str) -> dict[str, list[tuple[str, ...]]]:
    store = db.open_store(target, create=True)
    try:
        create_demo(seed=DEMO_SEED, today=DEMO_TODAY, customers=CUSTOMERS, invoices=INVOICES)
        return {what: [tuple(str(value) for value in row) for row in
                       model.select(model.id, *(getattr(model, name) for name in names))
                       .order_by(model.id).tuples()]
                for what, (model, names) in ROWS.items()}
    finally:
        store.close()


def test_the_demo_on_a_server_holds_the_same_books_as_in_a_file(
        tmp_path: Path, postgres_cluster: object) -> None:
    name = postgres_cluster.new_database()  # type: ignore[attr-defined]
    try:
        on_server = _books(postgres_cluster.url(name))  # type: ignore[attr-defined]
    finally:
        postgres_cluster.drop_database(name)  # type: ignore[attr-defined]
    in_file = _books(tmp_path / "demo.sqlite")
    for what in ROWS:
        assert on_server[what] == in_file[what], what
