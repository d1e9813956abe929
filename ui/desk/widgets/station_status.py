"""The status bar's first line: the guideline in force, the fever threshold, who is at the desk, and
whether the database is open — what a nurse checks at a glance before trusting a triage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from fever_desk.i18n import tr

if TYPE_CHECKING:
    from ui.desk.station import Station


class StationStatus(QLabel):
    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station

    def show_state(self, screens_built: bool) -> None:
        """Before the screens exist only the database's state: the guideline is read with the desk,
        behind the login dialog."""
        state = tr("database ready") if self.station.db_ready else tr("opening the database…")
        if not screens_built:
            self.setText(state)
            return
        from fever_desk.guidelines import get_guideline

        settings = self.station.settings
        self.setText(
            tr(
                "{guideline} · fever {sign} {threshold} °C · nurse: {operator} · {state}",
                guideline=get_guideline(settings.guideline_id).label(settings.language),
                sign="≥" if settings.fever_threshold_inclusive else ">",
                threshold=f"{settings.fever_threshold_c:.1f}",
                operator=settings.operator or tr("(not set)"),
                state=state,
            )
        )

    def show_no_database(self) -> None:
        self.setText(tr("No database: nothing can be saved until this is fixed."))
