"""The window and the store's care (issue 17): the nightly `send --due` runs while the
window has the store open and the window then shows what it sent; a backup is restored
from File › Restore… after a preview of its date and counts, a newer one refused; the
daily backup takes itself."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import trustme
from PySide6.QtWidgets import QMessageBox

from models import db
from models.backup import backups_in, take_backup
from models.mail import save_mail_settings
from models.migrations import LATEST_VERSION
from models.schema import Customer, Interaction
from models.today import STAGE_ACTION
from tests.conftest import DEMO_TODAY
from tests.mail_server import SmtpServer
from tests.ui.conftest import visible_message_boxes
from ui.settings.schedule_section import outcome_text
from ui.window import store_care
from ui.window.restore_dialog import RestoreDialog

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT_MS = 60_000
EMAIL_REMINDERS_DUE = 2  # e-mail reminders due on DEMO_TODAY in the demo company


def _in_store(path: Path, work) -> object:
    store = db.open_store(path)
    try:
        return work()
    finally:
        store.close()


def _shown(qtbot, window, kind: type):
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(kind)),
                    timeout=TIMEOUT_MS)
    return next(w for w in window.findChildren(kind) if w.isVisible())


def test_the_nightly_send_runs_while_the_window_is_open_and_the_window_shows_it(
        open_window, demo_file: Path, smtp_server: SmtpServer, mail_authority: trustme.CA,
        tmp_path: Path, qtbot) -> None:
    _in_store(demo_file, lambda: save_mail_settings(smtp_server.settings))
    window = open_window(demo_file)
    page = window.page("today")
    qtbot.waitUntil(lambda: page.list_date() is not None and not page.is_loading(),
                    timeout=TIMEOUT_MS)
    window.show_area("today")
    before = [i for i in page.items() if i.kind == STAGE_ACTION]

    ca = tmp_path / "ca.pem"
    mail_authority.cert_pem.write_to_path(str(ca))
    env = {**os.environ, "SSL_CERT_FILE": str(ca),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    sent = subprocess.run(
        [sys.executable, "main.py", "--db", str(demo_file), "send", "--due", "--as-of",
         DEMO_TODAY.isoformat(), "--password-stdin"], cwd=ROOT, capture_output=True,
        text=True, timeout=300, env=env, input=smtp_server.password + "\n")
    assert sent.returncode == 0, sent.stderr
    assert len(smtp_server.received) == EMAIL_REMINDERS_DUE

    # The window notices the other Duly's writes and reads Today again by itself.
    qtbot.waitUntil(lambda: not page.is_loading() and len(
        [i for i in page.items() if i.kind == STAGE_ACTION]) ==
        len(before) - EMAIL_REMINDERS_DUE, timeout=TIMEOUT_MS)
    # And a customer it e-mailed shows the e-mail on their timeline.
    [subject, *_] = [m["Subject"] for m in smtp_server.received]
    emailed = (Interaction.select(Interaction.customer).where(
        Interaction.stage.is_null(False) & (Interaction.kind == "email")).first())
    assert emailed is not None
    window.show_area("customers")
    customers = window.page("customers")
    with qtbot.waitSignal(customers.account_loaded, timeout=TIMEOUT_MS):
        customers.show_customer(emailed.customer_id)
    qtbot.waitUntil(lambda: any(e.kind == "email" for e in customers.view.timeline.rows()),
                    timeout=TIMEOUT_MS)
    assert subject


def test_a_backup_is_previewed_then_restored_and_a_newer_one_refused(
        open_window, demo_file: Path, tmp_path: Path, qtbot) -> None:
    backup = _in_store(demo_file, lambda: take_backup(
        demo_file, dt.datetime(2026, 11, 20, 18, 5), tmp_path / "backups")).path
    customers = _in_store(demo_file, lambda: Customer.select().count())
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=TIMEOUT_MS)
    with db.writing():  # something recorded after the backup, which the restore undoes
        Customer.update(name="Renamed since").where(Customer.id == 1).execute()

    window.care.preview_restore(backup)
    dialog = _shown(qtbot, window, RestoreDialog)
    assert "20 Nov" in dialog.taken_label.text() and "18:05" in dialog.taken_label.text()
    assert dialog.customers_label.text() == f"{customers:,}"
    assert "GBP" in dialog.balance_label.text()
    if os.environ.get("DULY_SCREENSHOTS"):
        dialog.grab().save(os.environ["DULY_SCREENSHOTS"] + "/restore_preview.png")
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        dialog.restore_button.click()
    qtbot.waitUntil(lambda: any(b.windowTitle() == "Restored"
                                for b in visible_message_boxes(window)), timeout=TIMEOUT_MS)
    assert window.store_path == demo_file
    assert Customer.get_by_id(1).name != "Renamed since"
    kept = [p for p in (demo_file.parent / "Backups").iterdir() if "before-restore" in p.name]
    assert len(kept) == 1
    for box in visible_message_boxes(window):
        box.accept()

    with sqlite3.connect(backup) as newer:
        newer.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    newer.close()
    window.care.preview_restore(backup)
    refused = _shown(qtbot, window, RestoreDialog)
    assert "newer version of Duly" in refused.message_label.text()
    assert refused.restore_button is None
    if os.environ.get("DULY_SCREENSHOTS"):
        refused.grab().save(os.environ["DULY_SCREENSHOTS"] + "/restore_refused.png")
    refused.reject()


def test_the_daily_backup_takes_itself_when_the_last_is_a_day_old(
        open_window, demo_file: Path, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_care, "FIRST_BACKUP_CHECK_MS", 0)
    folder = demo_file.parent / "Backups"
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: bool(backups_in(folder, demo_file)), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert not [b for b in visible_message_boxes(window) if isinstance(b, QMessageBox)]
    window.care.back_up_if_due()  # not due again: nothing more is taken
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert len(backups_in(folder, demo_file)) == 1


def test_the_schedule_section_shows_the_nightly_jobs_last_run_and_saves_backup_settings(
        open_window, demo_file: Path, tmp_path: Path, qtbot) -> None:
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=TIMEOUT_MS)
    nightly = subprocess.run([sys.executable, "main.py", "--db", str(demo_file), "backup"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert nightly.returncode == 0, nightly.stderr
    window.show_area("settings")
    page = window.page("settings")
    page.show_section("schedule")
    section = page.schedule
    qtbot.waitUntil(lambda: bool(section.runs_model.rows()), timeout=TIMEOUT_MS)
    [run] = section.runs_model.rows()
    assert run.command == "backup" and run.succeeded
    assert outcome_text(run).startswith("Backed up to ")
    assert section.folder_label.text() == str(demo_file.parent / "Backups")
    assert section.install_button.isEnabled()
    if os.environ.get("DULY_SCREENSHOTS"):
        window.grab().save(os.environ["DULY_SCREENSHOTS"] + "/schedule.png")
    section.daily_spin.setValue(3)
    section._folder = tmp_path / "usb"
    section.save_button.click()
    # Read back as saved (a read already on its way when saving may land first).
    qtbot.waitUntil(lambda: section.notice_label.text() == "Backup settings saved."
                    and section.folder_label.text() == str(tmp_path / "usb")
                    and not window.tasks.busy, timeout=TIMEOUT_MS)
    assert section.daily_spin.value() == 3


def test_the_file_menu_backs_up_and_exports_everything(
        open_window, demo_file: Path, tmp_path: Path, qtbot) -> None:
    window = open_window(demo_file)
    file_menu = window.menuBar().actions()[0].menu()
    assert {a.text() for a in file_menu.actions()} >= {
        "&Back Up Now…", "&Restore…", "E&xport All Data…"}
    window.care.back_up_action.trigger()
    qtbot.waitUntil(lambda: any(b.windowTitle() == "Backed up"
                                for b in visible_message_boxes(window)), timeout=TIMEOUT_MS)
    [box] = [b for b in visible_message_boxes(window) if b.windowTitle() == "Backed up"]
    [backup] = backups_in(demo_file.parent / "Backups", demo_file)
    assert box.text() == f"Backed up to {backup.path}"
    box.accept()
    target = tmp_path / "everything.zip"
    window.care.export_to(target)
    qtbot.waitUntil(lambda: any(b.windowTitle() == "Exported"
                                for b in visible_message_boxes(window)), timeout=TIMEOUT_MS)
    assert target.exists()
