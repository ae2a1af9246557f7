"""Settings → Your business as a user meets it: bank accounts per currency added, edited
and removed, a mistyped IBAN refused in words, and the signatory named."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from models.bank_accounts import bank_accounts, payment_account, signatory
from models.kinds import BankKind
from models.policies import policy_settings
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from tests.ui.settings.test_settings_page import (
    LOAD_TIMEOUT_MS,
    click,
    open_dialog,
    save_and_wait,
    type_into,
)
from ui.settings.bank_account_dialog import BankAccountDialog
from ui.settings.policy_models import BankAccountModel
from ui.settings.settings_page import SettingsPage


@pytest.fixture
def page(demo_store, qtbot, show_page, window, runner) -> SettingsPage:
    """The Settings page on the demo company, everything read."""
    page = show_page(SettingsPage(runner, lambda: DEMO_TODAY, window))
    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page


def test_the_accounts_model_is_a_sound_item_model(demo_store, qtmodeltester):
    model = BankAccountModel()
    model.set_rows(policy_settings().bank_accounts)
    assert model.rowCount() == 2
    qtmodeltester.check(model, force_py=True)
    model.sort(BankAccountModel.CURRENCY)
    assert [model.index(r, BankAccountModel.CURRENCY).data() for r in range(2)] == \
        ["EUR", "GBP"]
    assert model.index(0, BankAccountModel.DETAILS).data() == \
        "Barclays Bank (euro account) · IBAN GB33\u00a0BUKB\u00a02020\u00a01555\u00a05555" \
        "\u00a055 · BIC BUKBGB22"
    qtmodeltester.check(model, force_py=True)


def test_the_section_lists_the_demo_accounts_and_signatory(page):
    page.show_section("business")
    section = page.business
    assert [row.currency for row in section.model.rows()] == ["EUR", "GBP"]
    assert section.signatory_name_edit.text() == "Jane Finch"
    assert section.signatory_position_edit.text() == "Credit Controller"
    assert not section.save_signatory_button.isEnabled()  # nothing changed yet
    section.grab().save("/tmp/bank_settings.png")


def test_an_account_is_added_edited_and_removed(page, qtbot):
    page.show_section("business")
    section = page.business
    click(qtbot, section.add_button)
    dialog = open_dialog(qtbot, page, BankAccountDialog)
    dialog.currency_combo.setCurrentText("")
    qtbot.keyClicks(dialog.currency_combo.lineEdit(), "USD")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(BankKind.US))
    qtbot.keyClicks(dialog.label_edit, "Chase, New York")
    qtbot.keyClicks(dialog.holder_edit, "Harbour & Finch Inc")
    qtbot.keyClicks(dialog.routing_edit, "021000021")
    qtbot.keyClicks(dialog.us_account_edit, "000123456789")
    save_and_wait(qtbot, page, dialog)

    added = payment_account("USD")
    assert added is not None and added.kind == BankKind.US
    assert (added.routing_number, added.account_number) == ("021000021", "000123456789")
    assert section.current() == added
    assert page.notice_text() == "Bank account for USD payments saved."

    click(qtbot, section.edit_button)
    dialog = open_dialog(qtbot, page, BankAccountDialog)
    assert dialog.us_account_edit.text() == "000123456789"
    type_into(qtbot, dialog.label_edit, "JPMorgan Chase Bank")
    save_and_wait(qtbot, page, dialog)
    assert payment_account("USD").label == "JPMorgan Chase Bank"  # type: ignore[union-attr]

    click(qtbot, section.remove_button)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(page)))
    [box] = visible_message_boxes(page)
    assert box.text() == "Remove the bank account for USD payments?"
    remove = next(b for b in box.buttons()
                  if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        click(qtbot, remove)
    assert payment_account("USD") is None
    assert [row.currency for row in section.model.rows()] == ["EUR", "GBP"]


@pytest.mark.parametrize(("iban", "message"), [
    ("GB33 BUKB 2020 1555 5555 54", "This IBAN's check digits do not match the rest: a "
                                    "character is mistyped, missing or one too many. Check "
                                    "it against your bank statement."),
    ("DE86 3704 0044 0532 0130", "This is not an IBAN from DE: it has 20 characters, not "
                                 "the number and pattern that country's IBANs have. Check "
                                 "it against your bank statement."),
])
def test_a_mistyped_iban_is_refused_at_its_field_in_words(page, qtbot, iban, message):
    page.show_section("business")
    before = bank_accounts()
    click(qtbot, page.business.add_button)
    dialog = open_dialog(qtbot, page, BankAccountDialog)
    dialog.currency_combo.setCurrentText("CHF")
    qtbot.keyClicks(dialog.iban_edit, iban)
    qtbot.keyClicks(dialog.bic_edit, "BUKB")
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert dialog.error_text("iban") == message
    assert dialog.error_text("bic").startswith("A BIC (SWIFT code) has 8 or 11")
    assert dialog.accepted_draft is None
    assert bank_accounts() == before


def test_a_second_account_for_a_currency_comes_back_at_the_currency_field(page, qtbot):
    page.show_section("business")
    click(qtbot, page.business.add_button)
    dialog = open_dialog(qtbot, page, BankAccountDialog)
    dialog.currency_combo.setCurrentText("EUR")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(BankKind.TEXT))
    dialog.details_edit.setPlainText("Wise: Harbour & Finch")
    click(qtbot, dialog.save_button)

    again = open_dialog(qtbot, page, BankAccountDialog)
    qtbot.waitUntil(lambda: bool(again.error_text("currency")))
    assert again.error_text("currency").startswith(
        "You already have an account for EUR payments: Barclays Bank (euro account)")
    assert again.details_edit.toPlainText() == "Wise: Harbour & Finch"  # nothing lost
    assert len(bank_accounts()) == 2


def test_the_signatory_is_named_and_a_position_without_a_name_refused(page, qtbot):
    page.show_section("business")
    section = page.business
    type_into(qtbot, section.signatory_name_edit, "Sam Okafor")
    type_into(qtbot, section.signatory_position_edit, "Finance Director")
    assert section.save_signatory_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=LOAD_TIMEOUT_MS):
        click(qtbot, section.save_signatory_button)
    assert signatory().lines() == ("Sam Okafor", "Finance Director")
    assert page.notice_text() == "Letters are signed by Sam Okafor."

    section.signatory_name_edit.clear()
    qtbot.keyClicks(section.signatory_name_edit, " ")
    click(qtbot, section.save_signatory_button)
    qtbot.waitUntil(lambda: bool(section.signatory_error("signatory_name")))
    assert section.signatory_error("signatory_name") == \
        "Enter the name of whoever signs as Finance Director."
    assert signatory().name == "Sam Okafor"
