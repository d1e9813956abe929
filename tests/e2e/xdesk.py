"""The station as a separate process on a real X server, typed at through XTest, read back from its files.

Nothing here reaches into the station: it is started as ``fever-desk`` with its own settings file and
SQLite database, keys go through the X server (``xdotool``, which uses XTest) to whatever window has the
X input focus — as a keyboard's would — and every outcome is read from the database file or the files the
station wrote.  Waits poll for something observable (a window title, a row) and, when one runs out, keep
a screenshot of the whole screen beside the test and name it in the failure.
"""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from db.cipher import DRIVER_ERRORS
from fever_desk.i18n import tr
from tests import sqlite_locks
from tests.e2e.xserver import TIMEOUT_S, XServer, screenshot

T = TypeVar("T")


def fever_desk_command() -> list[str]:
    """The console script of this environment, as a user starts it; the module when not installed."""
    script = Path(sys.executable).with_name("fever-desk")
    fallback = [sys.executable, "-c", "import sys, ui.cli.main; sys.exit(ui.cli.main.main())"]
    return [str(script)] if script.exists() else fallback


#: What a station's settings need so that nothing but the login stands between start and desk (another
#: engineer's first-run "station setup" dialog appears only when these are missing).
SEEDED_SETTINGS: dict[str, Any] = {
    "station_id": "e2e-desk-1",
    "station_name": "城关镇卫生院预检分诊台",
    "institution": "城关镇卫生院",
    "designated_hospital": {"name": "县人民医院", "address": "县城人民路1号", "phone": "0710-1234567"},
    "hotline": "12320",
    "area_code": "420602",
    "station_mode": "both",
    "setup_done": True,
    "language": "zh_CN",
}


