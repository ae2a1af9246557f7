"""An import killed at any moment leaves the store as before it, or holds it whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.schema import Allocation, Customer, ExternalRecord, ImportBatch, Invoice, Payment
from tests.unit.import_crash_writer import CUSTOMERS, ROWS

ROOT = Path(__file__).resolve().parents[2]
KILLS = 12


def _run_and_kill(path: Path, run: int, rng: random.Random) -> list[str]:
    """Start an importer, let it report a random number of imports, then SIGKILL it
    somewhere inside the next one."""
    child = subprocess.Popen([sys.executable, "-m", "tests.unit.import_crash_writer",
                              str(path), str(run)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None
    committed = []
    try:
        for _ in range(rng.randint(1, 3)):
            line = child.stdout.readline()
            assert line, "the importer stopped on its own"
            committed.append(line.strip())
        for _ in range(rng.randint(0, 3_000_000)):  # somewhere inside the next import
            pass
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        child.stdout.close()
    return committed


@pytest.mark.slow
def test_killed_imports_leave_every_committed_one_whole_and_no_half(tmp_path: Path) -> None:
    path = tmp_path / "imports.sqlite"
    rng = random.Random(20261203)
    reported = [name for run in range(KILLS) for name in _run_and_kill(path, run, rng)]
    store = db.open_store(path)
    try:
        assert check_store() == []
        imported = {batch.file_name.removesuffix(".csv") for batch in ImportBatch.select()}
        assert set(reported) <= imported
        for name in imported:  # reported or not: whole, never half
            numbers = {number for (number,) in Invoice.select(Invoice.number).where(
                Invoice.number.startswith(f"{name}-")).tuples()}
            assert len(numbers) == ROWS, name
            customers = Customer.select().where(Customer.name.startswith(f"{name} "))
            assert customers.count() == CUSTOMERS, name
            paid = Payment.select().where(Payment.customer.in_(customers))
            assert paid.count() == ROWS // 2, name
            assert Allocation.select().where(Allocation.payment.in_(paid)).count() == ROWS // 2
        assert ExternalRecord.select().count() == len(imported) * (ROWS + CUSTOMERS)
        assert Invoice.select().count() == len(imported) * ROWS  # nothing from a half
    finally:
        store.close()
