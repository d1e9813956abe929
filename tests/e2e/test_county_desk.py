"""The County tab at a real display: ``fever-desk`` on Xvfb, a county user, the county's PostgreSQL.

Two points are enrolled in a county database on the session's private cluster (``tests/pg.py``): one
station reports yesterday's day (a zero report, sent from its own data folder and encrypted database, as
``tests/ui/test_county_desk.py`` does), the other sends nothing.  A county user logs in to the real
process, which finds the county database as the command line does (``FEVER_DESK_COUNTY_DB``) and lands on
the County tab; she types yesterday's date and exports the day with Ctrl+E and the save dialog, keys
only.  The workbook read back is the document the screen shows (``ui/desk/county/screen.py`` exports the
day it loaded with the same query): the reporting point late, the silent one missing and on the missing
list with its phone.

Yesterday, not today: the real process judges the day by the county server's clock, and yesterday is
past its 16:00 cutoff whenever the test runs, so "missing" never depends on the hour.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from db.county import repository as repo
from fever_desk.i18n import tr
from tests.db.conftest import pg_cluster  # noqa: F401 - the session's private server
from tests.db.county_fixtures import County, county  # noqa: F401 - fixture
from tests.e2e.test_keyboard_desk import quit_with_ctrl_q
from tests.e2e.xdesk import LOGIN_TITLE, SEEDED_SETTINGS, Station, XServer, main_title

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.now(SHANGHAI).date() - timedelta(days=1)
COUNTY_USER, COUNTY_PASSWORD = "county.li", "county-2026"
EXPORT_TITLE = "Save the county's day"
#: (name, township code, township, contact) of the point that reports and of the one that stays silent.
REPORTED = ("零报诊所", "430903103", "兰溪镇", "0737-1111111")
SILENT = ("沉默药店", "430903104", "泉交河镇", "13707370737")


@pytest.fixture(autouse=True)
def in_beijing_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stations, county and the station process in one zone (the process inherits ``TZ``)."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


def _enrol_points(place: County) -> dict[str, str]:
    """Both points, active from ``DAY``; their enrolment codes by name."""
    codes = {}
    with place.engine.begin() as c:
        for name, code, town, contact in (REPORTED, SILENT):
            point = repo.add_point(c, name, "clinic", code, town, contact, active_from=DAY)
            codes[name] = repo.issue_code(c, point.id)
    return codes


def _station_reports(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, place: County, code: str, *, send: bool
) -> None:
    """A station (its own data folder and encrypted database) enrols and, if ``send``, reports ``DAY``."""
    from ui.services import county as station_county
    from ui.services.audit_hooks import set_actor
    from ui.services.database import Database
    from ui.services.reports import ReportingStation, generate_report

    folder = tmp / code
    folder.mkdir()
    monkeypatch.setenv("FEVER_DESK_DATA", str(folder / "data"))
    ctx = Database(f"sqlite:///{folder / 'station.sqlite3'}")
    try:
        set_actor(ctx, "nurse", code)
        station_county.enrol(ctx, place.station_url(), code)
        if send:
            generate_report(ctx, ReportingStation(code, code, code, "nurse", time(16, 0)), DAY)
            station_county.queue_reports(ctx, code)
            assert station_county.send(ctx).sent == 1
    finally:
        ctx.close()
        monkeypatch.delenv("FEVER_DESK_DATA")


@pytest.fixture
def county_pc(
    x_server: XServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    county: County,  # noqa: F811 - the imported fixture
) -> Iterator[Station]:
    """The commission's PC: a station whose only user has the county role, pointed at the county."""
    codes = _enrol_points(county)
    _station_reports(tmp_path, monkeypatch, county, codes[REPORTED[0]], send=True)
    _station_reports(tmp_path, monkeypatch, county, codes[SILENT[0]], send=False)
    monkeypatch.setenv("FEVER_DESK_COUNTY_DB", county.url)  # the process inherits it (Station.env)
    station = Station(x_server, tmp_path / "county-pc", SEEDED_SETTINGS)
    add = ("user", "add", COUNTY_USER, "--role", "county", "--name", "Li Hua", "--password-stdin")
    station.cli(*add, stdin=COUNTY_PASSWORD + "\n")
    yield station
    station.stop()


def test_a_county_user_lands_on_the_county_tab_and_exports_the_day_by_keyboard(
    county_pc: Station, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    county_pc.start()
    county_pc.wait_window(tr(LOGIN_TITLE))
    county_pc.type(COUNTY_USER)
    county_pc.key("Tab")
    county_pc.type(COUNTY_PASSWORD)
    county_pc.key("Return")
    county_pc.wait_gone(tr(LOGIN_TITLE))
    county_pc.wait_window(main_title(county_pc.settings))
    # The County tab shows with the keyboard in its date (Alt+D): yesterday, typed over today.
    county_pc.key("alt+d", "ctrl+a")
    county_pc.type(DAY.isoformat())
    target = tmp_path / "county-day.xlsx"
    county_pc.key_until_window("ctrl+e", tr(EXPORT_TITLE))
    county_pc.key("ctrl+a")
    county_pc.type(str(target))
    county_pc.key("Return")
    county_pc.wait_gone(tr(EXPORT_TITLE))
    county_pc.wait_for(lambda: target.exists() and target.stat().st_size > 0, "the county's day written")
    quit_with_ctrl_q(county_pc)

    book = load_workbook(target)
    rows: list[tuple[Any, ...]] = list(book["各报告点"].iter_rows(values_only=True))
    cells = [str(value) for row in rows for value in row if value is not None]
    assert any(DAY.isoformat() in cell for cell in cells), cells  # the day typed, not today
    points = {row[2]: row for row in rows if len(row) > 2 and row[2] in (REPORTED[0], SILENT[0])}
    assert points[REPORTED[0]][4:6] == ("迟报", "零报告"), points  # sent today for yesterday: late
    assert points[SILENT[0]][4:6] == ("缺报", "—"), points
    missing = [(row[0], row[1], row[3]) for row in book["缺报名单"].iter_rows(min_row=2, values_only=True)]
    assert missing == [(SILENT[2], SILENT[0], SILENT[3])], missing
