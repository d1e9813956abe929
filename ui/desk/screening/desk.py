"""The pre-screening screen: the form, the outcome, and today's list, with the save flow between them.

Saving goes through the database worker; the form keeps what was typed until the worker confirms, so a
failed save loses nothing.  The save is an operation run through ``Station.perform``: what it stored is
broadcast (``Station.changed``), today's list inserts that row and asks the database for the day's
figures (``ui.desk.widgets.day_list``), and every other screen that shows screenings refreshes itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from fever_desk.day_lines import ScreeningLine
from fever_desk.guidelines import get_guideline
from fever_desk.i18n import tr
from fever_desk.model import Screening
from fever_desk.settings import Settings
from ui.desk.screening.form import ScreeningForm
from ui.desk.screening.steady import SteadySplitter
from ui.desk.screening.today_list import TodayList
from ui.desk.station import Station
from ui.desk.widgets.day_list import DayListLoader
from ui.services import screening as operations


class ScreeningDesk(QWidget):
    saved = Signal(object)
    day_loaded = Signal()

    def __init__(self, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.station = station
        self._saving = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = SteadySplitter(Qt.Orientation.Horizontal, self)  # a key does not relayout the window
        settings = station.settings
        self.form = ScreeningForm(get_guideline(settings.guideline_id), station.fever_rule)
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
        layout.addWidget(splitter)
        self.form.save_requested.connect(self.save)
        self.today.row_opened.connect(self.open_row)
        self.today.open_requested.connect(self.form.load_for_correction)
        # Other counters' patients appear within seconds: a cheap change probe, a full reload only on change.
        self.day = DayListLoader(
            station,
            self.today,
            operations.load_day,
            self,
            count=operations.load_day_counts,
            kind="screenings",
            record_type=Screening,
            screen=self,
        )
        self.live = self.day.live
        self.day.loaded.connect(self.day_loaded)
        station.settings_changed.connect(self._settings_changed)

    def retranslate(self) -> None:
        self.form.retranslate()
        self.today.retranslate()

    def _settings_changed(self, old: Settings) -> None:
        new = self.station.settings
        if new.guideline_id != old.guideline_id:
            self.form.set_guideline(get_guideline(new.guideline_id))
        self.form.fever_rule = self.station.fever_rule
        self.form.refresh_outcome()

    # ---- today's list -------------------------------------------------------------------------------
    def refresh_day(self) -> None:
        self.day.refresh()

    def open_row(self, line: ScreeningLine) -> None:
        """Load the whole screening behind a list row on the worker, then open it (``open_requested``):
        the list holds only what it shows.  A record gone meanwhile is explained and the list reloaded."""
        if not self.station.db_ready:
            return
        sid = line.id

        def failed(error: BaseException) -> None:
            self.station.report(error, tr("The record could not be opened: {problem}"))
            self.day.refresh()

        self.station.worker.submit(
            lambda ctx: operations.get_screening(ctx, sid), self.today.open_requested.emit, failed
        )

    # ---- saving -------------------------------------------------------------------------------------
    def save(self, screening: Screening) -> None:
        if self._saving:
            return
        if not self.station.db_ready:
            self.form.show_errors(
                {"questions": tr("The database is not open yet; the form keeps what you typed.")}
            )
            return
        self._saving = True
        self.form.typed_since.press()  # what is typed from now on is not this record's: keep it
        settings = self.station.settings
        screening.station_id = screening.station_id or settings.station_id
        operator = settings.operator
        if self.form.editing is not None:
            reason = self.form.correction_reason.text().strip()
            self.station.perform(
                lambda ctx: operations.correct_screening(ctx, screening, operator, reason),
                self._created,
                self._save_failed,
                initiator=self,
            )
        else:
            screening.operator = operator
            self.station.perform(
                lambda ctx: operations.save_screening(ctx, screening),
                self._created,
                self._save_failed,
                initiator=self,
            )

    def _created(self, result: operations.ScreeningSaved) -> None:
        self._saved(result.screening, queued=result.queued)

    def _saved(self, screening: Screening, *, queued: bool = False) -> None:
        """``queued``: kept on this counter while the server is away; the nurse is told it is saved."""
        self._saving = False
        self.station.problem.emit("")
        self.form.saved(screening, queued=queued)
        self.saved.emit(screening)  # then Station.changed: the list inserts the row (widgets.day_list)

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.form.typed_since.forget()  # the form still holds everything, typed before and after
        self.station.report(error, tr("Not saved: {problem} The form still holds everything typed."))
