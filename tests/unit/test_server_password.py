"""A store on a PostgreSQL server reached with a password: kept in the system keyring under
the server's address (the real Secret Service tests/with_keyring.sh starts), or for this
session only, or given by the server's own ways (PGPASSWORD); and a connection that cannot
be made says why in words, naming the field at fault."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import keyring
import psycopg
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from models import db
from models.company import create_business
from models.db import look_at_server
from models.errors import FieldProblems
from models.server_password import (
    SERVICE,
    KeyringUnavailable,
    account,
    forget_password,
    keep_password,
    password_for,
    password_kept_for_session,
    save_password,
    use_password_for_session,
)
from models.server_store import (
    ServerAddress,
    ServerContents,
    address_of,
    parse_address,
)

needs_secret_service = pytest.mark.skipif(
    not os.environ.get("DULY_TEST_KEYRING"),
    reason="needs the private Secret Service that `make test` starts (tests/with_keyring.sh; "
           "Debian packages dbus-daemon and gnome-keyring)")

PASSWORD = f"pw-{uuid.uuid4().hex}-\u00e9"
USER = "anna"


@pytest.fixture(scope="module")
def anna(postgres_cluster: object) -> object:
    """The throwaway cluster with the user anna, who must give her password."""
    cluster: object = postgres_cluster
    cluster.password_user(USER, PASSWORD)  # type: ignore[attr-defined]
    return cluster


@pytest.fixture
def annas_database(anna: object) -> Iterator[ServerAddress]:
    """A new empty database anna owns, and its address for her."""
    cluster: object = anna
    name = cluster.new_database()  # type: ignore[attr-defined]
    with psycopg.connect(cluster.url(), autocommit=True) as admin:  # type: ignore[attr-defined]
        admin.execute(f'ALTER DATABASE "{name}" OWNER TO "{USER}"')
    address = parse_address(cluster.url(name, user=USER))  # type: ignore[attr-defined]
    try:
        yield address
    finally:
        with contextlib.suppress(KeyringUnavailable):
            forget_password(address)
        cluster.drop_database(name)  # type: ignore[attr-defined]


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No keyring at all, as on a computer without one (restored afterwards)."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


def secret_service_items(address: ServerAddress) -> list[bytes]:
    """The secrets the Secret Service itself holds for the address's login."""
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        return [item.get_secret() for item in
                collection.search_items({"service": SERVICE, "username": account(address)})]


def make_store(address: ServerAddress) -> None:
    store = db.open_store(address.url, create=True)
    try:
        create_business("Harbour & Finch Ltd", address="1 Quay Street", country="GB",
                        currency="GBP")
    finally:
        store.close()


@needs_secret_service
@pytest.mark.timeout(60)
def test_a_password_in_the_keyring_opens_the_store_on_the_server(
        annas_database: ServerAddress, tmp_path: Path) -> None:
    address = annas_database
    assert account(address) == f"anna@127.0.0.1:{address.port}/{address.dbname}"
    save_password(address, PASSWORD)
    assert secret_service_items(address) == [PASSWORD.encode()]
    assert not password_kept_for_session(address)

    make_store(address)
    store = db.open_store(address.url)
    try:
        assert store.server == address
        assert store.target == address.url
    finally:
        store.close()
    settings_home = Path(os.environ["XDG_CONFIG_HOME"]).parent
    assert [path for path in settings_home.rglob("*")
            if path.is_file() and PASSWORD.encode() in path.read_bytes()] == []

    forget_password(address)
    assert secret_service_items(address) == []
    with pytest.raises(db.ServerRefused) as refused:
        db.open_store(address.url)
    assert refused.value.field == "password"
    assert "asks for the password of anna" in refused.value.message


@needs_secret_service
@pytest.mark.timeout(60)
def test_each_database_on_a_server_has_its_own_keyring_entry(anna: object) -> None:
    port = anna.port  # type: ignore[attr-defined]
    one = parse_address(f"postgresql://anna@127.0.0.1:{port}/books")
    other = parse_address(f"postgresql://anna@127.0.0.1:{port}/office")
    save_password(one, "first")
    try:
        assert (password_for(one), password_for(other)) == ("first", None)
    finally:
        forget_password(one)


@pytest.mark.timeout(60)
def test_without_a_keyring_the_password_serves_this_session_only(
        annas_database: ServerAddress, no_keyring: None) -> None:
    address = annas_database
    with pytest.raises(KeyringUnavailable, match="No keyring is available on this computer"):
        save_password(address, PASSWORD)
    use_password_for_session(address, PASSWORD)
    assert password_kept_for_session(address)
    make_store(address)
    assert look_at_server(address, password_for(address)) is ServerContents.STORE


