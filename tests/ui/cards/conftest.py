"""The station every report-card desk test runs on: a migrated SQLite file with its real database worker,
a doctor and a nurse in the accounts, and the doctor logged in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fever_desk.accounts import Role
from fever_desk.settings import Settings, save_settings
from tests.ui.cards.support import DOCTOR, NURSE, log_in_as, on_worker
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.services.database import Database
from ui.services.problems import describe_error


@pytest.fixture
def station(qtbot, tmp_path: Path) -> Iterator[Station]:
    settings = Settings(
        station_id="desk-1",
        station_name="城关镇卫生院预检分诊台",
        institution="城关镇卫生院",
        area_code="430121",
        operator=DOCTOR,
    )
    path = tmp_path / "config" / "settings.json"
    save_settings(settings, path)
    worker: Worker[Database] = Worker(lambda: Database(f"sqlite:///{tmp_path / 'cards.sqlite3'}"))
    station = Station(settings, path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    for username, role in ((DOCTOR, Role.DOCTOR), (NURSE, Role.NURSE)):
        on_worker(
            qtbot,
            station,
            lambda ctx, u=username, r=role: ctx.accounts.add(u, "correct horse", r, must_change=False),
        )
    log_in_as(qtbot, station, DOCTOR, Role.DOCTOR)
    try:
        yield station
    finally:
        worker.stop()
