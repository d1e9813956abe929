"""Today's worklist: who is due this morning or afternoon, overdue, with a fever, releasable, lost.

Keyboard-first like the desk: the focus lands in the list, 1–6 choose the section, the arrows the
person, Enter opens the person's grid.  In "Releasable today" R releases after one confirmation; in
"Lost to follow-up" L asks for the reason and marks the person lost.  Ctrl+N registers someone by hand,
Ctrl+I imports the grid workers' list, Ctrl+E exports the register (``exports``).  The list is asked
of the database worker and refreshes itself after any change to the register (``Station.changed``; a
hidden list refreshes once, when shown).
ID numbers and phones are masked: the people queueing behind can see the screen.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fever_desk.accounts import Role
from fever_desk.i18n import tr
from fever_desk.identity import mask_id, mask_phone
from fever_desk.observation.model import KIND_LABELS
from fever_desk.observation.rules import DEFAULT_LOST_AFTER_DAYS
from fever_desk.privacy import Permission, Permissions
from ui.desk.station import Station
from ui.desk.widgets.follow_changes import FollowChanges
from ui.desk.widgets.inputs import read_only_rows
from ui.services import observation as ops
from ui.services.changes import Changes

# (the Worklist attribute, the English title); the order is the keys 1–6.
SECTIONS = (
    ("due_morning", "Due this morning"),
    ("due_afternoon", "Due this afternoon"),
    ("overdue", "Overdue"),
    ("fever", "Fever or symptom"),
    ("releasable", "Releasable today"),
    ("lost", "Lost to follow-up"),
)
Index = QModelIndex | QPersistentModelIndex


def lost_after_days(settings: object) -> int:
    """The setting (``observation_lost_after_days``, kept in the settings' extra keys until the settings
    file has the field), else the register's default."""
    value = getattr(settings, "observation_lost_after_days", None)
    if value is None:
        value = getattr(settings, "extra", {}).get("observation_lost_after_days", DEFAULT_LOST_AFTER_DAYS)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return DEFAULT_LOST_AFTER_DAYS


def wants(changes: Changes, _initiator: object) -> bool:
    return bool(getattr(changes, "observations", False) or changes.purged or changes.settings)