class Station:
    """One station folder (settings, database, data) and its ``fever-desk`` processes, one at a time."""

    def __init__(self, x: XServer, folder: Path, settings: dict[str, Any] | None = None) -> None:
        self.x = x
        self.folder = folder
        self.settings_path = folder / "config" / "settings.json"
        self.db_path = folder / "station.sqlite3"
        self.settings = settings
        folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._locks_seen: int | None = None  # the pid of the running station once it held its locks
        if settings is not None:
            self.settings_path.parent.mkdir(parents=True, exist_ok=True)
            self.settings_path.write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")

    def env(self) -> dict[str, str]:
        env = self.x.env(
            QT_QPA_PLATFORM="xcb",  # `make test` sets offscreen for the in-process tests
            FEVER_DESK_CONFIG=str(self.settings_path),
            FEVER_DESK_DB=f"sqlite:///{self.db_path}",
            FEVER_DESK_DATA=str(self.folder / "data"),
            XDG_DATA_HOME=str(self.folder / "xdg-data"),
            XDG_CONFIG_HOME=str(self.folder / "xdg-config"),
            HOME=str(self.folder),
        )
        env.pop("FEVER_DESK_EXIT_AFTER_SHOW", None)
        return env

    def cli(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [*fever_desk_command(), *args],
            input=stdin,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"fever-desk {' '.join(args)}: {done.stderr}"
        return done.stdout

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "the station is still running"
        self.starts += 1
        self.stderr_path = self.folder / f"station-{self.starts}.stderr"
        with (
            (self.folder / f"station-{self.starts}.stdout").open("wb") as out,
            self.stderr_path.open("wb") as err,
        ):
            self.process = subprocess.Popen(fever_desk_command(), env=self.env(), stdout=out, stderr=err)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.starts else ""

    # ---- waiting ------------------------------------------------------------------------------------
    def wait_for(self, condition: Callable[[], T], what: str, timeout: float = TIMEOUT_S) -> T:
        """Poll ``condition``; a station that exits meanwhile fails at once, with what it printed."""

        def check() -> T:
            if self.process is not None and self.process.poll() is not None:
                shot = screenshot(self.x.display, self.folder / "station-exited")
                pytest.fail(
                    f"the station exited (status {self.process.returncode}) while waiting for {what}; "
                    f"screen: {shot}; {self.x.state()}"
                )
            return condition()

        try:
            return self.x.wait_for(check, what, timeout)
        except pytest.fail.Exception as failure:
            raise pytest.fail.Exception(f"{failure.msg}\nstation stderr:\n{self.stderr()[-3000:]}") from None

    def windows(self, title: str) -> list[str]:
        """Visible windows of this station whose title is exactly ``title``."""
        assert self.process is not None
        out = self.x.run(
            "xdotool",
            "search",
            "--all",
            "--onlyvisible",
            "--pid",
            str(self.process.pid),
            "--name",
            f"^{re.escape(title)}$",
            check=False,
        )
        return out.split()

    def focused_title(self) -> str:
        return self.x.run("xdotool", "getwindowfocus", "getwindowname", check=False).strip()

    def wait_window(self, title: str, *, focused: bool = True) -> None:
        """Until a window titled ``title`` is shown and, by default, has the keyboard (the X input focus)."""
        self.wait_for(lambda: self.windows(title), f"the window '{title}'")
        if focused:
            self.wait_for(lambda: self.focused_title() == title, f"the keyboard on the window '{title}'")

    def key_until_window(self, key: str, title: str, *, every: float = 5.0) -> None:
        """Press ``key`` (again every ``every`` s, as a nurse would when nothing opened) until a window
        titled ``title`` shows and has the keyboard.

        For a key the desk takes only once the step before is on screen: Alt+F, the slip panel's "Save as
        PDF…", works once the panel shows the record just saved, and that is a moment *after* the row is
        in the file, which is all a test can see.  On a loaded machine that moment grew past the time a
        test took to press the key, which then did nothing (not yet: the desk remembering it).
        """
        pressed = [float("-inf")]

        def shown() -> bool:
            if self.windows(title):
                return True
            if time.monotonic() - pressed[0] >= every:
                self.key(key)
                pressed[0] = time.monotonic()
            return False

        self.wait_for(shown, f"the window '{title}' after {key}")
        self.wait_window(title)

    def wait_gone(self, title: str) -> None:
        self.wait_for(lambda: not self.windows(title), f"the window '{title}' to close")

    def wait_exit(self, timeout: float = TIMEOUT_S) -> int:
        assert self.process is not None
        process = self.process
        self.x.wait_for(lambda: process.poll() is not None, "the station to exit", timeout)
        return process.returncode

    # ---- keyboard -----------------------------------------------------------------------------------
    def key(self, *keys: str) -> None:
        """Key presses by X keysym name (``Tab``, ``Return``, ``F8``, ``ctrl+q``), through XTest."""
        self.x.run("xdotool", "key", "--delay", "60", *keys)

    def type(self, text: str) -> None:
        self.x.run("xdotool", "type", "--delay", "40", text)

    # ---- reading the outcome ------------------------------------------------------------------------
    def check_database_locks(self, *, required: bool = False) -> None:
        """A running station holds SQLite's locks on its database (``tests/sqlite_locks.py``) from the
        moment its engine has them until it closes: one gone means something in the station opened and
        closed the file behind SQLite's back, and the next read by another program resets ``-shm`` under
        it (SIGBUS, at its next touch of the file).  Fails here, naming the lock, instead of a crash a
        read later; ``required`` once the station must have them (logged in)."""
        process = self.process
        if process is None or process.poll() is not None or not sqlite_locks.available():
            return
        held = sqlite_locks.held(process.pid, self.db_path)
        if held == {sqlite_locks.SHARED, sqlite_locks.IN_USE}:
            self._locks_seen = process.pid
            return
        if not required and self._locks_seen != process.pid:
            return  # still starting: its engine has not opened the database yet
        try:
            process.wait(5)  # closing (its engine released them last): not a loss
            return
        except subprocess.TimeoutExpired:
            pass
        lost = {sqlite_locks.SHARED, sqlite_locks.IN_USE} - held
        pytest.fail(
            f"the running station no longer holds the {' and the '.join(sorted(lost))}: something "
            "in it opened and closed the file (see ui/desk/widgets/file_dialogs.py); a read now "
            "would reset -shm under it"
        )

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        """Rows from the station's database file; none while it does not exist yet.  A running station
        is first checked to still hold its locks (:meth:`check_database_locks`)."""
        if not self.db_path.exists():
            return []
        self.check_database_locks()
        with closing_connection(self.db_path, self.folder / "data") as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except DRIVER_ERRORS as exc:  # no such table: the migrations have not run yet
                if "no such table" in str(exc) or "locked" in str(exc):
                    return []
                raise

    def stop(self) -> None:
        """Teardown only: a station still running after its test is ended without ceremony."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def closing_connection(path: Path, data: Path) -> Iterator[sqlite3.Connection]:
    """Read-only, with the station's key from its data folder when the file is encrypted (``db.cipher``)."""
    import sqlcipher3.dbapi2 as sqlcipher

    from db.cipher import apply_key, is_plain
    from db.crypt_key import KeyStore

    key = None if is_plain(path) else KeyStore(data).load()
    module: Any = sqlite3 if key is None else sqlcipher
    conn = module.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    apply_key(conn, key)
    conn.row_factory = module.Row
    try:
        yield conn
    finally:
        conn.close()


# ---- the station's own words, in its language (the test process is in zh_CN, as the station) ----------
def main_title(settings: dict[str, Any] | None) -> str:
    name = (settings or {}).get("station_name", "")
    return f"{tr('fever_desk pre-screening')} — {name}" if name else tr("fever_desk pre-screening")


FIRST_RUN_TITLE = "First start: create the administrator account"
LOGIN_TITLE = "Log in to the desk"
SAVE_PDF_TITLE = "Save the slip as PDF"
