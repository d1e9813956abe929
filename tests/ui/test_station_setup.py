"""The first-run station setup, driven by keyboard through the real login path, and what it changes.

The shell is wired as ``ui.desk.app.run_gui`` wires it (login gate, then the setup after an administrator's
login), on a real worker and SQLite database; the setup dialog is filled with the keys the e2e tests use.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from db.engine import make_engine
from fever_desk.accounts import Operator, Role
from fever_desk.settings import Settings, load_settings, save_settings
from tests.fever_desk import slip_cases
from tests.ui.conftest import Desk, Keyboard
from ui.desk.admin.login_dialog import FIRST_RUN, LOGIN, LoginGate
from ui.desk.admin.settings_dialog import SettingsDialog
from ui.desk.admin.station_setup import StationSetup, StationSetupDialog
from ui.desk.app import build_window
from ui.desk.main_window import MainWindow
from ui.desk.runtime.idle_lock import IdleLock

# Tab order of the setup dialog, as the e2e tests type through it.
TAB_ORDER = [
    "setup_institution",
    "setup_station_name",
    "setup_hospital_name",
    "setup_hospital_address",
    "setup_hospital_phone",
    "setup_hotline",
    "setup_area_code",
    "setup_report_cutoff",
    "setup_station_mode",
    "setup_save",
    "setup_later",
]


class Shell:
    def __init__(self, window: MainWindow, gate: LoginGate, idle: IdleLock, path: Path, url: str) -> None:
        self.window, self.gate, self.idle, self.settings_path, self.db_url = window, gate, idle, path, url


@pytest.fixture
def shell(qtbot, tmp_path: Path) -> Iterator[Shell]:
    """A fresh station as ``run_gui`` starts it: no accounts, settings without any setup."""
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    settings = Settings(station_id="desk-1")
    path = tmp_path / "settings.json"
    save_settings(settings, path)
    window, worker = build_window(url, settings, path, build_screens=False)
    qtbot.addWidget(window)
    window.show()
    idle = IdleLock(settings.idle_lock_minutes, parent=window, locked=True)
    gate = LoginGate(window, window.station, idle)
    gate.logged_in.connect(window.apply_operator)
    window.station_setup = StationSetup(window)  # as run_gui does
    gate.logged_in.connect(window.station_setup.after_login)
    gate.lock(at_start=True)
    with qtbot.waitSignal(worker.context_ready, timeout=20000):
        worker.start()
    window.build_screens_in_steps()
    try:
        yield Shell(window, gate, idle, path, url)
    finally:
        window.close()
        worker.stop()
        idle.uninstall()


def create_admin(qtbot, shell: Shell) -> None:
    """The first-run dialog, typed: user name, Tab, full name, Tab, password, Tab, password again."""
    dialog = shell.gate.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.mode == FIRST_RUN, timeout=10000)
    keyboard = Keyboard(qtbot)
    for part in ("admin", "Wang", "station-2026", "station-2026"):
        keyboard.type(part)
        keyboard.key(Qt.Key.Key_Tab)
    with qtbot.waitSignal(shell.gate.logged_in, timeout=10000):
        dialog.ok.click()  # Enter here belongs to the "Enter closes the station" fix


def setup_dialog(qtbot) -> StationSetupDialog:
    found: list[StationSetupDialog] = []

    def shown() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, StationSetupDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=10000)
    return found[0]


def audit_details(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'settings_change'")).all()
    finally:
        engine.dispose()
    return [row[0] for row in rows]


def test_first_run_asks_the_setup_and_keys_alone_complete_it(qtbot, shell: Shell) -> None:
    create_admin(qtbot, shell)
    dialog = setup_dialog(qtbot)
    keyboard = Keyboard(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.edits["institution"], timeout=5000)
    # Every field in one fixed Tab chain, and back again with Shift+Tab.
    seen = []
    for _ in TAB_ORDER:
        seen.append(keyboard.target().objectName())
        keyboard.key(Qt.Key.Key_Tab)
    assert seen == TAB_ORDER and keyboard.target().objectName() == TAB_ORDER[0]
    keyboard.key(Qt.Key.Key_Backtab)
    assert keyboard.target().objectName() == "setup_later"
    keyboard.key(Qt.Key.Key_Tab)
    # Typed as a nurse types: each field, Tab; a wrong area code and hotline first.
    for value in (
        "Chengguan Health Centre",
        "Desk 1",
        "Changsha First Hospital",
        "311 Yingpan Road",
        "0731-84411111",
        "1232",
        "000000",
    ):
        keyboard.type(value)
        keyboard.key(Qt.Key.Key_Tab)
    keyboard.key(Qt.Key.Key_Tab)  # the cutoff keeps its 16:00
    keyboard.key(Qt.Key.Key_Down)  # mode: desk → pharmacy
    keyboard.key(Qt.Key.Key_Return)
    assert dialog.isVisible()  # refused, each problem named beside its field and nothing typed lost
    assert dialog.errors["hotline"].text().startswith("咨询热线：")
    assert (
        dialog.errors["area_code"].text()
        == "行政区划代码（GB/T 2260）：00 不是省级代码：行政区划代码以 11–65、71、81 或 82 开头。"
    )
    assert not dialog.errors["institution"].isVisible()
    assert "2 项" in dialog.summary.text()
    assert QApplication.focusWidget() is dialog.edits["hotline"]  # the first wrong field, selected
    assert dialog.edits["hospital_address"].text() == "311 Yingpan Road"
    keyboard.type("12320")  # replaces the selected text
    keyboard.key(Qt.Key.Key_Tab)
    keyboard.type("430105")  # Tab selects the whole field, so typing replaces it
    keyboard.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    saved = load_settings(shell.settings_path)
    assert saved.setup_done and (saved.area_code, saved.hotline, saved.report_cutoff) == (
        "430105",
        "12320",
        "16:00",
    )
    assert (saved.institution, saved.station_name, saved.station_mode) == (
        "Chengguan Health Centre",
        "Desk 1",
        "pharmacy",
    )
    assert (saved.designated_hospital.name, saved.designated_hospital.phone) == (
        "Changsha First Hospital",
        "0731-84411111",
    )
    window = shell.window
    # A pharmacy station: the desk's tab is gone for the administrator too, the pharmacy is in front.
    assert not window.tabs.isTabVisible(window.tabs.indexOf(window.desk))
    assert window.tabs.currentWidget() is window.pharmacy
    assert "Desk 1" in window.windowTitle()
    qtbot.waitUntil(lambda: bool(audit_details(shell.db_url)), timeout=5000)
    (detail,) = audit_details(shell.db_url)
    assert 'area_code: "" → "430105"' in detail and "setup_done: false → true" in detail
    assert 'station_mode: "screening" → "pharmacy"' in detail


def test_esc_means_later_and_the_next_start_asks_again(qtbot, shell: Shell) -> None:
    create_admin(qtbot, shell)
    dialog = setup_dialog(qtbot)
    Keyboard(qtbot).type("Typed then left")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    window = shell.window
    assert window.centralWidget().isVisible() and window.tabs.currentWidget() is window.desk
    assert not load_settings(shell.settings_path).setup_done
    # Not asked again in this session (an idle-lock login), but the flow still needs it.
    window.station_setup.after_login(window.station.operator)
    QTest.qWait(50)
    assert not any(
        isinstance(w, StationSetupDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    fresh = StationSetup(window)  # the next start
    fresh.after_login(window.station.operator)
    assert setup_dialog(qtbot).edits["institution"].text() == ""


def test_a_nurse_is_not_asked(qtbot, shell: Shell) -> None:
    done: list[object] = []
    shell.window.worker.submit(
        lambda ctx: ctx.accounts.add("li", "correct horse", Role.NURSE, must_change=False), done.append
    )
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    dialog = shell.gate.dialog
    dialog._ask_for_users()
    qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=10000)
    dialog.username.setText("li")
    dialog.password.setText("correct horse")
    with qtbot.waitSignal(shell.gate.logged_in, timeout=10000):
        dialog.ok.click()
    QTest.qWait(50)
    assert not any(
        isinstance(w, StationSetupDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    # An old settings file decides no counters until the setup is done: both stay for their roles.
    assert shell.window.tabs.currentWidget() is shell.window.desk


def test_reachable_again_from_settings_and_audited(desk: Desk, qtbot) -> None:
    window = desk.window
    window.apply_operator(Operator(uuid.uuid4(), "admin", "admin", Role.ADMINISTRATOR))
    window.open_settings()
    settings_dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()
    )
    settings_dialog.setup_button.click()
    dialog = setup_dialog(qtbot)
    assert dialog.edits["station_name"].text() == "城关镇卫生院预检分诊台"  # what is already known is kept
    dialog.edits["hospital_name"].setText("益阳市第一中医医院")
    dialog.edits["hospital_address"].setText("益阳市赫山区")
    dialog.edits["hospital_phone"].setText("0737-4222222")
    dialog.edits["hotline"].setText("12320")
    dialog.edits["area_code"].setText("430903")
    dialog.mode.setCurrentIndex(dialog.mode.findData("both"))
    QTest.keyClick(dialog.edits["area_code"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert settings_dialog.hospital_name.text() == "益阳市第一中医医院"
    settings_dialog.hotline.setText("")  # a station once set up cannot lose its hotline in Settings
    settings_dialog.accept()
    assert settings_dialog.isVisible() and "咨询热线：" in settings_dialog.error.text()
    settings_dialog.hotline.setText("12320")
    settings_dialog.accept()
    saved = load_settings(desk.settings_path)
    assert (
        saved.setup_done and saved.area_code == "430903" and saved.designated_hospital.phone == "0737-4222222"
    )
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.desk))
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.pharmacy))
    engine_url = desk.db_url
    qtbot.waitUntil(lambda: bool(audit_details(engine_url)), timeout=5000)
    assert 'designated_hospital: {"address": "", "name": "", "phone": ""} → ' in audit_details(engine_url)[0]


@pytest.fixture
def nurse_desk(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    return desk


def saved_screening(desk: Desk, qtbot) -> None:
    results: list[object] = []
    desk.window.worker.submit(lambda ctx: ctx.screenings.add(slip_cases.screening()), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    desk.window.desk.saved.emit(results[0])


def warning_box() -> QMessageBox | None:
    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if w.objectName() == "slip_setup_warning" and w.isVisible()
        ),
        None,
    )


def test_printing_before_the_setup_warns_and_offers_it_to_an_administrator(
    nurse_desk: Desk, qtbot, tmp_path
) -> None:
    desk = nurse_desk
    window = desk.window
    window.station_setup = StationSetup(window)
    window.apply_operator(Operator(uuid.uuid4(), "admin", "admin", Role.ADMINISTRATOR))
    saved_screening(desk, qtbot)
    panel = window.slip_panel
    desk.keyboard.key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    box = warning_box()
    assert box is not None
    assert "定点救治医院、医院地址、医院电话、咨询热线" in box.text()
    assert "缺少" in panel.status.text()
    assert not (tmp_path / "data" / "slips").exists()  # nothing printed, nothing archived
    next(b for b in box.buttons() if b.objectName() == "slip_open_setup").click()
    assert setup_dialog(qtbot).edits["station_name"].text() == "城关镇卫生院预检分诊台"


def test_a_nurse_is_told_to_ask_the_administrator(nurse_desk: Desk, qtbot, tmp_path) -> None:
    window = nurse_desk.window
    window.station_setup = StationSetup(window)
    window.apply_operator(Operator(uuid.uuid4(), "li", "李护士", Role.NURSE))
    saved_screening(nurse_desk, qtbot)
    window.slip_panel.save_pdf()
    box = warning_box()
    assert box is not None and "管理员" in box.informativeText()
    assert not any(b.objectName() == "slip_open_setup" for b in box.buttons())
    assert not (tmp_path / "data" / "slips").exists()


def test_the_pharmacy_referral_warns_too(nurse_desk: Desk, qtbot, tmp_path) -> None:
    from tests.fever_desk.test_pharmacy_referral import purchase

    window = nurse_desk.window
    window.station_setup = StationSetup(window)
    window.apply_operator(Operator(uuid.uuid4(), "admin", "admin", Role.ADMINISTRATOR))
    window.tabs.setCurrentWidget(window.pharmacy)
    window.pharmacy_referral.refer(purchase(38.4, True))
    qtbot.waitUntil(lambda: warning_box() is not None, timeout=10000)
    box = warning_box()
    assert any(b.objectName() == "slip_open_setup" for b in box.buttons())
    assert not (tmp_path / "data" / "slips").exists()
