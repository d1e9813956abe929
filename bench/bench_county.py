"""The county at scale, measured: a year of reports from 500 points plus a week of a city's pharmacy
register in one PostgreSQL, then the county's day status and the ingestion rate.

A private cluster with fsync on (``tests/pg.py``, as ``bench_pg``).  One database holds both schemas —
the station's (its ``purchase`` table is the pharmacy register, as on a city server the pharmacies
share) and the county's (``db/county/migrations``) — and is filled with COPY:

- 500 points in 25 townships × 365 days of daily reports (about 3 % of point-days missing, a few
  revised), each a real canonical report text (``fever_desk.county.signed``) with a 86-character
  signature column (the signatures of the bulk rows are not real: the status query never reads them);
- pharmacy register rows: 140 purchasers a day (the plans' 50–300) × 7 days for 500 pharmacies by
  default (~0.5M rows), for 5,000 with ``--full`` or ``FEVER_DESK_BENCH_COUNTY_FULL=1`` (~4.9M rows, the
  issue's city: the figure's name says which ran).

Figures, each beside its baseline from the same run: the day's status exactly as ``county status``
computes it (``ui.services.county_view.County.day``: ingest check, points, 14 days of reports, statuses,
township totals, trend), p95 of 60 runs, beside the same on a database holding only the 500 points;
ingestion (verify the Ed25519 signature and file the report, ``db.county.ingest``) and stations'
delivery into the inbox (one transaction per report, as a station sends), in reports per second, beside
single-row INSERT transactions per second on the same server; and the COPY load rate.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import Figure, median, percentile

POINTS = 500
TOWNSHIPS = 25
DAYS = 365
LAST_DAY = date(2026, 11, 30)
PHARMACIES = 500
PHARMACIES_FULL = 5000
PER_DAY = 140
REGISTER_DAYS = 7
STATUS_RUNS = 60
INGEST_DAYS = 4  # × 500 points = 2,000 signed reports delivered and ingested
SINGLE_INSERTS = 500
FULL_ENV = "FEVER_DESK_BENCH_COUNTY_FULL"
FIGURE_NAMES = ("screened", "fever", "fever_clinic", "suspected", "purchasers", "purchasers_flagged")


def full_run(argv: list[str] | None = None) -> bool:
    return "--full" in (argv if argv is not None else sys.argv[1:]) or os.environ.get(FULL_ENV) == "1"


def _copy(connection: Any, statement: str, lines: Any) -> int:
    """COPY text-format ``lines`` (already tab-separated) in chunks; returns the row count."""
    count = 0
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        buffer = io.StringIO()
        for line in lines:
            buffer.write(line)
            count += 1
            if count % 20000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _points(connection: Any) -> None:
    def lines() -> Any:
        for n in range(POINTS):
            town = 430903101 + n % TOWNSHIPS
            kind = ("clinic", "township_centre", "pharmacy")[n % 3]
            yield f"点{n:04d}\t{kind}\t{town}\t乡镇{town % 1000:03d}\t0737-{n:07d}\t2025-01-01\n"

    columns = "name, kind, township_code, township, contact, active_from"
    _copy(connection, f"COPY county_point ({columns}) FROM STDIN", lines())


def _reports(connection: Any, rng: random.Random) -> int:
    point_ids = [row[0] for row in connection.execute("SELECT id FROM county_point ORDER BY id")]
    signature = "A" * 86
    first_day = LAST_DAY - timedelta(days=DAYS - 1)

    def lines() -> Any:
        for offset in range(DAYS):
            day = first_day + timedelta(days=offset)
            for point in point_ids:
                if rng.random() < 0.03:
                    continue  # 缺报
                revisions = 2 if rng.random() < 0.02 else 1
                for revision in range(1, revisions + 1):
                    screened = rng.randint(0, 120)
                    fever = rng.randint(0, 3) if rng.random() < 0.2 else 0
                    figures = {"screened": screened, "fever": fever, "fever_clinic": fever, "suspected": 0,
                               "purchasers": rng.randint(0, 300), "purchasers_flagged": 0}  # fmt: skip
                    body = json.dumps({"v": 1, "type": "daily", "point": point, "day": day.isoformat(),
                                       "revision": revision, "figures": figures, "zero": fever == 0,
                                       "cutoff": "16:00"}, sort_keys=True, separators=(",", ":"))  # fmt: skip
                    received = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                        hours=rng.uniform(0, 9 if rng.random() < 0.9 else 14)
                    )
                    values = [str(figures[k]) for k in FIGURE_NAMES]
                    zero = "t" if fever == 0 else "f"
                    head = f"{point}\t{day}\t{revision}\t{received.isoformat()}\t{zero}"
                    yield "\t".join([head, *values, json.dumps(figures), body, signature]) + "\n"

    return _copy(
        connection,
        "COPY county_report (point_id, day, revision, received_at, zero, " + ", ".join(FIGURE_NAMES)
        + ", figures, body, signature) FROM STDIN",
        lines(),
    )  # fmt: skip


def _register(connection: Any, pharmacies: int, rng: random.Random) -> int:
    """Register rows in the station's ``purchase`` table: every NOT NULL column filled by its type."""
    columns = list(
        connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'purchase' "
            "AND is_nullable = 'NO' ORDER BY ordinal_position"
        )
    )
    names = [name for name, _ in columns]
    start = datetime.combine(LAST_DAY - timedelta(days=REGISTER_DAYS - 1), datetime.min.time())
    fixed = {"text": "x", "character varying": "x", "double precision": "36.6", "boolean": "f", "json": "{}",
             "jsonb": "{}", "integer": "0", "date": "1980-01-01"}  # fmt: skip
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"

    def lines() -> Any:
        n = 0
        for pharmacy in range(pharmacies):
            station = f"pharmacy-{pharmacy:05d}"
            for day in range(REGISTER_DAYS):
                for _ in range(PER_DAY):
                    n += 1
                    when = start + timedelta(days=day, seconds=rng.randrange(86400))
                    name = surnames[n % len(surnames)] + "某"
                    row = []
                    for column, kind in columns:
                        if column == "id":
                            row.append(f"{n:032x}")
                        elif column == "station_id":
                            row.append(station)
                        elif kind.startswith("timestamp"):
                            row.append(when.isoformat())
                        elif column in ("name", "name_key"):
                            row.append(name)
                        elif column == "name_initial":
                            row.append(name[0])
                        elif column in ("id_number", "phone", "phone_rev"):
                            row.append(f"{n:011d}")
                        elif column == "advice":
                            row.append("none")
                        else:
                            row.append(fixed.get(kind, ""))
                    yield "\t".join(row) + "\n"

    return _copy(connection, f"COPY purchase ({', '.join(names)}) FROM STDIN", lines())


