"""One person's 14-day grid: days 1–14 × morning/afternoon, the entry for the chosen half-day, the
corrections kept, and the referral at the first fever or symptom.

Keyboard: the grid opens on the current half-day with the focus in the temperature; Enter saves and
returns to the grid, where the arrows move and Enter starts writing the chosen half-day again.  A filled
half-day opens as a correction (a reason is required; the earlier value stays listed under "Earlier
values").  A fever or symptom turns the strip red and F10 refers the person: the operation stores the
referral as a screening (fever clinic), and the same slip panel as the desk prints it (Ctrl+P) or saves
it as PDF (Alt+F).  Esc goes back to the worklist.  Loading and saving run on the database worker.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import current_language, tr
from fever_desk.identity import mask_id, mask_phone
from fever_desk.model import Screening
from fever_desk.observation.model import (
    KIND_LABELS,
    SETTING_LABELS,
    STATUS_LABELS,
    Cell,
    CellEntry,
    Slot,
    Status,
)
from fever_desk.observation.rules import can_record, day_one, local_slot, planned_release
from fever_desk.triage import disposition_label
from ui.desk.observation.cell_entry import CellEntryForm
from ui.desk.observation.grid_model import GridModel, Index, describe
from ui.desk.slips.panel import SlipPanel
from ui.desk.station import Station
from ui.desk.widgets.inputs import set_style
from ui.services import observation as ops

#: How long the status bar says a half-day was kept on this counter (ms), as for a result received back.
QUEUED_NOTE_MS = 15_000


class GridScreen(QWidget):
    """Shows one person's file; ``back_requested`` when the user leaves it (Esc)."""

    back_requested = Signal()
    referred = Signal(object)  # ops.Referred

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.observation_id: uuid.UUID | None = None
        self.alert_pending = False
        # half-days being saved: what was typed (and the cell corrected), brought back on a failure
        self._resetting = False
        self._in_flight: dict[tuple[date, Slot], tuple[CellEntry, str, Cell | None]] = {}
        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setObjectName("grid_header")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.model = GridModel()
        self.table = QTableView(self)
        self.table.setObjectName("grid_table")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.entry.start())
        body.addWidget(self.table, 3)
        side = QVBoxLayout()
        body.addLayout(side, 2)
        self.entry = CellEntryForm(self)
        side.addWidget(self.entry)
        self.history_title = QLabel(self)
        side.addWidget(self.history_title)
        self.history = QListWidget(self)
        self.history.setObjectName("grid_history")
        self.history.setMaximumHeight(110)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        side.addWidget(self.history)
        self.alert = QLabel(self)
        self.alert.setObjectName("grid_alert")
        self.alert.setWordWrap(True)
        set_style(self.alert, "background: #fde7ea; color: #b00020; padding: 6px; font-weight: bold;")
        self.alert.hide()
        side.addWidget(self.alert)
        self.refer_button = QPushButton(self)
        self.refer_button.setObjectName("grid_refer")
        self.refer_button.clicked.connect(self.refer)
        self.refer_button.hide()
        side.addWidget(self.refer_button)
        self.slip_panel = SlipPanel(station)
        side.addWidget(self.slip_panel)
        self.slip_panel.hide()
        side.addStretch(1)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        self.entry.save_requested.connect(self.save)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence(Qt.Key.Key_F10), self, self.refer, context=context)
        QShortcut(QKeySequence.StandardKey.Print, self, self.slip_panel.print_slip, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back_requested.emit, context=context)
        self.retranslate()

    def stop(self) -> None:
        self.slip_panel.stop()

    # ---- loading ------------------------------------------------------------------------------------
    def await_person(self) -> None:
        """The person is not known yet (the worklist is loading): the temperature already takes keys."""
        self.observation_id = None
        self.slip_panel.hide()
        self.model.set_file(None)
        self.entry.await_load()

    def open(self, observation_id: uuid.UUID) -> None:
        """Load the person's file on the worker; the grid then selects the current half-day."""
        if self.observation_id != observation_id:
            self.slip_panel.hide()
            self.slip_panel.screening = None
            self.model.set_file(None)
            self.entry.await_load()  # the keyboard is already in the temperature
        self.observation_id = observation_id
        self.reload(select_now=True)

    def reload(self, *, select_now: bool = False) -> None:
        wanted = self.observation_id
        if wanted is None or not self.station.db_ready:
            return
        self.station.worker.submit(
            lambda ctx: ops.load_file(ctx, wanted),
            lambda file: self._loaded(wanted, file, select_now),
            self.station.report,
        )

    def _loaded(self, wanted: uuid.UUID, file: ops.ObservationFile, select_now: bool) -> None:
        if wanted != self.observation_id:
            return  # another person was opened meanwhile
        keep = self.table.currentIndex()
        entry = self.entry
        typing_at = (entry.day, entry.slot) if entry.day is not None and entry.editing is None else None
        self._resetting = True  # the model's reset moves the current index: not a choice of the user's
        self.model.set_file(file)
        self._resetting = False
        self._show_header(file)
        alerting = [cell for cell in file.cells if cell.alert]
        self.alert_pending = bool(alerting) and file.observation.status is Status.ACTIVE
        self._show_alert(file.observation)
        if select_now or not keep.isValid():
            day, slot = local_slot(datetime.now().astimezone())
            last = file.observation.exposure.last_date
            day = min(max(day, day_one(last)), planned_release(last) - timedelta(days=1))
            index = self.model.index_of(day, slot)
            typed = self.entry.loading and bool(self.entry.temperature.text())
            self.table.setCurrentIndex(index)
            if self.entry.loading:  # the current index did not move: show the half-day now
                self._current_changed(index)
            if typed and self.entry.temperature.text():
                self.entry.temperature.setFocus()  # typed while loading: kept, the cursor after it
            else:
                self.entry.start()
        else:
            index = self.model.index(keep.row(), keep.column())
            self._resetting = True
            self.table.setCurrentIndex(index)  # back where the user is, without re-showing it yet
            self._resetting = False
            where = self.model.at(index)
            typing = where is not None and typing_at == where and file.cell(*where) is None
            if typing:  # the next half-day is being typed while this reload came back: keep it
                self._show_history(*where)
            else:
                self._current_changed(index)

    def _show_header(self, file: ops.ObservationFile) -> None:
        o = file.observation
        p, e, placement = o.person, o.exposure, o.registration.placement
        parts = [
            f"<b>{p.name}</b>",
            mask_id(p.id_number) if p.id_number else "",
            mask_phone(p.phone),
            tr(KIND_LABELS[e.kind]),
            tr("last exposure {day}", day=e.last_date.isoformat()),
            tr("planned release {day}", day=planned_release(e.last_date).isoformat()),
            tr(SETTING_LABELS[placement.setting]) + (f" {placement.place}" if placement.place else ""),
            tr("responsible: {name}", name=placement.responsible) if placement.responsible else "",
            tr(STATUS_LABELS[o.status]),
        ]
        self.header.setText(" · ".join(part for part in parts if part))

    def _current_changed(self, index: Index, _previous: Index | None = None) -> None:
        if self._resetting:
            return
        where = self.model.at(index)
        file = self.model.file
        if where is None or file is None:
            if not self.entry.loading:  # while loading, the keys typed so far stay
                self.entry.show_cell(None, Slot.MORNING, None, "")
            return
        day, slot = where
        cell = file.cell(day, slot)
        refused = ""
        if file.observation.status is not Status.ACTIVE:
            refused = tr("{person} is no longer under observation.", person=file.observation.person.name)
        else:
            reason = can_record(
                file.observation.exposure.last_date, day, slot, local_slot(datetime.now().astimezone())
            )
            refused = tr(reason) if reason else ""
        self.entry.show_cell(day, slot, cell, refused)
        self._show_history(day, slot)

    def _show_history(self, day: date, slot: Slot) -> None:
        file = self.model.file
        self.history.clear()
        if file is None:
            return
        cell = file.cell(day, slot)
        for earlier in file.history:
            if earlier.entry.day == day and earlier.entry.slot is slot:
                self.history.addItem(f"v{earlier.version} {describe(earlier)}")
        if cell is not None and cell.version > 1:
            self.history.addItem(
                tr("now: {value} (reason: {reason})", value=describe(cell), reason=cell.reason)
            )

    # ---- saving -------------------------------------------------------------------------------------
    def save(self, entry: CellEntry, reason: str) -> None:
        """Save on the worker; the keyboard goes back to the grid at once, so the next half-day can be
        chosen and typed while this one is stored.  A failure brings this one back as it was typed."""
        wanted = self.observation_id
        where = (entry.day, entry.slot)
        if wanted is None or where in self._in_flight:
            return  # a second Enter on the same half-day while it is being saved
        self._in_flight[where] = (entry, reason, self.entry.editing)
        operator = self.station.operator
        role = operator.role if operator is not None else None
        rule = self.station.fever_rule
        if self.entry.editing is not None:
            self.station.perform(
                lambda ctx: ops.correct_cell(ctx, wanted, entry, reason, role=role, fever_rule=rule),
                lambda saved: self._saved(where, saved),
                lambda error: self._failed(where, error),
                initiator=self,
            )
        else:
            self.station.perform(
                lambda ctx: ops.record_cell(ctx, wanted, entry, role=role, fever_rule=rule),
                lambda saved: self._saved(where, saved),
                lambda error: self._failed(where, error),
                initiator=self,
            )
        self.entry.cleared.emit()
        self.table.setFocus()  # the arrows choose the next half-day; Enter writes it

    def _saved(self, where: tuple[date, Slot], saved: ops.CellSaved) -> None:
        self._in_flight.pop(where, None)
        window = self.window()
        if saved.queued and isinstance(window, QMainWindow):  # the shared server is away: kept here
            text = tr("Half-day saved on this counter. It will be sent when the server is back.")
            window.statusBar().showMessage(text, QUEUED_NOTE_MS)
        if saved.alert and saved.observation.status is Status.ACTIVE:
            self.alert_pending = True
        self.reload()

    def _failed(self, where: tuple[date, Slot], error: BaseException) -> None:
        entry, reason, editing = self._in_flight.pop(where)
        self.table.setCurrentIndex(self.model.index_of(*where))
        self._current_changed(self.table.currentIndex())
        self.entry.restore(entry, reason, editing)
        self.entry.show_problem(
            tr(
                "Not saved: {problem} The form still holds everything typed.",
                problem=self.station.describe_error(error),
            )
        )
        self.entry.temperature.setFocus()

    # ---- referral -----------------------------------------------------------------------------------
    def _show_alert(self, observation: object = None) -> None:
        """Red with the referral offered while a fever or symptom is pending; once referred, says so."""
        self.refer_button.setVisible(self.alert_pending)
        if self.alert_pending:
            self.alert.setText(tr("Fever or symptom: refer this person to the fever clinic now (F10)."))
            self.alert.show()
            return
        status = getattr(observation, "status", None)
        if status is Status.REFERRED:
            on = getattr(observation, "status_on", None)
            self.alert.setText(tr("Referred on {day}.", day=on.isoformat() if on else ""))
            self.alert.show()
        elif observation is not None:
            self.alert.hide()

    def refer(self) -> None:
        wanted = self.observation_id
        if wanted is None or not self.alert_pending:
            return
        guideline, rule = self.station.settings.guideline_id, self.station.fever_rule
        operator = self.station.operator
        role = operator.role if operator is not None else None
        self.refer_button.setEnabled(False)
        self.station.perform(
            lambda ctx: ops.refer(ctx, wanted, guideline, role=role, fever_rule=rule),
            self._referred,
            self._refer_failed,
            initiator=self,
        )

    def _referred(self, referred: ops.Referred) -> None:
        self.refer_button.setEnabled(True)
        self.alert_pending = False
        self._show_alert(referred.observation)
        screening: Screening = referred.screening
        self.slip_panel.show_screening(screening)
        outcome = screening.outcome
        if outcome is not None:
            said = tr(
                "Referred: {disposition}.",
                disposition=disposition_label(outcome.disposition, current_language()),
            )
            if referred.queued:
                said += " " + tr("Saved on this counter. It will be sent when the server is back.")
            self.alert.setText(said)
            self.alert.show()
        self.slip_panel.print_button.setFocus()
        self.referred.emit(referred)
        self.reload()

    def _refer_failed(self, error: BaseException) -> None:
        self.refer_button.setEnabled(True)
        self.station.report(error, tr("Not referred: {problem}"))

    def retranslate(self) -> None:
        self.history_title.setText(tr("Earlier values of this half-day"))
        self.refer_button.setText(tr("Refer to the fever clinic (F10)"))
        self.entry.retranslate()
        self.slip_panel.retranslate()
        if self.alert_pending:
            self._show_alert()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 1)
