"""The county's view in the desk and the desk's own sending, on the private PostgreSQL cluster.

Two stations (their own data folders, keys and encrypted SQLite databases) report a day — one zero, one
a fever case — and a third enrolled point stays silent; the county's screen, judged at 16:01 of that day
(the injected clock), shows exactly that, and its exports read back.  Then a report generated on the
Reports screen arrives at the county without any command, and a refusal's reason comes back on screen.
The report day is tomorrow in the county's zone, so every report arrives before its cutoff (on time)
whenever the test runs.
"""

from __future__ import annotations

import time as time_module
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from db.county import repository as repo
from db.repositories import SqlScreeningRepository
from fever_desk.accounts import Operator, Role
from fever_desk.i18n import set_language
from fever_desk.model import Disposition
from fever_desk.reporting import reporting_day_of
from fever_desk.settings import Settings, save_settings
from tests.db.conftest import pg_cluster  # noqa: F401 - the session's private server
from tests.db.county_fixtures import County, county  # noqa: F401 - fixture
from tests.db.factories import make_screening
from tests.pdf import pdf_text
from ui.desk.county.screen import CountyScreen
from ui.desk.county.sending import CountySender
from ui.desk.reports.screen import ReportsScreen
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.services import county as station_county
from ui.services.audit_hooks import set_actor
from ui.services.database import Database
from ui.services.problems import describe_error
from ui.services.reports import ReportingStation, generate_report

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A report day no send round counts as past: the day after the one running now.  After 16:00 the running
#: day is already tomorrow, and a round queues the card counts of every reported day up to it (a test with
#: "tomorrow" here found one more delivery when run after 16:00 Beijing time).
DAY = reporting_day_of(datetime.now(SHANGHAI), time(16, 0), SHANGHAI).day + timedelta(days=1)
AFTER_CUTOFF = datetime.combine(DAY, time(16, 1), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def in_beijing_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stations and county in one zone, as in one county: one 16:00 for both."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time_module.tzset()
    set_language("en")
    yield
    monkeypatch.undo()
    time_module.tzset()


def _points(place: County) -> dict[str, tuple[int, str]]:
    out = {}
    with place.engine.begin() as c:
        for name, kind, code, town, contact in (
            ("零报诊所", "clinic", "430903103", "兰溪镇", "0737-1111111"),
            ("发热诊所", "clinic", "430903103", "兰溪镇", "0737-2222222"),
            ("沉默药店", "pharmacy", "430903104", "泉交河镇", "13707370737"),
        ):
            point = repo.add_point(c, name, kind, code, town, contact, active_from=DAY)
            out[name] = (point.id, repo.issue_code(c, point.id))
    return out


def _report_from_a_station(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, place: County, code: str, disposition: Disposition | None
) -> None:
    """A station (its own data folder and database) enrols, screens one person (or nobody), reports, sends."""
    folder = tmp / code
    folder.mkdir()
    monkeypatch.setenv("FEVER_DESK_DATA", str(folder / "data"))
    ctx = Database(f"sqlite:///{folder / 'station.sqlite3'}")
    try:
        set_actor(ctx, "nurse", code)
        station_county.enrol(ctx, place.station_url(), code)
        if disposition is not None:
            when = datetime.combine(DAY, time(10, 0)).astimezone()
            SqlScreeningRepository(ctx.handle.session_factory).add(
                make_screening(created_at=when, disposition=disposition, celsius=38.4)
            )
        generate_report(ctx, ReportingStation(code, code, code, "nurse", time(16, 0)), DAY)
        station_county.queue_reports(ctx, code)
        assert station_county.send(ctx).sent == 1
    finally:
        ctx.close()


def _station(qtbot: Any, tmp: Path, name: str) -> Iterator[Station]:
    settings = Settings(station_id=name, station_name=name, institution=name, operator="nurse")
    (tmp / name).mkdir(exist_ok=True)
    path = tmp / name / "settings.json"
    save_settings(settings, path)
    worker: Worker[Database] = Worker(lambda: Database(f"sqlite:///{tmp / name / 'desk.sqlite3'}"))
    station = Station(settings, path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    box: list[Any] = []
    worker.submit(lambda ctx: set_actor(ctx, "nurse", name), box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    station.operator = Operator(uuid.uuid4(), "nurse", "护士", Role.NURSE)
    try:
        yield station
    finally:
        worker.stop()


@pytest.fixture
def desk_station(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Station]:
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "desk" / "data"))
    yield from _station(qtbot, tmp_path, "desk")


def _cells(table: Any) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _wait(qtbot: Any, signal: Any, action: Callable[[], None]) -> Any:
    with qtbot.waitSignal(signal, timeout=30000) as blocker:
        action()
    return blocker.args[0]


def test_the_county_screen_shows_two_reports_and_the_silent_point(
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    county: County,  # noqa: F811
) -> None:
    points = _points(county)
    _report_from_a_station(tmp_path, monkeypatch, county, points["零报诊所"][1], None)
    _report_from_a_station(tmp_path, monkeypatch, county, points["发热诊所"][1], Disposition.FEVER_CLINIC)
    # 沉默药店 enrols and sends nothing.
    silent = tmp_path / "silent"
    silent.mkdir()
    monkeypatch.setenv("FEVER_DESK_DATA", str(silent / "data"))
    ctx = Database(f"sqlite:///{silent / 'station.sqlite3'}")
    set_actor(ctx, "nurse", "silent")
    station_county.enrol(ctx, county.station_url(), points["沉默药店"][1])
    ctx.close()

    monkeypatch.setenv("FEVER_DESK_COUNTY_DB", county.url)
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "county-pc" / "data"))
    gen = _station(qtbot, tmp_path, "county-pc")
    station = next(gen)
    try:
        screen = CountyScreen(station, today=lambda: DAY, at=AFTER_CUTOFF)
        qtbot.addWidget(screen)
        assert screen.url.text() == county.url  # found as the command line finds it
        doc = _wait(qtbot, screen.loaded, screen.show)
        assert doc.day == DAY
        assert _cells(screen.points) == [
            ["兰溪镇", "发热诊所", "Clinic", "On time", "findings", "1", "1", "1", "0", "0"],
            ["兰溪镇", "零报诊所", "Clinic", "On time", "zero", "0", "0", "0", "0", "0"],
            ["泉交河镇", "沉默药店", "Pharmacy", "Missing", "—", "—", "—", "—", "—", "—"],
        ]
        assert _cells(screen.towns) == [
            ["430903103", "兰溪镇", "2", "2", "0", "0", "1", "1", "1"],
            ["430903104", "泉交河镇", "1", "0", "0", "1", "0", "0", "0"],
        ]
        assert _cells(screen.missing) == [["泉交河镇", "沉默药店", "13707370737"]]
        assert "3 points: 2 on time, 0 late, 1 missing" in screen.summary.text()
        set_language("zh_CN")
        screen.retranslate()
        assert _cells(screen.points)[2][3] == "缺报" and _cells(screen.missing)[0][1] == "沉默药店"
        set_language("en")
        screen.retranslate()
        assert len(screen.chart.days) == 14 and screen.chart.days[-1].reported == 2
        assert screen.chart.days[-1].expected == 3 and screen.chart.days[0].expected == 0
        screen.chart.grab()  # paints without error

        xlsx, pdf = tmp_path / "county.xlsx", tmp_path / "county.pdf"
        assert _wait(qtbot, screen.exported, lambda: screen.export_to(xlsx)) == xlsx
        assert _wait(qtbot, screen.exported, lambda: screen.export_to(pdf)) == pdf
        from openpyxl import load_workbook

        book = load_workbook(xlsx)
        assert [row[1] for row in book["缺报名单"].iter_rows(min_row=2, values_only=True)] == ["沉默药店"]
        text = pdf_text(pdf)
        assert "缺报名单" in text and "沉默药店" in text and "零报告" in text and "13707370737" in text

        # F5 asks again; judged before the cutoff, the silent point is not yet missing.
        screen.at = datetime.combine(DAY, time(15, 59), tzinfo=SHANGHAI)
        _wait(qtbot, screen.loaded, lambda: qtbot.keyClick(screen.day, Qt.Key.Key_F5))
        assert _cells(screen.missing) == [] and screen.missing_label.text() == "No point is missing."
    finally:
        gen.close()


