"""The register and one person's 14-day grid leave the station as files (ui/services/observation.export_*),
read back as a person opening them would: the PDF's pages and text with pypdfium2, the XLSX with openpyxl."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from fever_desk.export_files import MARKER
from fever_desk.model import MeasureMode, Person, Sex, Temperature, TemperatureSource
from fever_desk.observation.model import CellEntry, Exposure, Kind, Placement, Registration, Setting, Slot
from tests.pdf import pdf_text
from ui.services import observation as obs
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

EXPOSED = date(2020, 1, 25)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: these tests are about the files; the reads are the same queries on both engines."""
    context = Database(f"sqlite:///{tmp_path / 'fever_desk.sqlite3'}")
    set_actor(context, "nurse.li", "desk-1")
    yield context
    context.close()


def _full_grid(ctx: Database) -> tuple[obs.Observation, list[str]]:
    person = Person(
        "欧阳小锋", Sex.MALE, 34, None, "430121198506010019", "13900000001", "长沙县黄花镇杨柳村3组12号"
    )
    registration = Registration(
        Exposure(Kind.CLOSE_CONTACT, EXPOSED, "同事", "同一办公室", "武汉", "火车", "G1234"),
        Placement(Setting.CENTRAL, "县隔离酒店 301", "李医生", "13900001111"),
    )
    observation = obs.register_by_hand(ctx, person, registration, now=datetime(2020, 1, 25, 18)).observation
    values = []
    for day in range(1, 15):
        for slot, hour in ((Slot.MORNING, 8), (Slot.AFTERNOON, 16)):
            when = datetime(2020, 1, 25, hour) + timedelta(days=day)
            celsius = round(36.0 + (day * 2 + slot.index) * 0.04, 1)
            source = TemperatureSource.DEVICE if slot is Slot.MORNING else TemperatureSource.MANUAL
            temperature = Temperature(celsius, source, MeasureMode.BODY, when)
            cell = CellEntry(when.date(), slot, temperature, {"cough": day == 3 and slot is Slot.AFTERNOON})
            obs.record_cell(ctx, observation.id, cell, now=when)
            values.append(f"{celsius:.1f}")
    return observation, values


def test_one_persons_grid_is_one_a4_page_with_every_value(ctx: Database, tmp_path: Path) -> None:
    observation, values = _full_grid(ctx)
    done = obs.export_grid(ctx, observation.id, tmp_path / "grid.pdf")
    assert done.rows == 14
    document = pdfium.PdfDocument(tmp_path / "grid.pdf")
    try:
        assert len(document) == 1
        width, height = document[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 portrait in points
    finally:
        document.close()
    text = pdf_text(tmp_path / "grid.pdf")
    for header in ("医学观察每日健康监测记录表", "上午体温", "下午症状", "预计解除日期", "第14天"):
        assert header in text
    for needle in ("欧阳小锋", "430121198506010019", "2020-02-09", "咳嗽", "县隔离酒店", "°C"):
        assert needle in text
    assert "℃" not in text
    cells = text.replace("*", " ").split()
    for value in values:
        assert value in cells
    assert stat.S_IMODE((tmp_path / "grid.pdf").stat().st_mode) == 0o600
    assert MARKER in text.replace("\n", "")
    assert ctx.audit.entries(action="export")[0].detail == "grid cells=28 zip=no"


def test_one_persons_grid_as_xlsx(ctx: Database, tmp_path: Path) -> None:
    observation, values = _full_grid(ctx)
    obs.export_grid(ctx, observation.id, tmp_path / "grid.xlsx")
    sheet = load_workbook(tmp_path / "grid.xlsx").worksheets[0]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [MARKER]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "观察日")
    grid = rows[header + 1 : header + 15]
    assert [row[0] for row in grid] == [f"第{d}天" for d in range(1, 15)]
    found = [v.rstrip("*") for row in grid for v in (row[2], row[5])]
    assert found == values


def test_the_register_as_xlsx_and_pdf(ctx: Database, tmp_path: Path) -> None:
    _full_grid(ctx)
    xlsx = obs.export_register(ctx, tmp_path / "register.xlsx")
    assert xlsx.rows == 1
    sheet = load_workbook(tmp_path / "register.xlsx").worksheets[0]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert "身份证号" in values and "欧阳小锋" in values and "430121198506010019" in values
    pdf = obs.export_register(ctx, tmp_path / "register.pdf", zipped=False)
    assert pdf.rows == 1
    text = pdf_text(tmp_path / "register.pdf")
    assert "医学观察人员登记表" in text and "欧阳小锋" in text and "2020-02-09" in text
    with pytest.raises(ValueError):
        obs.export_register(ctx, tmp_path / "register.doc")
    assert [e.record_kind for e in ctx.audit.entries(action="export")][:2] == ["observation_register"] * 2
