"""What Duly refuses to do, in the user's words, split by whose problem it is.

Each kind is handled in its own way by the window: bad input re-opens the form at the
field (:class:`LedgerError`); a mail problem points to the mail settings
(``models.mail.MailError``); a keyring problem says the password cannot be kept
(``models.mail_password.KeyringUnavailable``); a store problem says why the file cannot
be used (``models.db.StoreError``). Anything that is none of these is a bug.
"""

from __future__ import annotations


class Refusal(Exception):
    """Something Duly will not or cannot do, with the field it concerns and a plain
    message; a subclass says what kind of problem it is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class LedgerError(Refusal, ValueError):
    """Bad input: what the user entered (or asked for) breaks a business rule; the
    message says how to put it right."""
