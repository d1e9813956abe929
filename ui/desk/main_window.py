"""The station's main window: a thin shell of menus, a banner, a status bar and one tab per screen.

Each screen lives in its own module and talks to the database through the shared ``Station``; the
window only arranges them, routes the menu shortcuts, and reports problems in one place.

At start-up the nurse first sees this window covered by the login dialog, and the database opens on the
worker meanwhile.  So the shell comes up on its own and the screens are built behind the dialog, one per
event-loop turn (:meth:`MainWindow.build_screens_in_steps`): the login dialog answers keys between steps,
and everything is ready long before a password is typed.  Anything that needs the screens first calls
:meth:`MainWindow.ensure_screens`.  Tests and tools that build the window directly get it complete.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from fever_desk import __version__
from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QCloseEvent

    from fever_desk.accounts import Operator
    from fever_desk.privacy import Permissions

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
        self._steps = [
            self._load_rules,
            self._load_desk,
            self._build_desk,
            self._load_pharmacy,
            self._build_pharmacy,
            self._build_people_and_reports,
            self._build_rest,
            self._build_observation,
            self._build_county,
        ]
        self._built = False
        self._stoppers: list[Callable[[], None]] = []
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
        self.status = QLabel(self)
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
        return self._built

    def add_screen(self, widget: QWidget, title: str) -> int:
        return self.tabs.addTab(widget, title)

    # ---- building the screens -----------------------------------------------------------------------
    def build_screens_in_steps(self) -> None:
        """Build one screen per event-loop turn, so the login dialog in front keeps answering keys."""

        def step() -> None:
            if self._built:
                return  # ensure_screens() finished the job in between
            try:
                self._steps.pop(0)()
            except Exception as exc:  # noqa: BLE001 - any failure here ends the start, with its traceback
                # A screen that cannot be built is a defect, not something a nurse can fix: fail the
                # start loudly (traceback in the log file, a dialog naming it; ui.desk.runtime.startup).
                from ui.desk.runtime.startup import report_fatal

                QApplication.exit(report_fatal(exc))
                return
            if self._steps:
                QTimer.singleShot(0, step)
            else:
                self._finish_screens()

        QTimer.singleShot(0, step)

    def ensure_screens(self) -> None:
        """Build whatever is still missing, now (a login faster than the steps, a direct construction)."""
        if self._built:
            return
        while self._steps:
            self._steps.pop(0)()
        self._finish_screens()

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
        from ui.desk.idcard.controller import CardReaderController
        from ui.desk.screening.desk import ScreeningDesk
        from ui.desk.thermometer.controller import DeviceController
        from ui.desk.widgets.reveal import install_reveal_action

        self.desk = ScreeningDesk(self.station, self.tabs)
        self.tabs.insertTab(0, self.desk, tr("Pre-screening"))
        # The screening desk is the station's main screen; these names keep callers short.
        self.form = self.desk.form
        self.today = self.desk.today
        self.desk.saved.connect(self.saved)
        self.desk.day_loaded.connect(self.day_loaded)
        # The thermometer: started once the screens exist; status is text, never a dialog.
        self.devices = DeviceController(self.form, self)
        self.statusBar().addPermanentWidget(self.devices.status_widget)
        self.devices.settings_requested.connect(self.open_device_settings)
        self.station.settings_changed.connect(lambda _old: self.devices.apply_settings(self.settings))
        self.station_menu.insertAction(self.find_action, self.devices.measure_action)
        self._stoppers.append(self.devices.stop)
        # The ID card reader, beside the thermometer: a card fills the form in front (ui/desk/idcard).
        self.card_reader = CardReaderController(self.station, self)
        self.card_reader.form = self.form
        self.statusBar().addPermanentWidget(self.card_reader.status_widget)
        self.card_reader.settings_requested.connect(self.open_settings)  # Settings → Devices
        self.station.settings_changed.connect(lambda _old: self.card_reader.apply_settings(self.settings))
        self.station_menu.insertAction(self.find_action, self.card_reader.present_action)
        self._stoppers.append(self.card_reader.stop)
        # Lists show masked IDs; a role that may see the full number asks for it, and that is logged.
        self.reveal_actions = (install_reveal_action(self.today.table, self.station, self._screening_id_at),)

    def _load_pharmacy(self) -> None:
        # Loaded now, used by the next step.
        from ui.desk.pharmacy import referral, screen  # noqa: F401

    def _build_pharmacy(self) -> None:
        from ui.desk.pharmacy.referral import PharmacyReferral
        from ui.desk.pharmacy.screen import PharmacyScreen
        from ui.desk.widgets.reveal import install_reveal_action

        self.pharmacy = PharmacyScreen(self.station, self.tabs)
        self.tabs.addTab(self.pharmacy, "")
        self.pharmacy_referral = PharmacyReferral(self.station, self.pharmacy)
        self._stoppers.append(self.pharmacy_referral.stop)
        self.reveal_actions = (
            *self.reveal_actions,
            install_reveal_action(self.pharmacy.today.table, self.station, self._purchase_id_at),
        )

    def _build_people_and_reports(self) -> None:
        """Find a person, the Reports tab, today's figures in the status bar, "record result" on rows."""
        from ui.desk.people.person_search import PersonSearch
        from ui.desk.reports.glance import ReportGlance
        from ui.desk.reports.reminder import ReminderBanner, ReportReminder
        from ui.desk.reports.screen import ReportsScreen
        from ui.desk.screening.followup_dialog import install_followup_action, install_on_person_search

        self.people = PersonSearch(self.station, self.tabs)
        self.tabs.addTab(self.people, "")
        # The daily-report reminder: a quiet strip above the tabs, never a dialog.
        self.report_reminder = ReportReminder(self.station, parent=self)
        self.report_banner = ReminderBanner(self.report_reminder, self.centralWidget())
        self._outer.insertWidget(1, self.report_banner)
        self.reports = ReportsScreen(self.station, self.tabs)
        self.tabs.addTab(self.reports, "")
        self.glance = ReportGlance(self.station, self)
        self.statusBar().addPermanentWidget(self.glance)

        def show_reports() -> None:
            self.tabs.setCurrentWidget(self.reports)

        self.glance.clicked.connect(show_reports)
        self.report_banner.open_reports.connect(show_reports)
        # No refresh wiring here: every save, result and revision is broadcast (Station.changed) and the
        # lists, the glance, the reports and the reminder each refresh themselves.
        install_followup_action(
            self.today.table, self.station, lambda index: self.today.model.rows[index.row()]
        )
        install_on_person_search(self.people, self.station)
        self.report_reminder.start()
        self._stoppers.append(self.report_reminder.stop)
        # The report cards' 2-hour clock: a strip above the tabs for everyone, its menu before Help.
        from ui.desk.report_cards.desk import CardDesk

        self.cards = CardDesk(self.station, self, self.centralWidget())
        self._outer.insertWidget(1, self.cards.strip)
        self.menuBar().insertMenu(self.help_menu.menuAction(), self.cards.menu)
        self.cards.start()
        self._stoppers.append(self.cards.stop)

    def _build_rest(self) -> None:
        from ui.desk.admin.audit_browser import AuditBrowser
        from ui.desk.admin.purge_action import PurgeAction
        from ui.desk.admin.users_admin import UsersAdmin
        from ui.desk.slips.panel import SlipPanel
        from ui.desk.slips.verify_slip import VerifySlipScreen
        from ui.desk.widgets.server_status import ServerStatus

        self.slip_panel = SlipPanel(self.station)
        self.slip_panel.attach(self.desk)
        self.verify_screen = VerifySlipScreen(self.station)
        self._stoppers += [self.slip_panel.stop, self.verify_screen.stop]
        self.tabs.addTab(self.verify_screen, "")
        # Administrators' screens: built now, shown as tabs only for a role that may use them.
        self.audit_screen = AuditBrowser(self.station, self.tabs)
        self.users_screen = UsersAdmin(self.station, self.tabs)
        self.audit_screen.hide()
        self.users_screen.hide()
        self.purge = PurgeAction(self.station, self)
        self.station_menu.insertAction(self.new_action, self.purge.action)
        self.server_status = ServerStatus(self)
        self.statusBar().addPermanentWidget(self.server_status)
        if self.worker.context is not None:
            self.server_status.attach(getattr(self.worker.context, "store", None))
        else:
            self.worker.context_ready.connect(
                lambda: self.server_status.attach(getattr(self.worker.context, "store", None))
            )

    def _build_observation(self) -> None:
        """The 14-day observation register (its tab, F4) and F6 on both counters to register someone."""
        from ui.desk.observation.from_counters import install_on_desk, install_on_pharmacy
        from ui.desk.observation.screen import ObservationScreen

        self.observation = ObservationScreen(self.station, self.tabs)
        self.tabs.addTab(self.observation, "")
        self._stoppers.append(self.observation.stop)
        self.observation_hooks = (
            install_on_desk(self.station, self.desk),
            install_on_pharmacy(self.station, self.pharmacy),
        )
        self.observation_action = QAction(self)
        self.observation_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.observation))
        self.addAction(self.observation_action)
        self.station_menu.insertAction(self.settings_action, self.observation_action)

    def _build_county(self) -> None:
        """The county's view (its tab for the county role) and sending the reports to the county."""
        from ui.desk.county.screen import CountyScreen
        from ui.desk.county.sending import CountySender

        self.county = CountyScreen(self.station, self.tabs)
        self.tabs.addTab(self.county, "")
        self.county_sender = CountySender(self.station, self.reports)
        self.county_sender.start()
        self._stoppers.append(self.county_sender.stop)

    def _finish_screens(self) -> None:
        self._built = True
        # Shortcuts only now: the window is covered until the login anyway, and PySide6 creates the whole
        # ``Qt`` namespace (~12 ms) on the first setShortcut.
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.new_action.setShortcut(QKeySequence("F2"))
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.observation_action.setShortcut(QKeySequence("F4"))
        self.tabs.currentChanged.connect(self._screen_changed)
        self.tabs.setCurrentWidget(self.pharmacy if self.settings.station_mode == "pharmacy" else self.desk)
        self._screen_changed(self.tabs.currentIndex())  # the thermometer and the focus follow the home form
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

    def _screening_id_at(self, index: QModelIndex) -> tuple[str, str, Callable[[Any], str]] | None:
        """The list row's record; its full number is read on the worker (the list holds it masked)."""
        from ui.services.screening import get_screening

        rows = self.today.model.rows
        if not 0 <= index.row() < len(rows) or not rows[index.row()].id_masked:
            return None
        sid = rows[index.row()].id
        return ("screening", str(sid), lambda ctx: get_screening(ctx, sid).person.id_number)

    def _purchase_id_at(self, index: QModelIndex) -> tuple[str, str, Callable[[Any], str]] | None:
        from ui.services.pharmacy import get_purchase

        rows = self.pharmacy.today.rows
        if not 0 <= index.row() < len(rows) or not rows[index.row()].id_masked:
            return None
        pid = rows[index.row()].id
        return ("purchase", str(pid), lambda ctx: get_purchase(ctx, pid).purchaser.id_number)

    def apply_operator(self, operator: Operator) -> None:
        """After a login: records carry this operator, and the tabs follow what the role may do."""
        from fever_desk.privacy import Permission, Permissions

        self.ensure_screens()
        self.station.operator = operator
        # One identity: the account's user name, the name the worker's audit actor got at login (the
        # operations stamp records with that actor); settings.operator only mirrors it for display.
        self.station.settings.operator = operator.username
        permissions = Permissions.for_role(operator.role)
        for screen, permission in (
            (self.audit_screen, Permission.BROWSE_AUDIT),
            (self.users_screen, Permission.MANAGE_USERS),
        ):
            index = self.tabs.indexOf(screen)
            if permissions.allows(permission) and index < 0:
                self.tabs.addTab(screen, "")
                screen.refresh()
            elif not permissions.allows(permission) and index >= 0:
                self.tabs.removeTab(index)
        self.purge.action.setVisible(permissions.allows(Permission.PURGE))
        self.settings_action.setVisible(permissions.allows(Permission.CONFIGURE))
        self.tabs.setCurrentWidget(self._show_counters(permissions))
        self._screen_changed(self.tabs.currentIndex())  # the nurse types the first name straight away
        self.retranslate()

    def _show_counters(self, permissions: Permissions) -> QWidget:
        """Show the counter tabs the role and the station mode allow; returns the operator's home tab.

        Nobody sees more than the role needs, and a station set up as a desk or a pharmacy shows only
        that counter (``fever_desk.station_setup.counters_shown``) — but never none: a role the mode
        leaves without a counter keeps its own.
        """
        from fever_desk.privacy import Permission
        from fever_desk.station_setup import counters_shown

        may_screen, may_sell = permissions.allows(Permission.SCREEN), permissions.allows(Permission.PHARMACY)
        desk_mode, pharmacy_mode = counters_shown(self.settings)
        desk, pharmacy = may_screen and desk_mode, may_sell and pharmacy_mode
        if not (desk or pharmacy):
            desk, pharmacy = may_screen, may_sell
        counters = (
            (self.desk, desk),
            (self.pharmacy, pharmacy),
            (self.people, may_screen or may_sell),
            (self.reports, permissions.allows(Permission.REPORT)),
            (self.observation, permissions.allows(Permission.OBSERVE)),
            (self.county, permissions.allows(Permission.COUNTY)),
        )
        for screen, allowed in counters:
            self.tabs.setTabVisible(self.tabs.indexOf(screen), allowed)
        if not (desk or pharmacy) and permissions.allows(Permission.COUNTY):
            return self.county  # the county's user: no counter, the county's view
        return (
            self.pharmacy
            if pharmacy and (not desk or self.settings.station_mode == "pharmacy")
            else self.desk
        )

    def _settings_changed_counters(self) -> None:
        """A new station mode shows or hides counters at once; the operator stays on a tab still shown."""
        from fever_desk.privacy import Permissions

        if not self._built or self.station.operator is None:
            return
        home = self._show_counters(Permissions.for_role(self.station.operator.role))
        if not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentWidget(home)

    def _screen_changed(self, _index: int) -> None:
        """The thermometer fills the temperature of whichever counter form is in front of the user."""
        screen = self.tabs.currentWidget()
        form = getattr(screen, "form", None)
        if form is not None and hasattr(form, "set_device_reading"):
            self.devices.form = form
            self.card_reader.form = form
        first = getattr(form, "name", None) or getattr(screen, "search", None)
        if isinstance(first, QWidget):
            first.setFocus()

    def _next_patient(self) -> None:
        if not self._built:
            return  # the menu's shortcuts do nothing until the screens exist (behind the login)
        screen = self.tabs.currentWidget()
        if screen is self.pharmacy or not self.tabs.isTabVisible(self.tabs.indexOf(self.desk)):
            self.tabs.setCurrentWidget(self.pharmacy)
            self.pharmacy.next_record()
            return
        self.tabs.setCurrentWidget(self.desk)
        self.form.clear()

    def _find(self) -> None:
        if not self._built:
            return
        screen = self.tabs.currentWidget()
        if screen is self.pharmacy or not self.tabs.isTabVisible(self.tabs.indexOf(self.desk)):
            self.tabs.setCurrentWidget(self.pharmacy)
            self.pharmacy.find()
            return
        if screen is not self.people:
            self.tabs.setCurrentWidget(self.desk)
            self.today.search.setFocus()

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
        self._update_status()
        if not self._built:
            return
        self.tabs.setTabText(self.tabs.indexOf(self.desk), tr("Pre-screening"))
        self.tabs.setTabText(self.tabs.indexOf(self.pharmacy), tr("Pharmacy register"))
        self.tabs.setTabText(self.tabs.indexOf(self.people), tr("Find a person"))
        self.tabs.setTabText(self.tabs.indexOf(self.reports), tr("Reports"))
        self.tabs.setTabText(self.tabs.indexOf(self.observation), self.observation.title())
        self.tabs.setTabText(self.tabs.indexOf(self.county), tr("County"))
        self.observation_action.setText(tr("&Observation register"))
        for hook in self.observation_hooks:
            hook.retranslate()
        self.report_banner.retranslate()
        self.cards.retranslate()
        self.glance.retranslate()
        self.tabs.setTabText(self.tabs.indexOf(self.verify_screen), tr("Verify slip"))
        self.slip_panel.retranslate()
        self.purge.retranslate()
        self.server_status.retranslate()
        self.tabs.setTabText(self.tabs.indexOf(self.audit_screen), tr("Audit trail"))
        self.tabs.setTabText(self.tabs.indexOf(self.users_screen), tr("Operators"))
        self.pharmacy_referral.retranslate()
        self.devices.retranslate()
        self.card_reader.retranslate()
        for index in range(self.tabs.count()):
            retranslate = getattr(self.tabs.widget(index), "retranslate", None)
            if callable(retranslate):
                retranslate()

    def _update_status(self) -> None:
        state = tr("database ready") if self.db_ready else tr("opening the database…")
        if not self._built:
            self.status.setText(state)  # the guideline is read with the desk, behind the login dialog
            return
        from fever_desk.guidelines import get_guideline

        guideline = get_guideline(self.settings.guideline_id)
        sign = "≥" if self.settings.fever_threshold_inclusive else ">"
        self.status.setText(
            tr(
                "{guideline} · fever {sign} {threshold} °C · nurse: {operator} · {state}",
                guideline=guideline.label(self.settings.language),
                sign=sign,
                threshold=f"{self.settings.fever_threshold_c:.1f}",
                operator=self.settings.operator or tr("(not set)"),
                state=state,
            )
        )

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _db_state_changed(self, ready: bool) -> None:
        if ready:
            self._update_status()
        else:
            self.status.setText(tr("No database: nothing can be saved until this is fixed."))

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, tr("About"), tr("fever_desk version {version}", version=__version__))

    # ---- settings -----------------------------------------------------------------------------------
    def may_configure(self) -> bool:
        """Station settings are the administrator's; nobody logged in may change nothing."""
        from fever_desk.privacy import Permission, Permissions

        operator = self.station.operator
        return operator is not None and Permissions.for_role(operator.role).allows(Permission.CONFIGURE)

    def _refuse_configure(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(
            self,
            tr("Settings"),
            tr("Only an administrator can change the station's settings; ask yours to log in."),
        )

    def open_settings(self) -> None:
        if not self.may_configure():
            self._refuse_configure()
            return
        from ui.desk.admin.settings_dialog import SettingsDialog  # loaded when first needed, not at start-up

        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.result_settings()))
        dialog.open()

    def open_device_settings(self) -> None:
        if not self.may_configure():
            self._refuse_configure()
            return
        from ui.desk.thermometer.settings import DeviceSettingsDialog

        dialog = DeviceSettingsDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.result_settings()))
        dialog.open()

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
