"""Logging in: the first run's administrator, the login itself, and the forced password change.

Every check that touches the database or argon2 (50–150 ms by design) runs on the database worker; the
dialog only disables itself and shows a busy cursor meanwhile, so the window keeps painting.  The
worker may still be opening the database when the dialog appears: it says so and waits for
``db_state_changed``.  A wrong password is answered with the wait the database imposes ("try again in
N s"), counted down here with a timer — nothing sleeps.

:class:`LoginGate` puts the dialog over the covered window at start and whenever the idle lock fires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import tr
from ui.desk.runtime.idle_lock import IdleLock, cover
from ui.desk.station import Station
from ui.services.changes import Changes

if TYPE_CHECKING:
    from fever_desk.accounts import LoginOutcome, Operator

# The dialog is on screen at start-up, before anything else: the accounts and audit modules it needs
# once a password is submitted are imported then (the jobs themselves run on the database worker).

WAITING, FIRST_RUN, LOGIN, CHANGE = "waiting", "first_run", "login", "change"
RETRY_MS = 5000  # asking the server again about the accounts while it is away or refusing


class LoginDialog(QDialog):
    logged_in = Signal(object)  # Operator

    def __init__(
        self,
        station: Station,
        parent: QWidget | None = None,
        *,
        username: str = "",
        allow_cancel: bool = True,
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.allow_cancel = allow_cancel
        self.operator: Operator | None = None
        self.mode = WAITING
        self._current_password = ""
        self._wait_left = 0
        self._quit = False
        self.setObjectName("login_dialog")
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: bold; font-size: 15px;")
        layout.addWidget(self.title)
        form = QFormLayout()
        self.username = QLineEdit(username, self)
        self.username.setObjectName("login_username")
        self.display_name = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setObjectName("login_password")
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("login_repeat")
        for secret in (self.password, self.repeat):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.rows: dict[str, QLabel] = {}
        for key, text, widget in (
            ("username", tr("User name"), self.username),
            ("display_name", tr("Full name"), self.display_name),
            ("password", tr("Password"), self.password),
            ("repeat", tr("Password again"), self.repeat),
        ):
            label = QLabel(text, self)
            self.rows[key] = label
            form.addRow(label, widget)
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok = QPushButton(self)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        for field in (self.username, self.password, self.repeat):
            field.returnPressed.connect(self.submit)  # also when the default button is not reachable
        buttons.addWidget(self.ok)
        if allow_cancel:
            cancel = QPushButton(self)  # (text, parent) would make PySide6 build QIcon's enums to rule it out
            cancel.setText(tr("Quit"))
            # Never the dialog's default button: Enter must submit, whichever widget has the focus.
            cancel.setAutoDefault(False)
            cancel.clicked.connect(self.reject)
            buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(RETRY_MS)
        self.retry.timeout.connect(self._ask_for_users)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)
        self._set_mode(WAITING)
        if station.db_ready:
            QTimer.singleShot(0, self._ask_for_users)
        else:
            station.db_state_changed.connect(self._db_state)
            if station.db_problem:
                self._db_state(False)

    # ---- modes ----------------------------------------------------------------------------------------
    def _set_mode(self, mode: str, message: str = "") -> None:
        self.mode = mode
        titles = {
            WAITING: tr("Opening the database…"),
            FIRST_RUN: tr("First start: create the administrator account"),
            LOGIN: tr("Log in to the desk"),
            CHANGE: tr("Choose a new password"),
        }
        self.title.setText(titles[mode])
        # Also the window's title: what the dialog asks for is then visible from outside it (a taskbar,
        # the real-display tests, which wait for it before typing).
        self.setWindowTitle(titles[mode])
        self.ok.setText(tr("Create") if mode == FIRST_RUN else tr("OK"))
        shown = {
            WAITING: (),
            FIRST_RUN: ("username", "display_name", "password", "repeat"),
            LOGIN: ("username", "password"),
            CHANGE: ("password", "repeat"),
        }[mode]
        for key, widget in (
            ("username", self.username),
            ("display_name", self.display_name),
            ("password", self.password),
            ("repeat", self.repeat),
        ):
            widget.setVisible(key in shown)
            self.rows[key].setVisible(key in shown)
        self.password.clear()
        self.repeat.clear()
        self.message.setText(message)
        self._busy(False)
        focus = self.password if (mode == CHANGE or self.username.text()) else self.username
        focus.setFocus()

    def _busy(self, busy: bool) -> None:
        """While a job runs: no second submit, a busy cursor; the window itself keeps painting."""
        for widget in (self.username, self.display_name, self.password, self.repeat):
            # Read-only, not disabled: disabling the field that has the focus would hand the focus to the
            # next button in the chain (Quit), and the Enter that submitted would then reach that button.
            widget.setReadOnly(busy)
        self.ok.setEnabled(not busy and self.mode != WAITING and self._wait_left == 0)
        if busy:
            from PySide6.QtCore import Qt  # not at import: the dialog is part of the start-up path

            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _db_state(self, ready: bool) -> None:
        if ready:
            self._ask_for_users()
        else:
            # Said here, in full: the window behind the dialog is covered, banner included.
            self.message.setText(
                tr("The database could not be opened: {problem}", problem=self.station.db_problem)
            )

    def _ask_for_users(self) -> None:
        from ui.services.admin import has_users

        self.station.worker.submit(
            has_users, lambda has: self._set_mode(LOGIN if has else FIRST_RUN), self._users_unknown
        )

    def _users_unknown(self, error: BaseException) -> None:
        """No answer about the accounts (the server away or refusing this station): say which, and ask
        again by itself every few seconds, so the dialog comes alive once the cable or the URL is fixed."""
        self._failed(error)
        from db.server_faults import classify

        if classify(error) is not None and not self._quit:
            self.retry.start()

    # ---- submitting -----------------------------------------------------------------------------------
    def submit(self) -> None:
        if not self.ok.isEnabled():  # busy, waiting out the backoff, or Enter and the button both fired
            return
        if self.mode == LOGIN:
            self._login()
        elif self.mode in (FIRST_RUN, CHANGE):
            self._new_password()

    def _login(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.setText(tr("Enter your user name and password."))
            return
        station_id = self.station.settings.station_id
        self._current_password = password
        self._busy(True)

        def job(ctx: Any) -> LoginOutcome:
            from ui.services.admin import log_in

            return log_in(ctx, username, password, station_id)

        self.station.perform(job, self._login_done, self._failed)  # a write: attempts and its entry

    def _login_done(self, outcome: LoginOutcome) -> None:
        from fever_desk.accounts import LoginStatus

        self._busy(False)
        self.password.clear()
        if outcome.status == LoginStatus.OK and outcome.operator is not None:
            self.operator = outcome.operator
            if outcome.operator.must_change:
                self._set_mode(CHANGE, tr("Your password was reset; choose a new one to continue."))
            else:
                self._finish()
            return
        if outcome.status == LoginStatus.DISABLED:
            self.message.setText(tr("This account is disabled; ask the administrator."))
            return
        text = tr("Wrong user name or password.") if outcome.status == LoginStatus.WRONG else ""
        if outcome.retry_after_s:
            self._start_wait(outcome.retry_after_s, text)
        else:
            self.message.setText(text)

    def _start_wait(self, seconds: int, prefix: str = "") -> None:
        self._wait_left = seconds
        self._wait_prefix = prefix
        self.ok.setEnabled(False)
        from PySide6.QtCore import Qt  # set here rather than at start-up, which avoids ``Qt`` (see _busy)

        # Precise: a coarse timer may fire up to 5 % early and re-enable the button while the database
        # still refuses (its deadline was set before the answer reached us, so precise is never early).
        self.countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self.countdown.start()
        self._show_wait()

    def _show_wait(self) -> None:
        wait = tr("Too many wrong tries: try again in {seconds} s.", seconds=self._wait_left)
        self.message.setText(f"{self._wait_prefix} {wait}".strip())

    def _tick(self) -> None:
        self._wait_left = max(0, self._wait_left - 1)
        if self._wait_left:
            self._show_wait()
            return
        self.countdown.stop()
        self.message.setText("")
        self.ok.setEnabled(self.mode != WAITING)

    def _new_password(self) -> None:
        password, repeat = self.password.text(), self.repeat.text()
        username = self.username.text().strip() if self.mode == FIRST_RUN else self._operator_name()
        if self.mode == FIRST_RUN and not username:
            self.message.setText(tr("Enter a user name."))
            return
        from fever_desk.accounts import password_problems

        problems = password_problems(password, username)
        if problems:
            self.message.setText(tr(problems[0]))
            return
        if password != repeat:
            self.message.setText(tr("The two passwords differ."))
            return
        self._busy(True)
        if self.mode == FIRST_RUN:
            self._create_admin(username, password)
        else:
            current = self._current_password

            def change(ctx: Any) -> None:
                from ui.services.admin import change_own_password

                change_own_password(ctx, username, current, password)

            self.station.perform(
                change,
                lambda _none: self._finish(),
                self._failed,
                changes=Changes(users=True),
                initiator=self,
            )

    def _create_admin(self, username: str, password: str) -> None:
        display_name, station_id = self.display_name.text().strip(), self.station.settings.station_id

        def create(ctx: Any) -> Operator:
            from ui.services.admin import create_first_admin

            return create_first_admin(ctx, username, password, display_name, station_id)

        def created(operator: Operator) -> None:
            self.operator = operator
            self._finish()

        self.station.perform(create, created, self._failed, changes=Changes(users=True), initiator=self)

    def _operator_name(self) -> str:
        return self.operator.username if self.operator else self.username.text().strip()

    def _failed(self, error: BaseException) -> None:
        """Three faults, three messages: the account check said no (``_login_done``), the server cannot
        be reached, the server refuses this station (``db.server_faults``, via ``describe_error``)."""
        self._busy(False)
        self.message.setText(self.station.describe_error(error))  # a refused password in words, too

    def _finish(self) -> None:
        self._current_password = ""
        assert self.operator is not None
        if self._quit:
            return  # Quit was chosen while the check ran: the station is closing, nobody logs in
        self.logged_in.emit(self.operator)
        self.accept()

    def reject(self) -> None:
        """Esc must not unlock a locked desk; at start, Quit closes the desk."""
        if self.allow_cancel:
            self._quit = True
            self.retry.stop()
            super().reject()


class LoginGate(QObject):
    """Covers the window and asks for a login at start and after the idle lock; uncovers on success."""

    logged_in = Signal(object)  # Operator

    def __init__(self, window: QMainWindow, station: Station, idle: IdleLock) -> None:
        super().__init__(window)
        self.window = window
        self.station = station
        self.idle = idle
        self.dialog: LoginDialog | None = None
        idle.locked.connect(self.lock)

    def lock(self, *, at_start: bool = False) -> None:
        if self.dialog is not None:
            return
        cover(self.window, True)
        current: Operator | None = getattr(self.station, "operator", None)
        dialog = LoginDialog(
            self.station, self.window, username=current.username if current else "", allow_cancel=at_start
        )
        dialog.logged_in.connect(self._unlocked)
        dialog.rejected.connect(self.window.close)
        self.dialog = dialog
        dialog.open()
        dialog.activateWindow()  # without a window manager nobody else gives it the keyboard

    def _unlocked(self, operator: Operator) -> None:
        self.station.operator = operator  # type: ignore[attr-defined]
        self.dialog = None
        cover(self.window, False)
        # Take the keyboard back from the closed dialog.  A window manager does this by itself; in a
        # kiosk session without one nothing does, the window stays inactive, and its shortcuts (F8, Enter
        # in the forms, Ctrl+Q) never fire although typed characters still arrive.
        self.window.raise_()
        self.window.activateWindow()
        self.idle.unlock()
        self.logged_in.emit(operator)
