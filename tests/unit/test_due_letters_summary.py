"""The summary page of the due letters lists each letter's stage on one line, whatever
the stage is called and in whatever language: the column is as wide as its longest
name, measured in the font it is printed in."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import db
from models.kinds import PolicyUse
from models.schema import FollowUpPolicy, FollowUpStage
from reports.due_letters import print_due_letters
from reports.fonts import REGULAR, text_width
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages

# The demo's letters due: three final notices, and Khan Ltd's instalment reminder (they
# have no e-mail address).
# "Instalment reminder" as a business might name it in each of Duly's languages.
NAMES = ["Instalment reminder", "Ratenerinnerung vor Fälligkeit", "Rappel avant échéance",
         "Recordatorio de cuota", "Promemoria della rata", "Herinnering termijnbetaling",
         "Przypomnienie o racie", "Υπενθύμιση δόσης", "Напомняне за вноска",
         "Påminnelse om avdrag", "Lembrete de prestação"]


@pytest.mark.parametrize("name", NAMES)
def test_a_stage_name_in_any_language_stays_on_one_line_of_the_summary(
        demo_store: db.Store, tmp_path: Path, name: str) -> None:
    stage = (FollowUpStage.select().join(FollowUpPolicy)
             .where(FollowUpPolicy.use == PolicyUse.PLANS)
             .order_by(FollowUpStage.position).first())
    FollowUpStage.update(name=name).where(FollowUpStage.id == stage.id).execute()
    out = tmp_path / "due.pdf"

    result = print_due_letters(DEMO_TODAY, out, record=False)

    assert "Khan Ltd" in [p.customer_name for p in result.printed]
    text, placed = pdf_pages(out.read_bytes())[0]
    assert any(line.endswith(name) or name in line for line in text.splitlines())
    [(x, y, _)] = [piece for piece in placed if piece[2] == name]  # drawn whole, once
    [(_, khan_y, _)] = [piece for piece in placed if piece[2] == "Khan Ltd"][:1]
    assert y == pytest.approx(khan_y)  # on the customer's line
    [(invoices_x, _, _)] = [piece for piece in placed if piece[2] == "Invoices"]
    assert x + text_width(name, REGULAR, 8) < invoices_x  # clear of the next column
