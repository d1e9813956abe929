"""A suspected case's report card at a real display, keys only: ``fever-desk`` on Xvfb (with openbox, and
with no window manager), typed at through XTest, read back from the station's database file.

The doctor saves a suspected screening at the desk; its card appears on the 2-hour clock; F12 and Enter
open it; each Ctrl+S names the next missing field and puts the keyboard there, so the doctor completes the
card by answering them; Ctrl+R marks it reported with the national system's number; Ctrl+K corrects it to
确诊, which makes a second, linked card and leaves the first as it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fever_desk.guidelines import get_guideline
from fever_desk.i18n import tr
from fever_desk.settings import DEFAULT_GUIDELINE
from tests.e2e.test_keyboard_desk import quit_with_ctrl_q, screening
from tests.e2e.xdesk import LOGIN_TITLE, SEEDED_SETTINGS, Station, XServer, main_title
from tests.fever_desk.pharmacy_cases import ID_NUMBER
from tests.pdf import pdf_text
from ui.desk.report_cards.output import PDF_TITLE

pytestmark = pytest.mark.e2e

DOCTOR, DOCTOR_NAME, PASSWORD = "dr.zhang", "Zhang Wei", "clinic-2026"
EDITOR_TITLE = "Report card"
MARK_TITLE = "Mark the card reported online"
CORRECTION_TITLE = "Correction"


@pytest.fixture
def clinic(x_server: XServer, tmp_path: Path) -> Iterator[Station]:
    station = Station(x_server, tmp_path / "station", SEEDED_SETTINGS)
    add = ("user", "add", DOCTOR, "--role", "doctor", "--name", DOCTOR_NAME, "--password-stdin")
    station.cli(*add, stdin=PASSWORD + "\n")
    yield station
    station.stop()


def log_in_as_doctor(station: Station) -> None:
    station.start()
    station.wait_window(tr(LOGIN_TITLE))
    station.type(DOCTOR)
    station.key("Tab")
    station.type(PASSWORD)
    station.key("Return")
    station.wait_gone(tr(LOGIN_TITLE))
    station.wait_window(main_title(station.settings))


def open_the_most_urgent_card(station: Station) -> None:
    """F12, Enter.  The keys reach the window in a few milliseconds, the clock's reading of the new card
    may take longer on a loaded machine: F12 then waits for it, but an Enter typed before that reading
    went to the (now empty) screening form, which refuses it.  So press again until the card opens."""
    for _ in range(8):
        station.key("F12", "Return")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if station.windows(tr(EDITOR_TITLE)):
                station.wait_window(tr(EDITOR_TITLE))
                return
            time.sleep(0.1)
    station.wait_window(tr(EDITOR_TITLE))  # fails with a screenshot


def cards(station: Station) -> list[dict[str, Any]]:
    return [dict(row) for row in station.rows("SELECT * FROM report_card ORDER BY created_at, number")]


def test_a_suspected_case_card_completed_reported_and_corrected_by_keyboard(clinic: Station) -> None:
    guideline = get_guideline(DEFAULT_GUIDELINE)
    log_in_as_doctor(clinic)
    # A suspected screening: fever, one epidemiological "yes" and the imaging finding "yes".
    clinic.type("Chen Hua")
    clinic.key("Tab", "1", "Tab")
    clinic.type("45")
    clinic.key("Tab")
    clinic.type("13812345678")
    clinic.key("Tab")
    clinic.type("38.6")
    clinic.key("Tab")
    clinic.type(ID_NUMBER)
    clinic.key("Tab")
    clinic.type("Xingfu Road 1")
    clinic.key("Tab")
    clinic.type(f"{date.today() - timedelta(days=2):%Y-%m-%d}")
    clinic.key(*["Tab"] * (1 + len(guideline.symptoms)), "y")  # the first epidemiological question
    clinic.key(*["Tab"] * len(guideline.epidemiological), "y")  # the first clinical finding: imaging
    clinic.key("F8", "Return")
    row = screening(clinic, "Chen Hua")
    assert row["disposition"] == "suspected", row
    # Its card is on the clock; F12 and Enter open it.
    (card,) = clinic.wait_for(lambda: cards(clinic), "the report card made with the screening")
    assert card["screening_id"] == row["id"] and card["completed_at"] is None
    open_the_most_urgent_card(clinic)
    # Each Ctrl+S names the first missing field and puts the keyboard there; the doctor answers it.
    for answer in ("03", "1", "Hubei", "Xiangyang", "Fancheng", "Migong Street"):
        clinic.key("ctrl+s")
        clinic.type(answer)
    clinic.key("ctrl+s")
    completed = clinic.wait_for(
        lambda: [c for c in cards(clinic) if c["completed_at"] is not None], "the card completed"
    )
    (done,) = completed
    assert (done["occupation"], done["belongs"], done["completed_by"]) == ("student", "same_county", DOCTOR)
    assert '"township": "Migong Street"' in done["address"] or "Migong Street" in done["address"]
    # Ctrl+P: the A4 card as PDF, through the real save dialog.
    target = clinic.folder / "card-chen-hua.pdf"
    clinic.key("ctrl+p")
    clinic.wait_window(tr(PDF_TITLE))
    clinic.key("ctrl+a")
    clinic.type(str(target))
    clinic.key("Return")
    clinic.wait_gone(tr(PDF_TITLE))
    clinic.wait_for(lambda: target.exists() and "Chen Hua" in pdf_text(target), "the card's PDF written")
    assert done["number"] in pdf_text(target) and "Migong Street" in pdf_text(target)
    clinic.wait_for(lambda: clinic.focused_title() == tr(EDITOR_TITLE), "the keyboard back on the card")
    # Marked reported: who and when are the station's, the number is typed.
    clinic.key("ctrl+r")
    clinic.wait_window(tr(MARK_TITLE))
    clinic.type("43060200001")
    clinic.key("Return")
    clinic.wait_gone(tr(MARK_TITLE))
    reported = clinic.wait_for(
        lambda: [c for c in cards(clinic) if c["reported_at"] is not None], "the card marked reported"
    )
    assert [(c["reported_by"], c["national_number"]) for c in reported] == [(DOCTOR, "43060200001")]
    # A correction to 确诊 (the second choice once 疑似 is left out): a new card linked to the first.
    clinic.wait_for(lambda: clinic.focused_title() == tr(EDITOR_TITLE), "the keyboard back on the card")
    clinic.key("ctrl+k")
    clinic.wait_window(tr(CORRECTION_TITLE))
    clinic.type("2")
    clinic.key("Tab")
    clinic.type("PCR positive")
    clinic.key("Return")
    clinic.wait_gone(tr(CORRECTION_TITLE))
    clinic.wait_for(lambda: len(cards(clinic)) == 2, "the correction card")
    first, correction = cards(clinic)
    assert (first["kind"], first["case_class"]) == ("initial", "suspected")
    assert first["national_number"] == "43060200001"
    assert (correction["kind"], correction["case_class"]) == ("correction", "confirmed")
    assert correction["corrects"] == first["id"] and correction["number"] != first["number"]
    clinic.wait_for(lambda: clinic.focused_title() == tr(EDITOR_TITLE), "the keyboard back on the card")
    clinic.key("Escape")
    clinic.wait_gone(tr(EDITOR_TITLE))
    quit_with_ctrl_q(clinic)
    # The command line sees the same two cards: the first reported, the correction still on the clock.
    listed = clinic.cli("card", "list", "--date", f"{date.today():%Y-%m-%d}")
    assert first["number"] in listed and correction["number"] in listed, listed
    waiting = clinic.cli("card", "list")
    assert correction["number"] in waiting and first["number"] not in waiting, waiting
