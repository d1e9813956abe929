"""The observation register at a real display: ``fever-desk`` on Xvfb, keys through XTest only.

A returnee found at the desk is registered with F6, followed up in the grid (two normal half-days, a
fever in the third), referred with F10, and leaves with the slip saved as PDF (Alt+F) — all read back
from the station's database file and the PDF it wrote.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fever_desk.i18n import tr
from tests.e2e.test_keyboard_desk import log_in, quit_with_ctrl_q, screening, seeded  # noqa: F401 - fixture
from tests.e2e.xdesk import SAVE_PDF_TITLE, Station, main_title

pytestmark = pytest.mark.e2e

REGISTER_TITLE = "Register for 14-day observation"


def screen_and_register(station: Station) -> tuple[dict, date]:
    """Log in, screen Zhou Qiang (routine), F6: registered as a returnee back three days ago.

    Returns the saved screening's row and the return date typed."""
    log_in(station)
    station.type("Zhou Qiang")
    station.key("Tab", "1", "Tab")
    station.type("45")
    station.key("Tab")
    station.type("13812340000")
    station.key("Tab")
    station.type("36.6")
    station.key("F8", "Return")
    saved = screening(station, "Zhou Qiang")
    station.key("F6")  # register the person just screened
    station.wait_window(tr(REGISTER_TITLE))
    exposed = date.today() - timedelta(days=3)
    station.key("2", "Tab", "Tab", "Tab")  # returnee; relation and mode left empty; the return date
    station.type(exposed.isoformat())
    station.key("Return")
    station.wait_gone(tr(REGISTER_TITLE))
    return saved, exposed


def test_register_from_a_screening_two_entries_a_fever_in_the_third_and_the_slip(
    seeded: Station,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    import pypdfium2

    saved, exposed = screen_and_register(seeded)
    registered = seeded.wait_for(
        lambda: seeded.rows(
            "SELECT id, name, phone, kind, source, source_id, last_exposure FROM observation"
        ),
        "the registration stored",
    )
    row = dict(registered[0])
    assert (row["name"], row["phone"], row["kind"], row["source"]) == (
        "Zhou Qiang",
        "13812340000",
        "returnee",
        "screening",
    )
    assert row["source_id"].replace("-", "") == str(saved["id"]).replace("-", "")
    assert str(row["last_exposure"]) == exposed.isoformat()

    seeded.wait_for(
        lambda: seeded.focused_title() == main_title(seeded.settings), "the keyboard back on the desk"
    )
    seeded.key("F4")  # the register's worklist; the person is due now
    seeded.key("Return")  # opens the grid on the current half-day, the keyboard in the temperature
    for count, celsius in enumerate(("36.5", "36.7", "38.7"), start=1):
        seeded.type(celsius)
        seeded.key("F8", "Return")
        seeded.wait_for(
            lambda n=count: len(seeded.rows("SELECT day FROM observation_cell")) == n,
            f"grid entry {count} stored",
        )
        seeded.key("Up", "Return")  # the same half-day of the day before
    cells = seeded.rows(
        "SELECT temperature_c, fever, temperature_source FROM observation_cell ORDER BY day DESC"
    )
    assert [(c["temperature_c"], bool(c["fever"])) for c in cells] == [
        (36.5, False),
        (36.7, False),
        (38.7, True),
    ]
    assert {c["temperature_source"] for c in cells} == {"manual"}

    seeded.key("F10")  # refer: the observation becomes a fever-clinic screening
    seeded.wait_for(
        lambda: seeded.rows("SELECT 1 FROM observation WHERE status = 'referred'"), "the referral stored"
    )
    # The slip panel shows once the referral's result is back on the screen (the row above is stored a
    # moment earlier): Alt+F, its "Save as PDF…", is pressed again if it came before the panel.
    seeded.key_until_window("alt+f", tr(SAVE_PDF_TITLE))
    target = tmp_path / "slip-zhou-qiang.pdf"
    seeded.key("ctrl+a")
    seeded.type(str(target))
    seeded.key("Return")
    seeded.wait_gone(tr(SAVE_PDF_TITLE))
    seeded.wait_for(lambda: target.exists() and target.stat().st_size > 0, "the slip's PDF written")
    # Quit first, then read the records: the station finishes recording the slip before it exits.
    quit_with_ctrl_q(seeded)
    assert seeded.rows("SELECT kind FROM slip_print WHERE kind = 'pdf-export'"), "the saved slip recorded"
    referrals = seeded.rows(
        "SELECT name, disposition FROM screening WHERE name = 'Zhou Qiang' ORDER BY created_at"
    )
    assert [(r["name"], r["disposition"]) for r in referrals] == [
        ("Zhou Qiang", "routine"),
        ("Zhou Qiang", "fever_clinic"),
    ]
    pdf = pypdfium2.PdfDocument(target)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    assert "Zhou Qiang" in text and "38.7" in text, text
    assert "138****0000" in text and "13812340000" not in text, text
