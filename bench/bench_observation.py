"""The observation register with 100,000 people under observation: today's worklist, one half-day saved,
and an import of the grid workers' 5,000-row list, each beside a baseline from the same run.

The large register is built once (migrations + bulk insert) and cached at
``.bench/observation-100k.sqlite3`` (plain SQLite, as ``bench_save``'s: ``bench_crypt`` measures what
SQLCipher adds).  Everyone is inside their 14 days on the benchmark's day (2020-02-10, 10:00 local), with
exposures spread over the fortnight and their grids filled as a busy county's would be: most measured up
to the last half-day (due now), some already this morning, some a few half-days behind (overdue), a few
silent for days (lost), a few with a fever.  Each person's filled half-days are in ``observation_cell``
(about 1.3 million rows).

* worklist: ``ui.services.observation.worklist`` (six sections of at most 50 lines and their sizes,
  counted up to 10,000) on the big register, beside the same call on an empty one;
* one half-day saved: ``record_cell`` for people due now, beside a plain screening save
  (``save_screening``) on the same database — both one unit of work with an audit entry;
* import: 5,000 rows from an XLSX through ``import_list`` into the big register, beside the same file
  into an empty database.

What the benchmark writes is deleted afterwards and the probes' numbers restored, so the cache stays as
built.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Figure, cached_database, median, percentile, plain_sqlite, timed_ms
from fever_desk.identity import check_digit
from fever_desk.model import MeasureMode, Person, Sex, Temperature, TemperatureSource
from fever_desk.observation.model import CellEntry, Exposure, Kind, Observation, Placement, Registration, Slot
from fever_desk.observation.rules import half_day, local_slot

PEOPLE = 100_000
TODAY = date(2020, 2, 10)
NOW = datetime(2020, 2, 10, 10, 0).astimezone()  # local 10:00: the morning half-day
WORKLISTS = 200
SAVES = 200
IMPORT_ROWS = 5_000
BENCH_OPERATOR = "bench-observation"
BENCH_STATION = "bench-obs"


def resident_id(serial: int) -> str:
    born = date(1950, 1, 1) + timedelta(days=serial % 20_000)
    body = f"4301{serial // 20_000 % 100:02d}{born:%Y%m%d}{serial % 1000:03d}"
    return body + check_digit(body)


def _person(serial: int) -> Person:
    return Person(
        name=f"王{serial}",
        sex=Sex.MALE if serial % 2 else Sex.FEMALE,
        age=30,
        id_number=resident_id(serial),
        phone=f"138{serial:08d}",
        address=f"长沙县黄花镇{serial % 40}村{serial % 9}组",
    )


def _observation(serial: int, rng: random.Random) -> tuple[Observation, int]:
    """One person and the newest half-day their grid is filled to (a busy county's spread)."""
    exposure = TODAY - timedelta(days=rng.randint(1, 14))
    registered = (
        datetime.combine(exposure + timedelta(days=1), datetime.min.time()).replace(hour=8).astimezone()
    )
    observation = Observation(
        person=_person(serial),
        registration=Registration(
            Exposure(Kind.RETURNEE if serial % 4 else Kind.CLOSE_CONTACT, exposure, origin="武汉"),
            Placement(responsible="李医生"),
        ),
        registered_at=registered,
        station_id="bench",
        operator="bench",
    )
    now = half_day(*local_slot(NOW))
    roll = rng.random()
    behind = (
        1 if roll < 0.75 else 0 if roll < 0.90 else rng.randint(2, 3) if roll < 0.98 else rng.randint(4, 8)
    )
    return observation, now - behind


def _fill(engine: Any) -> None:
    from sqlalchemy import insert

    from db.observation.mapping import cell_values, observation_values
    from db.observation.models import OBSERVATION, OBSERVATION_CELL
    from fever_desk.observation.model import Cell
    from fever_desk.observation.rules import from_half_day

    rng = random.Random(5)
    with engine.begin() as connection:
        for start in range(0, PEOPLE, 5_000):
            people, cells = [], []
            for serial in range(start, start + 5_000):
                observation, covered = _observation(serial, rng)
                values = observation_values(observation)
                covered = max(values["first_slot"] - 1, min(covered, values["last_slot"]))
                fever = rng.random() < 0.005
                for number in range(values["first_slot"], covered + 1):
                    day, slot = from_half_day(number)
                    celsius = 38.0 if fever and number == covered else 36.5
                    entry = CellEntry(
                        day, slot, Temperature(celsius, TemperatureSource.DEVICE), {"cough": False}
                    )
                    at = (
                        datetime.combine(day, datetime.min.time())
                        .replace(hour=8 + 7 * slot.index)
                        .astimezone()
                    )
                    cells.append(cell_values(Cell(observation.id, entry, "bench", at, fever=celsius >= 37.3)))
                values.update(covered_through=covered, alert=fever, last_temperature=36.5)
                people.append(values)
            connection.execute(insert(OBSERVATION), people)
            connection.execute(insert(OBSERVATION_CELL), cells)
        connection.exec_driver_sql("ANALYZE")


def large_database() -> tuple[Path, float | None]:
    return cached_database("observation-100k.sqlite3", _fill)


def _context(url: str) -> Any:
    from ui.services.audit_hooks import set_actor
    from ui.services.database import Database

    context = Database(url)
    set_actor(context, BENCH_OPERATOR, BENCH_STATION)
    return context


def _worklists(ctx: Any) -> list[float]:
    from ui.services.observation import worklist

    worklist(ctx, TODAY, NOW)
    return [timed_ms(lambda: worklist(ctx, TODAY, NOW)) for _ in range(WORKLISTS)]


def _cell_saves(ctx: Any) -> tuple[list[float], list[float]]:
    """Half-days written for people due now (the morning cell still empty), and plain screening saves."""
    from ui.services.observation import record_cell, worklist
    from ui.services.screening import save_screening

    due = worklist(ctx, TODAY, NOW, limit=SAVES + 20).due_morning
    entry = CellEntry(
        TODAY, Slot.MORNING, Temperature(36.6, TemperatureSource.DEVICE, MeasureMode.BODY), {"cough": False}
    )
    record_cell(ctx, due[0].id, entry, now=NOW)
    cells = [timed_ms(lambda i=item: record_cell(ctx, i.id, entry, now=NOW)) for item in due[1 : SAVES + 1]]
    screenings = [timed_ms(lambda: save_screening(ctx, _screening())) for _ in range(SAVES)]
    return cells, screenings


def _screening() -> Any:
    from fever_desk.model import Answers, Disposition, Outcome, Screening

    answers = Answers({"cough": False}, {"travel": False}, {}, 36.6)
    return Screening(
        person=_person(999_999),
        answers=answers,
        temperature=Temperature(36.6),
        outcome=Outcome(Disposition.ROUTINE, (), "bench", False),
        station_id=BENCH_STATION,
    )


def import_file(folder: Path) -> Path:
    """A grid workers' list of 5,000 new people (none already on the big register)."""
    from openpyxl import Workbook

    from fever_desk.observation.importing import HEADERS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("返乡人员")
    sheet.append(list(HEADERS.values()))
    for n in range(IMPORT_ROWS):
        serial = PEOPLE + 1_000 + n
        person = _person(serial)
        values = dict.fromkeys(HEADERS, "")
        values.update(
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            address=person.address,
            kind="返乡人员",
            last_date=(TODAY - timedelta(days=n % 10)).isoformat(),
            origin="武汉",
            setting="居家",
        )
        sheet.append([values[key] for key in HEADERS])
    path = folder / "grid-list.xlsx"
    book.save(path)
    return path


def _import_seconds(ctx: Any, path: Path) -> float:
    from ui.services.observation import import_list

    seconds = {}

    def run() -> None:
        done = import_list(ctx, path, today=TODAY, now=NOW)
        if done.imported != IMPORT_ROWS:
            raise RuntimeError(f"import refused: {done.report.lines()[:3]}")
        seconds["done"] = done.imported

    return timed_ms(run) / 1000.0


def _clean(ctx: Any, probes: list[dict[str, Any]]) -> None:
    """Delete what the benchmark wrote and give the probes back their numbers."""
    from sqlalchemy import delete, update

    from db.models import SCREENING
    from db.observation.models import OBSERVATION, OBSERVATION_CELL

    with ctx.handle.engine.begin() as connection:
        connection.execute(delete(OBSERVATION_CELL).where(OBSERVATION_CELL.c.recorded_by == BENCH_OPERATOR))
        connection.execute(delete(OBSERVATION).where(OBSERVATION.c.operator == BENCH_OPERATOR))
        connection.execute(delete(SCREENING).where(SCREENING.c.station_id == BENCH_STATION))
        for row in probes:
            keep = {
                k: row[k] for k in ("covered_through", "alert", "last_temperature", "version", "updated_at")
            }
            connection.execute(update(OBSERVATION).where(OBSERVATION.c.id == row["id"]).values(**keep))


def _measure(url: str, folder: Path) -> dict[str, list[float]]:
    """Every figure on the database at ``url`` (the smoke test runs it on an empty one)."""
    from ui.services.observation import worklist

    ctx = _context(url)
    try:
        due = worklist(ctx, TODAY, NOW, limit=SAVES + 20).due_morning
        probes = [ctx.observations.row(item.id) for item in due]
        try:
            results = {"worklist": _worklists(ctx)}
            if due:
                results["cell"], results["screening"] = _cell_saves(ctx)
            else:
                results["cell"], results["screening"] = [], [timed_ms(lambda: _screening_save(ctx))]
            results["import"] = [_import_seconds(ctx, import_file(folder))]
        finally:
            _clean(ctx, [p for p in probes if p is not None])
    finally:
        ctx.close()
    return results


def _screening_save(ctx: Any) -> None:
    from ui.services.screening import save_screening

    save_screening(ctx, _screening())


def run() -> list[Figure]:
    with plain_sqlite():
        return _run()


def _run() -> list[Figure]:
    path, built = large_database()
    if built is not None:
        print(f"  (built {PEOPLE:,} people under observation in {built:.1f} s at {path})", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        big = _measure(f"sqlite:///{path}", Path(folder))
        empty = _measure(f"sqlite:///{Path(folder) / 'empty.sqlite3'}", Path(folder))
    p95 = lambda values: percentile(values, 95)  # noqa: E731
    return [
        Figure("observation worklist, 100k observed, median", median(big["worklist"]), "ms", "empty register",
               median(empty["worklist"]), "-"),
        Figure("observation worklist, 100k observed, p95", p95(big["worklist"]), "ms", "empty register",
               p95(empty["worklist"]), "p95 ≤ 20 ms"),
        Figure("one half-day saved, 100k observed, median", median(big["cell"]), "ms",
               "screening save, same db", median(big["screening"]), "-"),
        Figure("one half-day saved, 100k observed, p95", p95(big["cell"]), "ms", "screening save, same db",
               p95(big["screening"]), "p95 ≤ 10 ms"),
        Figure("import 5,000-row list, 100k observed", big["import"][0], "s", "same file, empty db",
               empty["import"][0], "≤ 2 s"),
    ]  # fmt: skip


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
