"""Find a person by ID, phone or name across screenings and pharmacy purchases, oldest first.

For contact tracing: one search box, and every time this person was seen at this station — the
pre-screening desk or the pharmacy counter — with temperature and what happened.  The search runs on
the database worker; a later answer for an older search text is dropped, so fast typing never shows
stale results.  Full numbers are shown here (the screen is opened on purpose, by staff, for tracing).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.model import Disposition, Screening
from fever_desk.pharmacy import Advice, Purchase
from ui.desk.station import Station
from ui.desk.widgets.follow_changes import FollowChanges
from ui.desk.widgets.inputs import on_typing_pause, read_only_rows
from ui.services import pharmacy as ops
from ui.services.changes import Changes


class PersonSearch(QWidget):
    results_shown = Signal(object)  # the History

    def __init__(self, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.station = station
        self._asked = ""
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setObjectName("person_search")
        self.search.setClearButtonEnabled(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("person_summary")
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("person_history")
        read_only_rows(self.table)
        layout.addWidget(self.search)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._debounce = on_typing_pause(self.search, self.run_search, self)
        self.search.returnPressed.connect(self.run_search)
        # A save, a purchase or a result about the person shown: the history is asked again.
        self.follow = FollowChanges(station, self, _touches_people, self._again)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("ID number, phone (or its last digits) or name"))
        self.table.setHorizontalHeaderLabels(
            [tr("Time"), tr("Where"), tr("Name"), tr("ID number"), tr("Phone"), tr("What happened")]
        )

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _again(self) -> None:
        if self._asked:
            self.run_search()

    def run_search(self) -> None:
        text = self.search.text().strip()
        self._debounce.stop()
        if not text:
            self._asked = ""
            self.table.setRowCount(0)
            self.summary.setText("")
            return
        if not self.station.db_ready:
            self.summary.setText(tr("The database is not open yet."))
            return
        self._asked = text
        self.station.worker.submit(
            lambda ctx: ops.find_person(ctx, text),
            lambda history, asked=text: self._show(asked, history),
            self.station.report,
        )

    def _show(self, asked: str, history: object) -> None:
        if asked != self._asked:
            return
        entries = history.entries  # type: ignore[attr-defined]
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (
                entry.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                tr("Pre-screening") if entry.kind == "screening" else tr("Pharmacy"),
                entry.name,
                entry.id_number,
                entry.phone,
                _what(entry.record, entry.temperature_c),
            )
            alarm = _alarming(entry.record)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if alarm:
                    item.setForeground(QColor("#b00020"))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        text = tr("{count} records, oldest first", count=len(entries))
        if history.truncated:  # type: ignore[attr-defined]
            text += " " + tr("(only the latest are shown: type more of the name or the full number)")
        self.summary.setText(text)
        self.results_shown.emit(history)


def _touches_people(changes: Changes, _initiator: object) -> bool:
    return changes.screenings or changes.purchases or changes.followups or changes.purged


def _alarming(record: Screening | Purchase) -> bool:
    if isinstance(record, Purchase):
        return record.advice is Advice.FEVER_CLINIC
    outcome = record.outcome
    return outcome is not None and outcome.disposition is not Disposition.ROUTINE


def _what(record: Screening | Purchase, celsius: float | None) -> str:
    temperature = "" if celsius is None else f"{celsius:.1f} °C · "
    if isinstance(record, Purchase):
        drugs = "、".join(f"{d.name}×{d.quantity}" for d in record.drugs)
        advice = tr("advised the fever clinic") if record.advice is Advice.FEVER_CLINIC else ""
        return temperature + "；".join(part for part in (drugs, advice) if part)
    outcome = record.outcome
    labels = {
        Disposition.ROUTINE: tr("Routine outpatient"),
        Disposition.FEVER_CLINIC: tr("Fever clinic"),
        Disposition.SUSPECTED: tr(
            "Suspected: isolate, refer to the designated hospital, report within 2 hours"
        ),
    }
    return temperature + ("" if outcome is None else labels[outcome.disposition])
