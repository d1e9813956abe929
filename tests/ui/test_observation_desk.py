"""The observation register on the real desk (a temporary SQLite database), driven by keys as a nurse would.

Everything is read back from the database file the operations wrote, or from the slip PDF printed.
People needing a past (a registration days ago, an exposure 16 days back) are registered through the
same operation the desk uses, with its ``now`` set in the past.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from sqlalchemy import text

from db.engine import make_engine
from fever_desk.identity import mask_id
from fever_desk.model import Person, Sex, Temperature
from fever_desk.observation.model import CellEntry, Exposure, Kind, Placement, Registration, Setting
from fever_desk.observation.rules import local_slot
from fever_desk.settings import Hospital
from tests.sqlite_files import use_data_folder
from tests.ui.conftest import Desk
from ui.desk.slips.printing import pdf_printer
from ui.services import observation as obs
from ui.services.audit_hooks import set_actor

Key = Qt.Key
ID_NUMBER = "110101198001010029"  # female, born 1980-01-01, check digit valid


def rows(desk: Desk, sql: str) -> list[dict[str, Any]]:
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        found = [dict(r._mapping) for r in conn.execute(text(sql))]
    engine.dispose()
    return found


def call(desk: Desk, qtbot, job: Callable[[Any], Any]) -> Any:
    """Run ``job`` on the desk's database worker (as the screens do) and return its result."""
    done: list[Any] = []
    desk.window.worker.submit(job, done.append, lambda error: done.append(error))
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    if isinstance(done[0], BaseException):
        raise done[0]
    return done[0]


def seed(desk: Desk, qtbot, *, exposed: date, now: datetime | None = None, name: str = "赵六") -> Any:
    person = Person(name=name, sex=Sex.FEMALE, age=46, id_number="", phone="13700001234", address="黄花镇")
    registration = Registration(
        Exposure(Kind.CLOSE_CONTACT, exposed, relation="同事"), Placement(Setting.HOME)
    )
    saved = call(desk, qtbot, lambda ctx: obs.register_by_hand(ctx, person, registration, now=now))
    desk.window.station.announce(saved.changes)
    return saved.observation


def show_register(desk: Desk, qtbot) -> Any:
    screen = desk.window.observation
    desk.keyboard.key(Key.Key_F4)
    qtbot.waitUntil(lambda: desk.window.tabs.currentWidget() is screen, timeout=5000)
    return screen


def test_f6_after_a_screening_registers_the_person_and_shows_the_release_date(desk: Desk, qtbot) -> None:
    kb, window = desk.keyboard, desk.window
    kb.routine_patient("Zhao Lei", sex=Key.Key_1, age="52", temperature="36.7")
    with qtbot.waitSignal(window.saved, timeout=10000):
        kb.key(Key.Key_Return)
    hook = window.observation_hooks[0]
    assert "F6" in hook.button.text()
    kb.key(Key.Key_F6)
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
    dialog = hook.dialog
    assert dialog.person_fields["name"].text() == "Zhao Lei"
    assert dialog.person_fields["phone"].text() == "139****5678"  # masked, as in the list
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.kind, timeout=5000)
    kb.key(Key.Key_2)  # returnee
    kb.key(Key.Key_Return)  # no date yet: refused, the field named, nothing lost
    error = dialog.findChild(type(dialog.problem), "obs_error_last_date")
    assert error.isVisible() and "日期" in error.text()
    assert dialog.kind.value() is Kind.RETURNEE and dialog.isVisible()
    assert QApplication.focusWidget() is dialog.last_date
    exposed = date.today() - timedelta(days=3)
    kb.type(exposed.isoformat())
    release = exposed + timedelta(days=15)
    assert release.isoformat() in dialog.release_label.text()
    assert "第4天" not in dialog.release_label.text() and "第3天" in dialog.release_label.text()
    with qtbot.waitSignal(dialog.registered, timeout=10000):
        kb.key(Key.Key_Return)
    found = rows(desk, "SELECT name, phone, kind, last_exposure, source FROM observation")
    assert len(found) == 1
    row = found[0]
    assert (row["name"], row["phone"], row["kind"], row["source"]) == (
        "Zhao Lei",
        "13912345678",
        "returnee",
        "screening",
    )
    assert str(row["last_exposure"]) == exposed.isoformat()
    assert release.isoformat() in hook.button.text()
    window.activateWindow()  # offscreen has no window manager to give the keyboard back (e2e checks that)
    window.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.form.name, timeout=5000)
    kb.key(Key.Key_F6)  # the same screening again: the first registration is kept, and said so
    qtbot.waitUntil(lambda: hook.dialog is not dialog and hook.dialog.isVisible(), timeout=5000)
    again = hook.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is again.kind, timeout=5000)
    kb.key(Key.Key_2)
    again.last_date.setFocus()
    kb.type(exposed.isoformat())
    with qtbot.waitSignal(again.registered, timeout=10000):
        kb.key(Key.Key_Return)
    assert len(rows(desk, "SELECT id FROM observation")) == 1
    assert "已在医学观察中" in hook.button.text()


