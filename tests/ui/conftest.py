"""Fixtures for the window's tests: private settings, store files, a window factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from models import db
from models.company import create_business
from tests.conftest import DEMO_TODAY
from ui.common.collector import GuiThreadCollector
from ui.common.tasks import TaskRunner
from ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def _no_window_left_over() -> None:
    """Delete the windows earlier tests closed (pytest-qt leaves them to deleteLater).

    Otherwise a timer on one of their pages can fire during this test's first
    wait and start work whose answer reaches a page deleted meanwhile.
    """
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _cycles_collected_on_the_gui_thread(qapp) -> Iterator[None]:
    """As in the running program: no Qt object is destroyed on a worker thread."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()
    collector.setParent(None)


@pytest.fixture
def window(qtbot) -> QWidget:
    """The top-level widget the page lives in, as in the main window."""
    widget = QWidget()
    widget.resize(1200, 780)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def runner(window) -> Iterator[TaskRunner]:
    """The window's task helper; stopped after the test."""
    runner = TaskRunner(window)
    yield runner
    runner.stop_all()


@pytest.fixture
def show_page(qtbot, window: QWidget) -> Callable[[QWidget], QWidget]:
    """Show an area's page filling ``window``, as the main window would (not loaded yet)."""

    def show(page: QWidget) -> QWidget:
        page.resize(window.size())
        window.show()
        qtbot.waitExposed(window)
        return page

    return show


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Window settings in the test's own file, never the user's."""
    return QSettings(str(tmp_path / "settings" / "duly.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def own_store_path(tmp_path: Path) -> Path:
    """Where the user's own company is kept in this test (not created)."""
    return tmp_path / "data" / "duly.sqlite"


def make_company_store(path: Path, name: str = "Bramble Bakery") -> Path:
    """A closed store at ``path`` holding a business and nothing else."""
    store = db.open_store(path, create=True)
    try:
        create_business(name, address="4 Mill Lane\nGalway H91 X2Y3", country="IE",
                        currency="EUR")
    finally:
        store.close()
    return path


@pytest.fixture
def company_file(tmp_path: Path) -> Path:
    """A closed store with a business, no customers and no invoices."""
    return make_company_store(tmp_path / "company.sqlite")


@pytest.fixture
def open_window(qtbot, settings: QSettings,
                own_store_path: Path) -> Callable[..., MainWindow]:
    """Build and show the main window on a store (None: the welcome page), once it has
    begun opening it."""

    def open_(store_path: Path | None = None) -> MainWindow:
        window = MainWindow(store_path=store_path, own_store_path=own_store_path,
                            settings=settings, today=DEMO_TODAY)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.opening)  # the store opens after the first paint
        return window

    return open_


def visible_message_boxes(parent: QWidget) -> list[QMessageBox]:
    """The message boxes open over ``parent``."""
    return [box for box in parent.findChildren(QMessageBox) if box.isVisible()]


def image_bytes(fmt: str, width: int = 120, height: int = 40) -> bytes:
    """A small real image file's bytes in ``fmt`` ("PNG", "JPEG", "GIF"...)."""
    from PySide6.QtCore import QBuffer, QIODevice

    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0x0E7C66)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt)
    return bytes(buffer.data().data())
