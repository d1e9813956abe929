"""Record a result received back for a screening (suspected / confirmed / excluded).

The fever clinic or the designated hospital phones back; the nurse right-clicks the person's row in
today's list or in the person history and chooses "Record result received…".  Results are added, never
replaced: the dialog lists the earlier ones and the latest counts in the daily report.  Loading and
saving run on the database worker; the dialog is window-modal (``open()``), never ``exec()``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QWidget,
)

from fever_desk.day_lines import ScreeningLine
from fever_desk.i18n import tr
from fever_desk.model import Screening
from fever_desk.reporting import FOLLOWUP_LABELS, Followup
from ui.desk.station import Station
from ui.services import reports as ops

#: How long the status bar says a result was kept on this counter (ms).
QUEUED_NOTE_MS = 15_000


def _label(result: object) -> str:
    return tr(FOLLOWUP_LABELS[result]) if result in FOLLOWUP_LABELS else str(result)


class FollowupDialog(QDialog):
    recorded = Signal(object)  # Followup

    def __init__(
        self, station: Station, screening: Screening | ScreeningLine, parent: QWidget | None = None
    ) -> None:
        """``screening``: the record, or its row in today's list (only its id, name and time are used)."""
        super().__init__(parent)
        self.station = station
        self.screening = screening
        self.setWindowTitle(tr("Record result received"))
        layout = QFormLayout(self)
        when = screening.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if screening.created_at else ""
        name = screening.person.name if isinstance(screening, Screening) else screening.name
        layout.addRow(QLabel(f"{name}  {when}", self))
        self.earlier = QListWidget(self)
        self.earlier.setObjectName("followup_history")
        self.earlier.setMaximumHeight(100)
        layout.addRow(tr("Earlier results"), self.earlier)
        self.result = QComboBox(self)
        self.result.setObjectName("followup_result")
        for value, text in FOLLOWUP_LABELS.items():
            self.result.addItem(tr(text), value.value)
        layout.addRow(tr("Result"), self.result)
        self.note = QLineEdit(self)
        self.note.setObjectName("followup_note")
        self.note.setPlaceholderText(tr("Who reported it, test, hospital…"))
        layout.addRow(tr("Note"), self.note)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b00020;")
        layout.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addRow(self.buttons)
        screening_id = screening.id
        station.worker.submit(
            lambda ctx: ops.load_followups(ctx, screening_id), self._show_earlier, self._failed
        )

    def _show_earlier(self, followups: list[Followup]) -> None:
        self.earlier.clear()
        for f in followups:
            when = f.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M")
            note = f" — {f.note}" if f.note else ""
            self.earlier.addItem(f"{when}  {_label(f.result)}  ({f.recorded_by or '—'}){note}")

    def save(self) -> None:
        """Save on the worker; the dialog closes only once the result is stored."""
        self.buttons.setEnabled(False)
        screening_id, result = self.screening.id, str(self.result.currentData())
        operator, note = self.station.settings.operator, self.note.text().strip()
        self.station.perform(
            lambda ctx: ops.record_followup(ctx, screening_id, result, operator, note),
            self._saved,
            self._failed,
            initiator=self,
        )

    def _saved(self, saved: ops.FollowupSaved) -> None:
        """``queued``: kept on this counter while the server is away; the window's status bar says so
        (the dialog closes, as for any save)."""
        window = self.parentWidget()
        if saved.queued and isinstance(window, QMainWindow):
            text = tr("Result saved on this counter. It will be sent when the server is back.")
            window.statusBar().showMessage(text, QUEUED_NOTE_MS)
        self.recorded.emit(saved.followup)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.problem.setText(self.station.describe_error(error))


def install_followup_action(
    view: QAbstractItemView,
    station: Station,
    screening_at: Callable[[QModelIndex], Screening | ScreeningLine | None],
    on_recorded: Callable[[Followup], None] | None = None,
) -> QAction:
    """Add "Record result received…" to ``view``'s context menu, acting on the current row.

    ``screening_at`` maps a row to its screening (None for rows that are not screenings, such as
    pharmacy purchases in the person history); the action does nothing on those.
    """
    action = QAction(tr("Record result received…"), view)
    action.setObjectName("record_followup")

    def trigger() -> None:
        index = view.currentIndex()
        screening = screening_at(index) if index.isValid() else None
        if screening is None or not station.db_ready:
            return
        dialog = FollowupDialog(station, screening, view.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_recorded is not None:
            dialog.recorded.connect(on_recorded)
        dialog.open()

    action.triggered.connect(trigger)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    view.addAction(action)
    return action


def install_on_person_search(
    people: QWidget, station: Station, on_recorded: Callable[[Followup], None] | None = None
) -> QAction:
    """The same action on ``ui.desk.people.person_search.PersonSearch``: its rows follow the last history
    shown (``results_shown``), of which only screenings can receive a result."""
    entries: list[object] = []

    def remember(history: object) -> None:
        entries[:] = list(getattr(history, "entries", []))

    def screening_at(index: QModelIndex) -> Screening | None:
        row = index.row()
        record = getattr(entries[row], "record", None) if 0 <= row < len(entries) else None
        return record if isinstance(record, Screening) else None

    people.results_shown.connect(remember)  # type: ignore[attr-defined]
    return install_followup_action(people.table, station, screening_at, on_recorded)  # type: ignore[attr-defined]
