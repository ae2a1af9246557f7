"""Messages to the user: why a store cannot be used, or that something broke.

Every box opens with ``open()`` (window-modal, no nested event loop) and
deletes itself when closed, so callers carry on and tests can find it as a
child of the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from models.errors import KeyringUnavailable, LedgerError, MailError, Refusal

if TYPE_CHECKING:
    from models.db import StoreError

UNEXPECTED = "Duly hit a problem it did not expect."
MAIL_HINT = "Check the mail server in Settings › E-mail, or try again later."
KEYRING_HINT = ("Nothing was lost. Unlock your computer's keyring (or install one), then try "
                "again; Duly never keeps the password in a plain file.")


def show_message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, *,
                 informative: str = "", details: str = "") -> QMessageBox:
    """Open a message box over ``parent`` and return it without waiting."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_store_error(parent: QWidget, error: StoreError) -> QMessageBox:
    """Tell the user, in their words, why a store cannot be used."""
    informative = str(error.path) if error.path is not None else ""
    return show_message(parent, QMessageBox.Icon.Warning, "Duly cannot use this store",
                        error.message, informative=informative)


def show_refusal(parent: QWidget, refusal: Refusal) -> QMessageBox:
    """Tell the user why Duly would not do it, in the way its kind needs: a store
    problem names the file, a mail problem points to the mail settings, a keyring
    problem to the password."""
    from models.db import StoreError  # imported with the store, after the first paint

    if isinstance(refusal, StoreError):
        return show_store_error(parent, refusal)
    if isinstance(refusal, MailError):
        return show_message(parent, QMessageBox.Icon.Warning, "The e-mail could not be sent",
                            refusal.message, informative=MAIL_HINT)
    if isinstance(refusal, KeyringUnavailable):
        return show_message(parent, QMessageBox.Icon.Warning,
                            "Duly cannot keep the mail password", refusal.message,
                            informative=KEYRING_HINT)
    return show_message(parent, QMessageBox.Icon.Warning, "Duly", refusal.message)


def show_unexpected_error(parent: QWidget, details: str) -> QMessageBox:
    """Report one of our own bugs, with the details a developer needs."""
    logging.getLogger("duly").error("Unexpected error\n%s", details)  # for Report a Problem
    return show_message(
        parent, QMessageBox.Icon.Critical, "Duly", UNEXPECTED,
        informative="What you were doing may not have finished. The details below "
                    "help Duly's makers put it right.",
        details=details)


def ledger_refusal(parent: QWidget, refused: Callable[[LedgerError], None] | None, *,
                   always: Callable[[], None]) -> Callable[[BaseException], bool]:
    """A write task's failure handler: ``always()`` first, then the ledger's objection
    to ``refused`` (usually: re-open the dialog at the field) or in a message box.
    Anything else is left to the task helper (returns False)."""

    def failed(error: BaseException) -> bool:
        always()
        if not isinstance(error, LedgerError):
            return False
        if refused is not None:
            refused(error)
        else:
            show_message(parent, QMessageBox.Icon.Warning, "Duly", error.message)
        return True

    return failed


def show_not_sent(parent: QWidget, what: str,
                  failed: Sequence[tuple[str, str]]) -> QMessageBox:
    """Tell the user an e-mail (``what``, "The statement to Hughes Ltd") did not go, why,
    and that it waits in the outbox."""
    reason = failed[0][1] if failed else "It was not sent."
    return show_message(parent, QMessageBox.Icon.Warning, "Duly", f"{what} was not sent.",
                        informative=f"{reason}\n\nIt waits in the outbox: retry it from "
                                    f"Today once the problem is put right.")