def test_by_hand_a_bad_id_is_named_and_everything_typed_is_kept(desk: Desk, qtbot) -> None:
    kb = desk.keyboard
    screen = show_register(desk, qtbot)
    kb.key(Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5000)
    dialog = screen.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.person_fields["name"], timeout=5000)
    kb.type("Qian Mei")
    kb.key(Key.Key_Tab)
    kb.key(Key.Key_2)  # female
    kb.key(Key.Key_Tab)
    kb.type("46")
    kb.key(Key.Key_Tab)
    kb.type(ID_NUMBER[:-1] + "8")  # wrong check digit
    kb.key(Key.Key_Tab)
    kb.type("13700001234")
    dialog.kind.setFocus()
    kb.key(Key.Key_1)
    dialog.last_date.setFocus()
    kb.type((date.today() - timedelta(days=1)).isoformat())
    kb.key(Key.Key_Return)
    error = dialog.findChild(type(dialog.problem), "obs_error_id_number")
    assert error.isVisible() and error.text()
    assert QApplication.focusWidget() is dialog.person_fields["id_number"]
    assert (
        dialog.person_fields["name"].text() == "Qian Mei"
        and dialog.person_fields["phone"].text() == "13700001234"
    )
    assert rows(desk, "SELECT id FROM observation") == []
    dialog.person_fields["id_number"].clear()
    kb.type(ID_NUMBER)
    with qtbot.waitSignal(dialog.registered, timeout=10000):
        kb.key(Key.Key_Return)
    found = rows(desk, "SELECT name, id_number, source FROM observation")
    assert found == [{"name": "Qian Mei", "id_number": ID_NUMBER, "source": "hand"}]
    assert "Qian Mei" in screen.worklist.status.text()
    qtbot.waitUntil(
        lambda: any(i.name == "Qian Mei" for s in range(2) for i in screen.worklist.items(s)), timeout=10000
    )


