"""A real desk on a temporary SQLite database, driven through the keyboard as a nurse would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fever_desk.settings import Settings, save_settings
from ui.desk.app import build_window
from ui.desk.main_window import MainWindow
from ui.desk.runtime.gui_gc import GuiThreadCollector


@dataclass
class Keyboard:
    """Types into whatever has focus, as a nurse's keyboard does, and counts the keys pressed."""

    qtbot: object
    presses: list[str] = field(default_factory=list)
    free_characters: int = 0

    def target(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has keyboard focus"
        return widget

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.presses.append(f"{modifier.name}+{key.name}" if modifier.value else key.name)
        QTest.keyClick(self.target(), key, modifier)

    def type(self, text: str, *, counted: bool = False) -> None:
        """ASCII text into the focused widget; ``counted=False`` for the characters the issue exempts."""
        for char in text:
            QTest.keyClicks(self.target(), char)
        if counted:
            self.presses.extend(text)
        else:
            self.free_characters += len(text)

    def routine_patient(
        self,
        name: str = "Wang Fang",
        *,
        sex: Qt.Key = Qt.Key.Key_2,
        age: str = "34",
        phone: str = "13912345678",
        temperature: str = "36.5",
    ) -> None:
        """A routine patient typed from the name field on, every question answered "no" (F8); not saved.

        The eight keys of ``tests/ui/test_screening_desk.py``'s key-count test, which spells them out."""
        self.type(name)
        self.key(Qt.Key.Key_Tab)
        self.key(sex)
        self.key(Qt.Key.Key_Tab)
        self.type(age)
        self.key(Qt.Key.Key_Tab)
        self.type(phone)
        self.key(Qt.Key.Key_Tab)
        self.type(temperature)
        self.key(Qt.Key.Key_F8)


@dataclass
class Desk:
    window: MainWindow
    db_url: str
    db_path: Path
    settings_path: Path
    keyboard: Keyboard


@pytest.fixture(scope="session", autouse=True)
def collect_on_the_gui_thread(qapp) -> Iterator[None]:
    """As the station does (``ui.desk.runtime.gui_gc``): cycles holding widgets are never freed on a worker.

    Without it a widget from an earlier test, freed by the collector on a database worker thread,
    corrupted memory and crashed a later test.
    """
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def no_window_timers_left_behind(qapp) -> Iterator[None]:
    """A test's windows live on until the collector frees them; their periodic timers must not fire into
    a later test.  The report glance asks the (stopped) worker every minute, and pytest-qt charged the
    RuntimeError to whichever test was running then."""
    yield
    for widget in QApplication.topLevelWidgets():
        for timer in widget.findChildren(QTimer):
            timer.stop()


@pytest.fixture
def desk_settings(tmp_path: Path) -> Settings:
    settings = Settings(station_name="城关镇卫生院预检分诊台", institution="城关镇卫生院", operator="李护士")
    save_settings(settings, tmp_path / "config" / "settings.json")
    return settings


@contextmanager
def running_desk(
    qtbot, url: str, settings: Settings, settings_path: Path, db_path: Path, timeout: int = 20000
) -> Iterator[Desk]:
    """The real window on ``url`` with its database worker, shown, today's list loaded and the keyboard in
    the name field, as a nurse finds it; the worker is stopped and joined afterwards."""
    window, worker = build_window(url, settings, settings_path)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    with qtbot.waitSignals([worker.context_ready, window.day_loaded], timeout=timeout):
        worker.start()
    window.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.form.name, timeout=5000)
    try:
        yield Desk(window, url, db_path, settings_path, Keyboard(qtbot))
    finally:
        worker.stop()
        assert not worker._thread.is_alive()


@pytest.fixture
def desk(qtbot, tmp_path: Path, desk_settings: Settings) -> Iterator[Desk]:
    db_path = tmp_path / "desk.sqlite3"
    settings_path = tmp_path / "config" / "settings.json"
    with running_desk(qtbot, f"sqlite:///{db_path}", desk_settings, settings_path, db_path) as running:
        yield running
