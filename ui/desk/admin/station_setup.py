"""The station setup dialog: asked right after the first administrator is created, and again from Settings.

Keyboard first, because the person setting up a counter PC often has no mouse at hand: the fields are
one Tab chain in a fixed order (institution, station, hospital name, address, phone, hotline, area code,
cutoff, mode, then Save and Later), Enter saves (the Save button is the default) and Esc means "later"
— the desk opens anyway, and the setup is asked again at the next administrator login.  A refused value
is named beside its field and in the summary, in the user's language, and nothing typed is lost.

The checks themselves are ``fever_desk.station_setup``'s; :class:`StationSetup` decides when to ask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from fever_desk.settings import Settings
from fever_desk.station_setup import SetupDraft, apply_setup, check_setup, field_labels, listed, needs_setup

if TYPE_CHECKING:
    from fever_desk.accounts import Operator
    from ui.desk.main_window import MainWindow

MODE_CHOICES = (
    ("screening", "Pre-screening desk"),
    ("pharmacy", "Pharmacy counter"),
    ("both", "Both"),
)
_ERROR_STYLE = "color: #b00020;"


class StationSetupDialog(QDialog):
    """Edits the setup fields of ``settings``; after OK, :meth:`result_settings` is the new settings."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original = settings
        self.values: SetupDraft | None = None
        self.setObjectName("station_setup")
        self.setWindowTitle(tr("Station setup"))
        self.setModal(True)
        draft = SetupDraft.from_settings(settings)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "What this station is and where it refers patients, as every referral slip prints it; "
                "the cutoff closes the daily report. Tab moves to the next field, Enter saves, "
                "Esc asks later."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.summary = QLabel(self)
        self.summary.setObjectName("setup_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(_ERROR_STYLE + " font-weight: bold;")
        self.summary.hide()
        layout.addWidget(self.summary)
        self.edits: dict[str, QLineEdit] = {}
        for name in (
            "institution",
            "station_name",
            "hospital_name",
            "hospital_address",
            "hospital_phone",
            "hotline",
            "area_code",
            "report_cutoff",
        ):
            edit = QLineEdit(getattr(draft, name), self)
            edit.setObjectName(f"setup_{name}")
            self.edits[name] = edit
        self.edits["area_code"].setPlaceholderText("430102")
        self.edits["area_code"].setMaxLength(6)
        self.edits["hotline"].setPlaceholderText("12320")
        self.edits["report_cutoff"].setPlaceholderText("16:00")
        self.mode = QComboBox(self)
        self.mode.setObjectName("setup_station_mode")
        for code, label in MODE_CHOICES:
            self.mode.addItem(tr(label), code)
        self.mode.setCurrentIndex(max(self.mode.findData(draft.station_mode), 0))
        grid = QGridLayout()
        self.errors: dict[str, QLabel] = {}
        labels = field_labels()
        widgets: list[tuple[str, QWidget]] = [*self.edits.items(), ("station_mode", self.mode)]
        for row, (name, widget) in enumerate(widgets):
            label = QLabel(labels[name], self)
            label.setBuddy(widget)
            error = QLabel(self)
            error.setObjectName(f"setup_error_{name}")
            error.setStyleSheet(_ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.errors[name] = error
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(widget, 2 * row, 1)
            grid.addWidget(error, 2 * row + 1, 1)
        grid.setColumnMinimumWidth(1, 360)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("Save"), self)
        self.save_button.setObjectName("setup_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.accept)
        self.later_button = QPushButton(tr("Later"), self)
        self.later_button.setObjectName("setup_later")
        self.later_button.setAutoDefault(False)
        self.later_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.later_button)
        layout.addLayout(buttons)
        # One fixed Tab chain, whatever the grid's placement order: the e2e tests type through it blind.
        self.tab_chain: list[QWidget] = [w for _n, w in widgets] + [self.save_button, self.later_button]
        for widget in self.tab_chain:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for first, second in zip(self.tab_chain, self.tab_chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.edits["institution"].setFocus()

    def draft(self) -> SetupDraft:
        """The fields exactly as typed."""
        return SetupDraft(
            **{name: edit.text() for name, edit in self.edits.items()},
            station_mode=str(self.mode.currentData()),
        )

    def accept(self) -> None:
        """Enter or Save: keep the dialog open, with each problem beside its field, until all pass."""
        values, errors = check_setup(self.draft())
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
        if errors:
            self.summary.setText(
                tr("Please correct {count} field(s):", count=len(errors)) + "\n" + "\n".join(errors.values())
            )
            self.summary.show()
            first = next(w for n, w in [*self.edits.items(), ("station_mode", self.mode)] if n in errors)
            first.setFocus()
            if isinstance(first, QLineEdit):
                first.selectAll()
            return
        self.summary.hide()
        self.values = values
        super().accept()

    def result_settings(self) -> Settings:
        """The settings with the accepted setup applied (the original when nothing was accepted)."""
        return self._original if self.values is None else apply_setup(self._original, self.values)


class StationSetup(QObject):
    """Decides when the setup is asked: after an administrator's login while it is incomplete.

    "Later" (Esc) is honoured for the rest of the session, so an idle-lock login does not ask again;
    the next start does.  A nurse or pharmacist is never asked (the settings are the administrator's);
    their slips warn instead (:func:`warn_slip_gaps`).
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: StationSetupDialog | None = None
        self.deferred = False
        window.screens_ready.connect(self._attach)
        if window.has_screens:
            self._attach()

    def _attach(self) -> None:
        """A slip asked for before the setup is complete offers to open it (administrators only)."""
        self.window.slip_panel.open_setup = self.open
        self.window.pharmacy_referral.panel.open_setup = self.open

    def after_login(self, _operator: Operator) -> None:
        if self.deferred or not self.window.may_configure() or not needs_setup(self.window.settings):
            return
        # Once the login dialog has closed (it emits before it hides), so the setup gets the keyboard.
        QTimer.singleShot(0, self.open)

    def open(self) -> None:
        """Show the dialog over the window (non-blocking); OK saves and audits through the station."""
        if self.dialog is not None:
            self.dialog.raise_()
            return
        dialog = StationSetupDialog(self.window.settings, self.window)
        self.dialog = dialog

        def done(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                self.window.apply_settings(dialog.result_settings())
            else:
                self.deferred = True
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()
        dialog.activateWindow()


def warn_slip_gaps(parent: QWidget, gaps: list[str], open_setup: Callable[[], None] | None) -> QMessageBox:
    """Say what the slip would lack instead of printing dashes; offer the setup to those who may do it."""
    box = QMessageBox(parent)
    box.setObjectName("slip_setup_warning")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Station setup"))
    box.setText(
        tr(
            "The slip cannot be printed yet: the station setup lacks {missing}. "
            "The patient must know where to go.",
            missing=listed(gaps),
        )
    )
    if open_setup is not None:
        setup = box.addButton(tr("Open station setup"), QMessageBox.ButtonRole.AcceptRole)
        setup.setObjectName("slip_open_setup")
        setup.clicked.connect(open_setup)
        box.setDefaultButton(setup)
    else:
        box.setInformativeText(tr("Ask an administrator to complete the station setup."))
    box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
    box.open()
    return box
