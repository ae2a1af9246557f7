"""Settings › Users: who uses the store and what each may do. What the person using the
window may not do is disabled, with the reason the store gives (models.users)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from models.changes import Change, changes
from models.errors import LedgerError
from models.users import (
    UserDraft,
    UserRow,
    UsersOverview,
    add_user,
    change_role,
    deactivate,
    users_overview,
)
from ui.common.list_table import list_table
from ui.common.rows_model import QUIET, Column, Paint, RowsModel
from ui.common.style import mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.settings.settings_section import button, buttons_row

_QUIET = QColor(QUIET)


class UsersModel(RowsModel):
    """The store's users, active first; a deactivated one greyed."""

    columns = (
        Column("Name", lambda r: r.name, lambda r: r.name.casefold()),
        Column("Login", lambda r: r.login, lambda r: r.login),
        Column("Role", lambda r: r.role_words, lambda r: r.role_words),
        Column("Active", lambda r: "Active" if r.active else "Deactivated",
               lambda r: not r.active),
    )

    def _foreground(self, row: UserRow, column: int) -> Paint:
        return None if row.active else _QUIET


class UsersSection(QWidget):
    """The users: add one, change a role, deactivate one (managers only)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._overview: UsersOverview | None = None
        self._busy = False
        title = QLabel("Users")
        scale_font(title, 1.1, bold=True)
        intro = QLabel("Everyone who uses this store, by the login they sign in with: "
                       "their name is on every contact, payment and e-mail they make. "
                       "Record and send is the daily work; Manage also changes policies, "
                       "writes off and manages users.")
        intro.setWordWrap(True)
        mute(intro)
        self.you_label = QLabel()
        self.you_label.setObjectName("usersYou")
        self.model = UsersModel(self)
        self.table = list_table(self.model, "users", "Users")
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = button("&Add User…", self._on_add_button_clicked,
                                 "Add someone who uses the store")
        self.role_button = button("Change &Role…", self._on_role_button_clicked,
                                  "Change what the user selected may do")
        self.deactivate_button = button("&Deactivate", self._on_deactivate_button_clicked,
                                        "The user selected may no longer use the store")
        self._tips = {b: b.toolTip() for b in self._buttons()}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.you_label)
        layout.addLayout(buttons_row(list(self._buttons())))
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def reload(self) -> None:
        """Read the users again."""
        def work(_progress: Progress) -> UsersOverview:
            return users_overview()

        self._tasks.run(work, latest=(self, "users"), on_success=self._on_read)

    def clear(self) -> None:
        """Forget the users (the store closed)."""
        self._tasks.forget((self, "users"))
        self._overview = None
        self.model.set_rows([])
        self.you_label.clear()
        self._update_buttons()

    def selected(self) -> UserRow | None:
        """The user selected, if any."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        row: UserRow | None = self.model.row_at(index.row())
        return row

    # --- reading and writing -----------------------------------------------------------

    def _on_read(self, overview: UsersOverview) -> None:
        self._overview = overview
        self.model.set_rows(overview.users)
        you = overview.you
        self.you_label.setText(f"Signed in as {you.name} ({you.role_words})." if you else "")
        self._update_buttons()

    def _buttons(self) -> tuple[QPushButton, ...]:
        return self.add_button, self.role_button, self.deactivate_button

    def _update_buttons(self) -> None:
        refused = None if self._overview is None else self._overview.managing_refused
        ready = self._overview is not None and not self._busy and refused is None
        chosen = self.selected()
        self.add_button.setEnabled(ready)
        self.role_button.setEnabled(ready and chosen is not None and chosen.active)
        self.deactivate_button.setEnabled(ready and chosen is not None and chosen.active)
        for widget, tip in self._tips.items():
            widget.setToolTip(refused or tip)

    def _on_add_button_clicked(self) -> None:
        self._ask_new_user()

    def _ask_new_user(self, error: LedgerError | None = None,
                      draft: UserDraft | None = None) -> None:
        """Open the dialog for a new user (again, with ``error`` at its field)."""
        from ui.settings.user_dialog import UserDialog

        def done(entered: UserDraft | None) -> None:
            if entered is not None:
                self._write(lambda: add_user(entered.name, entered.login, entered.role),
                            retry=lambda refusal: self._ask_new_user(refusal, entered))

        UserDialog.ask(self, done, draft=draft, error=error)

    def _on_role_button_clicked(self) -> None:
        from ui.settings.user_dialog import UserDialog

        chosen = self.selected()
        if chosen is None:
            return

        def done(entered: UserDraft | None) -> None:
            if entered is not None:
                self._write(lambda: change_role(chosen.id, entered.role))

        UserDialog.ask(self, done, draft=UserDraft(chosen.name, chosen.login, chosen.role),
                       role_only=True)

    def _on_deactivate_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._write(lambda: deactivate(chosen.id))

    def _write(self, work: Callable[[], object],
               retry: Callable[[LedgerError], None] | None = None) -> None:
        """Write in the background, then read the users again; a refusal of what was
        entered (``retry``) opens the dialog again at its field."""
        def run(_progress: Progress) -> None:
            work()

        def finished(_result: object) -> None:
            self._busy = False
            self.reload()

        def refused(error: BaseException) -> bool:
            self._busy = False
            self._update_buttons()
            if retry is not None and isinstance(error, LedgerError) \
                    and error.field in ("name", "login", "role"):
                retry(error)
                return True
            return False  # shown in a message box, in its words

        self._busy = True
        self._update_buttons()
        self._tasks.run(run, writes=True, label="Saving the users…", on_success=finished,
                        on_failure=refused, changes=changes(Change.USERS), initiator=self)

