"""The county administrator's operations, Qt-free: register points, issue codes, see the day, export it.

Each reading operation first runs the county-side verification (``db.county.ingest``) so what it shows
includes every report that has arrived, judged.  The first use of a county database creates its tables
(``db.county.migrate``), as the first counter does on a clinic server.  The day is judged in the
county's zone (``Asia/Shanghai`` unless told otherwise) at the cutoff (16:00 in the plans), at ``at``
(default: the county server's clock) — the injected clock that lets a test, or a commission asking "how
did it look at 16:00?", see the day at any instant.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from db.county import repository as repo
from db.county.ingest import IngestResult, ingest
from db.county.link import county_engine
from db.county.migrate import upgrade
from fever_desk.county.export import CountyDocument, write_pdf, write_xlsx
from fever_desk.county.points import Point, PointKind
from fever_desk.county.status import county_total, day_status, township_totals, trend, trend_days

DEFAULT_ZONE = "Asia/Shanghai"
DEFAULT_CUTOFF = time(16, 0)


class County:
    """An open county database (the administrator's connection); ``close`` when done."""

    def __init__(self, url: str) -> None:
        self.engine = county_engine(url)
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def add_point(
        self, name: str, kind: PointKind | str, township_code: str, township: str = "", contact: str = "",
        active_from: date | None = None,
    ) -> tuple[Point, str]:  # fmt: skip
        """Register a point and issue its first one-time code (point and code in one transaction)."""
        with self.engine.begin() as c:
            point = repo.add_point(c, name, kind, township_code, township, contact, active_from)
            return point, repo.issue_code(c, point.id)

    def new_code(self, point_id: int) -> str:
        """Another one-time code: a new PC for the point, or the first code lost (re-enrolling replaces
        the key; reports accepted before keep their verdict)."""
        with self.engine.begin() as c:
            return repo.issue_code(c, point_id)

    def points(self) -> list[Point]:
        self.ingest()
        with self.engine.connect() as c:
            return repo.points(c, fingerprints=True)

    def ingest(self) -> IngestResult:
        return ingest(self.engine)

    def day(
        self, day: date, cutoff: time = DEFAULT_CUTOFF, zone: tzinfo | None = None, at: datetime | None = None
    ) -> CountyDocument:
        """Every expected point's status for ``day``, township totals and the 14 days ending on ``day``."""
        zone = zone or ZoneInfo(DEFAULT_ZONE)
        self.ingest()
        days = trend_days(day)
        with self.engine.connect() as c:
            points = repo.points(c)
            received = repo.received_on(c, day)
            by_day = repo.trend_totals(c, days[0], day)
            now = at or repo.now(c)
        rows = day_status(points, received, day, cutoff, zone, now)
        at_zone = now.astimezone(zone)
        towns, total = township_totals(rows), county_total(rows)
        return CountyDocument(
            day, cutoff.strftime("%H:%M"), at_zone, rows, towns, total, trend(points, by_day, day)
        )


def export(doc: CountyDocument, path: Path, font_path: str | None = None) -> None:
    """Write ``doc`` as ``.xlsx`` or ``.pdf`` (by ``path``'s suffix)."""
    if path.suffix.lower() == ".pdf":
        write_pdf(path, doc, font_path)
    else:
        write_xlsx(path, doc)


def parse_at(text: str, zone: tzinfo) -> datetime:
    """``--at`` as ISO date-time; without a zone, the county's."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


__all__ = ["County", "export", "parse_at"]
