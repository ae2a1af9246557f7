"""The customer's legal form in the customer dialog: it chooses the letter before a claim."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.kinds import LegalForm
from models.ledger import Choice, CustomerDraft, PickLists
from ui.customers.customer_dialog import CustomerDialog

CHOICES = PickLists(payment_terms=(Choice(1, "Net 30"),), credit_policies=(),
                    followup_policies=())


def test_a_new_customers_legal_form_starts_unknown_and_goes_with_the_draft(qtbot):
    dialog = CustomerDialog(choices=CHOICES)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.legal_form_combo
    assert combo.currentText() == "Unknown"
    assert [combo.itemText(n) for n in range(combo.count())] == [
        "Unknown", "Company", "Sole trader", "Individual", "Other"]
    qtbot.keyClicks(dialog.name_edit, "Ann Baker")
    combo.setCurrentIndex(combo.findData("sole_trader"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.accepted_draft is not None
    assert dialog.accepted_draft.legal_form == LegalForm.SOLE_TRADER


def test_editing_shows_the_customers_legal_form(qtbot):
    draft = CustomerDraft(code="C00001", name="Baker Ltd", currency="GBP", country="GB",
                          legal_form="company")
    dialog = CustomerDialog(choices=CHOICES, draft=draft, editing=True)
    qtbot.addWidget(dialog)
    assert dialog.legal_form_combo.currentText() == "Company"
    assert dialog.draft().legal_form == "company"
