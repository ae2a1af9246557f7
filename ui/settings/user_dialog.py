"""Add a user of the store, or change a user's role."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from models.errors import LedgerError
from models.kinds import UserRole
from models.users import UserDraft, check_user
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import hint, settings_form


class UserDialog(LedgerDialog):
    """A user's name, login and role; when changing a role, the role alone."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[UserDraft | None], None], *,
            draft: UserDraft | None = None, role_only: bool = False,
            error: LedgerError | None = None) -> UserDialog:
        """Open the dialog; ``done`` later receives the user, or None if cancelled."""
        dialog = cls(parent, draft=draft, role_only=role_only)
        dialog.open_for(done, lambda: dialog.accepted_draft, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, draft: UserDraft | None = None,
                 role_only: bool = False) -> None:
        super().__init__(parent)
        title = "Change Role" if role_only else "Add a User"
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.accepted_draft: UserDraft | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Anna Berg")
        self.name_edit.setAccessibleName("Name")
        self.name_edit.textEdited.connect(lambda _text: self._errors.clear("name"))
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("e.g. anna")
        self.login_edit.setAccessibleName("Login")
        self.login_edit.textEdited.connect(lambda _text: self._errors.clear("login"))
        self.role_combo = QComboBox()
        self.role_combo.setAccessibleName("Role")
        for role in UserRole:
            self.role_combo.addItem(role.word, role.value)
        self.role_combo.currentIndexChanged.connect(lambda _i: self._errors.clear("role"))

        form = settings_form()
        form.addRow("&Name:", self._errors.wrap("name", self.name_edit))
        form.addRow("&Login:", self._errors.wrap("login", self.login_edit))
        form.addRow("", hint("The name they sign in with: the server's user name on a "
                             "server, the computer's login on a file."))
        form.addRow("&Role:", self._errors.wrap("role", self.role_combo))
        form.addRow("", hint("Record and send: contacts, payments and reminders. Manage: "
                             "also policies, write-offs and users."))

        self.save_button = self._buttons("Change Role" if role_only else "Add User")
        self._lay_out(title, "Everyone who uses the store has their name on what they do.",
                      form)
        if draft is not None:
            self.name_edit.setText(draft.name)
            self.login_edit.setText(draft.login)
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(str(draft.role)), 0))
        self.name_edit.setReadOnly(role_only)
        self.login_edit.setReadOnly(role_only)
        (self.role_combo if role_only else self.name_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        self.accepted_draft = check_user(UserDraft(
            self.name_edit.text(), self.login_edit.text(), str(self.role_combo.currentData())))
