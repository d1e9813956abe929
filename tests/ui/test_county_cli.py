"""End to end through ``fever-desk``: two stations (two data folders, two encrypted SQLite databases) and
the county on the private cluster.  One station reports zero, one a fever case, one enrolled point
reports nothing — and ``county status`` shows exactly that, then ``county export`` writes the files."""

from __future__ import annotations

import re
import time as time_module
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest

from db import open_database
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition
from fever_desk.reporting import reporting_day_of
from fever_desk.settings import Settings, save_settings
from tests.db.conftest import pg_cluster  # noqa: F401 - the session's private server
from tests.db.county_fixtures import County, county  # noqa: F401 - fixture
from tests.db.factories import make_screening
from tests.pdf import pdf_text
from ui.cli.main import main

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
def in_beijing_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The stations and the county in one zone, as in one county: the station's report day and the
    county's cutoff are then the same 16:00."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


def _station(tmp: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the process at station ``name``'s own data folder, database and settings."""
    folder = tmp / name
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("FEVER_DESK_DATA", str(folder / "data"))
    monkeypatch.setenv("FEVER_DESK_DB", f"sqlite:///{folder / 'station.sqlite3'}")
    monkeypatch.setenv("FEVER_DESK_CONFIG", str(folder / "settings.json"))
    if not (folder / "settings.json").exists():
        save_settings(
            Settings(station_id=name, station_name=name, institution=name), folder / "settings.json"
        )


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["--language", "en", *argv])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def test_two_stations_and_a_silent_point_seen_by_the_county(
    tmp_path: Path, county: County, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
    capsys: pytest.CaptureFixture[str], in_beijing_time: None,
) -> None:  # fmt: skip
    now = datetime.now().astimezone()
    day = reporting_day_of(now, time(16, 0)).day
    admin = ["county", "--county-db", county.url]
    codes = {}
    for name, kind, township, contact in (
        ("零报诊所", "clinic", "430903103", "0737-1111111"),
        ("发热诊所", "clinic", "430903103", "0737-2222222"),
        ("沉默药店", "pharmacy", "430903104", "13707370737"),
    ):
        town = "兰溪镇" if township.endswith("3") else "泉交河镇"
        out = _run(capsys, *admin, "points", "add", "--name", name, "--kind", kind, "--township-code",
                   township, "--township", town, "--contact", contact,
                   "--active-from", day.isoformat())  # fmt: skip
        found = CODE.search(out)
        assert found, out
        codes[name] = found.group()

    for station, name, disposition, celsius in (
        ("zero", "零报诊所", Disposition.ROUTINE, 36.5),
        ("fever", "发热诊所", Disposition.FEVER_CLINIC, 38.4),
    ):
        _station(tmp_path, station, monkeypatch)
        url = county.station_url()
        assert "Enrolled as point" in _run(
            capsys, "county", "--county-db", url, "enrol", "--code", codes[name]
        )
        database = open_database(f"sqlite:///{tmp_path / station / 'station.sqlite3'}")
        try:  # a person screened at this counter today
            screening = make_screening(created_at=now, disposition=disposition, celsius=celsius)
            SqlScreeningRepository(database.session_factory).add(screening)
        finally:
            database.close()
        _run(capsys, "report", "daily", "--date", day.isoformat(), "--out", str(tmp_path / station / "r.csv"))
        sent = _run(capsys, "county", "send")
        assert "sent 2, still waiting 0" in sent  # the daily report and the day's report-card counts
    # The silent pharmacy enrolled too, and then sent nothing.
    _station(tmp_path, "silent", monkeypatch)
    _run(capsys, "county", "--county-db", county.station_url(), "enrol", "--code", codes["沉默药店"])

    status = _run(capsys, *admin, "status", "--date", day.isoformat(), "--at", f"{day.isoformat()}T16:01")
    lines = {line.split("\t")[1]: line.split("\t") for line in status.splitlines() if line.count("\t") >= 9}
    assert lines["零报诊所"][3:7] == ["On time", "zero", "1", "0"]
    assert lines["发热诊所"][3:9] == ["On time", "findings", "1", "1", "1", "0"]
    assert lines["沉默药店"][3:5] == ["Missing", "—"]
    assert "3 points: 2 on time, 0 late, 1 missing, 0 not yet due; 1 zero reports, 1 with findings" in status
    assert "430903103 兰溪镇: 2 points, 2 on time, 0 late, 0 missing, 1 zero; screened 2, fever 1" in status
    assert "430903104 泉交河镇: 1 points, 0 on time, 0 late, 1 missing, 0 zero; screened 0, fever 0" in status
    trend = status.split("Last 14 report days")[1].split("Missing (phone them):")[0].strip().splitlines()[1:]
    assert len(trend) == 14 and trend[-1].split("\t")[1:] == ["2/3", "1", "2", "1", "0"]
    missing = status.split("Missing (phone them):")[1]
    assert "沉默药店" in missing and "13707370737" in missing and "诊所" not in missing
    # Before the cutoff the silent point is not yet missing.
    early = _run(capsys, *admin, "status", "--date", day.isoformat(), "--at", f"{day.isoformat()}T15:59")
    assert "No point is missing." in early

    xlsx, pdf = tmp_path / "county.xlsx", tmp_path / "county.pdf"
    _run(capsys, *admin, "export", "--date", day.isoformat(), "--at", f"{day.isoformat()}T16:01",
         "--xlsx", str(xlsx), "--pdf", str(pdf))  # fmt: skip
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert [row[1] for row in book["缺报名单"].iter_rows(min_row=2, values_only=True)] == ["沉默药店"]
    text = pdf_text(pdf)
    assert "缺报名单" in text and "沉默药店" in text and "零报告" in text


def test_bad_input_is_one_line_not_a_traceback(
    county: County,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    code = main(["--language", "en", "county", "--county-db", county.url, "points", "add", "--name", "x",
                 "--kind", "clinic", "--township-code", "43090"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "9 digits" in err and "Traceback" not in err
    _station(tmp_path, "nobody", monkeypatch)
    assert main(["--language", "en", "county", "send"]) == 1
    assert "not enrolled" in capsys.readouterr().err
    assert (
        main(["--language", "en", "county", "--county-db", county.url, "enrol", "--code", "NOPE-NOPE-NOPE"])
        == 1
    )
    assert "did not accept the code" in capsys.readouterr().err