@pytest.mark.timeout(60)
def test_with_no_password_kept_the_servers_own_ways_give_it(
        annas_database: ServerAddress, no_keyring: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert password_for(annas_database) is None
    store = db.open_store(annas_database.url, create=True)
    store.close()


@pytest.mark.timeout(60)
def test_a_wrong_password_is_refused_in_words_at_the_password(
        annas_database: ServerAddress, no_keyring: None) -> None:
    use_password_for_session(annas_database, "not-her-password")
    with pytest.raises(db.ServerRefused) as refused:
        db.open_store(annas_database.url, create=True)
    assert refused.value.field == "password"
    assert refused.value.message.startswith("The server refused the password of anna: enter "
                                            "the right one in File › Connect to a Server…")
    with pytest.raises(db.ServerRefused) as looked:
        look_at_server(annas_database, "not-her-password")
    assert looked.value.message == refused.value.message


@pytest.mark.timeout(60)
def test_the_right_password_to_a_missing_database_names_the_database(anna: object) -> None:
    port = anna.port  # type: ignore[attr-defined]
    address = parse_address(f"postgresql://anna@127.0.0.1:{port}/no_such_books")
    with pytest.raises(db.StoreMissing) as missing:
        look_at_server(address, PASSWORD)
    assert missing.value.field == "database"
    assert missing.value.message.startswith("There is no database called no_such_books on "
                                            f"127.0.0.1:{port}")


@pytest.mark.timeout(60)
def test_an_unknown_user_is_refused_at_the_user(anna: object) -> None:
    address = parse_address(f"postgresql://nobody@127.0.0.1:{anna.port}/postgres")  # type: ignore[attr-defined]
    with pytest.raises(db.ServerRefused) as refused:
        look_at_server(address, None)
    assert refused.value.field == "user"
    assert "did not let nobody in" in refused.value.message


@pytest.mark.timeout(60)
def test_a_port_where_nothing_answers_is_unreachable_at_the_host() -> None:
    with socket.socket() as probe:  # a free port: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = parse_address(f"postgresql://anna@127.0.0.1:{port}/books")
    with pytest.raises(db.ServerUnreachable) as unreachable:
        db.open_store(address.url)
    assert unreachable.value.field == "host"
    assert unreachable.value.message.startswith(
        f"The server cannot be reached at 127.0.0.1:{port} (")


@pytest.mark.timeout(60)
def test_looking_at_a_database_says_what_it_holds(annas_database: ServerAddress,
                                                   no_keyring: None) -> None:
    assert look_at_server(annas_database, PASSWORD) is ServerContents.EMPTY
    with psycopg.connect(host="127.0.0.1", port=annas_database.port, user=USER,
                         password=PASSWORD, dbname=annas_database.dbname,
                         autocommit=True) as other:
        other.execute("CREATE TABLE ledger (id integer)")
    with pytest.raises(db.NotADulyStore) as other_program:
        look_at_server(annas_database, PASSWORD)
    assert other_program.value.field == "database"
    assert "holds tables of another program" in other_program.value.message


def test_an_address_is_made_from_what_the_user_typed() -> None:
    address = address_of(" db.example ", 5433, "duly books", "anna")
    assert address.url == "postgresql://anna@db.example:5433/duly%20books"
    assert parse_address(address.url) == address
    assert address.name == "duly books on db.example:5433"
    with pytest.raises(FieldProblems) as problems:
        address_of("", 0, " ", "")
    assert [field for field, _ in problems.value.problems] == ["host", "database", "user",
                                                               "port"]


class PlainTextKeyring(KeyringBackend):
    """A keyring that works but keyring does not recommend (keyrings.alt's plain text)."""

    priority = 0.5  # type: ignore[assignment]

    def __init__(self, kept: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.kept = kept

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


def test_a_plain_text_keyring_never_keeps_a_server_password() -> None:
    plain, before = PlainTextKeyring({}), keyring.get_keyring()
    keyring.set_keyring(plain)
    try:
        with pytest.raises(KeyringUnavailable, match="No keyring is available"):
            save_password(parse_address("postgresql://anna@db.example/duly"), PASSWORD)
    finally:
        keyring.set_keyring(before)
    assert plain.kept == {}


@needs_secret_service
@pytest.mark.timeout(30)
def test_a_password_not_to_remember_serves_the_session_and_the_kept_one_goes(
        anna: object) -> None:
    address = parse_address(f"postgresql://anna@127.0.0.1:{anna.port}/books")  # type: ignore[attr-defined]
    assert keep_password(address, "kept", remember=True) is None
    assert secret_service_items(address) == [b"kept"]
    assert keep_password(address, "typed", remember=False) is None
    assert secret_service_items(address) == []
    assert password_kept_for_session(address) and password_for(address) == "typed"
    forget_password(address)


def test_without_a_keyring_a_password_to_remember_serves_the_session_and_says_why(
        no_keyring: None) -> None:
    address = parse_address("postgresql://anna@db.example/books")
    words = keep_password(address, "typed", remember=True)
    assert words is not None and words.startswith("No keyring is available")
    assert password_for(address) == "typed"
    forget_password(address)


@pytest.mark.timeout(60)
def test_a_server_that_takes_the_connection_but_never_answers_is_told_at_the_host(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from models import server_store

    monkeypatch.setattr(server_store, "CONNECT_TIMEOUT_S", 2)  # libpq's least
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        address = parse_address(f"postgresql://anna@127.0.0.1:{port}/books")
        with pytest.raises(db.ServerUnreachable) as unreachable:
            look_at_server(address, PASSWORD)
    assert unreachable.value.field == "host"
    assert unreachable.value.message.startswith(
        f"The server at 127.0.0.1:{port} did not answer within 2 seconds")
