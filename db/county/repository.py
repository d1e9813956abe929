"""The county administrator's reads and writes: points, one-time codes, and what was received.

Every read of received reports goes through :func:`received_on`, which takes
the latest revision of each point's day and the receipt time of its *first* revision (punctuality is
judged on the first; see ``fever_desk.county.status``).  Both are one indexed query
(``county_report (day, point_id, revision DESC)``); the 14-day trend is summed in SQL
(:func:`trend_totals`).  ``bench/bench_county.py`` times the day's status on a year of reports.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from db.county.models import ENROLMENT, POINT
from fever_desk.county.points import Point, PointKind, check_township_code
from fever_desk.county.status import DayTotals, Received
from fever_desk.reporting import DailyFigures
from fever_desk.slips.signing import fingerprint, load_public_key

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: it is read out on the phone
CODE_VALID = timedelta(days=7)


def _point(row: Any, with_fingerprint: bool = True) -> Point:
    mark = ""
    if row.public_key and with_fingerprint:
        try:
            mark = fingerprint(load_public_key(row.public_key))
        except ValueError:
            mark = "?"
    return Point(
        row.id, row.name, PointKind(row.kind), row.township_code, row.township, row.contact,
        row.active_from, row.public_key is not None, mark,
    )  # fmt: skip


def add_point(
    connection: Connection,
    name: str,
    kind: PointKind | str,
    township_code: str,
    township: str = "",
    contact: str = "",
    active_from: date | None = None,
) -> Point:
    values = {
        "name": name.strip(),
        "kind": PointKind(kind).value,
        "township_code": check_township_code(township_code),
        "township": township.strip(),
        "contact": contact.strip(),
        "active_from": active_from or datetime.now().astimezone().date(),
    }
    row = connection.execute(insert(POINT).values(**values).returning(*POINT.c)).one()
    return _point(row)


def points(connection: Connection, fingerprints: bool = False) -> list[Point]:
    """Every registered point; ``fingerprints`` also decodes each enrolled key's fingerprint (the list
    shows it; the day's status does not need it and skips the work)."""
    rows = connection.execute(select(POINT).order_by(POINT.c.township_code, POINT.c.name, POINT.c.id))
    return [_point(row, fingerprints) for row in rows]


def code_hash(code: str) -> str:
    """As ``county_enrol`` computes it: SHA-256 of the upper-cased, trimmed code."""
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


def issue_code(connection: Connection, point_id: int, valid: timedelta = CODE_VALID) -> str:
    """A new one-time code for ``point_id`` (``XXXX-XXXX-XXXX``); only its hash is stored."""
    if connection.execute(select(POINT.c.id).where(POINT.c.id == point_id)).first() is None:
        raise LookupError(point_id)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    connection.execute(
        insert(ENROLMENT).values(
            code_hash=code_hash(code), point_id=point_id, expires_at=datetime.now(UTC) + valid
        )
    )
    return code


_RECEIVED = """
SELECT DISTINCT ON (point_id) point_id, revision, zero, figures,
       min(received_at) OVER (PARTITION BY point_id) AS first_received
FROM county_report
WHERE day = :day
ORDER BY point_id, revision DESC
"""

# Per day, the latest revision of each point expected that day, summed; DISTINCT ON follows the index
# (day, point_id, revision DESC), so no sort.
_TREND = """
SELECT latest.day, count(*) AS reported, count(*) FILTER (WHERE latest.zero) AS zero,
       sum(latest.screened) AS screened, sum(latest.fever) AS fever, sum(latest.suspected) AS suspected
FROM (
    SELECT DISTINCT ON (day, point_id) day, point_id, zero, screened, fever, suspected
    FROM county_report
    WHERE day BETWEEN :first AND :last
    ORDER BY day, point_id, revision DESC
) AS latest
JOIN county_point AS p ON p.id = latest.point_id AND p.active_from <= latest.day
GROUP BY latest.day
"""


def received_on(connection: Connection, day: date) -> list[Received]:
    """Each point's latest revision for ``day`` and the receipt time of its first."""
    return [
        Received(
            row.point_id, row.first_received, row.revision, DailyFigures.from_json(row.figures), row.zero
        )
        for row in connection.execute(text(_RECEIVED), {"day": day})
    ]


def received_between(connection: Connection, first: date, last: date) -> dict[date, list[Received]]:
    """:func:`received_on` for each day in ``[first, last]`` that has reports (tests, small ranges)."""
    out: dict[date, list[Received]] = {}
    day = first
    while day <= last:
        got = received_on(connection, day)
        if got:
            out[day] = got
        day += timedelta(days=1)
    return out


def trend_totals(connection: Connection, first: date, last: date) -> dict[date, DayTotals]:
    rows = connection.execute(text(_TREND), {"first": first, "last": last})
    return {
        row.day: DayTotals(row.reported, row.zero, int(row.screened), int(row.fever), int(row.suspected))
        for row in rows
    }


def card_counts_on(connection: Connection, day: date) -> dict[int, dict[str, int]]:
    """Each point's latest report-card counts for ``day``."""
    rows = connection.execute(
        text(
            "SELECT DISTINCT ON (point_id) point_id, cards FROM county_card_count WHERE day = :day "
            "ORDER BY point_id, revision DESC"
        ),
        {"day": day},
    )
    return {row.point_id: {k: int(v) for k, v in row.cards.items()} for row in rows}


def now(connection: Connection) -> datetime:
    """The county server's clock, the one receipts are stamped with."""
    return connection.execute(select(func.now())).scalar_one()
