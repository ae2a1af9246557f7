"""The people who use a store, what each may do, and who is using it now.

Each person is a user of the store: the name shown on what they did (every audit entry,
contact, payment and approved message), the login Duly knows them by (the computer's
login on a file, the server's on a server), a role and whether they are still active
(a user is deactivated, never deleted). The first person to use a store becomes its
first manager. On a server a login the store does not know is refused; on a file it is
let in (docs/decisions.md, "Users of a store and their roles"): the file's own
permissions are what keeps others out of it.

The rule of who may do what lives here once: a write a role does not allow calls
:func:`require` (which refuses in words), and the window asks :func:`refusal` to
disable, with its reason, what the current user may not do.
"""

from __future__ import annotations

import datetime as dt
import enum
import getpass
from dataclasses import dataclass

from models import signing_in
from models.db import StoreError, writing
from models.errors import LedgerError, NotAllowed, Problems
from models.input_rules import NAME_LIMIT, check_line
from models.kinds import UserRole
from models.schema import StoreUser, database, on_server

LOGIN_LIMIT = 128


class Permission(enum.Enum):
    """Something only some users may do."""

    RECORD_AND_SEND = "record and send"  # contacts, payments, reminders: the daily work
    CHANGE_POLICIES = "change policies"  # follow-up, credit, terms, charges, classes
    WRITE_OFF = "write off"  # write off an invoice, or take a write-off back
    MANAGE_USERS = "manage users"  # add users, change their roles, deactivate them


# What each permission needs; the words say what is refused ("... may not {words}").
_NEEDS: dict[Permission, tuple[UserRole, ...]] = {
    Permission.RECORD_AND_SEND: (UserRole.RECORD_AND_SEND, UserRole.MANAGE),
    Permission.CHANGE_POLICIES: (UserRole.MANAGE,),
    Permission.WRITE_OFF: (UserRole.MANAGE,),
    Permission.MANAGE_USERS: (UserRole.MANAGE,),
}
_WORDS = {
    Permission.RECORD_AND_SEND: "record or send anything",
    Permission.CHANGE_POLICIES: "change policies, payment terms, late charges or customer "
                                "classes",
    Permission.WRITE_OFF: "write off invoices",
    Permission.MANAGE_USERS: "add users, change their roles or deactivate them",
}


@dataclass(frozen=True)
class UserRow:
    """A user of the store as the window shows them."""

    id: int
    name: str
    login: str
    role: UserRole
    active: bool

    @property
    def role_words(self) -> str:
        """The role as the window names it: "Manage", "Record and send"."""
        return UserRole.word_for(self.role)


class NotAUser(StoreError):
    """The login using the store is not one of its active users (on a server), or was
    deactivated: the store is refused to them, in words that say whom to ask."""


# The user signed in to the open store (forgotten whenever a store is opened or closed,
# models.db._forget_bookkeeping), so that a write looks them up once, not per row.
_signed_in: UserRow | None = None
_signing_in = False


def forget_current_user() -> None:
    """Forget who is signed in (a store was opened or closed)."""
    global _signed_in
    _signed_in = None


def current_login() -> str:
    """The login the person using the store has: the server's ``current_user`` on a
    server, the computer's login on a file."""
    if on_server():
        return str(database.execute_sql("SELECT current_user").fetchone()[0])
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return "unknown"


def current_user() -> UserRow:
    """The person using the store, signed in (added to the store, when it lets them in
    without asking, by :func:`sign_in`). Raises :class:`NotAUser` when it does not."""
    if _signed_in is None:
        sign_in()
    if _signed_in is not None:
        return _signed_in
    # Inside a transaction (a store being built and filled): found or added in it, and
    # not remembered, since the transaction may yet be rolled back.
    return _find_or_add(add_now=True)


def current_user_id() -> int | None:
    """The id of the person using the store, for the rows they make (None while the
    store has no users' table yet: a store being updated)."""
    if _signed_in is None:
        sign_in()
    if _signed_in is not None:
        return _signed_in.id
    return _find_or_add(add_now=True).id if _has_users_table() else None


