"""Making store files: all or nothing, and never over an existing file."""

from __future__ import annotations

import pytest

from models import db
from models.company import CompanyError, business_details
from models.db import StoreError
from tests.ui.conftest import image_bytes
from ui.window.store_setup import (
    CompanyDraft,
    build_demo_store,
    check_company,
    demo_path_beside,
    start_company,
)

BAKERY = CompanyDraft(name="Bramble Bakery", address="4 Mill Lane", country="IE",
                      currency="EUR")


def business_in(path):
    store = db.open_store(path)
    try:
        return business_details()
    finally:
        store.close()


@pytest.mark.parametrize("change, field", [
    ({"name": "  "}, "name"),
    ({"country": "Ireland"}, "country"),
    ({"currency": "EU"}, "currency"),
    ({"currency": "€€€"}, "currency"),
    ({"logo": b"x" * (2 * 1024 * 1024 + 1)}, "logo"),
])
def test_check_company_names_the_field_to_correct(change, field):
    draft = CompanyDraft(**{**BAKERY.__dict__, **change})

    assert check_company(draft).field == field


def test_check_company_accepts_good_details():
    assert check_company(BAKERY) is None


def test_start_company_makes_a_store_holding_the_business(tmp_path):
    target = tmp_path / "shop" / "duly.sqlite"
    logo = image_bytes("PNG")

    start_company(target, CompanyDraft(**{**BAKERY.__dict__, "logo": logo,
                                          "logo_type": "image/png"}))

    details = business_in(target)
    assert (details.name, details.country, details.currency, details.has_logo) == (
        "Bramble Bakery", "IE", "EUR", True)
    # Beside it, only the lock file named after the store's inode (the file's own lock).
    assert sorted(p.name for p in target.parent.iterdir()) == [
        f".duly-{target.stat().st_ino}.lock", "duly.sqlite"]


def test_start_company_leaves_nothing_when_the_store_refuses_the_details(tmp_path):
    with pytest.raises(CompanyError) as refused:
        start_company(tmp_path / "duly.sqlite", CompanyDraft(**{**BAKERY.__dict__,
                                                               "name": " "}))

    assert refused.value.field == "name"
    assert list(tmp_path.iterdir()) == []


def test_start_company_never_replaces_an_existing_file(tmp_path):
    target = tmp_path / "duly.sqlite"
    target.write_bytes(b"someone else's file")

    with pytest.raises(StoreError, match="already exists"):
        start_company(target, BAKERY)

    assert target.read_bytes() == b"someone else's file"
    assert [p.name for p in tmp_path.iterdir()] == ["duly.sqlite"]


def test_the_demo_lives_beside_the_users_own_store(tmp_path):
    assert demo_path_beside(tmp_path / "duly.sqlite") == tmp_path / "demo.sqlite"


def test_build_demo_store_makes_the_demo_company_and_reports_progress(tmp_path):
    target = tmp_path / "demo.sqlite"
    calls = []

    try:
        build_demo_store(target, lambda done, total: calls.append((done, total)))
    except NotImplementedError:
        pytest.skip("models.demo.create_demo is not written yet")

    details = business_in(target)
    assert details.is_demo
    assert calls and calls[-1][0] == calls[-1][1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".duly-{target.stat().st_ino}.lock",
                                                          "demo.sqlite"]


def test_build_demo_store_keeps_an_existing_demo(tmp_path):
    target = tmp_path / "demo.sqlite"
    target.write_bytes(b"already here")

    build_demo_store(target)

    assert target.read_bytes() == b"already here"
