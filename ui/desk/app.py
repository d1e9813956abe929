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

from fever_desk.i18n import set_language, tr
from fever_desk.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from PySide6.QtCore import QObject
    from sqlalchemy.orm import Session

    from ui.desk.runtime.gui_gc import GuiThreadCollector


def config_path() -> Path:
    """``FEVER_DESK_CONFIG`` names a settings file (tests, two stations on one PC); else the platform's."""
    override = os.environ.get("FEVER_DESK_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("fever-desk", appauthor=False)) / "settings.json"


def load_station_settings(path: Path | None = None) -> Settings:
    settings = load_settings(path or config_path())
    set_language(settings.language)
    return settings


class StationIdUnrecoverable(SettingsError):
    """The damaged settings file no longer shows which station this is: the desk will not guess."""


def recover_settings(path: Path, *, check_guideline: bool = True) -> tuple[Settings, list[str]]:
    """Settings for the desk even when the file is damaged or names something this build lacks.

    A nurse cannot repair a JSON file: the desk starts on defaults, keeps the damaged file beside the
    new one for IT (nothing is deleted), and says so in the window, naming the broken line.  The
    defaults keep the *station id* read from the damaged text: a new id would make this counter's
    slips and server records belong to a station that does not exist.  When no id can be read the desk
    refuses to start (:class:`StationIdUnrecoverable`) rather than invent one — the file is then
    damaged by someone editing it, who is at the PC to read the message, and starting as a new station
    stays one rename away.  The GUI checks the guideline later, when it builds the desk
    (``check_guideline=False``).
    """
    from fever_desk.settings import fall_back_to_a_shipped_guideline, save_settings

    warnings: list[str] = []
    try:
        settings = load_station_settings(path)
    except SettingsError as exc:
        from datetime import datetime

        if exc.station_id is None:
            raise StationIdUnrecoverable(path, exc.problem, template=exc.template, **exc.values) from exc
        kept = path.with_name(f"{path.name}.unreadable-{datetime.now():%Y%m%d-%H%M%S}")
        path.replace(kept)
        settings = Settings(station_id=exc.station_id)
        save_settings(settings, path)
        set_language(settings.language)
        warnings.append(
            tr(
                "The settings file could not be read ({problem}); "
                "it was kept as {kept} and defaults are in use.",
                problem=exc.localized_problem(),
                kept=str(kept),
            )
        )
    warning = fall_back_to_a_shipped_guideline(settings) if check_guideline else None
    if warning:
        warnings.append(warning)
    return settings, warnings


def describe_error(error: BaseException) -> str:
    """A sentence for the nurse: known problems in their language, anything else with its type named."""
    from db.migrate import DatabaseProblem
    from fever_desk.files import FileInUse

    if isinstance(error, (DatabaseProblem, FileInUse)):
        return error.localized()
    if isinstance(error, StationIdUnrecoverable):
        return tr(
            "The settings file {path} cannot be read ({problem}) and no longer shows this station's id, "
            "so the desk does not start: a new id would file its records under another station. "
            "Correct that line, or rename the file to start as a new station.",
            path=str(error.path),
            problem=error.localized_problem(),
        )
    if isinstance(error, SettingsError):
        return tr(
            "The settings file cannot be read: {problem}",
            problem=f"{error.path}: {error.localized_problem()}",
        )
    return tr("Unexpected problem: {problem}", problem=f"{type(error).__name__}: {error}")


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


class Database:
    """What the database worker holds: the open database and its repositories (``ui.services.context``)."""

    def __init__(self, url: str) -> None:
        from db.report_repository import SqlReportRepository
        from db.slip_repository import SqlSlipPrintRepository
        from ui.services.audit_hooks import install_repositories

        self.store = None  # db.resilient.ResilientStore when the counters share a server
        if url.startswith("postgresql"):
            # A shared server can drop off the network: saves then go to a local outbox and replay later.
            from db.resilient import open_resilient

            self.store = open_resilient(url)
            self.handle = self.store.handle
            self.screenings, self.purchases = self.store.screenings, self.store.purchases
        else:
            from db import open_database
            from db.pharmacy_repository import SqlPurchaseRepository
            from db.repositories import SqlScreeningRepository

            self.handle = open_database(url)
            self.screenings = SqlScreeningRepository(self.handle.session_factory)
            self.purchases = SqlPurchaseRepository(self.handle.session_factory)
        self.reports = SqlReportRepository(self.handle.session_factory)
        self.slip_prints = SqlSlipPrintRepository(self.handle.session_factory)
        install_repositories(self)

    def unit_of_work(self) -> AbstractContextManager[Session]:
        """One transaction for an operation's write(s) and its audit entry (see ``ui.services.context``)."""
        if self.store is not None:
            return self.store.unit_of_work()
        from db.transactions import unit_of_work

        return unit_of_work(self.handle.session_factory)

    def close(self) -> None:
        (self.store or self.handle).close()


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
        worker.stop()
