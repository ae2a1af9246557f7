"""The New Company dialog: sensible defaults, errors at the field, a checked logo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from models.company import COUNTRIES, CompanyError
from tests.ui.conftest import image_bytes
from ui.window.new_company_dialog import NewCompanyDialog, currency_for, default_country
from ui.window.store_setup import CompanyDraft


@pytest.fixture
def dialog(qtbot) -> NewCompanyDialog:
    dialog = NewCompanyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_country(dialog: NewCompanyDialog, code: str) -> None:
    dialog.country_combo.setCurrentIndex(dialog.country_combo.findData(code))


@pytest.mark.parametrize("country, currency", [
    ("GB", "GBP"), ("US", "USD"), ("DE", "EUR"), ("IE", "EUR"), ("FR", "EUR"),
    ("CH", "CHF"), ("SE", "SEK"), ("PL", "PLN"), ("CA", "CAD"), ("AU", "AUD"),
])
def test_currency_follows_the_country(country, currency):
    assert currency_for(country) == currency


def test_every_offered_country_has_a_currency():
    assert all(currency_for(code) for code, _name in COUNTRIES)


def test_the_default_country_is_one_duly_offers():
    assert default_country() in dict(COUNTRIES)


def test_choosing_a_country_sets_its_currency_until_the_user_picks_one(dialog, qtbot):
    choose_country(dialog, "DE")
    assert dialog.currency_combo.currentText() == "EUR"
    choose_country(dialog, "US")
    assert dialog.currency_combo.currentText() == "USD"

    dialog.currency_combo.lineEdit().clear()
    qtbot.keyClicks(dialog.currency_combo.lineEdit(), "chf")
    choose_country(dialog, "GB")

    assert dialog.draft().currency == "CHF"
    assert dialog.draft().country == "GB"


def test_a_missing_name_is_shown_at_the_name_field(dialog, qtbot):
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.accepted_draft is None
    assert dialog.error_text("name") == "Enter the business name."

    qtbot.keyClicks(dialog.name_edit, "Bramble Bakery")
    assert dialog.error_text("name") == ""


def test_a_currency_that_is_not_three_letters_is_shown_at_the_currency_field(dialog, qtbot):
    qtbot.keyClicks(dialog.name_edit, "Bramble Bakery")
    dialog.currency_combo.setEditText("EU")

    dialog.accept()

    assert dialog.accepted_draft is None
    assert "three-letter" in dialog.error_text("currency")


def test_the_stores_objection_is_shown_at_its_field(dialog):
    dialog.show_error(CompanyError("currency", "Choose the currency as a three-letter code."))

    assert dialog.error_text("currency") == "Choose the currency as a three-letter code."
    assert dialog.error_text("name") == ""


def test_a_logo_over_2_mb_is_refused(dialog, tmp_path):
    big = tmp_path / "huge.png"
    big.write_bytes(image_bytes("PNG") + b"\0" * (2 * 1024 * 1024))

    assert not dialog.set_logo_file(big)

    assert "larger than 2 MB" in dialog.error_text("logo")
    assert dialog.draft().logo is None


@pytest.mark.parametrize("name, content", [
    ("notes.png", b"this is not an image at all"),
    ("picture.jpg", image_bytes("BMP")),
])
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(dialog, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)

    assert not dialog.set_logo_file(path)

    assert "not a PNG or JPEG image" in dialog.error_text("logo")
    assert dialog.draft().logo is None


def test_a_missing_logo_file_is_refused(dialog, tmp_path):
    assert not dialog.set_logo_file(tmp_path / "gone.png")
    assert "cannot read gone.png" in dialog.error_text("logo")


def test_the_open_store_is_refused_as_a_logo_before_it_is_read(dialog, tmp_path):
    from models import db

    path = tmp_path / "shop.sqlite"
    db.open_store(path, create=True).close()
    store = db.open_store(path)
    try:
        assert not dialog.set_logo_file(path)
    finally:
        store.close()
    assert dialog.error_text("logo") == ("Duly cannot read shop.sqlite: it is the store Duly "
                                         "has open; choose another file.")


@pytest.mark.parametrize("fmt, mime", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_a_png_or_jpeg_logo_is_kept_and_previewed(dialog, tmp_path, fmt, mime):
    path = tmp_path / f"logo.{fmt.lower()}"
    path.write_bytes(image_bytes(fmt))

    assert dialog.set_logo_file(path)

    draft = dialog.draft()
    assert (draft.logo, draft.logo_type) == (path.read_bytes(), mime)
    assert not dialog.logo_preview.pixmap().isNull()
    assert dialog.error_text("logo") == ""

    dialog.remove_logo_button.click()
    assert dialog.draft().logo is None
    assert dialog.logo_preview.pixmap().isNull()


def test_ask_hands_back_the_details_when_the_user_creates(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    answers = []

    dialog = NewCompanyDialog.ask(parent, answers.append)
    qtbot.keyClicks(dialog.name_edit, "  Bramble Bakery ")
    dialog.address_edit.setPlainText("4 Mill Lane\nGalway")
    choose_country(dialog, "IE")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    assert answers == [CompanyDraft(name="Bramble Bakery", address="4 Mill Lane\nGalway",
                                    country="IE", currency="EUR")]
    assert not dialog.isVisible()


def test_ask_hands_back_nothing_when_the_user_cancels(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    answers = []

    dialog = NewCompanyDialog.ask(parent, answers.append)
    dialog.reject()

    assert answers == [None]


def test_ask_again_shows_the_users_details_and_the_error(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    draft = CompanyDraft(name="Bramble", address="Galway", country="IE", currency="CHF",
                         logo=image_bytes("PNG"), logo_type="image/png")

    dialog = NewCompanyDialog.ask(parent, lambda _draft: None, draft=draft,
                                  error=CompanyError("name", "This name is taken."))

    assert dialog.draft() == draft
    assert dialog.error_text("name") == "This name is taken."
    dialog.reject()


def test_an_error_makes_room_for_itself(dialog, tmp_path, qtbot):
    (tmp_path / "notes.jpg").write_text("not an image")
    qtbot.waitExposed(dialog)

    dialog.set_logo_file(tmp_path / "notes.jpg")

    layout = dialog.layout()
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
