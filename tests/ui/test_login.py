"""The login dialog on a real worker and database, typed into as a user would; the idle lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow

from fever_desk.accounts import Role
from fever_desk.settings import Settings
from ui.desk.admin.login_dialog import CHANGE, FIRST_RUN, LOGIN, LoginDialog, LoginGate
from ui.desk.runtime.idle_lock import IdleLock
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.services.audit_hooks import install_repositories
from ui.services.database import Database
from ui.services.problems import describe_error


class AccountsDatabase(Database):
    """``ui.services.database.Database`` as it will be once wired: with ``.accounts`` and ``.audit``."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        install_repositories(self)


@pytest.fixture
def station(qtbot, tmp_path: Path) -> Iterator[Station]:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    worker: Worker = Worker(lambda: AccountsDatabase(url))
    station = Station(Settings(station_id="desk-1"), tmp_path / "settings.json", worker, describe_error)
    with qtbot.waitSignal(worker.context_ready, timeout=20000):
        worker.start()
    yield station
    worker.stop()


def run(station: Station, qtbot, fn):
    """Run ``fn(ctx)`` on the worker and wait for its result."""
    box: list = []
    station.worker.submit(fn, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    return box[0]


def type_into(widget: QLineEdit, text: str) -> None:
    widget.clear()
    QTest.keyClicks(widget, text)


def test_first_run_creates_the_administrator(qtbot, station: Station) -> None:
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.mode == FIRST_RUN, timeout=10000)
    type_into(dialog.username, "admin")
    type_into(dialog.display_name, "Wang")
    type_into(dialog.password, "station-2026")
    type_into(dialog.repeat, "station-2026x")
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "两次输入的密码不一致。"
    type_into(dialog.password, "station-2026")
    type_into(dialog.repeat, "station-2026")
    with qtbot.waitSignal(dialog.logged_in, timeout=10000) as signal:
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert signal.args[0].role == Role.ADMINISTRATOR
    entries = run(station, qtbot, lambda ctx: ctx.audit.entries())
    assert [e.action for e in entries] == ["login", "user_add"]
    assert entries[0].operator == "admin" and entries[0].station_id == "desk-1"


def test_login_with_typed_credentials_and_the_wait_after_wrong_ones(qtbot, station: Station) -> None:
    run(station, qtbot, lambda ctx: ctx.accounts.add("li", "correct horse", Role.NURSE, must_change=False))
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=10000)
    type_into(dialog.username, "li")
    for _ in range(3):
        type_into(dialog.password, "wrong horse")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: dialog.message.text() != "" and not dialog.username.isReadOnly(), timeout=10000
        )
    assert "2 秒后再试" in dialog.message.text()
    assert not dialog.ok.isEnabled()  # counted down by a timer; nothing sleeps
    qtbot.waitUntil(dialog.ok.isEnabled, timeout=5000)
    type_into(dialog.password, "correct horse")
    with qtbot.waitSignal(dialog.logged_in, timeout=10000) as signal:
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert signal.args[0].username == "li"


def test_a_reset_password_must_be_changed(qtbot, station: Station) -> None:
    run(station, qtbot, lambda ctx: ctx.accounts.add("li", "temporary-1", Role.NURSE, must_change=True))
    dialog = LoginDialog(station, username="li")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=10000)
    type_into(dialog.password, "temporary-1")
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.mode == CHANGE, timeout=10000)
    type_into(dialog.password, "my own secret")
    type_into(dialog.repeat, "my own secret")
    with qtbot.waitSignal(dialog.logged_in, timeout=10000):
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    outcome = run(station, qtbot, lambda ctx: ctx.accounts.authenticate("li", "my own secret"))
    assert outcome.operator is not None and not outcome.operator.must_change


def test_idle_lock_covers_the_window_keeps_the_form_and_unlocks_with_a_login(qtbot, station: Station) -> None:
    run(station, qtbot, lambda ctx: ctx.accounts.add("li", "correct horse", Role.NURSE, must_change=False))
    now = [0.0]
    idle = IdleLock(10, clock=lambda: now[0])
    window = QMainWindow()
    qtbot.addWidget(window)
    half_typed = QLineEdit("王小", window)
    window.setCentralWidget(half_typed)
    window.show()
    gate = LoginGate(window, station, idle)
    now[0] = 9 * 60
    assert not idle.check()
    QTest.keyClick(half_typed, Qt.Key.Key_A)  # activity resets the idle time
    assert idle.last_activity == 9 * 60
    now[0] = 9 * 60 + 10 * 60
    assert idle.check()
    assert not half_typed.isVisible() and gate.dialog is not None
    dialog = gate.dialog
    qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=10000)
    dialog.reject()  # Esc must not unlock
    assert gate.dialog is dialog and idle.is_locked
    type_into(dialog.username, "li")
    type_into(dialog.password, "correct horse")
    with qtbot.waitSignal(gate.logged_in, timeout=10000):
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert half_typed.isVisible() and half_typed.text() == "王小a"
    # The keyboard is back on the window (its shortcuts need an active window), with or without a WM.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    assert not idle.is_locked and station.operator.username == "li"
    idle.uninstall()


def press(key: Qt.Key) -> None:
    """A key to whatever has the focus now, as the keyboard sends it: the focus may move between keys."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    QTest.keyClick(focused, key)


def type_focused(text: str) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    QTest.keyClicks(focused, text)


@pytest.mark.parametrize("first_run", [True, False], ids=["first-run", "login"])
def test_enter_on_a_shown_dialog_logs_in_and_never_quits(qtbot, station: Station, first_run: bool) -> None:
    """Enter submits; it used to reach the Quit button as well and close the whole station.

    Submitting disabled the field that had the focus, Qt handed the focus to the next widget — the Quit
    button, which then became the dialog's default button — and the same Enter press, passed on to the
    dialog, clicked it.  Only a shown, active dialog moves its focus, so the test shows it.
    """
    if not first_run:
        nurse = ("li", "correct horse", Role.NURSE)
        run(station, qtbot, lambda ctx: ctx.accounts.add(*nurse, must_change=False))
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    qtbot.waitUntil(lambda: dialog.mode == (FIRST_RUN if first_run else LOGIN), timeout=10000)
    rejected: list[int] = []
    dialog.rejected.connect(lambda: rejected.append(1))
    if first_run:
        for text in ("admin", "Wang", "station-2026"):
            type_focused(text)
            press(Qt.Key.Key_Tab)
        type_focused("station-2026")
    else:
        type_focused("li")
        press(Qt.Key.Key_Tab)
        type_focused("correct horse")
    with qtbot.waitSignal(dialog.logged_in, timeout=10000) as signal:
        press(Qt.Key.Key_Return)
    assert not rejected, "Enter closed the station"
    assert signal.args[0].username == ("admin" if first_run else "li")


def test_quit_while_the_password_is_checked_logs_nobody_in(qtbot, station: Station) -> None:
    """The station is closing: an answer from the worker arriving after Quit must not open the desk."""
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.mode == FIRST_RUN, timeout=10000)
    type_into(dialog.username, "admin")
    type_into(dialog.password, "station-2026")
    type_into(dialog.repeat, "station-2026")
    logged_in: list[object] = []
    dialog.logged_in.connect(logged_in.append)
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # the account is being made on the worker
    dialog.reject()  # Quit, before the answer
    run(station, qtbot, lambda ctx: None)  # the worker answers in order: the creation's answer came first
    assert logged_in == []
