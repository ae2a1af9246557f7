"""The error for input the business rules refuse, naming the field it concerns."""

from __future__ import annotations


class LedgerError(ValueError):
    """Input the ledger refuses, with the field it concerns and a plain message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