def sign_in() -> None:
    """Sign the person using the store in, when no transaction is open: find their user,
    or add them as the store lets them in (the first person as its manager; on a file,
    anyone else); remembered until the store is closed. Raises :class:`NotAUser` for a
    login the store refuses. Nothing happens inside a transaction, nor while the store
    has no users' table (it is being built or updated)."""
    global _signed_in, _signing_in
    if _signed_in is not None or _signing_in or database.transaction_depth() > 0:
        return
    _signing_in = True
    try:
        if not _has_users_table():
            return
        with writing():
            if on_server():
                # Two people opening a store with no users at once: one becomes its
                # first manager, the other finds them there.
                database.execute_sql('LOCK TABLE "store_user" IN SHARE ROW EXCLUSIVE MODE')
            user = _find_or_add(add_now=True)
        _signed_in = user
    finally:
        _signing_in = False


def before_writing() -> None:
    """Called by ``models.db`` as a write transaction begins (none open yet): sign the
    person in first, in a transaction of its own, so the write's rows name them."""
    if _signed_in is None and not _signing_in:
        sign_in()


def _has_users_table() -> bool:
    return bool(database.table_exists(StoreUser._meta.table_name))


def _find_or_add(*, add_now: bool) -> UserRow:
    """The user of the current login; when none, the one the store lets them in as
    (added when ``add_now``, else only described, with id 0), or :class:`NotAUser`."""
    login = current_login()
    found = StoreUser.get_or_none(StoreUser.login == login)
    if found is not None:
        if not found.active:
            raise NotAUser(None, f"You (login {login}) are no longer a user of this store; "
                                 f"ask someone who manages users ({_managers_words()}) "
                                 f"to add you again.")
        return _row(found)
    role = _role_for_newcomer(login)
    if not add_now:
        return UserRow(0, _full_name(login), login, role, True)
    return _add(_full_name(login), login, role, who=None)


def _role_for_newcomer(login: str) -> UserRole:
    """The role a login the store does not know is let in with, or :class:`NotAUser`.

    The first person becomes the manager (a store with no users). On a server anyone
    else must be added by a manager. On a file, whoever can open the file is let in:
    the second person as a manager too while the store has had only one user (most often
    the same person on a new computer or a restored backup, who would otherwise lose
    their own book's policies with no one to ask), later ones to record and send
    (docs/decisions.md, "Users of a store and their roles")."""
    users = list(StoreUser.select(StoreUser.role, StoreUser.active).tuples())
    if not users:
        return UserRole.MANAGE
    if on_server():
        raise NotAUser(None, f"{_managers_words()} has not added you (login {login}) as a "
                             f"user of this store; ask someone who manages users.")
    if len(users) == 1 and users[0][0] == UserRole.MANAGE:
        return UserRole.MANAGE
    return UserRole.RECORD_AND_SEND


def _managers_words() -> str:
    """The active managers' names, as in "Anna" or "Anna or Ben"."""
    names = [name for (name,) in StoreUser.select(StoreUser.name).where(
        (StoreUser.role == UserRole.MANAGE) & StoreUser.active).order_by(StoreUser.id).tuples()]
    if not names:
        return "No manager"
    if len(names) > 3:
        return f"{', '.join(names[:3])} or another manager"
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _full_name(login: str) -> str:
    """On a file, the name the computer knows the login by (its account's full name),
    else the login (a server's logins are not the computer's)."""
    if on_server():
        return login
    try:
        import pwd
        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):  # Windows has no pwd; a login the computer lacks
        return login
    return full or login


# --- who may do what -------------------------------------------------------------------

def refusal(permission: Permission) -> str | None:
    """Why the person using the store may not do ``permission``, in words, or None when
    they may: for the window to disable an action with its reason. Writes nothing."""
    try:
        user = _signed_in if _signed_in is not None else _find_or_add(add_now=False)
    except NotAUser as refused:
        return refused.message
    return _why_not(user, permission)


