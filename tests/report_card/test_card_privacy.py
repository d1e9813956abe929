"""What docs/privacy.md says about the report card's PDF (#19): it carries the full details the national
system needs, so every page says it holds personal information, and the file is the owner's alone."""

from __future__ import annotations

import stat
from pathlib import Path

from fever_desk.report_card.output import MARKER
from tests.pdf import pdf_text
from tests.report_card.test_card_output import ctx, filled_card  # noqa: F401 - the fixture
from ui.services import report_cards as rc
from ui.services.database import Database


def test_the_card_pdf_is_0600_and_marked_as_personal_information(
    ctx: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    card = filled_card(ctx)
    out = tmp_path / "card.pdf"
    rc.save_card_pdf(ctx, card.id, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = "".join(pdf_text(out).split())
    assert "".join(MARKER.split()) in text
    assert card.id_number in text  # in full: the card is entered into the national system as it reads
