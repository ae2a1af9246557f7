"""Take the user guide's screenshots from the real window, on the demo company.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/help_screenshots.py

(or ``make help-screenshots``) writes ``resources/help/images/*.png``, 800 pixels wide,
so the pictures in the guide always show the window as it is. Run it after changing
what a page looks like, and commit the pictures it makes.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from models import db  # noqa: E402
from models.accounts import overdue_accounts  # noqa: E402
from models.demo import create_demo  # noqa: E402

IMAGES = ROOT / "resources" / "help" / "images"
WIDTH = 760  # pixels: the guide shows them unscaled (sharp), and they stay small
WINDOW_SIZE = (1200, 780)
# The demo company as the tests know it, so the pictures change only when the window does.
DEMO_TODAY = dt.date(2026, 11, 24)
DEMO_SEED = 2026
# Where the welcome page says the user's company is kept: Linux's usual place.
SHOWN_STORE = Path("/home/you/.local/share/Duly/duly.sqlite")


def settle(app: QApplication, busy: Callable[[], bool], *, quiet_s: float = 0.6,
           timeout_s: float = 60.0) -> None:
    """Process events until nothing has been busy for ``quiet_s`` (pages load off the GUI
    thread, and some wait for a pause before they read)."""
    deadline = time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if busy():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
    raise TimeoutError("the window kept working for a minute")


def save(widget: QWidget, name: str, images: Path = IMAGES) -> Path:
    """``widget`` as it is on screen, scaled to the guide's width, as an optimised PNG in
    ``images``."""
    image = widget.grab().toImage()
    if image.width() > WIDTH:
        image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(image.Format.Format_RGB888)  # no alpha: smaller
    path = images / f"{name}.png"
    if not image.save(str(path), "PNG", 0):  # quality 0: the strongest compression
        raise OSError(f"could not write {path}")
    return path


def take_all(folder: Path, images: Path = IMAGES) -> list[Path]:
    """Every picture the guide shows, into ``images`` (``folder`` holds the demo company
    and the window's settings meanwhile); the files written."""
    from ui.window.app import create_application
    from ui.window.main_window import MainWindow

    app = create_application([sys.argv[0]])
    settings = QSettings(str(folder / "duly.ini"), QSettings.Format.IniFormat)
    demo = folder / "demo.sqlite"
    store = db.open_store(demo, create=True)
    try:
        create_demo(seed=DEMO_SEED, today=DEMO_TODAY)
    finally:
        store.close()

    made: list[Path] = []
    welcome = MainWindow(own_store_path=folder / "own.sqlite", settings=settings,
                         today=DEMO_TODAY)
    welcome.resize(*WINDOW_SIZE)
    welcome.show()
    settle(app, lambda: welcome.tasks.busy)
    welcome.welcome.set_own_store(SHOWN_STORE)  # not this run's temporary folder
    made.append(save(welcome, "welcome", images))
    welcome.close()
    welcome.deleteLater()

    window = MainWindow(store_path=demo, own_store_path=folder / "own.sqlite",
                        settings=settings, today=DEMO_TODAY)
    window.resize(*WINDOW_SIZE)
    window.show()

    def busy() -> bool:
        return window.tasks.busy or window.overview is None

    settle(app, busy)
    for key in ("today", "accounts", "plans", "insights", "templates"):
        window.show_area(key)
        settle(app, busy)
        made.append(save(window, key, images))

    window.show_area("customers")
    settle(app, busy)
    biggest = max(overdue_accounts(DEMO_TODAY, today=DEMO_TODAY),
                  key=lambda row: row.overdue_minor)
    window.page("customers").show_customer(biggest.customer_id)
    settle(app, busy)
    made.append(save(window, "customers", images))

    for section in ("followup", "charges"):
        window.show_area("settings", section)
        settle(app, busy)
        made.append(save(window, f"settings-{section}", images))

    window.show_area("settings", "mail")
    settle(app, busy)
    form = window.findChild(QWidget, "mailSettings")
    form.choose_provider("gmail")
    form.sender_name_edit.setText("Harbour & Finch Accounts")
    form.sender_address_edit.setText("accounts@harbourandfinch.example")
    form.username_edit.setText("accounts@harbourandfinch.example")
    settle(app, busy)
    made.append(save(window, "settings-mail", images))

    window.import_action.trigger()
    settle(app, busy)
    from ui.importing.import_wizard import ImportWizard

    wizard = window.findChild(ImportWizard)
    wizard.resize(860, 600)
    settle(app, busy)
    made.append(save(wizard, "import", images))
    wizard.reject()

    made.append(_bank_review(app, window, folder, busy, images))

    window.help.shortcuts_action.trigger()
    settle(app, busy)
    dialog = window.findChild(QWidget, "shortcutsDialog")
    made.append(save(dialog, "shortcuts", images))
    dialog.close()
    window.close()
    settle(app, lambda: window.tasks.busy)
    window.deleteLater()
    return made


def _bank_review(app: QApplication, window: QWidget, folder: Path, busy: Callable[[], bool],
                 images: Path) -> Path:
    """The review of a bank statement: sure ones accepted, a suggested one in hand."""
    from models.bank_matching import Confidence
    from tests.ui.importing.bank_files import GUIDE_CREDITS, ofx

    statement = folder / "november.ofx"
    statement.write_text(ofx(*GUIDE_CREDITS), encoding="ascii")
    window.bank.read(statement)  # type: ignore[attr-defined]
    settle(app, busy)
    review = window.bank.review()  # type: ignore[attr-defined]
    review.resize(1280, 800)
    review.accept_all_sure()
    review.choose_credit(Confidence.UNMATCHED, 1)
    review.ignore_selected()
    review.choose_credit(Confidence.SUGGESTED, 0)
    settle(app, busy)
    made = save(review, "bank-review", images)
    review.discard()
    return made


def main() -> int:
    """Take the screenshots into resources/help/images."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    from ui.window.app import create_application

    create_application([sys.argv[0]]).setStyle("Fusion")  # one look on every machine
    with tempfile.TemporaryDirectory(prefix="duly-help-") as folder:
        for path in take_all(Path(folder)):
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
