"""The observation register's tab: today's worklist, and one person's grid opened from it.

The tab shows the worklist first; Enter on a person opens the grid, Esc returns.  The grid's entry form
is the tab's ``form``, so the main window hands it the thermometer's readings while the register is in
front (as it does for the desk's and the pharmacy's forms).  Registering by hand (Ctrl+N) and importing
(Ctrl+I) open their dialogs from here; Ctrl+E exports the register or the grid shown (``exports``).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from fever_desk.i18n import tr
from ui.desk.observation.exports import grid_export, register_export
from ui.desk.observation.grid import GridScreen
from ui.desk.observation.import_dialog import ImportDialog
from ui.desk.observation.register_checks import registered_text
from ui.desk.observation.register_dialog import Origin, RegisterDialog
from ui.desk.observation.worklist import WorklistScreen
from ui.desk.station import Station


class ObservationScreen(QWidget):
    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.setObjectName("observation_screen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.worklist = WorklistScreen(station, self.stack)
        self.grid = GridScreen(station, self.stack)
        self.stack.addWidget(self.worklist)
        self.stack.addWidget(self.grid)
        self.grid_export = grid_export(station, self.grid)  # Ctrl+E on the grid
        self.register_export = register_export(station, self.worklist)  # Ctrl+E on the worklist
        self.form = self.grid.entry  # the thermometer fills the half-day being written
        self.dialog: QWidget | None = None  # the registration or import dialog open, for tests
        self.worklist.open_requested.connect(self.open_person)
        self.worklist.open_soon.connect(self._open_soon)
        self.worklist.register_requested.connect(self.register_by_hand)
        self.worklist.import_requested.connect(self.import_list)
        self.grid.back_requested.connect(self.show_worklist)

    def stop(self) -> None:
        self.grid.stop()

    def open_person(self, observation_id: uuid.UUID) -> None:
        self.stack.setCurrentWidget(self.grid)
        self.grid.open(observation_id)

    def _open_soon(self, coming: bool) -> None:
        """Enter on a list still loading: the grid shows at once and takes the keys typed meanwhile."""
        if coming:
            self.stack.setCurrentWidget(self.grid)
            self.grid.await_person()
        else:
            self.show_worklist()

    def show_worklist(self) -> None:
        self.stack.setCurrentWidget(self.worklist)
        self.worklist.refresh()
        if self.isVisible():  # behind another tab the keys stay where the user is typing
            self.worklist.table.setFocus()

    def register_by_hand(self) -> None:
        dialog = RegisterDialog(self.station, Origin("hand"), parent=self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.registered.connect(lambda saved: self.worklist.status.setText(registered_text(saved)))
        self.dialog = dialog
        dialog.open()

    def import_list(self) -> None:
        dialog = ImportDialog(self.station, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def showEvent(self, event: QShowEvent) -> None:
        """The keys go where the user works: the worklist's rows, or the half-day being written."""
        super().showEvent(event)
        if self.stack.currentWidget() is self.grid:
            self.grid.entry.start()
        else:
            self.worklist.table.setFocus()

    def retranslate(self) -> None:
        self.worklist.retranslate()
        self.grid.retranslate()
        self.grid_export.retranslate()
        self.register_export.retranslate()

    @staticmethod
    def title() -> str:
        return tr("Observation (F4)")
