"""Starting Duly: which store opens first, the application's identity, a quick start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from models.db import default_store_path
from ui.window.app import OpenedFiles, create_application, run_window, startup_stores
from ui.window.main_window import MainWindow

REPO = Path(__file__).resolve().parents[3]


def test_without_a_path_and_no_store_yet_the_welcome_page_shows():
    own = default_store_path()
    assert not own.exists()

    assert startup_stores(None) == (None, own)


def test_a_given_path_that_exists_is_opened(company_file):
    assert startup_stores(company_file) == (company_file, company_file)


def test_a_given_path_that_does_not_exist_yet_becomes_the_users_store(tmp_path):
    wanted = tmp_path / "books.sqlite"

    assert startup_stores(wanted) == (None, wanted)


def test_the_application_is_named_for_settings_and_the_desktop(qapp):
    app = create_application()

    assert app is qapp
    assert (app.applicationName(), app.organizationName(), app.desktopFileName()) == (
        "Duly", "Duly", "duly")
    assert not app.windowIcon().isNull()


def test_run_window_shows_the_store_and_returns_when_closed(company_file, qapp, tmp_path):
    seen = []

    def close_when_shown() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible() \
                    and widget.overview is not None:
                seen.append(widget.windowTitle())
                widget.close()
                return
        QTimer.singleShot(20, close_when_shown)

    QTimer.singleShot(0, close_when_shown)
    assert run_window(company_file, log_folder=tmp_path / "log") == 0
    assert seen == ["Duly — Bramble Bakery"]
    assert (tmp_path / "log").is_dir()  # where Help → Report a Problem points


def test_starting_the_window_does_not_import_the_pdf_library():
    code = ("import sys; import ui.window.app, ui.window.main_window; "
            "print('reportlab' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == "False"


def test_starting_the_window_loads_no_other_database_driver_nor_the_bank_checks():
    # peewee would load a PostgreSQL or MySQL driver it finds installed (psycopg brings
    # asyncio); the business's bank account checks (stdnum, Babel) wait until one is typed.
    code = ("import sys; import ui.window.app, ui.window.main_window, models.db; "
            "print(sorted(m for m in ('psycopg', 'psycopg2', 'pymysql', 'MySQLdb', "
            "'asyncio', 'stdnum', 'babel') if sys.modules.get(m) is not None))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == "[]"


def test_the_window_imports_no_store_before_it_paints():
    # peewee and the models' tables come with the store, opened once the window is shown.
    code = ("import sys; import ui.window.app, ui.window.main_window; "
            "print(sorted(m for m in ('peewee', 'filelock', 'models.db', 'models.schema', "
            "'models.users') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == "[]"


def test_the_store_opens_once_the_window_has_painted(company_file, settings, qtbot):
    window = MainWindow(store_path=company_file, settings=settings)
    qtbot.addWidget(window)

    assert window.opening and window.store is None and not window.showing_welcome()
    assert window.windowTitle() == "Duly"
    assert window.status.business.text() == "Opening company.sqlite…"
    window.show()
    qtbot.waitUntil(lambda: window.store is not None)
    assert not window.opening
    assert window.windowTitle() == "Duly — Bramble Bakery"
    assert window.status.business.text() == "Bramble Bakery"


def test_a_window_opened_on_a_store_builds_no_welcome_page(company_file, settings, qtbot):
    window = MainWindow(store_path=company_file, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.store is not None)

    assert window._welcome is None and not window.showing_welcome()


def test_todays_page_imports_nothing_it_does_not_show_at_once():
    # Checking a template's words, working out interest, writing off, a found note's
    # rich text and PDF files each wait for their first use, not for Today's list.
    code = ("import sys; import ui.window.app, ui.window.main_window, models.db, "
            "ui.today.today_page; "
            "print(sorted(m for m in ('difflib', 'models.interest', "
            "'models.write_offs', 'html', 'ui.common.pdf_files', 'ui.window.welcome', "
            "'ui.window.move_store_dialog') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == "[]"


def test_a_store_on_a_server_is_named_as_the_user_calls_it_while_it_opens(settings, qtbot):
    window = MainWindow(store_path="postgresql://anna@db.example.com:5433/harbour",
                        settings=settings)
    qtbot.addWidget(window)  # never shown: the server is never asked

    assert window.opening
    assert window.status.business.text() == "Opening harbour on db.example.com:5433…"


def test_pyside_learns_the_same_of_each_module_as_by_its_own_reading():
    # ui/__init__.py answers PySide6's "does this module use PySide6?" from the file's
    # bytes: the answers, for every module the window and Today's page import, are its own.
    code = ("import sys, json; import PySide6; {keep}"
            "import ui.window.app, ui.window.main_window, models.db, ui.today.today_page; "
            "print(json.dumps(sorted(sys.modules['shibokensupport.feature']"
            ".pyside_feature_dict.items())))")
    keep = "sys.modules['shibokensupport.feature']._mod_uses_pyside.duly = True; "
    answers = [subprocess.run([sys.executable, "-c", code.format(keep=kept)], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout
               for kept in (keep, "")]

    assert answers[0] == answers[1]
    assert '["ui.window.main_window", 0]' in answers[1]  # it imports PySide6
    assert '["models.db", -1]' in answers[1]  # models never do


def test_importing_the_window_does_nothing_else():
    code = ("import sys; import ui.window.app, ui.window.main_window; "
            "from PySide6.QtCore import QCoreApplication; "
            "print(QCoreApplication.instance() is None)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == "True"


def test_a_store_the_desktop_hands_the_running_app_is_opened(open_window, company_file, qapp,
                                                             qtbot, tmp_path):
    """macOS sends a store double-clicked in the Finder as a file-open event."""
    window = open_window(None)
    files = OpenedFiles(qapp, window)
    try:
        assert QApplication.sendEvent(qapp, QFileOpenEvent(str(company_file)))
        qtbot.waitUntil(lambda: window.store_path == company_file, timeout=10_000)
        assert not QApplication.sendEvent(qapp, QFileOpenEvent(""))  # no file: not ours
    finally:
        qapp.removeEventFilter(files)
