"""Welcome a customer from their account: the welcome e-mail from the template in their
language, edited before it goes; or, for a customer with no e-mail address, the welcome
letter shown ready to print or save, recorded on their timeline once it is (the shared
:class:`~ui.common.relationship_sending.RelationshipSending` does both).

The Customers page owns one :class:`WelcomeSending`. What was done comes back by
:attr:`WelcomeSending.notice`, and the customer whose timeline changed by
:attr:`WelcomeSending.finished`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from models.customer_account import CustomerHeader
from models.kinds import ContactPurpose
from models.relationship import RelationshipDraft
from ui.common.relationship_sending import RelationshipContact, RelationshipSending
from ui.common.tasks import TaskRunner


class WelcomeSending(RelationshipSending):
    """E-mails the customer shown their welcome, or shows the welcome letter to print."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 header: Callable[[], CustomerHeader | None]) -> None:
        super().__init__(parent, tasks, today)
        self._header = header

    def start(self, contact: RelationshipContact | None = None) -> None:
        """Draft the welcome for the customer shown (or ``contact``): by e-mail when they
        have an address, else as a letter."""
        if contact is None:
            header = self._header()
            if header is None:
                return
            contact = self._welcome(header)
        super().start(contact)

    def _welcome(self, header: CustomerHeader) -> RelationshipContact:
        from models.relationship import welcome_draft

        today = self._today()

        def draft(channel: str) -> RelationshipDraft:
            return welcome_draft(header.id, channel, today)

        return RelationshipContact(header.id, header.name, header.code,
                                   ContactPurpose.WELCOME, "welcome", draft)
