"""The station's main window: a thin shell of menus, a banner, a status bar and one tab per screen.

The window is a composition of features.  Each feature installs itself from its own folder
(``ui/desk/<feature>/wiring.py``: its tab, status-bar widget or strip, menu actions and shortcuts, what it
stops on close and retranslates), seeing the window only as a :class:`ui.desk.shell.Shell`.  The window
keeps what spans features: the menus, the problem banner, the status line
(``ui/desk/widgets/station_status.py``), which counters a role sees and the keys that follow the counter in
front (``ui/desk/counters.py``), the settings' door (``ui/desk/admin/settings_access.py``) and closing.
Screens refresh themselves from ``Station.changed``: the window wires no refresh.

At start-up the nurse first sees this window covered by the login dialog, and the database opens on the
worker meanwhile.  So the shell comes up on its own and the screens are built behind the dialog, one per
event-loop turn (:meth:`MainWindow.build_screens_in_steps`, ``ui/desk/runtime/steps.py``): the login dialog
answers keys between steps, and everything is ready long before a password is typed.  Anything that needs
the screens first calls :meth:`MainWindow.ensure_screens`.  Tests and tools that build the window directly
get it complete.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from fever_desk import __version__
from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.desk.runtime.steps import Steps
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.desk.widgets.station_status import StationStatus

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from fever_desk.accounts import Operator

# The shell stays clear of ``Qt`` (PySide6 creates the namespace's hundred enums, ~12 ms, on first use,
# including implicitly in setShortcut): the shell is what the nurse waits for.  The screens built behind
# the login dialog use it freely.


class MainWindow(QMainWindow):
    saved = Signal(object)
    day_loaded = Signal()
    screens_ready = Signal()

    def __init__(
        self,
        settings: Settings,
        settings_path: Path,
        worker: Worker,
        describe_error: Callable[[BaseException], str],
        *,
        build_screens: bool = True,
    ):
        super().__init__()
        self.station = Station(settings, settings_path, worker, describe_error)
        self.worker = worker
        self.setObjectName("main_window")
        self.resize(1280, 860)
        # Loading a screen's modules and building it are separate steps: each turn stays short (~30-50 ms),
        # so keys typed into the login dialog meanwhile are answered without a noticeable pause.
        self._steps = Steps(
            [
                self._load_rules,
                self._load_desk,
                self._build_desk,
                self._load_pharmacy,
                self._build_pharmacy,
                self._build_people_and_reports,
                self._build_rest,
                self._build_observation,
                self._build_county,
            ],
            self._finish_screens,
        )
        self._stoppers: list[Callable[[], None]] = []
        self._retranslators: list[Callable[[], None]] = []
        self._worker_busy = False
        self._close_when_idle = False
        worker.busy_changed.connect(self._worker_busy_changed)

        central = QWidget(self)
        self._outer = QVBoxLayout(central)
        self._outer.setContentsMargins(4, 4, 4, 4)
        self.banner = QLabel(central)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fde7ea; color: #b00020; padding: 8px; font-weight: bold;")
        self.banner.hide()
        self._outer.addWidget(self.banner)
        self.tabs = QTabWidget(central)
        self.tabs.setDocumentMode(True)
        self._outer.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status = StationStatus(self.station, self)  # guideline, threshold, nurse, database
        self.statusBar().addWidget(self.status, 1)
        self._build_menus()
        self.station.problem.connect(self.show_banner)
        self.station.db_state_changed.connect(self._db_state_changed)
        self.station.settings_changed.connect(lambda _old: self.retranslate())
        self.station.settings_changed.connect(lambda _old: self._settings_changed_counters())
        self.retranslate()
        if build_screens:
            self.ensure_screens()

    @property
    def settings(self) -> Settings:
        return self.station.settings

    @property
    def db_ready(self) -> bool:
        return self.station.db_ready

    @property
    def has_screens(self) -> bool:
        return self._steps.finished

    def add_screen(self, widget: QWidget, title: str) -> int:
        return self.tabs.addTab(widget, title)

    # ---- what the features' wiring asks of the window (ui/desk/shell.py) ----------------------------
    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def add_strip(self, widget: QWidget) -> None:
        self._outer.insertWidget(1, widget)  # below the problem banner, above the strips added before

    def on_close(self, stop: Callable[[], None]) -> None:
        self._stoppers.append(stop)

    def on_retranslate(self, retranslate: Callable[[], None]) -> None:
        self._retranslators.append(retranslate)

    # ---- building the screens, one feature at a time (each installs itself: ui/desk/<feature>/wiring.py)
    def build_screens_in_steps(self) -> None:
        """Build one screen per event-loop turn, so the login dialog in front keeps answering keys."""
        self._steps.run_in_turns()

    def ensure_screens(self) -> None:
        """Build whatever is still missing, now (a login faster than the steps, a direct construction)."""
        self._steps.run_now()

    def _load_rules(self) -> None:
        from PySide6.QtCore import Qt  # noqa: F401 - the namespace's enums are made on first import

        from fever_desk import triage, validation  # noqa: F401 - loaded now, used by the next steps
        from fever_desk.guidelines import get_guideline
        from fever_desk.settings import fall_back_to_a_shipped_guideline

        warning = fall_back_to_a_shipped_guideline(self.settings)
        if warning:
            self.show_banner("\n".join(filter(None, (self.banner.text(), warning))))
        get_guideline(self.settings.guideline_id)  # parsed once per process (cached), here

    def _load_desk(self) -> None:
        # Loaded now, used by the next step.
        from ui.desk.idcard import controller as _card_reader  # noqa: F401
        from ui.desk.screening import desk  # noqa: F401
        from ui.desk.thermometer import controller  # noqa: F401
        from ui.desk.widgets import reveal  # noqa: F401

    def _build_desk(self) -> None:
        """The desk, and beside it in the status bar the thermometer and the ID card reader."""
        from ui.desk.idcard.wiring import install_card_reader
        from ui.desk.screening.wiring import install_desk
        from ui.desk.thermometer.wiring import install_thermometer

        self.desk, reveal = install_desk(self)
        self.reveal_actions = (reveal,)
        # The screening desk is the station's main screen; these names keep callers short.
        self.form = self.desk.form
        self.today = self.desk.today
        self.desk.saved.connect(self.saved)
        self.desk.day_loaded.connect(self.day_loaded)
        self.devices = install_thermometer(self, self.form)
        self.card_reader = install_card_reader(self, self.form)

    def _load_pharmacy(self) -> None:
        # Loaded now, used by the next step.
        from ui.desk.pharmacy import referral, screen  # noqa: F401

    def _build_pharmacy(self) -> None:
        from ui.desk.pharmacy.wiring import install_pharmacy

        self.pharmacy, self.pharmacy_referral, reveal = install_pharmacy(self)
        self.reveal_actions = (*self.reveal_actions, reveal)

    def _build_people_and_reports(self) -> None:
        """Find a person, the Reports tab and its strip and figures, "record result", the report cards."""
        from ui.desk.people.wiring import install_people
        from ui.desk.report_cards.wiring import install_report_cards
        from ui.desk.reports.wiring import install_reports
        from ui.desk.screening.wiring import install_followups

        self.people = install_people(self)
        reports = install_reports(self)
        self.reports, self.report_reminder = reports.screen, reports.reminder
        self.report_banner, self.glance = reports.banner, reports.glance
        install_followups(self, self.desk, self.people)
        self.cards = install_report_cards(self)

    def _build_rest(self) -> None:
        """Slips, the administrators' screens and Purge, the shared server's state."""
        from ui.desk.admin.wiring import install_admin
        from ui.desk.slips.wiring import install_slips
        from ui.desk.widgets.server_status import install_server_status

        self.slip_panel, self.verify_screen = install_slips(self, self.desk)
        self.admin = install_admin(self)
        self.audit_screen, self.users_screen = self.admin.audit_screen, self.admin.users_screen
        self.purge = self.admin.purge
        self.server_status = install_server_status(self, self.worker)

    def _build_observation(self) -> None:
        """The 14-day observation register (its tab, F4) and F6 on both counters to register someone."""
        from ui.desk.observation.wiring import install_observation

        self.observation, self.observation_hooks, self.observation_action = install_observation(
            self, self.desk, self.pharmacy
        )

    def _build_county(self) -> None:
        """The county's view (its tab for the county role) and sending the reports to the county."""
        from ui.desk.county.wiring import install_county

        self.county, self.county_sender = install_county(self, self.reports)

    def _finish_screens(self) -> None:
        from ui.desk.counters import Counters

        self.counters = Counters(
            self.tabs,
            self.desk,
            self.pharmacy,
            self.people,
            self.reports,
            self.observation,
            self.county,
            self.devices,
            self.card_reader,
        )
        # Shortcuts only now: the window is covered until the login anyway, and PySide6 creates the whole
        # ``Qt`` namespace (~12 ms) on the first setShortcut.
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.new_action.setShortcut(QKeySequence("F2"))
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.tabs.currentChanged.connect(self.counters.screen_changed)
        self.tabs.setCurrentWidget(self.pharmacy if self.settings.station_mode == "pharmacy" else self.desk)
        self.counters.screen_changed()  # the thermometer and the focus follow the home form
        self.retranslate()
        self.screens_ready.emit()

    # ---- chrome -------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        """Screens add their own actions (measure, purge) when they are built."""
        bar = self.menuBar()
        self.station_menu = bar.addMenu("")
        self.settings_action = QAction(self)
        self.settings_action.triggered.connect(self.open_settings)
        self.new_action = QAction(self)
        self.new_action.triggered.connect(self._next_patient)
        self.find_action = QAction(self)
        self.find_action.triggered.connect(self._find)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.close)
        for action in (self.new_action, self.find_action, self.settings_action, self.quit_action):
            self.station_menu.addAction(action)
        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.help_menu.addAction(self.about_action)

    def apply_operator(self, operator: Operator) -> None:
        """After a login: records carry this operator, and the tabs follow what the role may do."""
        from fever_desk.privacy import Permission, Permissions

        self.ensure_screens()
        self.station.operator = operator
        # One identity: the account's user name, the name the worker's audit actor got at login (the
        # operations stamp records with that actor); settings.operator only mirrors it for display.
        self.station.settings.operator = operator.username
        permissions = Permissions.for_role(operator.role)
        self.admin.apply(permissions)
        self.settings_action.setVisible(permissions.allows(Permission.CONFIGURE))
        self.tabs.setCurrentWidget(self.counters.show_for(permissions, self.settings))
        self.counters.screen_changed()  # the nurse types the first name straight away
        self.retranslate()

    def _settings_changed_counters(self) -> None:
        """A new station mode shows or hides counters at once (``ui/desk/counters.py``)."""
        from fever_desk.privacy import Permissions

        if not self.has_screens or self.station.operator is None:
            return
        self.counters.mode_changed(Permissions.for_role(self.station.operator.role), self.settings)

    def _next_patient(self) -> None:
        if self.has_screens:  # the menu's shortcuts do nothing until the screens exist (behind the login)
            self.counters.next_patient()

    def _find(self) -> None:
        if self.has_screens:
            self.counters.find()

    def retranslate(self) -> None:
        s = self.settings
        title = tr("fever_desk pre-screening")
        if s.station_name:
            title = f"{title} — {s.station_name}"
        self.setWindowTitle(title)
        self.station_menu.setTitle(tr("&Station"))
        self.settings_action.setText(tr("&Settings…"))
        self.new_action.setText(tr("&Next patient (clear form)"))
        self.find_action.setText(tr("&Find in today's list"))
        self.quit_action.setText(tr("&Quit"))
        self.help_menu.setTitle(tr("&Help"))
        self.about_action.setText(tr("&About"))
        self.status.show_state(self.has_screens)
        if not self.has_screens:
            return
        for retranslate_feature in self._retranslators:
            retranslate_feature()
        for index in range(self.tabs.count()):
            retranslate = getattr(self.tabs.widget(index), "retranslate", None)
            if callable(retranslate):
                retranslate()

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _db_state_changed(self, ready: bool) -> None:
        if ready:
            self.status.show_state(self.has_screens)
        else:
            self.status.show_no_database()

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, tr("About"), tr("fever_desk version {version}", version=__version__))

    # ---- settings -----------------------------------------------------------------------------------
    def may_configure(self) -> bool:
        from ui.desk.admin.settings_access import may_configure

        return may_configure(self.station)

    def open_settings(self) -> None:
        from ui.desk.admin.settings_access import open_settings

        open_settings(self, self.station)

    def open_device_settings(self) -> None:
        from ui.desk.admin.settings_access import open_settings

        open_settings(self, self.station, devices_only=True)

    def apply_settings(self, new: Settings) -> None:
        self.station.update_settings(new)

    # ---- lifecycle ----------------------------------------------------------------------------------
    def _worker_busy_changed(self, busy: bool) -> None:
        self._worker_busy = busy
        if not busy and self._close_when_idle:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._worker_busy:
            # A save may be waiting on a silent server (up to db.deadline's few seconds).  Joining the
            # worker here froze the window for that long; instead it keeps answering, says why it is
            # still open, and closes by itself once the work in hand is done (a queued save is kept).
            self._close_when_idle = True
            self.show_banner(tr("Closing as soon as the save in progress is finished…"))
            event.ignore()
            return
        while self._stoppers:  # the threads and timers of the screens built so far, newest first
            self._stoppers.pop()()
        self.worker.stop()
        super().closeEvent(event)
