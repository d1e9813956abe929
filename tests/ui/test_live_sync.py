"""The live list poller and the server indicator, on a fake database context (no server needed)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget

from fever_desk.settings import Settings
from ui.desk.runtime.live_refresh import ChangePoller
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.desk.widgets.server_status import ServerStatus


class FakeScreenings:
    def __init__(self) -> None:
        self.version = 0
        self.calls = 0

    def changed_since(self, token, start, end):
        self.calls += 1
        return None if token == self.version else self.version


class Ctx:
    def __init__(self) -> None:
        self.screenings = FakeScreenings()

    def close(self) -> None:
        pass


@dataclass
class Status:
    online: bool
    pending: int


def test_the_list_reloads_only_when_the_token_changes(qtbot, tmp_path: Path):
    ctx = Ctx()
    worker: Worker[Ctx] = Worker(lambda: ctx)
    station = Station(Settings(), tmp_path / "s.json", worker, str)
    screen = QWidget()
    qtbot.addWidget(screen)
    screen.show()
    now = datetime.now(UTC)
    poller = ChangePoller(station, screen, interval_ms=20, bounds=lambda: (now, now))
    changes = []
    poller.changed.connect(lambda: changes.append(ctx.screenings.version))
    with qtbot.waitSignal(worker.context_ready):
        worker.start()
    try:
        qtbot.waitUntil(lambda: changes == [0])  # the first token always counts as a change
        qtbot.waitUntil(lambda: ctx.screenings.calls > 5)
        assert changes == [0]  # polled, nothing new: no reload
        ctx.screenings.version = 1  # another counter saved
        qtbot.waitUntil(lambda: changes == [0, 1])
        screen.hide()
        calls = ctx.screenings.calls
        qtbot.wait(100)
        assert ctx.screenings.calls <= calls + 1  # a hidden screen does not poll
    finally:
        poller.timer.stop()
        worker.stop()


def test_the_server_indicator_follows_the_replay_thread(qtbot):
    label = ServerStatus()
    qtbot.addWidget(label)
    assert label.isHidden()
    label.attach(None)  # a SQLite desk: no indicator
    assert label.isHidden()

    class Store:
        callback = None

        def status(self):
            return Status(True, 0)

        def start_replaying(self, every, on_status):
            Store.callback = on_status

    label.attach(Store())
    assert not label.isHidden() and "已连接" in label.text()
    threading.Thread(target=Store.callback, args=(Status(False, 3),)).start()
    qtbot.waitUntil(lambda: "3" in label.text() and "无法连接" in label.text())
    label.show_status(Status(True, 2))
    assert "正在上传" in label.text()
