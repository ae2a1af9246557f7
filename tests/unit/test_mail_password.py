"""The SMTP password: in a real Secret Service (the private one tests/with_keyring.sh starts
under ``make test``), for this session only, and never in plain text when no keyring works."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from models import db
from models.mail import MailSettings, save_mail_settings
from models.mail_password import (
    SERVICE,
    KeyringUnavailable,
    forget_password,
    password_for,
    password_kept_for_session,
    save_password,
    use_password_for_session,
)

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "with_keyring.sh"
NO_KEYRING_WORDS = "No keyring is available on this computer"
SESSION_WORDS = "You can use it for this session only; it is not saved anywhere."

needs_secret_service = pytest.mark.skipif(
    not os.environ.get("DULY_TEST_KEYRING"),
    reason="needs the private Secret Service that `make test` starts (tests/with_keyring.sh; "
           "Debian packages dbus-daemon and gnome-keyring: sudo apt-get install dbus-daemon "
           "gnome-keyring)")


def new_settings() -> MailSettings:
    """Settings for a server of its own, so no two tests share a keyring entry."""
    return MailSettings(host=f"smtp-{uuid.uuid4().hex[:8]}.example.com", port=587,
                        security="starttls", username="accounts@harbourfinch.example",
                        sender_name="Harbour & Finch",
                        sender_address="accounts@harbourfinch.example")


def new_password() -> str:
    """A password no file could hold by chance."""
    return f"pw-{uuid.uuid4().hex}-\u00e9"


def secret_service_items(settings: MailSettings) -> list[bytes]:
    """The secrets the Secret Service itself holds for the settings' login."""
    import secretstorage

    account = f"{settings.username}@{settings.host}:{settings.port}"
    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        return [item.get_secret() for item in
                collection.search_items({"service": SERVICE, "username": account})]


