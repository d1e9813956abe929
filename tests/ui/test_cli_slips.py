"""``fever-desk slip`` and ``verify-slip``: a slip PDF for a saved screening, and its code checked back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db import open_database
from db.audit_repository import SqlAuditRepository
from db.repositories import SqlScreeningRepository
from db.slip_repository import SqlSlipPrintRepository
from fever_desk.settings import save_settings
from fever_desk.slips import fonts as slip_fonts
from fever_desk.slips import load_or_create_keys, public_key_text
from tests.fever_desk import slip_cases
from tests.pdf import page_png, pdf_text
from ui.cli.common import cli_actor
from ui.cli.main import main  # the real entry point, as a clinic IT person types it


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A station with settings, a data folder and one saved suspected case; returns the data folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("FEVER_DESK_DATA", str(data))
    settings = slip_cases.settings()
    settings.operator = "王护士"
    save_settings(settings, Path(os.environ["FEVER_DESK_CONFIG"]))
    database = open_database(os.environ["FEVER_DESK_DB"])
    SqlScreeningRepository(database.session_factory).add(slip_cases.screening())
    database.close()
    return data


def qr_text(pdf: Path, tmp_path: Path) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(page_png(pdf.read_bytes(), tmp_path / "png")))
    assert found, "no QR code on the slip"
    return found[0].text


def test_slip_writes_the_pdf_archives_it_and_records_an_export(station, tmp_path, capsys):
    out = tmp_path / "slip.pdf"
    assert main(["slip", "4f1b2c9d", "--out", str(out), "--layout", "a5"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "9C3A-200207-4F1B2C" in pdf_text(out.read_bytes())
    assert "9C3A-200207-4F1B2C" in capsys.readouterr().out
    database = open_database(os.environ["FEVER_DESK_DB"])
    rows = SqlSlipPrintRepository(database.session_factory).for_screening(slip_cases.SCREENING_ID)
    trail = SqlAuditRepository(database.session_factory).for_record("screening", str(slip_cases.SCREENING_ID))
    database.close()
    # One identity: the row names whoever acted (here the command line's actor), as its audit entry does.
    assert [(r.kind, r.operator, r.layout) for r in rows] == [("pdf-export", cli_actor(), "a5")]
    assert [(e.action, e.operator) for e in trail] == [("export", cli_actor())]
    archived = Path(rows[0].archive_path)
    assert archived.is_relative_to(station / "slips") and archived.read_bytes() == out.read_bytes()
    assert rows[0].printer == str(out.resolve())


def test_slip_accepts_the_printed_slip_number(station, tmp_path):
    assert main(["slip", "9C3A-200207-4F1B2C", "--out", str(tmp_path / "s.pdf")]) == 0


@pytest.mark.parametrize("wanted", ["abcdef", "not-an-id!", "4f1b2c9e"])
def test_slip_for_no_such_screening_exits_2(station, tmp_path, capsys, wanted):
    assert main(["slip", wanted, "--out", str(tmp_path / "s.pdf")]) == 2
    assert wanted in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()


def test_an_ambiguous_prefix_exits_2(station, tmp_path, capsys):
    import dataclasses
    import uuid

    database = open_database(os.environ["FEVER_DESK_DB"])
    twin = dataclasses.replace(slip_cases.screening(), id=uuid.UUID("4f1b2c9d-ffff-4000-8000-000000000002"))
    SqlScreeningRepository(database.session_factory).add(twin)
    database.close()
    assert main(["slip", "4f1b", "--out", str(tmp_path / "s.pdf")]) == 2
    assert "4f1b" in capsys.readouterr().err


def test_a_missing_font_exits_2_with_the_fix(station, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(slip_fonts, "SHIPPED_FONT", tmp_path / "removed.ttf")  # a damaged installation
    monkeypatch.setattr(slip_fonts, "SYSTEM_FONT_PATHS", [tmp_path / "none.ttf"])
    monkeypatch.setattr(slip_fonts, "USE_FC_LIST", False)
    slip_fonts.clear_font_cache()
    try:
        assert main(["slip", "4f1b2c", "--out", str(tmp_path / "s.pdf")]) == 2
    finally:
        slip_fonts.clear_font_cache()
    assert "fonts-wqy-microhei" in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()


def test_verify_slip_accepts_the_code_from_the_slip_and_refuses_a_changed_one(station, tmp_path, capsys):
    out = tmp_path / "slip.pdf"
    assert main(["slip", "4f1b2c", "--out", str(out)]) == 0
    payload = qr_text(out, tmp_path)
    capsys.readouterr()
    assert main(["verify-slip", payload]) == 0
    shown = capsys.readouterr().out
    assert "9C3A-200207-4F1B2C" in shown and "9c3a1e7d22b0" in shown
    position = payload.index(".S.") + 1  # the outcome letter: suspected → routine
    assert main(["verify-slip", payload[:position] + "R" + payload[position + 1 :]]) == 1
    tail = "A" if payload[-2] != "A" else "B"
    assert main(["verify-slip", payload[:-2] + tail + payload[-1]]) == 1
    assert main(["verify-slip", payload, "--key", str(station)]) == 0
    assert main(["verify-slip", payload, "--key", str(station / "slip-signing-key.pub.pem")]) == 0
    other = public_key_text(load_or_create_keys(tmp_path / "other").public_key)
    assert main(["verify-slip", payload, "--key", other]) == 1


def test_verify_slip_malformed_input_and_unreadable_keys_exit_2(station, tmp_path, capsys):
    load_or_create_keys(station)
    assert main(["verify-slip", "hello"]) == 2
    assert main(["verify-slip", "FD1.only.three"]) == 2
    assert main(["verify-slip", "FD1.a.b.c.d.e", "--key", "ed25519:???"]) == 2
    assert main(["verify-slip", "FD1.a.b.c.d.e", "--key", str(tmp_path / "missing.pem")]) == 2


def test_verify_slip_without_a_station_key_says_what_to_pass(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "empty"))
    assert main(["verify-slip", "FD1.a.b.c.d.e"]) == 2
    assert "--key" in capsys.readouterr().err


def test_the_desk_knows_the_slip_layouts_without_loading_reportlab():
    from fever_desk.slips import LAYOUTS
    from ui.services.slips import KNOWN_LAYOUTS

    assert set(KNOWN_LAYOUTS) == set(LAYOUTS)