def test_two_grid_entries_a_fever_in_the_third_then_the_referral_slip(
    desk: Desk, qtbot, tmp_path, monkeypatch
) -> None:
    import pypdfium2

    use_data_folder(monkeypatch, tmp_path / "data")
    window, kb = desk.window, desk.keyboard
    window.station.settings = dataclasses.replace(  # a set-up station, printing without a dialog
        window.station.settings,
        print_without_dialog=True,
        printer_name="Counter",
        designated_hospital=Hospital("县人民医院", "县城人民路1号", "0710-1234567"),
        hotline="12320",
    )
    call(desk, qtbot, lambda ctx: set_actor(ctx, "li.nurse", "desk-1"))  # as the login does
    seed(desk, qtbot, exposed=date.today() - timedelta(days=3), name="Sun Hua")
    screen = show_register(desk, qtbot)
    worklist = screen.worklist
    qtbot.waitUntil(
        lambda: bool(worklist.model.rows) and worklist.model.rows[0].name == "Sun Hua", timeout=10000
    )
    assert QApplication.focusWidget() is worklist.table
    kb.key(Key.Key_Return)
    grid = screen.grid
    qtbot.waitUntil(
        lambda: grid.model.file is not None and QApplication.focusWidget() is grid.entry.temperature,
        timeout=10000,
    )
    today, slot = local_slot(datetime.now().astimezone())
    assert (grid.entry.day, grid.entry.slot) == (today, slot)
    for celsius in ("36.5", "36.6", "38.6"):
        kb.type(celsius)
        kb.key(Key.Key_F8)
        with qtbot.waitSignal(window.station.changed, timeout=10000):
            kb.key(Key.Key_Return)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is grid.table, timeout=5000)
        kb.key(Key.Key_Up)  # the same half-day a day earlier
        kb.key(Key.Key_Return)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is grid.entry.temperature, timeout=5000)
    qtbot.waitUntil(lambda: grid.refer_button.isVisible(), timeout=10000)
    assert "F10" in grid.alert.text()
    cells = rows(desk, "SELECT temperature_c, fever, recorded_by FROM observation_cell ORDER BY day DESC")
    assert [(c["temperature_c"], bool(c["fever"])) for c in cells] == [
        (36.5, False),
        (36.6, False),
        (38.6, True),
    ]
    who = "li.nurse"
    assert all(c["recorded_by"] == who for c in cells)
    shown = grid.model.data(grid.model.index_of(today, slot))
    assert shown.startswith("36.5 °C") and who in shown  # who wrote it is shown in the cell
    outputs = tmp_path / "printed"
    outputs.mkdir()
    grid.slip_panel.printer_factory = lambda name: pdf_printer(str(outputs / "slip.pdf"))
    kb.key(Key.Key_F10)
    qtbot.waitUntil(lambda: grid.slip_panel.isVisible(), timeout=10000)
    with qtbot.waitSignal(grid.slip_panel.recorded, timeout=30000):
        kb.key(Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    status = rows(desk, "SELECT status FROM observation")
    assert status == [{"status": "referred"}]
    referral = rows(desk, "SELECT name, disposition FROM screening")
    assert referral == [{"name": "Sun Hua", "disposition": "fever_clinic"}]
    printed = rows(desk, "SELECT kind, archive_path FROM slip_print")
    assert [p["kind"] for p in printed] == ["print"] and (outputs / "slip.pdf").stat().st_size > 0
    pdf = pypdfium2.PdfDocument(printed[0]["archive_path"])  # the signed PDF the paper was printed from
    try:
        text_ = "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    assert "Sun Hua" in text_ and "38.6" in text_, text_
    grid.stop()


def test_a_correction_needs_a_reason_and_keeps_the_earlier_value(desk: Desk, qtbot) -> None:
    kb = desk.keyboard
    observation = seed(desk, qtbot, exposed=date.today() - timedelta(days=2), name="Zhou Ming")
    today, slot = local_slot(datetime.now().astimezone())
    first = CellEntry(today, slot, Temperature(36.4), {"cough": False})
    call(desk, qtbot, lambda ctx: obs.record_cell(ctx, observation.id, first))
    screen = show_register(desk, qtbot)
    screen.open_person(observation.id)
    grid = screen.grid
    qtbot.waitUntil(lambda: grid.entry.editing is not None, timeout=10000)
    assert grid.entry.reason.isVisible() and grid.entry.temperature.text() == "36.4"
    grid.entry.start()
    kb.type("36.9")
    kb.key(Key.Key_F8)
    kb.key(Key.Key_Return)
    assert "原因" in grid.entry.error.text()
    grid.entry.reason.setFocus()
    kb.type("misread")
    with qtbot.waitSignal(desk.window.station.changed, timeout=10000):
        kb.key(Key.Key_Return)
    qtbot.waitUntil(lambda: grid.history.count() == 2, timeout=10000)
    assert "36.4" in grid.history.item(0).text() and "36.9" in grid.history.item(1).text()
    assert "misread" in grid.history.item(1).text()
    versions = rows(desk, "SELECT version, temperature_c FROM observation_cell ORDER BY version")
    assert [(v["version"], v["temperature_c"]) for v in versions] == [(1, 36.4), (2, 36.9)]


def test_release_with_one_confirmation_and_lost_with_a_reason(desk: Desk, qtbot, monkeypatch) -> None:
    kb = desk.keyboard
    long_ago = datetime.now().astimezone() - timedelta(days=10)
    done = seed(desk, qtbot, exposed=date.today() - timedelta(days=16), now=long_ago, name="Wu Gang")
    gone = seed(
        desk,
        qtbot,
        exposed=date.today() - timedelta(days=6),
        now=long_ago + timedelta(days=5),
        name="Zheng Li",
    )
    screen = show_register(desk, qtbot)
    worklist = screen.worklist
    qtbot.waitUntil(
        lambda: worklist.worklist is not None and bool(worklist.worklist.releasable), timeout=10000
    )
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    kb.key(Key.Key_R)  # not in the releasable section: only says where to look
    assert asked == [] and "5" in worklist.status.text()
    kb.key(Key.Key_5)
    assert [i.name for i in worklist.model.rows] == ["Wu Gang"]
    with qtbot.waitSignal(desk.window.station.changed, timeout=10000):
        kb.key(Key.Key_R)
    assert len(asked) == 1 and "Wu Gang" in asked[0]
    kb.key(Key.Key_6)
    qtbot.waitUntil(lambda: [i.name for i in worklist.model.rows] == ["Zheng Li"], timeout=10000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("moved away, phone off", True))
    with qtbot.waitSignal(desk.window.station.changed, timeout=10000):
        kb.key(Key.Key_L)
    found = {r["name"]: r for r in rows(desk, "SELECT name, status, status_reason FROM observation")}
    assert found["Wu Gang"]["status"] == "released"
    assert (found["Zheng Li"]["status"], found["Zheng Li"]["status_reason"]) == (
        "lost",
        "moved away, phone off",
    )
    qtbot.waitUntil(lambda: worklist.model.rows == [], timeout=10000)  # the list refreshed itself
    assert done.id != gone.id


@pytest.mark.parametrize("language", ["en"])
def test_the_register_tab_follows_the_language(desk: Desk, language: str) -> None:
    from fever_desk.i18n import set_language

    set_language(language)
    try:
        desk.window.retranslate()
        index = desk.window.tabs.indexOf(desk.window.observation)
        assert desk.window.tabs.tabText(index) == "Observation (F4)"
    finally:
        set_language("zh_CN")
        desk.window.retranslate()


def test_import_reports_every_refused_row_and_imports_nothing_until_the_list_is_clean(
    desk: Desk, qtbot, tmp_path
) -> None:
    from tests.fever_desk.observation_lists import make_rows, write_csv, write_xlsx

    kb = desk.keyboard
    screen = show_register(desk, qtbot)
    kb.key(Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5000)
    dialog = screen.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.path, timeout=5000)
    returned = date.today() - timedelta(days=1)
    spoiled, bad = make_rows(20, returned, bad_every=5)
    kb.type(str(write_csv(tmp_path / "grid-list.csv", spoiled)))
    with qtbot.waitSignal(dialog.imported, timeout=20000) as first:
        kb.key(Key.Key_Return)
    assert first.args[0].imported == 0
    shown = {int(dialog.refused.item(r, 0).text()) for r in range(dialog.refused.rowCount())}
    assert shown == bad and len(bad) == 4
    assert all(dialog.refused.item(r, 1).text() for r in range(dialog.refused.rowCount()))
    assert "20" in dialog.summary.text() and "4" in dialog.summary.text()
    assert rows(desk, "SELECT id FROM observation") == []  # nothing half-imported
    clean, _ = make_rows(20, returned)
    dialog.path.setText(str(write_xlsx(tmp_path / "grid-list.xlsx", clean)))
    with qtbot.waitSignal(dialog.imported, timeout=20000) as second:
        kb.key(Key.Key_Return)
    assert second.args[0].imported == 20 and not dialog.refused.isVisible()
    assert len(rows(desk, "SELECT id FROM observation WHERE source = 'import'")) == 20
    worklist = screen.worklist
    due = lambda: {item.id for section in (0, 1) for item in worklist.items(section)}  # noqa: E731
    qtbot.waitUntil(lambda: len(due()) == 20, timeout=10000)  # the worklist refreshed itself


