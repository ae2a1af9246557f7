"""Settings › Users: the users shown with their roles, one added through the dialog, a
role changed, one deactivated; what the person's role does not allow is disabled with
the store's own reason."""

from __future__ import annotations

import pytest

from models.kinds import UserRole
from models.users import Permission, add_user, change_role, current_user, refusal, users
from ui.settings.user_dialog import UserDialog
from ui.settings.users_section import UsersModel, UsersSection


def _section(qtbot, window, runner, rows: int) -> UsersSection:
    section = UsersSection(runner, window)
    window.show()
    qtbot.waitExposed(window)
    section.reload()
    qtbot.waitUntil(lambda: section.model.rowCount() == rows, timeout=10000)
    return section


@pytest.fixture
def section(qtbot, window, runner, empty_store) -> UsersSection:
    return _section(qtbot, window, runner, 1)


def test_the_first_user_is_shown_as_the_manager_and_a_sound_model(section, qtmodeltester):
    qtmodeltester.check(section.model)
    model = section.model
    assert isinstance(model, UsersModel)
    me = current_user()
    assert [model.data(model.index(0, c)) for c in range(4)] == [
        me.name, me.login, "Manage", "Active"]
    assert section.you_label.text() == f"Signed in as {me.name} (Manage)."
    assert section.add_button.isEnabled()


def test_a_user_added_through_the_dialog_appears_and_their_role_can_change(section, qtbot):
    section.add_button.click()
    dialog = section.findChild(UserDialog)
    assert dialog is not None
    dialog.name_edit.setText("Ben Okafor")
    dialog.login_edit.setText("ben")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("record_and_send"))
    dialog.accept()
    qtbot.waitUntil(lambda: section.model.rowCount() == 2, timeout=10000)
    assert [(u.login, u.role) for u in users() if u.login == "ben"] == [
        ("ben", UserRole.RECORD_AND_SEND)]

    row = next(i for i in range(2) if section.model.row_at(i).login == "ben")
    section.table.selectRow(row)
    assert section.role_button.isEnabled() and section.deactivate_button.isEnabled()
    section.role_button.click()
    dialog = next(d for d in section.findChildren(UserDialog) if d.isVisible())
    assert dialog.login_edit.isReadOnly()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("manage"))
    dialog.accept()
    qtbot.waitUntil(lambda: any(u.login == "ben" and u.role == UserRole.MANAGE
                                for u in section.model.rows()), timeout=10000)


def test_a_login_with_spaces_is_refused_at_its_field(section) -> None:
    section.add_button.click()
    dialog = section.findChild(UserDialog)
    dialog.name_edit.setText("Cleo")
    dialog.login_edit.setText("cleo c")
    dialog.accept()
    assert "without spaces" in dialog.error_text("login")
    assert dialog.isVisible()


def test_someone_who_records_and_sends_sees_why_they_may_not_manage_users(
        qtbot, window, runner, empty_store) -> None:
    add_user("Anna Berg", "anna", UserRole.MANAGE)
    change_role(current_user().id, UserRole.RECORD_AND_SEND)
    section = _section(qtbot, window, runner, 2)
    why = refusal(Permission.MANAGE_USERS)
    assert why is not None and "Anna Berg" in why
    section.table.selectRow(0)
    for widget in (section.add_button, section.role_button, section.deactivate_button):
        assert not widget.isEnabled()
        assert widget.toolTip() == why


def test_a_login_already_a_user_opens_the_dialog_again_at_the_login(section, qtbot) -> None:
    add_user("Ben Okafor", "ben", UserRole.RECORD_AND_SEND)
    section.add_button.click()
    dialog = section.findChild(UserDialog)
    dialog.name_edit.setText("Benjamin")
    dialog.login_edit.setText("ben")
    dialog.accept()

    def asked_again() -> bool:
        shown = [d for d in section.findChildren(UserDialog) if d.isVisible()]
        return bool(shown) and "already a user" in shown[0].error_text("login")

    qtbot.waitUntil(asked_again, timeout=10000)


def test_someone_who_records_and_sends_sees_the_policies_but_may_not_change_them(
        qtbot, show_page, window, runner, empty_store) -> None:
    import datetime as dt

    from ui.settings.settings_page import SettingsPage

    add_user("Anna Berg", "anna", UserRole.MANAGE)
    change_role(current_user().id, UserRole.RECORD_AND_SEND)
    page = show_page(SettingsPage(runner, lambda: dt.date(2026, 11, 24), window))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.reload()
    why = refusal(Permission.CHANGE_POLICIES)
    assert why is not None and page.terms_model.rowCount() > 0
    for widget in (page.add_terms_button, page.add_credit_button, page.add_policy_button,
                   page.add_rate_button, page.followup_combo, page.classes.save_button):
        assert not widget.isEnabled()
        assert widget.toolTip() == why
    assert page.business.add_button.isEnabled()  # the bank accounts are the daily work's
