"""A child process for the crash-safety test: writes batches until it is killed.

Each batch is one customer with three invoices and a payment allocated across
them, written in one transaction; after each commit it prints the batch name.
"""

from __future__ import annotations

import datetime as dt
import sys

from models import db
from models.schema import Allocation, Customer, Invoice, Payment

INVOICES_PER_BATCH = 3
AMOUNT = 12_345
BULK_NOTES = 400_000  # characters of notes on each bulk batch's customer


def write_batch(name: str) -> None:
    """One customer, three invoices, one payment covering two and a half of them."""
    stamp = dt.datetime(2026, 11, 24, 12)
    with db.writing():
        customer = Customer.create(code=name, name=f"Crash test {name}", currency="EUR",
                                   created_at=stamp)
        payment = Payment.create(customer=customer, received_on=dt.date(2026, 11, 20),
                                 amount_minor=AMOUNT * 5 // 2, unallocated_minor=0,
                                 currency="EUR", created_at=stamp)
        left = payment.amount_minor
        for n in range(INVOICES_PER_BATCH):
            part = min(left, AMOUNT)
            left -= part
            invoice = Invoice.create(
                number=f"{name}-{n}", customer=customer, issue_date=dt.date(2026, 10, 1),
                due_date=dt.date(2026, 10, 31), amount_minor=AMOUNT, open_minor=AMOUNT - part,
                currency="EUR", status="open" if part < AMOUNT else "paid", created_at=stamp)
            if part:
                Allocation.create(payment=payment, invoice=invoice, amount_minor=part,
                                  allocated_on=payment.received_on, created_at=stamp)


def announce_checkpoints() -> None:
    """Say on stdout when each write's checkpoint starts, so that a test can kill the
    writer while the store file is being written."""
    copy_in = db._checkpoint_after_write

    def announced(token: str) -> None:
        print("checkpoint", flush=True)
        copy_in(token)

    db._checkpoint_after_write = announced


def write_bulk(name: str) -> None:
    """A batch whose customer carries long notes: pages enough for a slow checkpoint."""
    with db.writing():
        write_batch(name)
        Customer.update(notes=f"{name} " + "x" * BULK_NOTES).where(
            Customer.code == name).execute()


def main() -> None:
    path, run = sys.argv[1], sys.argv[2]
    bulk = sys.argv[3:4] == ["bulk"]
    # "hold N": after N batches, wait to be killed (a crash at a known point: its last
    # batch committed and its log left holding it).
    hold = int(sys.argv[5]) if sys.argv[4:5] == ["hold"] else None
    if bulk:
        announce_checkpoints()
    store = db.open_store(path, create=True)
    batch = 0
    try:
        while True:
            name = f"K{run}-{batch}"
            (write_bulk if bulk else write_batch)(name)
            print(name, flush=True)
            batch += 1
            if batch == hold:
                sys.stdin.readline()
    finally:
        store.close()


if __name__ == "__main__":
    main()
