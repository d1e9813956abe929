"""The Reports screen, the glance, the reminder banner and the follow-up action, on a real worker.

Each test builds its own station (settings, a migrated SQLite file, the database worker) rather than the
whole window, and injects the clock, so "15:31" is a value, not a wait.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fever_desk.day_lines import ScreeningLine
from fever_desk.model import Disposition, Screening
from fever_desk.reporting import FollowupResult
from fever_desk.settings import Settings, save_settings
from tests.db.factories import make_screening
from ui.desk.reports.glance import ReportGlance
from ui.desk.reports.reminder import ReminderBanner, ReportReminder
from ui.desk.reports.screen import ReportsScreen
from ui.desk.runtime.workers import Worker
from ui.desk.screening.followup_dialog import FollowupDialog, install_followup_action
from ui.desk.screening.today_list import TodayList
from ui.desk.station import Station
from ui.services.database import Database
from ui.services.problems import describe_error

DAY = date(2020, 2, 1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


class Context(Database):
    """The station's worker context (``ui.services.database.Database``): repositories and the audit trail."""


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def station(qtbot, tmp_path: Path) -> Iterator[Station]:
    settings = Settings(
        station_id="desk-1",
        station_name="城关镇卫生院预检分诊台",
        institution="城关镇卫生院",
        operator="李护士",
    )
    path = tmp_path / "config" / "settings.json"
    save_settings(settings, path)
    worker: Worker[Context] = Worker(lambda: Context(f"sqlite:///{tmp_path / 'reports.sqlite3'}"))
    station = Station(settings, path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    try:
        yield station
    finally:
        worker.stop()


def on_worker(qtbot, station: Station, fn: Callable[[Context], Any]) -> Any:
    box: list[Any] = []
    station.worker.submit(fn, box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def add_screening(qtbot, station: Station, when: datetime, disposition: Disposition) -> Screening:
    screening = make_screening(created_at=when, disposition=disposition, celsius=38.4)
    return on_worker(qtbot, station, lambda ctx: ctx.screenings.add(screening))


def test_reminder_appears_at_1531_and_not_after_generation(qtbot, station: Station) -> None:
    clock = Clock(local(DAY, 15, 29))
    reminder = ReportReminder(station, clock)
    banner = ReminderBanner(reminder)
    qtbot.addWidget(banner)
    reminder.check()
    qtbot.wait(50)
    assert not reminder.due and banner.isHidden()
    flips: list[bool] = []
    reminder.changed.connect(flips.append)
    clock.moment = local(DAY, 15, 31)
    reminder.check()
    qtbot.waitUntil(lambda: reminder.due, timeout=5000)
    assert not banner.isHidden() and "2020-02-01" in banner.text.text() and reminder.day == DAY
    for _ in range(5):  # a minute later, and later again: still one banner, no new notification
        reminder.check()
        qtbot.waitUntil(lambda: not reminder._asking, timeout=5000)
    assert flips == [True]
    with qtbot.waitSignal(banner.generated, timeout=10000) as generated:
        banner.generate_button.click()
    assert generated.args[0].revision.revision == 1 and generated.args[0].revision.figures.is_zero_report
    qtbot.waitUntil(lambda: not reminder.due, timeout=5000)
    assert banner.isHidden() and flips == [True, False]
    clock.moment = local(DAY, 15, 45)
    reminder.check()
    qtbot.waitUntil(lambda: not reminder._asking, timeout=5000)
    assert banner.isHidden()
    # The next day at 15:31 it is due again: a new reporting day.
    clock.moment = local(DAY + timedelta(days=1), 15, 31)
    reminder.check()
    qtbot.waitUntil(lambda: reminder.due, timeout=5000)
    assert reminder.day == DAY + timedelta(days=1)


def test_reminder_says_overdue_after_the_cutoff(qtbot, station: Station) -> None:
    reminder = ReportReminder(station, Clock(local(DAY, 16, 20)))
    banner = ReminderBanner(reminder)
    qtbot.addWidget(banner)
    reminder.start()
    qtbot.waitUntil(lambda: reminder.due, timeout=5000)
    assert reminder.overdue and "超过截止时间" in banner.text.text()
    reminder.stop()


def test_reports_screen_shows_generates_regenerates_and_exports(
    qtbot, station: Station, tmp_path: Path
) -> None:
    screen = ReportsScreen(station, clock=Clock(local(DAY, 10)))
    qtbot.addWidget(screen)
    # Built on an open database, the screen loads the current reporting day by itself.
    qtbot.waitUntil(lambda: screen.view is not None and screen.view.period.day == DAY, timeout=5000)
    assert screen.kind.text().startswith("零报告") and screen.revisions.rowCount() == 0
    screen.generate_button.click()
    qtbot.waitUntil(lambda: screen.revisions.rowCount() == 1, timeout=5000)
    assert "第 1 版为最新" in screen.status.text()
    with qtbot.waitSignal(screen.generated, timeout=5000) as same:
        screen.generate()
    assert not same.args[0].created
    add_screening(qtbot, station, local(DAY, 9), Disposition.SUSPECTED)
    screen.refresh()
    qtbot.waitUntil(lambda: "数据有变化" in screen.status.text(), timeout=5000)
    assert screen.kind.text() == "日报告"
    assert screen.figures.item(0, 1).text() == "1"
    screen.note.setText("补报疑似一例")
    screen.generate()
    qtbot.waitUntil(lambda: screen.revisions.rowCount() == 2, timeout=5000)
    assert screen.revisions.item(0, 0).text() == "2" and screen.revisions.item(0, 5).text() == "补报疑似一例"
    for name in ("day.xlsx", "day.csv", "day.pdf"):
        with qtbot.waitSignal(screen.exported, timeout=20000):
            screen.export_to(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 0
    revisions = on_worker(qtbot, station, lambda ctx: ctx.reports.revisions("desk-1", DAY))
    assert [r.revision for r in revisions] == [1, 2]  # exporting unchanged figures adds none
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.set_day(DAY - timedelta(days=1))
    assert screen.revisions.rowCount() == 0 and screen.kind.text().startswith("零报告")


def test_glance_shows_the_current_reporting_day(qtbot, station: Station) -> None:
    add_screening(qtbot, station, local(DAY, 16), Disposition.FEVER_CLINIC)  # exactly at the cutoff
    add_screening(qtbot, station, local(DAY, 16, 5), Disposition.SUSPECTED)  # the next reporting day
    clock = Clock(local(DAY, 15, 0))
    glance = ReportGlance(station, clock=clock)
    qtbot.addWidget(glance)
    with qtbot.waitSignal(glance.loaded, timeout=5000):
        glance.refresh()
    assert glance.glance.period.day == DAY and glance.glance.figures.fever_clinic == 1
    assert "报告日 02-01" in glance.label.text() and "报告未生成" in glance.label.text()
    clock.moment = local(DAY, 16, 10)
    with qtbot.waitSignal(glance.loaded, timeout=5000):
        glance.refresh()
    assert glance.glance.period.day == DAY + timedelta(days=1) and glance.glance.figures.suspected == 1


def test_followup_recorded_from_todays_list(qtbot, station: Station) -> None:
    screening = add_screening(qtbot, station, datetime.now().astimezone(), Disposition.SUSPECTED)
    today = TodayList()
    qtbot.addWidget(today)
    today.set_rows([ScreeningLine.of(screening)])  # the light row the day list holds
    recorded: list[Any] = []
    action = install_followup_action(
        today.table, station, lambda index: today.model.rows[index.row()], recorded.append
    )
    today.table.setCurrentIndex(today.model.index(0, 0))
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), FollowupDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, FollowupDialog)
    dialog.result.setCurrentIndex(dialog.result.findData(FollowupResult.CONFIRMED.value))
    dialog.note.setText("定点医院电话反馈")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: bool(recorded), timeout=5000)
    assert recorded[0].result is FollowupResult.CONFIRMED and recorded[0].recorded_by == "李护士"
    stored = on_worker(qtbot, station, lambda ctx: ctx.reports.followups(screening.id))
    assert [f.note for f in stored] == ["定点医院电话反馈"]
    again = FollowupDialog(station, screening)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.earlier.count() == 1, timeout=5000)
    assert "确诊病例" in again.earlier.item(0).text()
