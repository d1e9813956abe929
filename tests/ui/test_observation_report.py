"""The daily report carries the observation figures: ``fever-desk report daily`` prints them and writes
them into the file, counted over the reporting period (previous cutoff, this cutoff]."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from fever_desk.model import MeasureMode, Person, Sex, Temperature, TemperatureSource
from fever_desk.observation.model import CellEntry, Exposure, Kind, Placement, Registration, Slot
from fever_desk.settings import Settings, save_settings
from tests.ui.test_report_cli import run
from ui.services import observation as obs
from ui.services.audit_hooks import set_actor
from ui.services.database import Database


def _person(name: str, id_number: str) -> Person:
    return Person(name, Sex.MALE, 30, None, id_number, "13900000001", "兰溪镇")


def _registration(exposed: date) -> Registration:
    return Registration(Exposure(Kind.RETURNEE, exposed, origin="武汉"), Placement())


def test_the_daily_report_counts_new_released_referred_under_and_cumulative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_settings(
        Settings(station_id="desk-1", station_name="兰溪镇卫生院"), Path(os.environ["FEVER_DESK_CONFIG"])
    )
    ctx = Database(os.environ["FEVER_DESK_DB"])
    set_actor(ctx, "doctor.li", "desk-1")
    # The report of 2020-02-03 covers (02-02 16:00, 02-03 16:00].
    earlier = obs.register_by_hand(
        ctx,
        _person("甲", "110101198001010010"),
        _registration(date(2020, 1, 19)),
        now=datetime(2020, 1, 20, 9),
    ).observation
    obs.register_by_hand(
        ctx, _person("乙", "110101198001010036"), _registration(date(2020, 2, 1)), now=datetime(2020, 2, 3, 9)
    )
    feverish = obs.register_by_hand(
        ctx,
        _person("丙", "110101198001010052"),
        _registration(date(2020, 2, 1)),
        now=datetime(2020, 2, 3, 10),
    ).observation
    fever = Temperature(38.2, TemperatureSource.MANUAL, MeasureMode.BODY, datetime(2020, 2, 3, 10, 30))
    obs.record_cell(
        ctx,
        feverish.id,
        CellEntry(date(2020, 2, 3), Slot.MORNING, fever, {}),
        now=datetime(2020, 2, 3, 10, 30),
    )
    obs.refer(ctx, feverish.id, now=datetime(2020, 2, 3, 11))
    obs.release(ctx, earlier.id, role="doctor", now=datetime(2020, 2, 3, 11))
    # after the cutoff: tomorrow's report
    obs.register_by_hand(
        ctx,
        _person("丁", "110101198001010079"),
        _registration(date(2020, 2, 2)),
        now=datetime(2020, 2, 3, 17),
    )
    ctx.close()

    out = tmp_path / "日报告.csv"
    assert run(["report", "daily", "--date", "2020-02-03", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "医学观察：在观察 1 人，新增 2 人，解除 1 人，转诊 1 人，累计 3 人" in printed
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    values = {row[0]: row[1] for row in rows if len(row) == 2}
    assert (values["在观察人数"], values["新增医学观察"], values["解除医学观察"]) == ("1", "2", "1")
    assert (values["医学观察中转诊"], values["累计医学观察"]) == ("1", "3")
