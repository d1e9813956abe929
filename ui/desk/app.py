"""Composition root: settings → database worker → main window.

This is the one place that knows every layer.  The window is shown before the database is opened:
opening it (and running migrations) happens on the database worker, so a slow disk or a large upgrade
never delays the first paint, and a broken database is explained in the window rather than by a crash.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.services.database import Database
from ui.services.problems import describe_error
from ui.services.settings import StationIdUnrecoverable, config_path, recover_settings

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from ui.desk.runtime.gui_gc import GuiThreadCollector


def display_problem() -> str | None:
    """On Linux without a screen, say how to run rather than letting Qt abort with a cryptic message."""
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return tr(
        "No display found. Run fever-desk on a desktop session, or under a virtual screen: "
        "'xvfb-run fever-desk', or headless: 'QT_QPA_PLATFORM=offscreen fever-desk'."
    )


def build_window(db_url: str, settings: Settings, settings_path: Path, *, build_screens: bool = True):  # noqa: ANN201 - Qt types imported late
    """Wire the worker and the window; the caller owns the QApplication and starts the worker."""
    from ui.desk.main_window import MainWindow
    from ui.desk.runtime.workers import Worker

    worker: Worker[Database] = Worker(lambda: Database(db_url))
    window = MainWindow(settings, settings_path, worker, describe_error, build_screens=build_screens)
    return window, worker


def end_of_start_up(window: QObject) -> GuiThreadCollector:
    """Hand garbage collection, paused by ``ui.cli.main.main`` for the start-up, to the GUI thread.

    What the start-up created (modules, classes, screens) lives as long as the process, so it is moved
    out of the collector's sight (``gc.freeze``): later collections are shorter.  From now on cycles
    are collected by a timer on the GUI thread only (see ``ui.desk.runtime.gui_gc``), never on a worker
    thread.
    """
    from ui.desk.runtime.gui_gc import GuiThreadCollector

    gc.freeze()
    return GuiThreadCollector(window)


def run_gui(db_url: str) -> int:
    """Show the window and the login dialog first; the database and the screens come up behind them.

    The nurse's first step is always the login, so nothing else has to exist before the window shows:
    the worker opens the database and the screens are built one per event-loop turn while the dialog is
    up, and the thermometer starts once the forms exist.  A login that beats them waits for the rest.
    """
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("fever-desk")
    from ui.desk.widgets.screen_keys import desk_keys_first

    desk_keys_first(app)  # every shortcut also while the keyboard is in a text field (Linux: Ctrl+E)
    path = config_path()
    try:
        settings, warnings = recover_settings(path, check_guideline=False)
    except StationIdUnrecoverable as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "fever-desk", describe_error(exc))
        return 2
    from PySide6.QtCore import QTimer

    window, worker = build_window(db_url, settings, path, build_screens=False)
    if warnings:
        window.show_banner("\n".join(warnings))
    window.show()
    from ui.desk.runtime.idle_lock import IdleLock
    from ui.desk.runtime.refocus import Refocus

    Refocus(window)  # without a window manager, nothing else re-activates the window after a dialog
    from ui.desk.admin.login_dialog import LoginGate

    idle = IdleLock(settings.idle_lock_minutes, parent=window, locked=True)  # until the first login
    window.login_gate = LoginGate(window, window.station, idle)
    window.login_gate.logged_in.connect(window.apply_operator)
    from ui.desk.admin.station_setup import StationSetup

    # Right after the first administrator is created (and while an older settings file lacks them): the
    # hospital, hotline and area code, asked once the desk is uncovered.
    window.station_setup = StationSetup(window)
    window.login_gate.logged_in.connect(window.station_setup.after_login)
    window.station.settings_changed.connect(
        lambda _old: setattr(idle, "idle_minutes", window.settings.idle_lock_minutes)
    )
    window.login_gate.lock(at_start=True)  # non-modal wait for the worker; the window is already up
    timing = bool(os.environ.get("FEVER_DESK_EXIT_AFTER_SHOW"))
    if timing:
        # `make bench` times a cold start to the first event-loop turn after the window is shown, and
        # to the screens being ready behind the login dialog.
        QTimer.singleShot(0, lambda: print("shown", flush=True))
    QTimer.singleShot(0, worker.start)
    window.screens_ready.connect(lambda: window.devices.start(window.settings))
    window.screens_ready.connect(lambda: window.card_reader.start(window.settings))
    collectors: list[GuiThreadCollector] = []
    window.screens_ready.connect(lambda: collectors.append(end_of_start_up(window)))
    if timing:
        window.screens_ready.connect(lambda: (print("ready", flush=True), app.quit()))
    window.build_screens_in_steps()
    try:
        return app.exec()
    finally:
        for collector in collectors:
            collector.stop()
        gc.enable()  # also when the screens were never built
        if window.has_screens:
            window.devices.stop()
            window.card_reader.stop()
        worker.stop()
