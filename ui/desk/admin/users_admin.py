"""The administrator's account screen: list operators, add one, disable / enable, reset a password.

Each change runs on the database worker together with its audit entry; argon2 hashing for a new or
reset password happens there too.  A reset makes the operator choose a new password at the next login,
so the administrator never knows anyone's working password.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.accounts import ROLE_LABELS, Operator, Role
from fever_desk.i18n import tr
from ui.desk.station import Station
from ui.desk.widgets.inputs import read_only_rows
from ui.services import admin
from ui.services.changes import Changes


class UsersAdmin(QWidget):
    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.operators: list[Operator] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([tr("User name"), tr("Full name"), tr("Role"), tr("State")])
        read_only_rows(self.table, single=True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for text, slot in (
            (tr("Add…"), self.add),
            (tr("Disable / enable"), self.toggle_disabled),
            (tr("Reset password…"), self.reset_password),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel(self)
        layout.addWidget(self.status)
        station.on_db_ready(self.refresh)
        station.changed.connect(lambda changes, _by: changes.users and self.refresh())

    def refresh(self, *_args: object) -> None:
        self.station.worker.submit(lambda ctx: ctx.accounts.operators(), self._show, self._failed)

    def _show(self, operators: list[Operator]) -> None:
        self.operators = operators
        self.table.setRowCount(len(operators))
        for row, op in enumerate(operators):
            state = (
                tr("disabled")
                if op.disabled
                else (tr("must change password") if op.must_change else tr("active"))
            )
            for column, text in enumerate((op.username, op.display_name, tr(ROLE_LABELS[op.role]), state)):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def selected(self) -> Operator | None:
        row = self.table.currentRow()
        return self.operators[row] if 0 <= row < len(self.operators) else None

    def _run(self, job: Any, done: str, **values: object) -> None:
        def finished(_result: object) -> None:
            self.status.setText(tr(done, **values))

        self.station.perform(job, finished, self._failed, changes=Changes(users=True), initiator=self)

    def add(self) -> None:
        dialog = AddOperatorDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        username, name, role, password = dialog.values()

        def job(ctx: Any) -> None:
            admin.add_user(ctx, username, password, role, name, must_change=True)

        self._run(job, "Operator {username} added.", username=username)

    def toggle_disabled(self) -> None:
        op = self.selected()
        if op is None:
            return
        disable = not op.disabled

        def job(ctx: Any) -> None:
            admin.set_user_disabled(ctx, op.username, disable)

        done = "Operator {username} disabled." if disable else "Operator {username} enabled."
        self._run(job, done, username=op.username)

    def reset_password(self) -> None:
        op = self.selected()
        if op is None:
            return
        temporary, ok = QInputDialog.getText(
            self,
            tr("Reset password"),
            tr("Temporary password for {username}:", username=op.username),
            QLineEdit.EchoMode.Password,
        )
        if not ok or not temporary:
            return

        def job(ctx: Any) -> None:
            admin.reset_user_password(ctx, op.username, temporary)

        self._run(
            job, "Password of {username} reset; it must be changed at the next login.", username=op.username
        )

    def _failed(self, error: BaseException) -> None:
        self.status.setText(self.station.describe_error(error))  # a refused change in words, too


class AddOperatorDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add operator"))
        form = QFormLayout(self)
        self.username = QLineEdit(self)
        self.name = QLineEdit(self)
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(tr(ROLE_LABELS[role]), role.value)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("User name"), self.username)
        form.addRow(tr("Full name"), self.name)
        form.addRow(tr("Role"), self.role)
        form.addRow(tr("Temporary password"), self.password)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

    def values(self) -> tuple[str, str, str, str]:
        return (
            self.username.text().strip(),
            self.name.text().strip(),
            self.role.currentData(),
            self.password.text(),
        )