def test_a_bad_path_is_explained_in_the_dialog(desk: Desk, qtbot, tmp_path) -> None:
    screen = show_register(desk, qtbot)
    screen.import_list()
    dialog = screen.dialog
    dialog.path.setText(str(tmp_path / "missing.xlsx"))
    dialog.run()
    assert "missing.xlsx" in dialog.summary.text()
    dialog.path.setText(str(tmp_path / "list.txt"))
    dialog.run()
    assert ".xlsx" in dialog.summary.text() and dialog.path.text().endswith("list.txt")


def test_f9_fills_the_half_day_from_the_thermometer_and_the_source_is_stored(desk: Desk, qtbot) -> None:
    from fever_desk.model import TemperatureSource

    window, kb = desk.window, desk.keyboard
    observation = seed(desk, qtbot, exposed=date.today() - timedelta(days=2), name="Lin Bo")
    window.devices.start(window.settings)  # what run_gui does once the window is shown
    qtbot.waitUntil(lambda: window.devices.status_widget.state == "simulated", timeout=3000)
    screen = show_register(desk, qtbot)
    screen.open_person(observation.id)
    grid = screen.grid
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid.entry.temperature, timeout=10000)
    assert window.devices.form is grid.entry  # the register in front receives the readings
    kb.key(Key.Key_F9)
    qtbot.waitUntil(lambda: grid.entry.temperature.text() != "", timeout=3000)
    assert grid.entry.temp.source is TemperatureSource.DEVICE
    assert "simulator" in grid.entry.temperature_badge.text()
    grid.entry.temperature.setFocus()
    kb.key(Key.Key_F8)
    with qtbot.waitSignal(window.station.changed, timeout=10000):
        kb.key(Key.Key_Return)
    stored = rows(desk, "SELECT temperature_source, temperature_device FROM observation_cell")
    assert stored == [{"temperature_source": "device", "temperature_device": "simulator"}]
    window.close()


