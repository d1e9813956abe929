"""Showing a full ID number on explicit request: permission first, audit entry second, value last.

Lists and slips show ``4301**********123X``.  A nurse who must compare the number with the card in front
of her double-clicks the masked cell or presses "Show full ID"; :func:`request_reveal` checks the role
(``fever_desk.privacy``), writes ``view_full_id`` for that record on the database worker, and only when
the entry is stored calls ``show`` with the full value.  If the audit write fails, nothing is shown: an
unlogged view is exactly what the log exists to prevent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from fever_desk.accounts import Operator
from fever_desk.audit import AuditAction
from fever_desk.i18n import tr
from fever_desk.identity import mask_id
from fever_desk.privacy import Permission, Permissions
from ui.desk.station import Station
from ui.services.audit_hooks import record


def may_reveal(station: Station) -> bool:
    operator: Operator | None = getattr(station, "operator", None)
    return operator is not None and Permissions.for_role(operator.role).allows(Permission.VIEW_FULL_ID)


def request_reveal(
    station: Station,
    record_kind: str,
    record_id: str,
    full_value: str | Callable[[Any], str],
    show: Callable[[str], None],
    parent: QWidget | None = None,
) -> bool:
    """Start the reveal; returns False (after telling the user) when the role does not allow it.
    ``full_value`` may be a function of the worker's context that reads the number once the view is
    logged (a day list holds only the masked number)."""
    if not may_reveal(station):
        QMessageBox.information(parent, tr("Full ID number"), tr("Your role does not allow this."))
        return False

    def log(ctx: Any) -> str:
        record(ctx, AuditAction.VIEW_FULL_ID, record_kind, record_id)
        return full_value(ctx) if callable(full_value) else full_value

    station.worker.submit(
        log,
        show,
        lambda error: station.report(
            error, tr("The view could not be logged, so it is not shown: {problem}")
        ),
    )
    return True


class RevealableId(QWidget):
    """A masked ID with a "Show full ID" button; for record panels and slip previews."""

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self._record: tuple[str, str, str] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("masked_id")
        self.button = QPushButton(tr("Show full ID"), self)
        self.button.setObjectName("reveal_id")
        self.button.clicked.connect(self.reveal)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.set_record("", "", "")

    def set_record(self, record_kind: str, record_id: str, id_number: str) -> None:
        """Show a (new) record masked; a previous reveal never carries over to the next person."""
        self._record = (record_kind, record_id, id_number)
        self.label.setText(mask_id(id_number) if id_number else "")
        self.button.setEnabled(bool(id_number) and may_reveal(self.station))

    def reveal(self) -> None:
        if self._record is None or not self._record[2]:
            return
        record = self._record
        kind, record_id, number = record

        def show(value: str) -> None:
            if self._record == record:  # the panel may have moved on to the next person meanwhile
                self.label.setText(value)

        request_reveal(self.station, kind, record_id, number, show, self)


def install_reveal_action(
    view: QWidget,
    station: Station,
    record_at: Callable[[Any], tuple[str, str, str | Callable[[Any], str]] | None],
) -> Any:
    """Add "Show full ID" to a list's context menu, acting on the current row.

    ``record_at(index)`` gives (record kind, record id, full ID number or how the worker reads it, see
    :func:`request_reveal`) for a row with an ID number, or None.  The value is
    shown in a message box owned by the list, never written into the list, so it is gone when closed.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction

    action = QAction(tr("Show full ID"), view)
    action.setObjectName("reveal_full_id")

    def trigger() -> None:
        index = view.currentIndex()  # type: ignore[attr-defined]
        record = record_at(index) if index.isValid() else None
        if record is None or not record[2]:
            return
        kind, record_id, full = record
        request_reveal(
            station,
            kind,
            record_id,
            full,
            lambda value: QMessageBox.information(view, tr("Full ID number"), value),
            view,
        )

    action.triggered.connect(trigger)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    view.addAction(action)
    return action
