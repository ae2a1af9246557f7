"""The window on a full disk: it shows the store, says why it records nothing, and a
write that finds no room is told as a full disk, never as a problem Duly did not expect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models import db
from models.ledger import record_payment
from tests.helpers import fill_disk
from tests.ui.conftest import make_company_store, visible_message_boxes
from tests.unit.ledger_helpers import customer, invoice
from ui.common.messages import UNEXPECTED


def test_a_store_on_a_full_disk_opens_and_says_it_records_nothing(open_window, small_disk,
                                                                    qtbot):
    path = make_company_store(small_disk / "bakery.sqlite")
    fill_disk(small_disk)

    window = open_window(path)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)

    assert window.status_texts()[0] == "Bramble Bakery"
    assert window.store_path == path
    boxes = visible_message_boxes(window)
    assert len(boxes) == 1
    assert f"The disk holding {small_disk} is full" in boxes[0].text()
    assert "reading only" in boxes[0].text()


def test_a_payment_that_finds_no_room_is_told_as_a_full_disk(runner, window, small_disk,
                                                             qtbot):
    path = make_company_store(small_disk / "bakery.sqlite")
    store = db.open_store(path)
    try:
        customer_id = customer("Quayside Cafe", currency="EUR")
        invoice(customer_id, 50_000, due_days_ago=10)
        fill_disk(small_disk)
        runner.run(lambda progress: record_payment(
            customer_id, received_on=dt.date(2026, 11, 20), amount_minor=100),
            writes=True, changes=frozenset(), store_path=path)
        qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))
    finally:
        store.close()

    box = visible_message_boxes(window)[0]
    assert box.text() != UNEXPECTED
    assert f"The disk holding {small_disk} is full" in box.text()
    assert "Nothing was recorded" in box.text()
    assert box.informativeText() == str(Path(path))


def test_a_damaged_store_is_told_at_once_and_takes_no_writes(open_window, tmp_path, qtbot):
    path = make_company_store(tmp_path / "bakery.sqlite")
    size = path.stat().st_size
    with path.open("r+b") as handle:  # pages in the middle gone, as a failing disk leaves them
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(bytes(8192))

    window = open_window(path)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)), timeout=10000)

    box = visible_message_boxes(window)[0]
    assert "bakery.sqlite is damaged: Duly will record nothing more in it" in box.text()
    assert "Restore it from a backup" in box.text()
    assert db.damaged() is not None