def test_f6_on_a_row_of_the_pharmacy_list_registers_the_purchaser(desk: Desk, qtbot) -> None:
    from tests.fever_desk.test_pharmacy_referral import purchase
    from ui.services import pharmacy

    window, kb = desk.window, desk.keyboard
    bought = dataclasses.replace(purchase(36.8, True), created_at=None)
    saved = call(desk, qtbot, lambda ctx: pharmacy.save_purchase(ctx, bought, 3, frozenset()))
    window.station.announce(saved.changes)
    window.tabs.setCurrentWidget(window.pharmacy)
    table = window.pharmacy.today.table
    qtbot.waitUntil(lambda: len(window.pharmacy.today.rows) == 1, timeout=10000)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    hook = window.observation_hooks[1]
    kb.key(Key.Key_F6)
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
    dialog = hook.dialog
    assert dialog.person_fields["name"].text() == "王建国"
    assert dialog.person_fields["id_number"].text() == mask_id("11010519491231002X")
    assert dialog.person_fields["address"].text() == "幸福路1号"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.kind, timeout=5000)
    kb.key(Key.Key_1)  # close contact
    dialog.last_date.setFocus()
    kb.type((date.today() - timedelta(days=5)).isoformat())
    with qtbot.waitSignal(dialog.registered, timeout=10000):
        kb.key(Key.Key_Return)
    found = rows(desk, "SELECT name, id_number, source, kind FROM observation")  # the full ID stored
    assert found == [
        {"name": "王建国", "id_number": "11010519491231002X", "source": "purchase", "kind": "close_contact"}
    ]


