"""Making a new store file: the demo company, or the user's own business.

``models.db.create_store`` builds each in a private file and moves it into
place only when complete, so an interrupted build never leaves a half-made
store and an existing one is never replaced. These are plain functions (no
Qt) that the window runs through ``ui.common.tasks``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store's modules are imported once the window has painted
    from models.company import CompanyError

DEMO_FILE_NAME = "demo.sqlite"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CompanyDraft:
    """The details a user typed to start their company."""

    name: str
    address: str
    country: str
    currency: str
    logo: bytes | None = None
    logo_type: str = ""


def demo_path_beside(own_store: Path) -> Path:
    """Where the demo company lives: next to the user's own store, never in it."""
    return own_store.with_name(DEMO_FILE_NAME)


def check_company(draft: CompanyDraft) -> CompanyError | None:
    """The first problem with ``draft`` that the store would refuse, or None."""
    from models.company import CompanyError, check_business

    try:
        check_business(draft.name, draft.country, draft.currency, draft.logo)
    except CompanyError as problem:
        return problem
    return None


def start_company(target: Path | str, draft: CompanyDraft) -> None:
    """Create a store at ``target`` (a file, or a server's empty database) holding the
    business in ``draft``.

    Raises :class:`CompanyError` for details the store refuses and
    :class:`StoreError` if ``target`` already exists; nothing is left behind.
    """
    from models.company import create_business
    from models.db import create_store

    create_store(target, fill=lambda: create_business(
        draft.name, address=draft.address, country=draft.country, currency=draft.currency,
        logo=draft.logo, logo_type=draft.logo_type)).close()


def build_demo_store(target: Path | str, progress: Progress | None = None) -> None:
    """Create the demo company in a new store at ``target``.

    If another Duly made ``target`` meanwhile, that one is kept.
    """
    from models.db import StoreExists, create_store
    from models.demo import create_demo  # only this task needs the generator

    try:
        create_store(target, fill=lambda: create_demo(progress=progress)).close()
    except StoreExists:
        return