def test_an_unreachable_county_is_said_on_the_screen(qtbot: Any, desk_station: Station) -> None:
    screen = CountyScreen(desk_station, today=lambda: DAY)
    qtbot.addWidget(screen)
    screen.url.setText("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    screen.refresh()
    qtbot.waitUntil(lambda: "cannot be reached" in screen.summary.text(), timeout=20000)
    assert screen.doc is None and screen.points.rowCount() == 0
    screen.url.setText("sqlite:///county.sqlite3")  # a mistake a user can type: said, not a traceback
    screen.refresh()
    qtbot.waitUntil(lambda: "must be PostgreSQL" in screen.summary.text(), timeout=20000)


def test_a_report_generated_on_the_desk_arrives_at_the_county(
    qtbot: Any,
    desk_station: Station,
    county: County,  # noqa: F811
) -> None:
    reports = ReportsScreen(desk_station, clock=lambda: datetime.combine(DAY, time(9, 0)).astimezone())
    qtbot.addWidget(reports)
    sender = CountySender(desk_station, reports)
    # Not enrolled: generating does nothing toward the county, and says nothing.
    assert _wait(qtbot, sender.finished, reports.generate) is None
    assert sender.label.isHidden()

    with county.engine.begin() as c:
        point = repo.add_point(c, "兰溪镇卫生院", "township_centre", "430903103", "兰溪镇", active_from=DAY)
        code = repo.issue_code(c, point.id)
    box: list[Any] = []
    url = county.station_url()
    desk_station.worker.submit(lambda ctx: station_county.enrol(ctx, url, code), box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20000)
    reports.note.setText("second look")
    outcome = _wait(qtbot, sender.finished, reports.generate)
    # Revision 1 (generated before the station enrolled) and revision 2 (this one) both go.
    assert (outcome.queued, outcome.sent, outcome.waiting, outcome.refused) == (2, 2, 0, [])
    assert "sent 2" in sender.label.text() and sender.label.isVisibleTo(reports)
    from ui.services.county_view import County as CountyView

    view = CountyView(county.url)
    try:
        (row,) = view.day(DAY, at=AFTER_CUTOFF).rows
    finally:
        view.close()
    assert row.point.id == point.id and row.status.value == "on_time" and row.received.revision == 2
    # The next round (the timer's) reads the county's verdicts back.
    sender.timer.setInterval(50)
    outcome = _wait(qtbot, sender.finished, sender.start)
    sender.stop()
    assert outcome.accepted == 2 and outcome.refused == []


def test_a_refusal_is_shown_with_its_reason(qtbot: Any, desk_station: Station, county: County) -> None:  # noqa: F811
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from db.county.ingest import ingest
    from db.county.link import CountyLink
    from fever_desk.slips.signing import public_key_text

    reports = ReportsScreen(desk_station, clock=lambda: datetime.combine(DAY, time(9, 0)).astimezone())
    qtbot.addWidget(reports)
    sender = CountySender(desk_station, reports)
    with county.engine.begin() as c:
        point = repo.add_point(c, "兰溪镇卫生院", "township_centre", "430903103", "兰溪镇", active_from=DAY)
        code, other = repo.issue_code(c, point.id), None
    box: list[Any] = []
    url = county.station_url()
    desk_station.worker.submit(lambda ctx: station_county.enrol(ctx, url, code), box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20000)
    with county.engine.begin() as c:  # the county re-enrols the point with another PC's key
        other = repo.issue_code(c, point.id)
    link = CountyLink(county.station_url())
    link.enrol(other, public_key_text(Ed25519PrivateKey.generate().public_key()))
    link.close()
    _wait(qtbot, sender.finished, reports.generate)
    ingest(county.engine)
    outcome = _wait(qtbot, sender.finished, sender.send_now)
    assert len(outcome.refused) == 1
    assert "Refused by the county" in sender.label.text()
    assert "altered or forged" in sender.label.text()


def test_keys_date_default_today(qtbot: Any, desk_station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEVER_DESK_COUNTY_DB", raising=False)
    screen = CountyScreen(desk_station)
    qtbot.addWidget(screen)
    assert screen.day.date().toPython() == datetime.now(SHANGHAI).date()
    screen.refresh()
    assert "FEVER_DESK_COUNTY_DB" in screen.summary.text()


def test_a_county_user_logs_in_to_the_county_view(desk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The county's account sees the county's view first and no patient counter; a nurse no county tab."""
    monkeypatch.delenv("FEVER_DESK_COUNTY_DB", raising=False)
    window, tabs = desk.window, desk.window.tabs

    def visible() -> set[str]:
        return {tabs.widget(i).__class__.__name__ for i in range(tabs.count()) if tabs.isTabVisible(i)}

    window.apply_operator(Operator(uuid.uuid4(), "xian", "县卫健委", Role.COUNTY))
    assert tabs.currentWidget() is window.county
    assert tabs.tabText(tabs.currentIndex()) == "County"
    assert not {"ScreeningDesk", "PharmacyScreen", "PersonSearch", "ReportsScreen"} & visible()
    assert "FEVER_DESK_COUNTY_DB" in window.county.summary.text()  # says what it needs, asks nothing
    window.apply_operator(Operator(uuid.uuid4(), "hu", "护士", Role.NURSE))
    assert "CountyScreen" not in visible() and tabs.currentWidget() is window.desk


def test_a_county_outage_keeps_the_reports_and_the_desk_says_so(
    qtbot: Any,
    desk_station: Station,
    county: County,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The county's address stops answering: the round says so on the Reports screen, the timer slows
    down, the reports wait in the outbox; once the county is back the backlog arrives."""
    import json

    reports = ReportsScreen(desk_station, clock=lambda: datetime.combine(DAY, time(9, 0)).astimezone())
    qtbot.addWidget(reports)
    sender = CountySender(desk_station, reports)
    with county.engine.begin() as c:
        point = repo.add_point(c, "兰溪镇卫生院", "township_centre", "430903103", "兰溪镇", active_from=DAY)
        code = repo.issue_code(c, point.id)
    box: list[Any] = []
    url = county.station_url()
    desk_station.worker.submit(lambda ctx: station_county.enrol(ctx, url, code), box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20000)
    enrolment = tmp_path / "desk" / "data" / "county.json"
    kept = enrolment.read_text(encoding="utf-8")
    port = url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]
    enrolment.write_text(kept.replace(f":{port}/", ":1/"), encoding="utf-8")  # nothing listens on port 1
    outcome = _wait(qtbot, sender.finished, reports.generate)
    assert (outcome.queued, outcome.sent, outcome.waiting) == (1, 0, 1) and outcome.unreachable
    assert "cannot be reached" in sender.label.text() and "wait on this station" in sender.label.text()
    assert sender.timer.interval() == 2 * sender.interval_ms
    assert json.loads(kept)["point"] == point.id
    enrolment.write_text(kept, encoding="utf-8")
    outcome = _wait(qtbot, sender.finished, sender.send_now)
    assert (outcome.queued, outcome.sent, outcome.waiting, outcome.unreachable) == (0, 1, 0, "")
    assert sender.timer.interval() == sender.interval_ms
    from db.county.ingest import ingest

    assert ingest(county.engine).accepted == 1