def test_the_lost_threshold_is_read_from_the_settings_file(desk: Desk, qtbot) -> None:
    long_ago = datetime.now().astimezone() - timedelta(days=5)
    seed(desk, qtbot, exposed=date.today() - timedelta(days=6), now=long_ago, name="Gao Yan")
    window = desk.window
    window.station.settings = dataclasses.replace(window.station.settings, observation_lost_after_days=9)
    screen = show_register(desk, qtbot)
    worklist = screen.worklist
    worklist.refresh()
    qtbot.waitUntil(
        lambda: worklist.worklist is not None and worklist.worklist.lost_after_days == 9, timeout=10000
    )
    assert [i.name for i in worklist.worklist.overdue] == ["Gao Yan"] and worklist.worklist.lost == []
    window.station.settings = dataclasses.replace(window.station.settings, observation_lost_after_days=2)
    worklist.refresh()
    qtbot.waitUntil(lambda: worklist.worklist.lost_after_days == 2, timeout=10000)
    assert [i.name for i in worklist.worklist.lost] == ["Gao Yan"]


def test_ctrl_e_exports_the_grid_as_a_private_pdf_read_back(desk: Desk, qtbot, tmp_path, monkeypatch) -> None:
    import stat

    from tests.pdf import pdf_text
    from ui.desk.widgets import file_dialogs

    observation = seed(desk, qtbot, exposed=date.today() - timedelta(days=2), name="He Ping")
    today, slot = local_slot(datetime.now().astimezone())
    call(
        desk,
        qtbot,
        lambda ctx: obs.record_cell(ctx, observation.id, CellEntry(today, slot, Temperature(37.9), {})),
    )
    screen = show_register(desk, qtbot)
    screen.open_person(observation.id)
    grid = screen.grid
    qtbot.waitUntil(lambda: grid.model.file is not None, timeout=10000)
    target = tmp_path / "grid.pdf"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(screen.grid_export.exported, timeout=30000):
        desk.keyboard.key(Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text_ = pdf_text(target)
    assert "He Ping" in text_ and "37.9" in text_ and "上午" in text_, text_
    assert str(target) in screen.grid_export.status.text()


def test_ctrl_e_on_the_worklist_exports_the_register_as_xlsx(
    desk: Desk, qtbot, tmp_path, monkeypatch
) -> None:
    from openpyxl import load_workbook

    from ui.desk.widgets import file_dialogs

    seed(desk, qtbot, exposed=date.today() - timedelta(days=4), name="Tang Jie")
    screen = show_register(desk, qtbot)
    target = tmp_path / "register.xlsx"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *a, **k: (str(target), ""))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.worklist.table, timeout=5000)
    with qtbot.waitSignal(screen.register_export.exported, timeout=30000):
        desk.keyboard.key(Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    cells = [str(c) for row in load_workbook(target).active.iter_rows(values_only=True) for c in row if c]
    assert "Tang Jie" in cells and "姓名" in cells


def test_a_nurse_is_told_before_any_question_that_release_is_the_doctors(
    desk: Desk, qtbot, monkeypatch
) -> None:
    import uuid

    from fever_desk.accounts import Operator, Role

    long_ago = datetime.now().astimezone() - timedelta(days=10)
    seed(desk, qtbot, exposed=date.today() - timedelta(days=16), now=long_ago, name="Wu Gang")
    desk.window.station.operator = Operator(uuid.uuid4(), "li", "李护士", Role.NURSE)
    screen = show_register(desk, qtbot)
    worklist = screen.worklist
    qtbot.waitUntil(
        lambda: worklist.worklist is not None and bool(worklist.worklist.releasable), timeout=10000
    )
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a))
    desk.keyboard.key(Key.Key_5)
    desk.keyboard.key(Key.Key_R)
    assert asked == [] and "医生" in worklist.status.text()
    assert rows(desk, "SELECT status FROM observation") == [{"status": "active"}]


