"""File › Move Store to a Server…: the window moves its store to a server's empty
database off the GUI thread, opens its file again, says what moved and offers to open
the moved store; a database that is not empty is refused in words (a throwaway
cluster, tests/postgres_server.py)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from PySide6.QtWidgets import QMessageBox

from models import db
from models.schema import Customer, database
from tests.ui.conftest import visible_message_boxes
from ui.window.move_store_dialog import MoveStoreDialog
from ui.window.store_move import TO_SERVER

TIMEOUT_MS = 120_000



def _box(qtbot, window, title: str) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.windowTitle() == title for b in visible_message_boxes(window)),
                    timeout=TIMEOUT_MS)
    return next(b for b in visible_message_boxes(window) if b.windowTitle() == title)


def test_the_window_moves_its_store_to_a_server_and_opens_its_file_again(
        open_window, demo_file: Path, new_database: str, qtbot) -> None:
    window = open_window(demo_file)
    assert window.mover.action.text() == TO_SERVER and window.mover.action.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.mover.action in file_menu.actions()

    window.mover.action.trigger()
    dialog = next(d for d in window.findChildren(MoveStoreDialog) if d.isVisible())
    assert not dialog.move_button.isEnabled()
    dialog.address_field.setText(new_database)
    assert dialog.move_button.isEnabled()
    if os.environ.get("DULY_SCREENSHOTS"):
        dialog.grab().save(os.environ["DULY_SCREENSHOTS"] + "/move_store.png")
    dialog.move_button.click()

    box = _box(qtbot, window, "Moved")
    assert "counts agree; check clean on both" in box.text()
    assert window.store_path == demo_file  # the file it moved from is open again
    box.buttons()[-1].click()  # Not Now
    qtbot.waitUntil(lambda: not visible_message_boxes(window), timeout=TIMEOUT_MS)
    assert window.store_path == demo_file
    with psycopg.connect(new_database, autocommit=True) as connection:
        [(moved,)] = connection.execute('SELECT COUNT(*) FROM "customer"').fetchall()
    assert moved == Customer.select().count() > 0


def test_a_database_that_is_not_empty_is_refused_and_the_file_stays_open(
        open_window, demo_file: Path, new_database: str, qtbot) -> None:
    with psycopg.connect(new_database, autocommit=True) as connection:
        connection.execute("CREATE TABLE ledger (id integer)")
    window = open_window(demo_file)

    window.mover.move_to(new_database)

    box = _box(qtbot, window, "Duly cannot use this store")
    assert "not empty" in box.text()
    assert window.store_path == demo_file
    assert database.obj is not None and db.open_store_file() == demo_file
