"""Slips and the station setup, through ``fever-desk slip``: no slip with dashes, and none left after setup.

The PDF is read back as a hospital's scanner or a person would: its text with pypdfium2, its QR code
from a 203 dpi render of the page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db import open_database
from db.repositories import SqlScreeningRepository
from fever_desk.settings import Settings, save_settings
from fever_desk.slips import verify_slip_text
from fever_desk.station_setup import apply_setup, check_setup
from tests.fever_desk import slip_cases
from tests.fever_desk.test_station_setup import good
from ui.cli.main import main

STATION_ID = "9c3a1e7d22b0"


def pdf_text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def qr_payloads(pdf: bytes) -> list[str]:
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=203 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One saved suspected case; the station's settings are each test's business."""
    folder = tmp_path / "data"
    monkeypatch.setenv("FEVER_DESK_DATA", str(folder))
    database = open_database(os.environ["FEVER_DESK_DB"])
    SqlScreeningRepository(database.session_factory).add(slip_cases.screening())
    database.close()
    return folder


def test_a_station_not_set_up_gets_no_slip_but_a_reason(data: Path, tmp_path: Path, capsys) -> None:
    save_settings(
        Settings(station_id=STATION_ID, station_name="门诊楼预检分诊台1"),
        Path(os.environ["FEVER_DESK_CONFIG"]),
    )
    out = tmp_path / "slip.pdf"
    assert main(["slip", "4f1b2c9d", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [
        "未生成转诊单：工作站设置中缺少定点救治医院、医院地址、医院电话、咨询热线。"
        "请管理员在工作站中完成设置（设置 → 工作站设置…）。"
    ]
    assert not out.exists() and not (data / "slips").exists()


def test_after_the_setup_the_slip_names_everything_and_no_dash_is_left(data: Path, tmp_path: Path) -> None:
    values, errors = check_setup(good())  # the core tests' complete, valid setup
    assert errors == {} and values is not None
    settings = apply_setup(Settings(station_id=STATION_ID, operator="王护士"), values)
    save_settings(settings, Path(os.environ["FEVER_DESK_CONFIG"]))
    for layout in ("80mm", "a5"):
        out = tmp_path / f"slip-{layout}.pdf"
        assert main(["slip", "4f1b2c9d", "--out", str(out), "--layout", layout]) == 0
        pdf = out.read_bytes()
        words = pdf_text(pdf)
        for expected in (
            "长沙市第一医院（北院）",
            "长沙市开福区营盘路311号",
            "0731-84411111",
            "12320",
            "门诊楼预检分诊台1",
            "长沙市某区人民医院",
        ):
            assert expected in words, (layout, expected)
        assert "：-" not in words and ": -" not in words
        assert STATION_ID not in words  # the name is printed; the id stays in the signed code
        (payload,) = qr_payloads(pdf)
        assert f".{STATION_ID}." in payload
        assert verify_slip_text(payload, data).ok