def _status_ms(empty_url: str, full_url: str) -> tuple[list[float], list[float]]:
    """The day's status on both databases, runs interleaved (empty, full, empty, …) so that whatever else
    the machine is doing weighs on both figures alike."""
    from ui.services.county_view import County

    counties = [County(empty_url), County(full_url)]
    at = datetime.combine(LAST_DAY, datetime.min.time(), UTC) + timedelta(hours=9)
    samples: tuple[list[float], list[float]] = ([], [])
    try:
        for county in counties:
            county.day(LAST_DAY, at=at)  # warm the pool and the caches, as a county PC that is already open
        for _ in range(STATUS_RUNS):
            for county, times in zip(counties, samples, strict=True):
                began = time.perf_counter()
                doc = county.day(LAST_DAY, at=at)
                times.append((time.perf_counter() - began) * 1000.0)
                assert len(doc.rows) == POINTS
        return samples
    finally:
        for county in counties:
            county.close()


def _ingest(url: str) -> tuple[float, float]:
    """(delivery reports/s, ingest reports/s) for INGEST_DAYS × every point of freshly signed reports."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import text

    from db.county.ingest import ingest
    from db.county.link import CountyLink
    from fever_desk.county import signed
    from fever_desk.reporting import DailyFigures
    from fever_desk.slips.signing import public_key_text

    link = CountyLink(url)
    keys: dict[int, Ed25519PrivateKey] = {}
    with link.engine.begin() as c:
        for (point,) in c.execute(text("SELECT id FROM county_point")):
            keys[point] = Ed25519PrivateKey.generate()
            c.execute(text("UPDATE county_point SET public_key = :k WHERE id = :p"),
                      {"k": public_key_text(keys[point].public_key()), "p": point})  # fmt: skip
    items = []
    for offset in range(1, INGEST_DAYS + 1):
        day = LAST_DAY + timedelta(days=offset)
        for point, key in keys.items():
            body = signed.daily_body(point, day, 1, DailyFigures(screened=40, fever=1), "16:00", "x")
            items.append((point, day, signed.sign(key, body)))
    try:
        began = time.perf_counter()
        for point, day, report in items:
            link.deliver(point, "daily", day, 1, report.text, report.signature)
        delivered = len(items) / (time.perf_counter() - began)
        began = time.perf_counter()
        result = ingest(link.engine)
        ingested = result.accepted / (time.perf_counter() - began)
        assert result.accepted == len(items) and result.refused == 0
        return delivered, ingested
    finally:
        link.close()


def _single_inserts(url: str) -> float:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as c:
            c.execute(text("CREATE TABLE IF NOT EXISTS bench_single (id serial PRIMARY KEY, v integer)"))
        with engine.connect() as c:
            began = time.perf_counter()
            for n in range(SINGLE_INSERTS):
                c.execute(text("INSERT INTO bench_single (v) VALUES (:v)"), {"v": n})
                c.commit()
            return SINGLE_INSERTS / (time.perf_counter() - began)
    finally:
        engine.dispose()


def measure(cluster: Any, pharmacies: int) -> dict[str, Any]:
    import psycopg
    from sqlalchemy import create_engine

    from db.county.migrate import upgrade

    rng = random.Random(21)
    out: dict[str, Any] = {}
    urls = {}
    for name in ("county_empty", "county_full"):
        urls[name] = cluster.fresh_database(name)  # the station schema (purchase) from the template
        engine = create_engine(urls[name])
        upgrade(engine)
        engine.dispose()
        database = urls[name].rsplit("/", 1)[1].split("?")[0]
        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            _points(conn)
            if name == "county_full":
                began = time.perf_counter()
                out["reports"] = _reports(conn, rng)
                out["register"] = _register(conn, pharmacies, rng)
                out["load_rate"] = (out["reports"] + out["register"]) / (time.perf_counter() - began)
            conn.execute(
                "VACUUM ANALYZE"
            )  # what autovacuum does soon after a load: visibility map, statistics
            if name == "county_full":
                sizes = conn.execute(
                    "SELECT pg_total_relation_size('county_report'), pg_total_relation_size('purchase')"
                ).fetchone()
                out["report_bytes"], out["register_bytes"] = sizes
    out["status_empty"], out["status_full"] = _status_ms(urls["county_empty"], urls["county_full"])
    out["deliver"], out["ingest"] = _ingest(urls["county_full"])
    out["single"] = _single_inserts(urls["county_empty"])
    return out


def run(argv: list[str] | None = None) -> list[Figure]:
    from tests.pg import start_cluster

    pharmacies = PHARMACIES_FULL if full_run(argv) else PHARMACIES
    cluster = start_cluster(durable=True)
    try:
        m = measure(cluster, pharmacies)
    finally:
        cluster.destroy()
    size = f"{m['reports'] / 1000:.0f}k reports + {m['register'] / 1e6:.2f}M register rows"
    return [
        Figure(f"County status, 500 points ({size}), p95", percentile(m["status_full"], 95), "ms",
               "same, 500 points and no rows", percentile(m["status_empty"], 95), "≤ 50 ms"),
        Figure("County status, median (same run)", median(m["status_full"]), "ms", "same, no rows",
               median(m["status_empty"]), "-"),
        Figure("County ingest: verify Ed25519 + file", m["ingest"], "/s", "single-row INSERT txn",
               m["single"], "≥ 300/day"),
        Figure("Stations' delivery into the inbox (1 txn each)", m["deliver"], "/s", "single-row INSERT txn",
               m["single"], "-"),
        Figure("Bytes per report row (table + indexes)", m["report_bytes"] / m["reports"], "B",
               "per register row", m["register_bytes"] / m["register"], "-"),
        Figure(f"COPY load ({size})", m["load_rate"], "/s", "single-row INSERT txn", m["single"], "-"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.common import own_station

    own_station()
    for figure in run():
        print(figure.row())
