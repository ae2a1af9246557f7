"""The window on a store on a PostgreSQL server (issue 22): another person's payment
appears in the overdue list without a refresh, and after the server goes away and comes
back the window says so in words, refuses a payment meanwhile in words, finds the server
again by itself and reads everything anew (a throwaway cluster, tests/postgres_server.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models import db
from models.accounts import AccountRow
from models.changes import Change, changes
from models.company import create_business
from models.ledger import record_payment
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from tests.unit.ledger_helpers import customer, invoice

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 60_000


@pytest.fixture
def server_company(postgres_cluster: Any) -> Iterator[tuple[str, dict[str, int]]]:
    """A closed store on the throwaway server: a business and two customers, each owing
    one overdue invoice; its address and the customers' ids by name."""
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    ids: dict[str, int] = {}

    def fill() -> None:
        create_business("Bramble Bakery", address="4 Mill Lane\nGalway", country="IE",
                        currency="EUR")
        for who, amount in (("Quayside Joinery", 120_00), ("Harbour Lights Café", 80_00)):
            ids[who] = customer(who, currency="EUR")
            invoice(ids[who], amount, due_days_ago=40)

    db.create_store(url, fill=fill).close()
    try:
        yield url, ids
    finally:
        postgres_cluster.drop_database(name)


def pay_from_another_duly(url: str, customer_id: int, amount_minor: int) -> None:
    """Another person's Duly records a payment (a process of its own)."""
    program = ("import datetime as dt\nfrom models import db, ledger\n"
               f"db.run_in_store({url!r}, lambda: ledger.record_payment({customer_id}, "
               f"received_on=dt.date.fromisoformat({DEMO_TODAY.isoformat()!r}), "
               f"amount_minor={amount_minor}, today=dt.date.fromisoformat("
               f"{DEMO_TODAY.isoformat()!r})))\n")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def overdue(window: Any) -> dict[str, int]:
    """What the Accounts page shows overdue, by customer."""
    rows: list[AccountRow] = window.page("accounts").model.visible_rows()
    return {row.name: row.overdue_minor for row in rows if row.overdue_minor}


def test_another_persons_payment_appears_and_the_window_finds_the_server_again(
        qtbot, open_window, server_company: tuple[str, dict[str, int]],
        postgres_cluster: Any) -> None:
    url, ids = server_company
    window = open_window(url)
    # A server is reached off the GUI thread as the window starts (the window shows
    # meanwhile).
    qtbot.waitUntil(lambda: window.store_path is not None and not window.showing_welcome(),
                    timeout=30000)
    window.show_area("accounts")
    both = {"Quayside Joinery": 120_00, "Harbour Lights Café": 80_00}
    qtbot.waitUntil(lambda: overdue(window) == both, timeout=TIMEOUT_MS)

    pay_from_another_duly(url, ids["Quayside Joinery"], 120_00)
    qtbot.waitUntil(lambda: overdue(window) == {"Harbour Lights Café": 80_00},
                    timeout=TIMEOUT_MS)

    # The server goes away: the window says so, and keeps trying without freezing.
    with qtbot.waitSignal(window.care.connection_notice, timeout=TIMEOUT_MS,
                          check_params_cb=lambda words, _ms: "Lost the connection" in words):
        postgres_cluster.pause()
    assert window.status.currentMessage().startswith(
        f"Lost the connection to {url.rsplit('/', 1)[1]} on 127.0.0.1:")
    assert window.status.currentMessage().endswith("trying again…")
    with qtbot.waitSignal(window.care.connection_notice, timeout=TIMEOUT_MS,
                          check_params_cb=lambda words, _ms: "Lost the connection" in words):
        pass  # tried again, and said so again
    # A payment recorded meanwhile: refused in words, and nothing of it kept.
    window.tasks.run(lambda _progress: record_payment(
        ids["Harbour Lights Café"], received_on=DEMO_TODAY, amount_minor=10_00,
        today=DEMO_TODAY), writes=True, changes=changes(Change.MONEY))
    qtbot.waitUntil(lambda: len(visible_message_boxes(window)) == 1, timeout=TIMEOUT_MS)
    [box] = visible_message_boxes(window)
    assert "connection to it was lost, so nothing was recorded" in box.text()
    box.close()
    # It comes back: the window finds it by itself and reads everything again.
    with qtbot.waitSignal(window.care.connection_notice, timeout=TIMEOUT_MS,
                          check_params_cb=lambda words, _ms: "Connected again" in words):
        postgres_cluster.resume()
    pay_from_another_duly(url, ids["Harbour Lights Café"], 30_00)
    qtbot.waitUntil(lambda: overdue(window) == {"Harbour Lights Café": 50_00},
                    timeout=TIMEOUT_MS)  # 80.00 less 30.00: the refused 10.00 is not there
    assert visible_message_boxes(window) == []  # the reads cut short: told in the bar
