"""The station's main window: the screening form beside today's list.

The window only arranges screens and routes their requests to the database worker; the form, the list
and the settings dialog each live in their own module.  Saving never blocks the GUI: the form keeps its
contents until the worker confirms the save, so a failed save loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QScrollArea, QSplitter, QVBoxLayout, QWidget

from fever_desk import __version__
from fever_desk.guidelines import get_guideline
from fever_desk.i18n import set_language, tr
from fever_desk.model import Screening
from fever_desk.settings import Settings, save_settings
from fever_desk.triage import FeverRule
from ui import operations
from ui.screens.screening_form import ScreeningForm
from ui.screens.today_list import TodayList
from ui.workers import Worker


def fever_rule(settings: Settings) -> FeverRule:
    return FeverRule(settings.fever_threshold_c, settings.fever_threshold_inclusive)


class MainWindow(QMainWindow):
    shown = Signal()
    saved = Signal(object)
    day_loaded = Signal()

    def __init__(
        self,
        settings: Settings,
        settings_path: Path,
        worker: Worker,
        describe_error: Callable[[BaseException], str],
    ):
        super().__init__()
        self.settings = settings
        self.settings_path = settings_path
        self.worker = worker
        self.describe_error = describe_error
        self.db_ready = False
        self._saving = False
        self._search = ""
        self.setObjectName("main_window")
        self.resize(1280, 860)

        central = QWidget(self)
        outer = QVBoxLayout(central)
        self.banner = QLabel(central)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fde7ea; color: #b00020; padding: 8px; font-weight: bold;")
        self.banner.hide()
        outer.addWidget(self.banner)
        splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.form = ScreeningForm(get_guideline(settings.guideline_id), fever_rule(settings))
        scroll = QScrollArea(splitter)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.today = TodayList(right)
        right_layout.addWidget(self.form.outcome)
        right_layout.addWidget(self.today, 1)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.status = QLabel(self)
        self.statusBar().addWidget(self.status, 1)

        self._build_menus()
        self.form.save_requested.connect(self._save)
        self.today.search_changed.connect(self._search_changed)
        self.today.open_requested.connect(self.form.load_for_correction)
        worker.context_ready.connect(self._db_ready)
        worker.context_failed.connect(self._db_failed)
        self.retranslate()
        self.form.name.setFocus()

    # ---- chrome -------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.station_menu = bar.addMenu("")
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Comma))
        self.settings_action.triggered.connect(self.open_settings)
        self.new_action = QAction(self)
        self.new_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.new_action.triggered.connect(self.form.clear)
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(lambda: self.today.search.setFocus())
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (self.new_action, self.find_action, self.settings_action, self.quit_action):
            self.station_menu.addAction(action)
        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.help_menu.addAction(self.about_action)

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
        self.form.retranslate()
        self.today.retranslate()
        self._update_status()

    def _update_status(self) -> None:
        guideline = get_guideline(self.settings.guideline_id)
        state = tr("database ready") if self.db_ready else tr("opening the database…")
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

    def _about(self) -> None:
        QMessageBox.about(self, tr("About"), tr("fever_desk version {version}", version=__version__))

    # ---- database -----------------------------------------------------------------------------------
    def _db_ready(self) -> None:
        self.db_ready = True
        self._update_status()
        self.refresh_day()

    def _db_failed(self, error: BaseException) -> None:
        self.db_ready = False
        self.show_banner(self.describe_error(error))
        self.status.setText(tr("No database: nothing can be saved until this is fixed."))

    def refresh_day(self) -> None:
        if not self.db_ready:
            return
        search = self._search
        self.worker.submit(
            lambda ctx: operations.load_day(ctx, date.today(), search),
            self._day_loaded,
            self._background_failed,
        )

    def _day_loaded(self, view: operations.DayView) -> None:
        self.today.set_rows(view.rows)
        self.today.set_counts(view.counts)
        self.day_loaded.emit()

    def _search_changed(self, text: str) -> None:
        self._search = text
        self.refresh_day()

    def _background_failed(self, error: BaseException) -> None:
        self.show_banner(self.describe_error(error))

    def _save(self, screening: Screening) -> None:
        if self._saving:
            return
        if not self.db_ready:
            self.form.show_errors(
                {"questions": tr("The database is not open yet; the form keeps what you typed.")}
            )
            return
        self._saving = True
        screening.station_id = screening.station_id or self.settings.station_id
        operator = self.settings.operator
        if self.form.editing is not None:
            reason = self.form.correction_reason.text().strip()
            self.worker.submit(
                lambda ctx: operations.correct_screening(ctx, screening, operator, reason),
                self._saved,
                self._save_failed,
            )
        else:
            screening.operator = operator
            self.worker.submit(
                lambda ctx: operations.save_screening(ctx, screening), self._saved, self._save_failed
            )

    def _saved(self, screening: Screening) -> None:
        self._saving = False
        self.show_banner("")
        self.form.saved()
        self.saved.emit(screening)
        self.refresh_day()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.show_banner(
            tr(
                "Not saved: {problem} The form still holds everything typed.",
                problem=self.describe_error(error),
            )
        )

    # ---- settings -----------------------------------------------------------------------------------
    def open_settings(self) -> None:
        from ui.screens.settings_dialog import SettingsDialog  # loaded when first needed, not at start-up

        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.result_settings()))
        dialog.open()

    def apply_settings(self, new: Settings) -> None:
        old = self.settings
        save_settings(new, self.settings_path)
        self.settings = new
        set_language(new.language)
        if new.guideline_id != old.guideline_id:
            self.form.set_guideline(get_guideline(new.guideline_id))
        self.form.fever_rule = fever_rule(new)
        self.retranslate()
        self.form.refresh_outcome()

    # ---- lifecycle ----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.worker.stop()
        super().closeEvent(event)