def files_holding(needle: bytes, *folders: Path) -> list[Path]:
    """Every file under the folders whose bytes contain the needle."""
    return [path for folder in folders for path in folder.rglob("*")
            if path.is_file() and needle in path.read_bytes()]


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """keyring's own "fail" backend for this test: no keyring at all, as on a computer
    without one (restored afterwards)."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


@needs_secret_service
@pytest.mark.timeout(30)
def test_a_saved_password_is_in_the_secret_service_until_forgotten() -> None:
    settings, password = new_settings(), new_password()
    assert password_for(settings) is None
    save_password(settings, password)
    assert password_for(settings) == password
    assert secret_service_items(settings) == [password.encode()]
    assert not password_kept_for_session(settings)

    save_password(settings, "replaced")
    assert secret_service_items(settings) == [b"replaced"]

    forget_password(settings)
    assert password_for(settings) is None
    assert secret_service_items(settings) == []
    forget_password(settings)  # nothing left to forget is no error


@needs_secret_service
@pytest.mark.timeout(30)
def test_each_server_and_login_has_its_own_password() -> None:
    settings = new_settings()
    other_port = MailSettings(**{**settings.__dict__, "port": 465, "security": "ssl"})
    other_user = MailSettings(**{**settings.__dict__, "username": "someone@else.example"})
    save_password(settings, "one")
    save_password(other_port, "two")
    assert (password_for(settings), password_for(other_port), password_for(other_user)) == \
        ("one", "two", None)
    forget_password(settings)
    assert password_for(other_port) == "two"
    forget_password(other_port)


@needs_secret_service
@pytest.mark.timeout(30)
def test_a_session_password_is_used_first_and_never_reaches_the_keyring() -> None:
    settings, saved, for_session = new_settings(), new_password(), new_password()
    save_password(settings, saved)
    use_password_for_session(settings, for_session)
    assert password_for(settings) == for_session
    assert password_kept_for_session(settings)
    assert secret_service_items(settings) == [saved.encode()]

    forget_password(settings)
    assert not password_kept_for_session(settings)
    assert password_for(settings) is None

    use_password_for_session(settings, for_session)
    assert secret_service_items(settings) == []
    forget_password(settings)


@needs_secret_service
@pytest.mark.timeout(30)
def test_saving_a_password_replaces_the_one_for_this_session() -> None:
    settings, saved = new_settings(), new_password()
    use_password_for_session(settings, "typed earlier")
    save_password(settings, saved)
    assert not password_kept_for_session(settings)
    assert password_for(settings) == saved
    forget_password(settings)


@needs_secret_service
@pytest.mark.timeout(30)
def test_a_dismissed_unlock_prompt_says_so_and_the_session_path_still_works() -> None:
    import secretstorage

    settings, password = new_settings(), new_password()
    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        collection.lock()
        try:
            # with_keyring.sh gives the session no display, so the daemon's unlock prompt
            # cannot be shown and counts as dismissed.
            with pytest.raises(KeyringUnavailable) as raised:
                save_password(settings, password)
            assert password_for(settings) is None
            use_password_for_session(settings, password)
            assert password_for(settings) == password
        finally:
            unlock(bus, collection.collection_path)
    assert raised.value.field == "keyring"
    assert raised.value.reason == "cancelled"
    assert raised.value.message.startswith("Unlocking the keyring was cancelled")
    assert SESSION_WORDS in raised.value.message
    assert secret_service_items(settings) == []
    forget_password(settings)


def unlock(bus: object, collection_path: str) -> None:
    """Unlock the private test keyring with its password, through gnome-keyring's own
    interface (the standard one would show a prompt)."""
    from secretstorage.util import DBusAddressWrapper, format_secret, open_session

    session = open_session(bus)
    secret = format_secret(session, os.environ["DULY_TEST_KEYRING"].encode(), "text/plain")
    daemon = DBusAddressWrapper("/org/freedesktop/secrets",
                                "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface", bus)
    daemon.call("UnlockWithMasterPassword", "o(oayays)", collection_path, secret)


@pytest.mark.timeout(30)
def test_without_a_keyring_nothing_is_written_in_plain_text(
        empty_store: db.Store, tmp_path: Path, no_keyring: None,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    settings, password = new_settings(), new_password()
    caplog.set_level(logging.DEBUG)
    save_mail_settings(settings)
    with pytest.raises(KeyringUnavailable) as raised:
        save_password(settings, password)
    use_password_for_session(settings, password)
    assert password_for(settings) == password
    empty_store.close()

    assert raised.value.field == "keyring"
    assert raised.value.message.startswith(NO_KEYRING_WORDS)
    assert SESSION_WORDS in raised.value.message
    settings_home = Path(os.environ["XDG_CONFIG_HOME"]).parent  # QSettings and ini files
    assert files_holding(password.encode(), tmp_path, settings_home) == []
    assert password not in caplog.text
    output = capfd.readouterr()
    assert password not in output.out + output.err
    forget_password(settings)


@needs_secret_service
@pytest.mark.timeout(30)
def test_a_saved_password_is_in_neither_the_store_nor_a_settings_file(
        empty_store: db.Store, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings, password = new_settings(), new_password()
    caplog.set_level(logging.DEBUG)
    save_mail_settings(settings)
    save_password(settings, password)
    empty_store.close()
    settings_home = Path(os.environ["XDG_CONFIG_HOME"]).parent
    assert files_holding(password.encode(), tmp_path, settings_home) == []
    assert password not in caplog.text
    forget_password(settings)


class PlainTextKeyring(KeyringBackend):
    """A keyring as keyrings.alt's plain-text file is: it works, but keyring does not
    recommend it (priority below 1)."""

    priority = 0.5  # type: ignore[assignment]

    def __init__(self, kept: dict[tuple[str, str], str]) -> None:
        # A required argument keeps it out of the keyrings keyring finds by itself.
        super().__init__()
        self.kept = kept

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.mark.timeout(30)
def test_a_keyring_keyring_does_not_recommend_is_never_used() -> None:
    plain, before = PlainTextKeyring({}), keyring.get_keyring()
    keyring.set_keyring(plain)
    try:
        with pytest.raises(KeyringUnavailable, match=NO_KEYRING_WORDS):
            save_password(new_settings(), new_password())
    finally:
        keyring.set_keyring(before)
    assert plain.kept == {}


CHILD = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
from models.mail import MailSettings
from models.mail_password import (KeyringUnavailable, password_for, save_password,
                                  use_password_for_session, forget_password)
settings = MailSettings("smtp.example.com", 587, "starttls", "duly", "H", "a@example.com")
password = sys.argv[1]
assert password_for(settings) is None
forget_password(settings)
try:
    save_password(settings, password)
except KeyringUnavailable as error:
    print(error.reason, error.message, sep="|")
else:
    print("saved")
use_password_for_session(settings, password)
print("session", password_for(settings) == password)
"""