def require(permission: Permission) -> None:
    """Refuse (:class:`~models.errors.NotAllowed`, in words) what the person using the
    store may not do; call at the start of the write, inside its transaction. The role
    is read from the store each time: a change a manager made is heeded at once."""
    user = current_user()
    role, active = StoreUser.select(StoreUser.role, StoreUser.active).where(
        StoreUser.id == user.id).tuples().get()
    why = _why_not(UserRow(user.id, user.name, user.login, role, bool(active)), permission)
    if why is not None:
        raise NotAllowed("role", why)


def _why_not(user: UserRow, permission: Permission) -> str | None:
    if not user.active:
        return f"{user.name} is no longer a user of this store."
    if user.role in _NEEDS[permission]:
        return None
    return (f"{user.name} may record and send but not {_WORDS[permission]}: ask someone "
            f"who manages users ({_managers_words()}) to do it or to change your role.")


# --- the users ------------------------------------------------------------------------

def users() -> list[UserRow]:
    """The store's users, active first, each by name."""
    return [_row(user) for user in StoreUser.select().order_by(
        StoreUser.active.desc(), StoreUser.name, StoreUser.id)]


@dataclass(frozen=True)
class UserDraft:
    """A user as a manager enters them."""

    name: str
    login: str
    role: UserRole | str


def check_user(draft: UserDraft) -> UserDraft:
    """``draft`` cleaned, or :class:`~models.errors.FieldProblems` naming each field that
    will not do: an empty name, an empty login or one with spaces, an unknown role."""
    problems = Problems()
    name = problems.read(lambda: _checked_name(draft.name))
    login = problems.read(lambda: _checked_login(draft.login))
    role = problems.read(lambda: _checked_role(draft.role))
    problems.check()
    return UserDraft(str(name), str(login), UserRole(str(role)))


def add_user(name: str, login: str, role: UserRole | str) -> int:
    """Add a user (audited; managers only); returns their id. A login deactivated
    before is made active again, under ``name`` and ``role``. Refuses what
    :func:`check_user` refuses, and a login already an active user's."""
    draft = check_user(UserDraft(name, login, role))
    name, login, role = draft.name, draft.login, UserRole(draft.role)
    with writing():
        require(Permission.MANAGE_USERS)
        found = StoreUser.get_or_none(StoreUser.login == login)
        if found is None:
            return _add(name, login, role, who=current_user().name).id
        if found.active:
            raise LedgerError("login", f"{login} is already a user of this store "
                                       f"({found.name}).")
        before = _audited(found)
        StoreUser.update(name=name, role=role, active=True).where(
            StoreUser.id == found.id).execute()
        _record("add user", found.id, before, {**before, "name": name, "role": str(role),
                                               "active": True})
        _forget_if(found.id)
        return int(found.id)


@dataclass(frozen=True)
class UsersOverview:
    """What Settings › Users shows: the users, which one is the person using the store
    (None before they first sign in), and why they may not manage users (None: they
    may)."""

    users: list[UserRow]
    you: UserRow | None
    managing_refused: str | None


def users_overview() -> UsersOverview:
    """The store's users for Settings › Users (writes nothing)."""
    return UsersOverview(users(), signed_in_user(), refusal(Permission.MANAGE_USERS))


def change_role(user_id: int, role: UserRole | str) -> None:
    """Give a user another role (audited; managers only). Refuses taking the role of
    manager from the store's last active manager."""
    role = _checked_role(role)
    with writing():
        require(Permission.MANAGE_USERS)
        user = _existing(user_id)
        if role != UserRole.MANAGE:
            _keep_a_manager(user, "stop managing")
        before = _audited(user)
        StoreUser.update(role=role).where(StoreUser.id == user.id).execute()
        _record("change user role", user.id, before, {**before, "role": str(role)})
        _forget_if(user.id)


