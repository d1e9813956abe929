"""What docs/privacy.md says about the observation register's exports and the report card's PDF (#18,
#19), checked on the files as their recipient opens them and on the desk as its operators use it."""

from __future__ import annotations

import stat
import uuid
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pyzipper
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from fever_desk.accounts import Operator, Role
from fever_desk.export_files import MARKER
from fever_desk.model import Person, Sex
from fever_desk.observation.model import Exposure, Kind, Placement, Registration, Setting
from tests.fever_desk import observation_lists as lists
from tests.pdf import pdf_text
from tests.ui.conftest import Desk
from tests.ui.test_observation_exports import _full_grid, ctx  # noqa: F401 - the fixture
from ui.desk.widgets import file_dialogs
from ui.services import observation as obs
from ui.services.database import Database


def test_the_register_is_0600_and_marked_in_its_first_row_and_on_every_pdf_page(
    ctx: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    _full_grid(ctx)
    for serial in range(60):  # a register of more than one page
        person = Person(
            f"张{serial}", Sex.UNKNOWN, 40, None, lists.resident_id(serial), "13700001234", "黄花镇"
        )
        registration = Registration(Exposure(Kind.RETURNEE, date.today()), Placement(Setting.HOME))
        obs.register_by_hand(ctx, person, registration)
    xlsx = obs.export_register(ctx, tmp_path / "register.xlsx").file.path
    assert stat.S_IMODE(xlsx.stat().st_mode) == 0o600
    first = next(load_workbook(xlsx).worksheets[0].iter_rows(values_only=True))
    assert [c for c in first if c] == [MARKER]
    pdf = obs.export_register(ctx, tmp_path / "register.pdf").file.path
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    marker = "".join(MARKER.split())
    assert len(pages) > 1 and all(marker in "".join(page.split()) for page in pages)
    assert "430121198506010019" in "".join(pdf_text(pdf).split())  # the full number, for the authorities


def test_the_grid_zipped_opens_with_its_one_time_password_only(
    ctx: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    observation, _values = _full_grid(ctx)
    done = obs.export_grid(ctx, observation.id, tmp_path / "grid.pdf", zipped=True)
    archive_path = done.file.path
    assert archive_path.suffix == ".zip" and done.file.password
    assert not (tmp_path / "grid.pdf").exists()  # no plain copy beside the ZIP
    assert stat.S_IMODE(archive_path.stat().st_mode) == 0o600
    with pyzipper.AESZipFile(archive_path) as archive:
        (name,) = archive.namelist()
        try:
            archive.read(name)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the ZIP opened without its password")
        archive.setpassword(done.file.password.encode())
        assert archive.read(name).startswith(b"%PDF")
    assert ctx.audit.entries(action="export")[0].detail.endswith("zip=yes")


def test_a_nurse_cannot_export_the_register_from_the_worklist(desk: Desk, qtbot, monkeypatch) -> None:
    from tests.ui.test_observation_desk import seed, show_register

    seed(desk, qtbot, exposed=date.today(), name="Tang Jie")
    asked: list[object] = []
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *a, **k: asked.append(a) or ("", ""))
    desk.window.station.operator = Operator(uuid.uuid4(), "nurse.li", "李护士", Role.NURSE)
    screen = show_register(desk, qtbot)
    screen.worklist.table.setFocus()
    desk.keyboard.key(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.register_export.status.text() != "", timeout=5000)
    assert screen.register_export.status.text() == "您的角色无权进行此操作。"
    assert asked == []  # no save dialog opened
