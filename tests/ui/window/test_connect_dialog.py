"""File › Connect to a Server…: the window reaches a store on the throwaway PostgreSQL
server off the GUI thread, names the server and database in its title and status bar,
remembers the address (never the password) for the next start, and a server that refuses
or cannot be reached is told beside the field at fault, the dialog staying open."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from models import db
from models.company import create_business
from models.kinds import UserRole
from models.server_password import forget_password, password_kept_for_session
from models.server_store import parse_address
from models.users import add_user
from ui.window.app import startup_stores
from ui.window.connect_dialog import ConnectDialog
from ui.window.main_window import LAST_SERVER_KEY, MainWindow

PASSWORD = f"pw-{uuid.uuid4().hex}"

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def server_database(postgres_cluster: object) -> Iterator[str]:
    """A new empty database on the throwaway server (removed afterwards): its name."""
    name = postgres_cluster.new_database()  # type: ignore[attr-defined]
    try:
        yield name
    finally:
        postgres_cluster.drop_database(name)  # type: ignore[attr-defined]


@pytest.fixture
def server_store(postgres_cluster: object, server_database: str) -> str:
    """A store with a business in a database on the throwaway server: its address."""
    url = postgres_cluster.url(server_database)  # type: ignore[attr-defined]
    store = db.open_store(url, create=True)
    try:
        create_business("Harbour & Finch Ltd", address="1 Quay Street\nBristol BS1 4DJ",
                        country="GB", currency="GBP")
    finally:
        store.close()
    return url


@pytest.fixture
def anna(postgres_cluster: object, server_store: str) -> Iterator[str]:
    """The user anna, who must give her password, owning the store's database: the
    address of the store for her."""
    postgres_cluster.password_user("anna", PASSWORD)  # type: ignore[attr-defined]
    store = db.open_store(server_store)  # its manager (postgres) adds her as a user
    try:
        add_user("Anna", "anna", UserRole.RECORD_AND_SEND)
    finally:
        store.close()
    address = parse_address(server_store)
    with psycopg.connect(server_store, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{address.dbname}" OWNER TO anna')
        admin.execute('GRANT ALL ON ALL TABLES IN SCHEMA public TO anna')
        admin.execute('GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO anna')
    url = server_store.replace("postgresql://postgres@", "postgresql://anna@")
    yield url
    forget_password(parse_address(url))


def connect_dialog(qtbot, window: MainWindow) -> ConnectDialog:
    window.connect_action.trigger()
    # The one closed before lingers, hidden, until its deletion is processed.
    (dialog,) = [d for d in window.findChildren(ConnectDialog) if d.isVisible()]
    return dialog


def fill_in(dialog: ConnectDialog, url: str, password: str = "", *,
            remember: bool = True) -> None:
    address = parse_address(url)
    dialog.host_edit.setText(address.host)
    dialog.port_spin.setValue(address.port)
    dialog.database_edit.setText(address.dbname)
    dialog.user_edit.setText(address.user)
    dialog.password_edit.setText(password)
    dialog.remember_box.setChecked(remember)


def press_connect(qtbot, dialog: ConnectDialog) -> None:
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)


def test_connecting_opens_the_store_on_the_server_and_names_it(
        qtbot, open_window: Callable[..., MainWindow], server_store: str,
        settings: QSettings) -> None:
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, server_store)
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: window.store is not None and window.overview is not None,
                    timeout=30000)

    address = parse_address(server_store)
    assert window.store.server == address
    assert window.windowTitle() == f"Duly — {address.dbname} on 127.0.0.1:{address.port}"
    assert window.status.server.text() == (f"Server: {address.dbname} on 127.0.0.1:"
                                           f"{address.port} as postgres")
    assert window.status.server.isVisible()
    assert window.status_texts()[0] == "Harbour & Finch Ltd"
    assert window.findChild(ConnectDialog) is None  # closed (and deleted)
    assert settings.value(LAST_SERVER_KEY) == server_store
    # The next start opens it again.
    assert startup_stores(None, settings.value(LAST_SERVER_KEY))[0] == server_store


def test_a_wrong_password_is_told_at_the_password_and_the_dialog_stays(
        qtbot, open_window: Callable[..., MainWindow], anna: str) -> None:
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, anna, "not-her-password")
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text("password") != "", timeout=30000)

    assert dialog.error_text("password").startswith(
        "The server refused the password of anna: enter the right one in File › Connect "
        "to a Server…")
    assert dialog.isVisible() and dialog.connect_button.isEnabled()
    assert window.store is None and window.showing_welcome()
    assert not password_kept_for_session(parse_address(anna))  # a refused one is not kept

    dialog.password_edit.setText(PASSWORD)
    dialog.remember_box.setChecked(False)
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: window.store is not None, timeout=30000)
    assert window.status.server.text().endswith(" as anna")
    assert password_kept_for_session(parse_address(anna))


def test_the_password_is_in_no_settings_file(
        qtbot, open_window: Callable[..., MainWindow], anna: str, tmp_path: Path,
        settings: QSettings) -> None:
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, anna, PASSWORD, remember=False)
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: window.store is not None, timeout=30000)
    window.close()
    settings.sync()
    assert settings.value(LAST_SERVER_KEY) == anna
    assert [path for path in tmp_path.rglob("*")
            if path.is_file() and PASSWORD.encode() in path.read_bytes()] == []


def test_a_server_where_nothing_answers_is_told_at_the_server(
        qtbot, open_window: Callable[..., MainWindow]) -> None:
    with socket.socket() as probe:  # a free port: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, f"postgresql://anna@127.0.0.1:{port}/duly")
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text("host") != "", timeout=30000)
    assert dialog.error_text("host").startswith(
        f"The server cannot be reached at 127.0.0.1:{port}")
    assert dialog.isVisible()


def test_empty_fields_are_named_before_anything_is_tried(
        qtbot, open_window: Callable[..., MainWindow]) -> None:
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, "postgresql://@db.example/x")
    dialog.host_edit.clear()
    dialog.database_edit.clear()
    press_connect(qtbot, dialog)
    assert not dialog.trying
    assert dialog.error_text("host").startswith("Enter the server's name")
    assert dialog.error_text("database").startswith("Enter the name of the database")
    assert dialog.error_text("user") == "Enter your user name on the server."


def test_cancel_stops_waiting_for_a_server_that_does_not_answer(
        qtbot, open_window: Callable[..., MainWindow]) -> None:
    # Something that takes the connection and never answers, as a server that hangs.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        window = open_window()
        dialog = connect_dialog(qtbot, window)
        fill_in(dialog, f"postgresql://anna@127.0.0.1:{port}/duly")
        press_connect(qtbot, dialog)
        assert dialog.trying
        assert dialog.trying_label.text() == f"Connecting to duly on 127.0.0.1:{port}…"
        assert not dialog.host_edit.isEnabled()
        dialog.reject()  # Cancel (or Escape)
        assert not dialog.trying and dialog.isVisible() and dialog.host_edit.isEnabled()
        assert "Stopped trying to connect" in dialog.error_text("general")
    window.tasks.stop_all()  # the closed socket ends the worker's wait at once


def test_an_empty_database_offers_the_demo_there(
        qtbot, open_window: Callable[..., MainWindow], postgres_cluster: object,
        server_database: str) -> None:
    url = postgres_cluster.url(server_database)  # type: ignore[attr-defined]
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, url)
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.offer_box is not None, timeout=30000)
    offer = dialog.offer_box
    assert offer.text() == f"The database {parse_address(url).name} is empty."
    demo = next(button for button in offer.buttons() if "Demo" in button.text())
    qtbot.mouseClick(demo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.store is not None and window.business is not None,
                    timeout=60000)
    assert window.business.is_demo
    assert window.windowTitle() == f"Duly — {parse_address(url).name} (demo)"


def test_the_command_lines_server_address_opens_the_window_on_it(
        qtbot, settings: QSettings, own_store_path: Path, server_store: str) -> None:
    assert startup_stores(server_store) == (server_store, startup_stores(None)[1])
    window = MainWindow(store_path=server_store, own_store_path=own_store_path,
                        settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.store is not None, timeout=30000)
    assert window.windowTitle().endswith(f"on 127.0.0.1:{parse_address(server_store).port}")
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_a_file_keeps_its_title_and_no_server_in_the_status_bar(
        qtbot, open_window: Callable[..., MainWindow], company_file: Path,
        settings: QSettings) -> None:
    settings.setValue(LAST_SERVER_KEY, "postgresql://anna@db.example/duly")
    window = open_window(company_file)
    assert window.windowTitle() == "Duly — Bramble Bakery"
    assert not window.status.server.isVisible()
    assert settings.value(LAST_SERVER_KEY) is None  # a file opened: the next start too


def test_on_a_server_the_file_backups_are_not_offered(
        qtbot, settings: QSettings, own_store_path: Path, server_store: str) -> None:
    window = MainWindow(store_path=server_store, own_store_path=own_store_path,
                        settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.store is not None, timeout=30000)
    assert not window.care.back_up_action.isEnabled()
    assert not window.care.restore_action.isEnabled()
    assert window.care.export_action.isEnabled()


def test_a_server_that_refuses_at_the_start_opens_the_dialog_at_the_password(
        qtbot, settings: QSettings, own_store_path: Path, anna: str) -> None:
    # The password served the last session only: this start has none.
    settings.setValue(LAST_SERVER_KEY, anna)
    window = MainWindow(store_path=startup_stores(None, anna)[0],
                        own_store_path=own_store_path, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(ConnectDialog) is not None, timeout=30000)
    dialog = window.findChild(ConnectDialog)
    assert window.showing_welcome()
    assert dialog.error_text("password").startswith("The server asks for the password of "
                                                    "anna")
    assert (dialog.user_edit.text(), dialog.database_edit.text()) == (
        "anna", parse_address(anna).dbname)
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]

    dialog.password_edit.setText(PASSWORD)
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: window.store is not None, timeout=30000)
    assert window.status.server.text().endswith(" as anna")


def test_the_dialog_is_filled_in_with_the_last_server_even_after_a_file(
        qtbot, open_window: Callable[..., MainWindow], server_store: str,
        company_file: Path) -> None:
    window = open_window()
    dialog = connect_dialog(qtbot, window)
    fill_in(dialog, server_store)
    press_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: window.store is not None, timeout=30000)
    window.open_store_file(company_file)
    assert window.store.server is None
    again = connect_dialog(qtbot, window)
    address = parse_address(server_store)
    assert (again.host_edit.text(), again.port_spin.value(), again.database_edit.text(),
            again.user_edit.text(), again.password_edit.text()) == (
        "127.0.0.1", address.port, address.dbname, "postgres", "")
