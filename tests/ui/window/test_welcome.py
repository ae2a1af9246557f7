"""First start: the welcome page's three ways in, end to end."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.company import business_details, business_logo
from tests.ui.conftest import image_bytes, make_company_store, visible_message_boxes
from ui.window.new_company_dialog import NewCompanyDialog
from ui.window.store_setup import DEMO_FILE_NAME, CompanyDraft
from ui.window.welcome import WelcomePage


def replace_company_dialog(monkeypatch, answers):
    """Answer the New Company dialog with ``answers`` in turn; record each ask."""
    asked = []

    def ask(parent, done, *, draft=None, error=None):
        asked.append((draft, error))
        done(answers.pop(0))

    monkeypatch.setattr(NewCompanyDialog, "ask", staticmethod(ask))
    return asked


@pytest.mark.parametrize("button, signal", [
    ("demo_button", "demo_chosen"),
    ("new_company_button", "new_company_chosen"),
    ("open_store_button", "open_store_chosen"),
])
def test_each_welcome_choice_reports_the_users_choice(qtbot, button, signal):
    page = WelcomePage()
    qtbot.addWidget(page)
    page.show()

    with qtbot.waitSignal(getattr(page, signal), timeout=1000):
        qtbot.mouseClick(getattr(page, button), Qt.MouseButton.LeftButton)


def test_welcome_says_where_the_users_data_is_kept(open_window, own_store_path):
    window = open_window()

    assert window.showing_welcome()
    assert str(own_store_path.parent) in window.welcome.folder_label.text()
    assert window.welcome.new_company_button.isVisible()


def test_start_my_company_creates_the_users_store_with_the_business(
        open_window, own_store_path, monkeypatch, qtbot):
    logo = image_bytes("PNG")
    draft = CompanyDraft(name="Bramble Bakery", address="4 Mill Lane\nGalway",
                         country="IE", currency="EUR", logo=logo, logo_type="image/png")
    replace_company_dialog(monkeypatch, [draft])
    window = open_window()

    with qtbot.waitSignal(window.store_opened, timeout=10000):
        qtbot.mouseClick(window.welcome.new_company_button, Qt.MouseButton.LeftButton)

    assert window.store_path == own_store_path.absolute()
    assert window.windowTitle() == "Duly — Bramble Bakery"
    details = business_details()
    assert (details.name, details.address, details.country, details.currency,
            details.is_demo) == ("Bramble Bakery", "4 Mill Lane\nGalway", "IE", "EUR", False)
    assert business_logo() == (logo, "image/png")
    assert not [p for p in own_store_path.parent.iterdir() if "partial" in p.name]
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    assert window.status_texts()[0] == "Bramble Bakery"


def test_a_company_the_store_refuses_reopens_the_dialog_at_the_field(
        open_window, own_store_path, monkeypatch, qtbot):
    refused = CompanyDraft(name="   ", address="", country="IE", currency="EUR")
    asked = replace_company_dialog(monkeypatch, [refused, None])
    window = open_window()

    window.new_company_action.trigger()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=10000)

    draft, error = asked[1]
    assert draft == refused
    assert error.field == "name" and error.message == "Enter the business name."
    assert window.showing_welcome()
    assert not visible_message_boxes(window)
    assert not own_store_path.exists()
    assert not own_store_path.parent.exists() or not list(own_store_path.parent.iterdir())


def test_a_second_company_goes_into_a_new_file_and_leaves_the_first_alone(
        open_window, own_store_path, tmp_path, monkeypatch, qtbot):
    make_company_store(own_store_path, "First Company Ltd")
    before = own_store_path.read_bytes()
    second = tmp_path / "second.sqlite"
    replace_company_dialog(monkeypatch, [CompanyDraft(
        name="Second Shop", address="", country="GB", currency="GBP")])
    monkeypatch.setattr("ui.common.file_pickers.choose_new_store_path",
                        lambda parent, folder: second)
    window = open_window(own_store_path)

    with qtbot.waitSignal(window.store_opened, timeout=10000):
        window.new_company_action.trigger()

    assert window.store_path == second.absolute()
    assert window.windowTitle() == "Duly — Second Shop"
    assert own_store_path.read_bytes() == before


def test_a_new_company_never_replaces_an_existing_file(
        open_window, own_store_path, company_file, monkeypatch, qtbot):
    make_company_store(own_store_path, "First Company Ltd")
    before = company_file.read_bytes()
    replace_company_dialog(monkeypatch, [CompanyDraft(
        name="Second Shop", address="", country="GB", currency="GBP")])
    monkeypatch.setattr("ui.common.file_pickers.choose_new_store_path",
                        lambda parent, folder: company_file)
    window = open_window(own_store_path)

    window.new_company_action.trigger()

    assert "already exists" in visible_message_boxes(window)[0].text()
    assert window.store_path == own_store_path.absolute()
    assert company_file.read_bytes() == before


def test_open_the_demo_company_builds_it_beside_the_users_store(
        open_window, own_store_path, qtbot):
    window = open_window()

    with qtbot.waitSignal(window.store_opened, timeout=60000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)

    demo = own_store_path.with_name(DEMO_FILE_NAME)
    assert window.store_path == demo.absolute()
    assert window.windowTitle() == "Duly — Harbour & Finch Ltd (demo)"
    assert business_details().is_demo
    assert not own_store_path.exists(), "the user's own store stays untouched"
    assert not [p for p in demo.parent.iterdir() if "partial" in p.name]


def test_open_the_demo_company_again_opens_the_same_file(open_window, own_store_path, qtbot):
    window = open_window()
    with qtbot.waitSignal(window.store_opened, timeout=60000):
        window.open_demo_action.trigger()
    demo = own_store_path.with_name(DEMO_FILE_NAME)
    window.close()
    built = demo.stat().st_ino  # a rebuilt demo would be a new file

    again = open_window()
    with qtbot.waitSignal(again.store_opened, timeout=10000):
        again.welcome.demo_button.click()

    assert again.store_path == demo.absolute()
    assert demo.stat().st_ino == built
    assert again.business.is_demo


def test_open_a_store_file_from_welcome(open_window, company_file, monkeypatch, qtbot):
    chosen = []

    def choose(parent, folder):
        chosen.append(folder)
        return company_file

    monkeypatch.setattr("ui.common.file_pickers.choose_store_to_open", choose)
    window = open_window()

    qtbot.mouseClick(window.welcome.open_store_button, Qt.MouseButton.LeftButton)

    assert len(chosen) == 1
    assert window.store_path == company_file.absolute()
    assert window.windowTitle() == "Duly — Bramble Bakery"


def test_cancelling_the_file_picker_stays_on_welcome(open_window, monkeypatch):
    monkeypatch.setattr("ui.common.file_pickers.choose_store_to_open", lambda parent, folder: None)
    window = open_window()

    window.open_store_action.trigger()

    assert window.showing_welcome()
    assert not visible_message_boxes(window)
