"""Start-up as the station does it: the window and the login first, the screens built behind the dialog.

``run_gui`` shows a bare shell covered by the login dialog, opens the database on the worker and builds
the screens one per event-loop turn.  These tests drive that order with a real worker and database and
check what a nurse would notice: the dialog is there at once, nothing typed or stored goes missing, the
desk is complete and loaded when the login succeeds, however the steps and the database interleave.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from fever_desk.accounts import Role
from fever_desk.settings import Settings, save_settings
from tests.db.factories import make_screening
from ui.desk.admin.login_dialog import LOGIN, LoginGate
from ui.desk.app import build_window
from ui.desk.main_window import MainWindow
from ui.desk.runtime.idle_lock import IdleLock
from ui.desk.runtime.workers import Worker
from ui.services.database import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shell(qtbot, tmp_path: Path) -> Iterator[tuple[MainWindow, Worker, LoginGate]]:
    """What run_gui puts on screen before the first event-loop turn: the shell and the login dialog.

    The station already has a nurse's account and one of today's screenings from an earlier session.
    """
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    earlier = Database(url)
    try:
        earlier.accounts.add("li", "correct horse", Role.NURSE, must_change=False)
        earlier.screenings.add(make_screening("王小明"))
    finally:
        earlier.close()
    settings = Settings(station_id="desk-1", station_name="城关镇卫生院预检分诊台")
    path = tmp_path / "settings.json"
    save_settings(settings, path)
    window, worker = build_window(url, settings, path, build_screens=False)
    qtbot.addWidget(window)
    window.show()
    idle = IdleLock(settings.idle_lock_minutes, parent=window, locked=True)
    gate = LoginGate(window, window.station, idle)
    gate.logged_in.connect(window.apply_operator)
    gate.lock(at_start=True)
    try:
        yield window, worker, gate
    finally:
        window.close()
        worker.stop()
        idle.uninstall()


def log_in(qtbot, gate: LoginGate, username: str, password: str) -> None:
    dialog = gate.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=10000)
    dialog.username.setText(username)
    dialog.password.setText(password)
    with qtbot.waitSignal(gate.logged_in, timeout=10000):
        dialog.ok.click()


def test_screens_built_after_the_database_opened_still_load_todays_list(qtbot, shell) -> None:
    window, worker, gate = shell
    assert not window.has_screens and gate.dialog is not None and gate.dialog.isVisible()
    assert not window.centralWidget().isVisible()  # covered: nothing about patients before the login
    with qtbot.waitSignal(worker.context_ready, timeout=20000):
        worker.start()
    with qtbot.waitSignals([window.screens_ready, window.day_loaded], timeout=20000):
        window.build_screens_in_steps()
    log_in(qtbot, gate, "li", "correct horse")
    assert window.centralWidget().isVisible()
    assert window.tabs.currentWidget() is window.desk
    assert [row.name for row in window.today.model.rows] == ["王小明"]
    assert window.focusWidget() is window.form.name  # keys go there once the dialog has gone
    assert "li" in window.status.text()


def test_a_login_faster_than_the_steps_gets_every_screen_once(qtbot, shell) -> None:
    window, worker, gate = shell
    with qtbot.waitSignal(worker.context_ready, timeout=20000):
        worker.start()
    window.build_screens_in_steps()  # queued; the login below overtakes it
    with qtbot.waitSignal(window.screens_ready, timeout=20000):
        log_in(qtbot, gate, "li", "correct horse")
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    QTest.qWait(50)  # the steps still queued must find nothing left to build
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles
    assert len(set(titles)) == len(titles) and "预检分诊" in titles
    assert window.form.name.isVisible()


def test_the_shell_shortcuts_wait_for_the_screens(qtbot, shell) -> None:
    window, _worker, _gate = shell
    window.new_action.trigger()  # F2 before the desk exists: nothing to clear, and no error
    window.find_action.trigger()
    assert not window.has_screens
    window.ensure_screens()
    window.form.name.setText("王")
    window.new_action.trigger()
    assert window.form.name.text() == ""


def test_the_station_prints_shown_then_ready_and_quits(tmp_path: Path) -> None:
    """The real entry point as `make bench` times it: window first, then the screens behind the login."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "FEVER_DESK_EXIT_AFTER_SHOW": "1",
        "FEVER_DESK_CONFIG": str(tmp_path / "settings.json"),
        "FEVER_DESK_DB": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
    }
    program = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('collector', gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "from ui.cli.main import main\n"
        "sys.exit(main([]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # The collector paused for the start-up is running again, with the start-up's objects frozen.
    assert done.stdout.split() == ["shown", "ready", "collector", "True", "True"]


def test_a_database_that_cannot_be_opened_is_explained_in_the_login_dialog(qtbot, tmp_path: Path) -> None:
    """The window behind the dialog is covered, banner included: the dialog itself must say why."""
    db_path = tmp_path / "desk.sqlite3"
    db_path.write_bytes(b"this is a shopping list, not a database\n" * 50)
    before = db_path.read_bytes()
    settings = Settings(station_id="desk-1")
    window, worker = build_window(
        f"sqlite:///{db_path}", settings, tmp_path / "settings.json", build_screens=False
    )
    qtbot.addWidget(window)
    window.show()
    idle = IdleLock(settings.idle_lock_minutes, parent=window, locked=True)
    gate = LoginGate(window, window.station, idle)
    gate.lock(at_start=True)
    try:
        with qtbot.waitSignal(worker.context_failed, timeout=20000):
            worker.start()
        dialog = gate.dialog
        assert dialog is not None and dialog.isVisible() and not window.centralWidget().isVisible()
        message = dialog.message.text()
        assert message.startswith("无法打开数据库：") and window.station.db_problem in message
        assert len(message) > len("无法打开数据库：") + 5
        # A later lock (idle) opens a new dialog that says the same at once, not "opening the database…".
        gate.dialog = None
        gate.lock()
        assert window.station.db_problem in gate.dialog.message.text()
    finally:
        window.close()
        worker.stop()
        idle.uninstall()
    assert db_path.read_bytes() == before