def test_keys_typed_while_the_database_is_busy_are_not_lost(desk: Desk, qtbot) -> None:
    import threading

    kb = desk.keyboard
    seed(desk, qtbot, exposed=date.today() - timedelta(days=3), name="Kong Yu")
    screen = show_register(desk, qtbot)
    worklist = screen.worklist
    qtbot.waitUntil(lambda: bool(worklist.model.rows), timeout=10000)
    busy = threading.Event()
    desk.window.worker.submit(lambda ctx: busy.wait(20), None, None)  # another counter's long save, say
    kb.key(Key.Key_F5)  # the list asks again, behind the busy worker
    assert worklist.loading
    kb.key(Key.Key_Return)  # open the chosen person: the grid shows at once
    assert screen.stack.currentWidget() is screen.grid
    kb.type("36.8")
    kb.key(Key.Key_F8)
    kb.key(Key.Key_Return)  # saved as soon as the grid is there
    assert rows(desk, "SELECT day FROM observation_cell") == []
    busy.set()
    qtbot.waitUntil(lambda: len(rows(desk, "SELECT day FROM observation_cell")) == 1, timeout=10000)
    today, slot = local_slot(datetime.now().astimezone())
    stored = rows(desk, "SELECT day, slot, temperature_c FROM observation_cell")
    assert stored == [{"day": today.isoformat(), "slot": slot.value, "temperature_c": 36.8}]


def test_the_next_half_day_typed_before_the_save_returns_is_kept(desk: Desk, qtbot) -> None:
    import threading

    kb, window = desk.keyboard, desk.window
    observation = seed(desk, qtbot, exposed=date.today() - timedelta(days=3), name="Fan Li")
    screen = show_register(desk, qtbot)
    screen.open_person(observation.id)
    grid = screen.grid
    qtbot.waitUntil(lambda: grid.model.file is not None and not grid.entry.loading, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid.entry.temperature, timeout=10000)
    busy = threading.Event()
    window.worker.submit(lambda ctx: busy.wait(20), None, None)  # the database is slow to answer
    kb.type("36.4")
    kb.key(Key.Key_F8)
    kb.key(Key.Key_Return)
    assert QApplication.focusWidget() is grid.table  # at once, not after the save
    kb.key(Key.Key_Up)
    kb.key(Key.Key_Return)
    kb.type("36.9")
    busy.set()  # the first save and its reload come back while the second half-day is typed
    qtbot.waitUntil(lambda: len(rows(desk, "SELECT day FROM observation_cell")) == 1, timeout=10000)
    qtbot.wait(200)
    assert grid.entry.temperature.text() == "36.9" and QApplication.focusWidget() is grid.entry.temperature
    kb.key(Key.Key_F8)
    with qtbot.waitSignal(window.station.changed, timeout=10000):
        kb.key(Key.Key_Return)
    stored = rows(desk, "SELECT temperature_c FROM observation_cell ORDER BY day DESC")
    assert [r["temperature_c"] for r in stored] == [36.4, 36.9]


def test_a_refused_half_day_comes_back_as_typed_with_the_reason(desk: Desk, qtbot) -> None:
    kb = desk.keyboard
    observation = seed(desk, qtbot, exposed=date.today() - timedelta(days=3), name="Lu Wen")
    screen = show_register(desk, qtbot)
    screen.open_person(observation.id)
    grid = screen.grid
    qtbot.waitUntil(lambda: grid.model.file is not None and not grid.entry.loading, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid.entry.temperature, timeout=10000)
    call(desk, qtbot, lambda ctx: obs.mark_lost(ctx, observation.id, "moved", role=None))  # another counter
    kb.type("37.1")
    kb.key(Key.Key_F8)
    kb.key(Key.Key_Return)
    qtbot.waitUntil(lambda: "未保存" in grid.entry.error.text(), timeout=10000)
    assert grid.entry.temperature.text() == "37.1"
    assert all(field.value() is False for field in grid.entry.symptoms.values())
    assert QApplication.focusWidget() is grid.entry.temperature
    assert rows(desk, "SELECT day FROM observation_cell") == []