def deactivate(user_id: int) -> None:
    """Deactivate a user (audited; managers only): they may no longer use the store,
    and what they did keeps their name. Refuses the store's last active manager."""
    with writing():
        require(Permission.MANAGE_USERS)
        user = _existing(user_id)
        if not user.active:
            return
        _keep_a_manager(user, "be deactivated")
        before = _audited(user)
        StoreUser.update(active=False).where(StoreUser.id == user.id).execute()
        _record("deactivate user", user.id, before, {**before, "active": False})
        _forget_if(user.id)


def signed_in_user() -> UserRow | None:
    """The user of the person using the store, without signing them in (writes nothing):
    None when the store has no user with their login yet."""
    return _signed_in if _signed_in is not None else user_by_login(current_login())


def user_by_login(login: str) -> UserRow | None:
    """The user with ``login``, or None."""
    found = StoreUser.get_or_none(StoreUser.login == login)
    return None if found is None else _row(found)


def _keep_a_manager(user: StoreUser, what: str) -> None:
    if user.role != UserRole.MANAGE or not user.active:
        return
    others = StoreUser.select().where((StoreUser.role == UserRole.MANAGE) & StoreUser.active
                                      & (StoreUser.id != user.id)).count()
    if not others:
        raise LedgerError("role", f"{user.name} is the only manager of this store and cannot "
                                  f"{what}: make someone else a manager first.")


def _add(name: str, login: str, role: UserRole, *, who: str | None) -> UserRow:
    """Insert a user and audit it, under ``who`` (None: the user added signs in)."""
    row = StoreUser.create(name=name, login=login, role=role, active=True,
                           created_at=dt.datetime.now())
    user = _row(row)
    _record("add user", user.id, None, _audited(row), who=who or user.name)
    return user


def _record(action: str, user_id: int, before: dict[str, object] | None,
            after: dict[str, object], *, who: str | None = None) -> None:
    from models.audit import record_change

    record_change(action, "store_user", user_id, before=before, after=after, who=who)


def _audited(user: StoreUser) -> dict[str, object]:
    return {"name": user.name, "login": user.login, "role": str(user.role),
            "active": bool(user.active)}


def _forget_if(user_id: int) -> None:
    """Forget the signed-in user when it was them that changed (their role or name is
    read again)."""
    if _signed_in is not None and _signed_in.id == user_id:
        forget_current_user()


def _existing(user_id: int) -> StoreUser:
    user = StoreUser.get_or_none(StoreUser.id == user_id)
    if user is None:
        raise LedgerError("user", "That user no longer exists.")
    return user


def _checked_name(name: str) -> str:
    name = check_line(name, "name", "the name", NAME_LIMIT)
    if not name:
        raise LedgerError("name", "Give the user's name, as it should appear on what they do.")
    return name


def _checked_login(login: str) -> str:
    login = check_line(login, "login", "the login", LOGIN_LIMIT)
    if not login or " " in login:
        raise LedgerError("login", "Give the login the person signs in with (on a server, "
                                   "the server's user name; on a file, the computer's), "
                                   "without spaces.")
    return login


def _checked_role(role: UserRole | str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        raise LedgerError("role", "Choose a role: record and send, or manage.") from None


def _row(user: StoreUser) -> UserRow:
    return UserRow(int(user.id), user.name, user.login, UserRole(user.role), bool(user.active))



def carry_over(login_before: str) -> None:
    """Inside the write that moves a store in whole (models.move_store): the person
    moving it keeps their user there under the login they have at the new place (the
    server's, or the computer's for a file), unless that login is a user already."""
    login = current_login()
    if login == login_before or StoreUser.get_or_none(StoreUser.login == login) is not None:
        return
    mover = StoreUser.get_or_none(StoreUser.login == login_before)
    if mover is None:
        return
    before = _audited(mover)
    StoreUser.update(login=login).where(StoreUser.id == mover.id).execute()
    _record("change user login", mover.id, before, {**before, "login": login},
            who=mover.name)


signing_in.install(signing_in.People(
    sign_in=sign_in, before_writing=before_writing, current_user_id=current_user_id,
    current_name=lambda: current_user().name, forget=forget_current_user))