def child_env(**changes: str | None) -> dict[str, str]:
    """This process's environment with the changes (None removes a variable)."""
    env = dict(os.environ)
    for name, value in changes.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return env


NOWHERE = "unix:path=/nonexistent/duly-test-bus"
NO_KEYRINGS = {
    "fail backend": {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    "null backend": {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    "no session bus": {"PYTHON_KEYRING_BACKEND": None, "DBUS_SESSION_BUS_ADDRESS": NOWHERE},
    "chainer with nothing to chain": {
        "PYTHON_KEYRING_BACKEND": "keyring.backends.chainer.ChainerBackend",
        "DBUS_SESSION_BUS_ADDRESS": NOWHERE},
    "Secret Service named but absent": {
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
        "DBUS_SESSION_BUS_ADDRESS": NOWHERE},
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("how", sorted(NO_KEYRINGS))
def test_with_no_usable_keyring_saving_says_why_and_the_session_path_works(how: str) -> None:
    if "DBUS_SESSION_BUS_ADDRESS" in NO_KEYRINGS[how] and not sys.platform.startswith("linux"):
        pytest.skip("the Secret Service and its session bus are Linux's")
    password = new_password()
    result = subprocess.run([sys.executable, "-c", CHILD, password], cwd=ROOT, text=True,
                            capture_output=True, timeout=50, env=child_env(**NO_KEYRINGS[how]))
    assert result.returncode == 0, result.stderr
    reason, message = result.stdout.splitlines()[0].split("|")
    assert reason == "none"
    assert message.startswith(NO_KEYRING_WORDS)
    assert message.endswith(SESSION_WORDS)
    assert result.stdout.splitlines()[1] == "session True"
    assert password not in result.stdout + result.stderr


def runner_env(path: str) -> dict[str, str]:
    """An environment for running with_keyring.sh afresh, outside any private bus."""
    return child_env(PATH=path, DULY_KEYRING_HOME=None, DULY_TEST_KEYRING=None,
                     PYTHON_KEYRING_BACKEND=None)


PROBE = ("import os, keyring; print(os.environ.get('DULY_TEST_KEYRING') is not None, "
         "os.environ['DULY_KEYRING_HOME'], type(keyring.get_keyring()).__module__, "
         "'DISPLAY' in os.environ)")


@pytest.mark.timeout(60)
def test_the_runner_gives_the_command_a_private_unlocked_secret_service() -> None:
    missing = [name for name in ("dbus-run-session", "gnome-keyring-daemon")
               if shutil.which(name) is None]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (Debian: sudo apt-get install "
                    "dbus-daemon gnome-keyring)")
    result = subprocess.run(["sh", str(RUNNER), sys.executable, "-c", PROBE], cwd=ROOT,
                            text=True, capture_output=True, timeout=50,
                            env=runner_env(os.environ["PATH"]))
    assert result.returncode == 0, result.stderr
    marked, home, backend, display = result.stdout.split()
    assert (marked, backend, display) == ("True", "keyring.backends.SecretService", "False")
    assert not Path(home).exists()  # cleared up once the command is done


@pytest.mark.timeout(60)
def test_the_runner_without_dbus_runs_the_command_and_says_why(tmp_path: Path) -> None:
    shell = shutil.which("sh") or "/bin/sh"
    result = subprocess.run([shell, str(RUNNER), sys.executable, "-c", "print('ran')"],
                            cwd=ROOT, text=True, capture_output=True, timeout=50,
                            env=runner_env(str(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ran\n"
    assert "dbus-daemon" in result.stderr