class WorkModel(QAbstractTableModel):
    COLUMNS = (
        "Name",
        "Kind",
        "Day",
        "Planned release",
        "Missed half-days",
        "Last °C",
        "Phone",
        "ID number",
        "Place",
        "Responsible",
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ops.WorkItem] = []
        self._alert = QBrush(QColor("#fde7ea"))

    def set_rows(self, rows: list[ops.WorkItem]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self.rows[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._alert if item.alert else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        kind = KIND_LABELS.get(item.kind, item.kind)  # type: ignore[call-overload]  # StrEnum keys equal str
        values = (
            item.name,
            tr(kind),
            str(item.day_number),
            item.planned_release.isoformat(),
            str(item.missed) if item.missed else "",
            "" if item.last_temperature is None else f"{item.last_temperature:.1f}",
            mask_phone(item.phone),
            mask_id(item.id_number) if item.id_number else "",
            item.place,
            item.responsible,
        )
        return values[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.COLUMNS[section])
        return None


class WorklistScreen(QWidget):
    """Emits ``open_requested(observation id)``, ``register_requested`` and ``import_requested``."""

    open_requested = Signal(object)
    open_soon = Signal(bool)  # True: Enter pressed while loading; False: the list came back empty
    register_requested = Signal()
    import_requested = Signal()
    loaded = Signal(object)  # the Worklist shown

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.worklist: ops.Worklist | None = None
        self.section = 0
        layout = QVBoxLayout(self)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.keys = QLabel(self)
        self.keys.setObjectName("worklist_keys")
        self.keys.setWordWrap(True)
        layout.addWidget(self.keys)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.sections = QListWidget(self)
        self.sections.setObjectName("worklist_sections")
        self.sections.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sections.setMaximumWidth(220)
        for _attr, _title in SECTIONS:
            self.sections.addItem("")
        self.sections.currentRowChanged.connect(self.choose)
        body.addWidget(self.sections)
        self.model = WorkModel()
        self.table = QTableView(self)
        self.table.setObjectName("worklist_table")
        self.table.setModel(self.model)
        read_only_rows(self.table, single=True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._open)
        self.loading = self.open_pending = False
        self.table.installEventFilter(self)
        body.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setObjectName("worklist_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for number in range(len(SECTIONS)):
            key = QKeySequence(str(number + 1))
            QShortcut(key, self, lambda n=number: self.choose(n), context=context)
        QShortcut(QKeySequence("R"), self, self.release, context=context)
        QShortcut(QKeySequence("L"), self, self.mark_lost, context=context)
        QShortcut(QKeySequence("Ctrl+N"), self, self.register_requested.emit, context=context)
        QShortcut(QKeySequence("Ctrl+I"), self, self.import_requested.emit, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh, context=context)
        self.follow = FollowChanges(station, self, wants, self.refresh)
        station.on_db_ready(self.refresh)
        self.retranslate()
        self.sections.setCurrentRow(0)

    # ---- loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.station.db_ready:
            return
        now = datetime.now().astimezone()
        days = lost_after_days(self.station.settings)
        self.loading = True
        self.station.worker.submit(
            lambda ctx: ops.worklist(ctx, now.date(), now, lost_after_days=days),
            self._loaded,
            self._failed_load,
        )

    def _failed_load(self, error: BaseException) -> None:
        if self.open_pending:
            self.open_soon.emit(False)
        self.loading = self.open_pending = False
        self.station.report(error)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter pressed while the list is still on its way opens the chosen person once it arrives:
        the keys of someone who knows the list are never lost to a slow database."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.loading
        ):
            if not self.open_pending:
                self.open_pending = True
                self.open_soon.emit(True)  # the grid takes the keys that follow
            return True
        return super().eventFilter(watched, event)

    def _loaded(self, worklist: ops.Worklist) -> None:
        self.loading = False
        self.worklist = worklist
        self.retranslate()
        if self.section == 0 and not worklist.due_morning and worklist.due_afternoon:
            self.section = 1  # the afternoon: the morning's list is empty by then
            self.sections.setCurrentRow(1)
        self.choose(self.section)
        self.loaded.emit(worklist)
        if self.open_pending:
            self.open_pending = False
            index = self.table.currentIndex()
            if index.isValid():
                self._open(index)
            else:
                self.open_soon.emit(False)

    def items(self, section: int) -> list[ops.WorkItem]:
        if self.worklist is None:
            return []
        return list(getattr(self.worklist, SECTIONS[section][0]))

    def choose(self, section: int) -> None:
        if not 0 <= section < len(SECTIONS):
            return
        self.section = section
        if self.sections.currentRow() != section:
            self.sections.setCurrentRow(section)
        current = self.current()
        self.model.set_rows(self.items(section))
        row = next((i for i, item in enumerate(self.model.rows) if current and item.id == current.id), 0)
        if self.model.rows:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        if self.table.isVisible():  # a load behind another tab must not take the keys from its form
            self.table.setFocus()

    def current(self) -> ops.WorkItem | None:
        index = self.table.currentIndex()
        rows = self.model.rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def _open(self, index: Index) -> None:
        if index.isValid() and index.row() < len(self.model.rows):
            self.open_requested.emit(self.model.rows[index.row()].id)

    # ---- outcomes -----------------------------------------------------------------------------------
    def _role(self) -> Role | None:
        """The operation checks the role; None only without a login (the tests' bare window)."""
        operator = self.station.operator
        return operator.role if operator is not None else None

    def _may_decide(self) -> bool:
        """Releasing and marking lost are the responsible doctor's (or an administrator's): say so
        before asking anything, rather than after a confirmation."""
        role = self._role()
        if role is None or Permissions.for_role(role).allows(Permission.RELEASE_OBSERVATION):
            return True
        self.status.setText(tr("Only a doctor or an administrator may release or mark someone lost."))
        return False

    def release(self) -> None:
        if not self._may_decide():
            return
        item = self.current()
        if item is None or SECTIONS[self.section][0] != "releasable":
            self.status.setText(tr("Choose a person under “Releasable today” (5) to release."))
            return
        answer = QMessageBox.question(
            self,
            tr("Release from observation"),
            tr("Release {name} from medical observation today?", name=item.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        role, wanted = self._role(), item.id
        self.station.perform(
            lambda ctx: ops.release(ctx, wanted, role=role),
            lambda _done: self.status.setText(tr("{name} released.", name=item.name)),
            self._failed,
            initiator=self,
        )

    def mark_lost(self) -> None:
        if not self._may_decide():
            return
        item = self.current()
        if item is None or SECTIONS[self.section][0] != "lost":
            self.status.setText(tr("Choose a person under “Lost to follow-up” (6) to mark as lost."))
            return
        reason, ok = QInputDialog.getText(
            self,
            tr("Lost to follow-up"),
            tr("Why can {name} no longer be followed up?", name=item.name),
            QLineEdit.EchoMode.Normal,
        )
        if not ok:
            return
        if not reason.strip():
            self.status.setText(tr("A reason is required to mark someone lost to follow-up."))
            return
        role, wanted, why = self._role(), item.id, reason.strip()
        self.station.perform(
            lambda ctx: ops.mark_lost(ctx, wanted, why, role=role),
            lambda _done: self.status.setText(tr("{name} marked lost to follow-up.", name=item.name)),
            self._failed,
            initiator=self,
        )

    def _failed(self, error: BaseException) -> None:
        self.status.setText(self.station.describe_error(error))

    # ---- words --------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        day = self.worklist.day if self.worklist is not None else date.today()
        self.title.setText(tr("Observation worklist — {day}", day=day.isoformat()))
        self.keys.setText(
            tr(
                "1–6 section · Enter open the grid · R release · L lost to follow-up · "
                "Ctrl+N register by hand · Ctrl+I import a list · Ctrl+E export the register · F5 refresh"
            )
        )
        counts = self.worklist.counts if self.worklist is not None else {}
        for number, (attr, title) in enumerate(SECTIONS):
            shown = len(self.items(number))
            count = counts.get(attr, shown)
            more = "+" if attr in getattr(self.worklist, "capped", ()) else ""  # counted only so far
            self.sections.item(number).setText(f"{number + 1}  {tr(title)} ({count}{more})")
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(WorkModel.COLUMNS) - 1)
