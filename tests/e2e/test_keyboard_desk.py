"""A nurse at a real display: ``fever-desk`` on Xvfb (with openbox, and with no window manager), keys only.

Each test starts the station as its own process, types through XTest and reads what happened from the
station's database file and the files it wrote.  The in-process, offscreen tests did not see that
Enter in the login dialog closed the station, nor that without a window manager F8 and Enter did
nothing after a login: they never showed the login dialog, typed into named widgets rather than
wherever the focus was, and activated the desk's window themselves instead of logging in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fever_desk.i18n import tr
from tests.e2e.xdesk import (
    FIRST_RUN_TITLE,
    LOGIN_TITLE,
    SAVE_PDF_TITLE,
    SEEDED_SETTINGS,
    Station,
    XServer,
    main_title,
)
from tests.fever_desk.pharmacy_cases import ID_NUMBER, PHONE

pytestmark = pytest.mark.e2e

ADMIN, FULL_NAME, PASSWORD = "admin", "Wang Min", "station-2026"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def fresh(x_server: XServer, tmp_path: Path) -> Iterator[Station]:
    """A machine where the station never ran: no settings file, no database."""
    station = Station(x_server, tmp_path / "station")
    yield station
    station.stop()


@pytest.fixture
def seeded(x_server: XServer, tmp_path: Path) -> Iterator[Station]:
    """A station set up earlier: its settings complete and the administrator made with the CLI."""
    yield from _seeded(x_server, tmp_path, SEEDED_SETTINGS)


@pytest.fixture
def pharmacy(x_server: XServer, tmp_path: Path) -> Iterator[Station]:
    yield from _seeded(x_server, tmp_path, {**SEEDED_SETTINGS, "station_mode": "pharmacy"})


def _seeded(x_server: XServer, tmp_path: Path, settings: dict[str, Any]) -> Iterator[Station]:
    station = Station(x_server, tmp_path / "station", settings)
    add = ("user", "add", ADMIN, "--role", "administrator", "--name", FULL_NAME, "--password-stdin")
    station.cli(*add, stdin=PASSWORD + "\n")
    yield station
    station.stop()


# ---- the flows every test shares ----------------------------------------------------------------------
SETUP_TITLE = "Station setup"
SETUP_KEYS = ("Town Clinic", "Desk 1", "County Hospital", "1 People Road", "0710-1234567", "12320", "420602")


def first_run(station: Station) -> None:
    """The first start on a fresh machine, by keyboard alone, up to the desk ready for the first patient.

    The one place that knows the first-run dialogs: when the station asks for more on its first start
    (the station's own details, say), that step belongs here.
    """
    station.start()
    station.wait_window(tr(FIRST_RUN_TITLE))
    station.type(ADMIN)
    station.key("Tab")
    station.type(FULL_NAME)
    station.key("Tab")
    station.type(PASSWORD)
    station.key("Tab")
    station.type(PASSWORD)
    station.key("Return")
    station.wait_gone(tr(FIRST_RUN_TITLE))
    # The station's own details follow (ui/desk/admin/station_setup.py), in their Tab order: institution,
    # station name, hospital, its address, its phone, hotline, area code, cutoff (kept), mode (kept), Enter.
    station.wait_window(tr(SETUP_TITLE))
    for value in SETUP_KEYS:
        station.type(value)
        station.key("Tab")
    station.key("Return")
    station.wait_gone(tr(SETUP_TITLE))
    titles = (main_title(None), main_title({"station_name": SETUP_KEYS[1]}))
    station.wait_for(lambda: station.focused_title() in titles, "the keyboard on the desk after the setup")


def log_in(station: Station) -> None:
    """Start the station and log in: user name, Tab, password, Enter."""
    station.start()
    station.wait_window(tr(LOGIN_TITLE))
    station.type(ADMIN)
    station.key("Tab")
    station.type(PASSWORD)
    station.key("Return")
    station.wait_gone(tr(LOGIN_TITLE))
    station.wait_window(main_title(station.settings))


def quit_with_ctrl_q(station: Station) -> None:
    """Ctrl+Q once the desk has the keyboard back (after a dialog closed, the desk takes it back itself: a
    moment later, without a window manager; a Ctrl+Q before it went nowhere on a loaded machine), and
    once it is seen to still hold its locks on the database (``Station.check_database_locks``)."""
    desk = main_title(None)  # the start of the desk's title, with or without the station's name
    station.wait_for(lambda: station.focused_title().startswith(desk), "the keyboard on the desk")
    station.check_database_locks(required=True)  # kept through the whole flow (a lost one: SIGBUS)
    station.key("ctrl+q")
    status = station.wait_exit()
    assert status == 0, f"exit status {status}; stderr:\n{station.stderr()}"
    assert "Traceback" not in station.stderr(), station.stderr()


def screening(station: Station, name: str) -> dict[str, Any]:
    rows = station.wait_for(
        lambda: station.rows("SELECT * FROM screening WHERE name = ?", name), f"the screening of {name} saved"
    )
    assert len(rows) == 1
    return dict(rows[0])


def readme_routine_keys() -> list[str]:
    """The keys README's "At the desk" promises for a routine patient, besides the typed characters."""
    promise = r"A routine patient .*? costs \w+ keys besides .*?:\s*(.*?)\."
    found = re.search(promise, README.read_text(encoding="utf-8"), re.S)
    assert found, "README no longer states the keys of a routine patient"
    return [key.strip() for key in found[1].split(",")]


# ---- the tests ----------------------------------------------------------------------------------------
def test_first_run_creates_the_administrator_by_keyboard_alone(fresh: Station) -> None:
    first_run(fresh)
    operators = fresh.rows("SELECT username, display_name, role FROM operator")
    assert [tuple(row) for row in operators] == [(ADMIN, FULL_NAME, "administrator")]
    logins = fresh.rows("SELECT operator FROM audit_log WHERE action = 'login' ORDER BY sequence")
    assert [row["operator"] for row in logins] == [ADMIN]
    quit_with_ctrl_q(fresh)


def test_log_out_and_log_in_again_with_enter(seeded: Station) -> None:
    log_in(seeded)
    quit_with_ctrl_q(seeded)  # the station has no separate "log out": closing it is how a nurse leaves
    log_in(seeded)
    logins = seeded.rows("SELECT operator FROM audit_log WHERE action = 'login' ORDER BY sequence")
    assert [row["operator"] for row in logins] == [ADMIN, ADMIN]
    quit_with_ctrl_q(seeded)


def test_a_routine_screening_with_exactly_the_keys_the_readme_lists(seeded: Station) -> None:
    log_in(seeded)
    pressed: list[str] = []

    def key(name: str, said: str) -> None:
        seeded.key(name)
        pressed.append(said)

    seeded.type("Zhao Li")
    key("Tab", "Tab")
    key("2", "sex")
    key("Tab", "Tab")
    seeded.type("34")
    key("Tab", "Tab")
    seeded.type("13912345678")
    key("Tab", "Tab")
    seeded.type("36.5")
    key("F8", "F8")
    key("Return", "Enter")
    row = screening(seeded, "Zhao Li")
    assert pressed == readme_routine_keys()
    assert (row["sex"], row["age"], row["phone"], row["temperature_c"]) == ("female", 34, "13912345678", 36.5)
    assert row["disposition"] == "routine" and not row["fever"]
    quit_with_ctrl_q(seeded)


def test_a_fever_screening_and_its_slip_saved_as_pdf(seeded: Station, tmp_path: Path) -> None:
    import pypdfium2

    log_in(seeded)
    seeded.type("Li Lei")
    seeded.key("Tab", "1", "Tab")
    seeded.type("45")
    seeded.key("Tab")
    seeded.type("13812345678")
    seeded.key("Tab")
    seeded.type("38.6")
    seeded.key("F8", "Return")
    row = screening(seeded, "Li Lei")
    assert row["fever"] and row["disposition"] == "fever_clinic"
    seeded.key_until_window("alt+f", tr(SAVE_PDF_TITLE))  # the slip panel's "Save as PDF…"
    target = tmp_path / "slip-li-lei.pdf"
    seeded.key("ctrl+a")
    seeded.type(str(target))
    seeded.key("Return")
    seeded.wait_gone(tr(SAVE_PDF_TITLE))
    seeded.wait_for(
        lambda: seeded.rows("SELECT * FROM slip_print WHERE kind = 'pdf-export'"), "the saved slip recorded"
    )
    pdf = pypdfium2.PdfDocument(target)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    assert "Li Lei" in text and "38.6" in text, text
    assert "138****5678" in text and "13812345678" not in text, text  # the phone is masked on the slip
    assert "县人民医院" in text, text
    quit_with_ctrl_q(seeded)  # also proves the keyboard came back to the desk after the file dialog


def test_a_pharmacy_registration(pharmacy: Station) -> None:
    log_in(pharmacy)
    pharmacy.type("Wang Jianguo")
    pharmacy.key("Tab", "Tab")  # the document stays a resident ID
    pharmacy.type(ID_NUMBER)
    pharmacy.key("Tab")
    pharmacy.type(PHONE)
    pharmacy.key("Tab")
    pharmacy.type("Xingfu Road 1")
    pharmacy.key("Tab", "Tab")
    pharmacy.type("36.6")
    pharmacy.key("F8")  # every question asked: the rest are "no"; the focus moves to the medicine
    pharmacy.type("Ibuprofen")
    pharmacy.key("Tab", "BackSpace", "2", "Return")  # quantity 2, and the line is added
    pharmacy.key("Return")  # nothing typed in the medicine field: Enter saves
    rows = pharmacy.wait_for(
        lambda: pharmacy.rows(
            "SELECT p.name, p.id_number, p.phone, p.advice, d.name AS drug, d.quantity "
            "FROM purchase p JOIN purchase_drug d ON d.purchase_id = p.id"
        ),
        "the purchase saved",
    )
    assert [tuple(row) for row in rows] == [("Wang Jianguo", ID_NUMBER, PHONE, "none", "Ibuprofen", 2)]
    quit_with_ctrl_q(pharmacy)


def test_ctrl_q_right_after_a_save_quits_cleanly_and_keeps_the_record(seeded: Station) -> None:
    log_in(seeded)
    seeded.type("Sun Yue")
    seeded.key("Tab", "1", "Tab")
    seeded.type("51")
    seeded.key("Tab")
    seeded.type("13700000001")
    seeded.key("Tab")
    seeded.type("36.8")
    seeded.key("F8", "Return", "ctrl+q")  # no pause: the queued save must still reach the database
    status = seeded.wait_exit()
    assert status == 0, seeded.stderr()
    assert "Traceback" not in seeded.stderr(), seeded.stderr()
    assert [row["name"] for row in seeded.rows("SELECT name FROM screening")] == ["Sun Yue"]
