"""The station's side on the private cluster: enrol with a one-time code, queue every revision, send
through the county outbox, keep working through a county outage and deliver the backlog afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from db.county import repository as repo
from db.county.ingest import ingest
from db.county.models import REPORT
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition
from tests.black_hole import BlackHoleProxy
from tests.db.conftest import pg_cluster  # noqa: F401 - the session's private server
from tests.db.county_fixtures import County, county  # noqa: F401 - fixture
from tests.db.factories import make_screening
from ui.services import county as station_county
from ui.services.audit_hooks import set_actor
from ui.services.database import Database
from ui.services.reports import ReportingStation, generate_report

DAY = date(2026, 11, 30)
STATION = ReportingStation("desk-1", "兰溪镇卫生院预检分诊台", "兰溪镇卫生院", "nurse", time(16, 0))


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    ctx = Database(f"sqlite:///{tmp_path / 'station.sqlite3'}")
    set_actor(ctx, "nurse", "desk-1")
    yield ctx
    ctx.close()


def _code(place: County) -> tuple[int, str]:
    with place.engine.begin() as c:
        point = repo.add_point(c, "兰溪镇卫生院", "township_centre", "430903103", "兰溪镇", active_from=DAY)
        return point.id, repo.issue_code(c, point.id)


def _screen(ctx: Database, disposition: Disposition = Disposition.FEVER_CLINIC) -> None:
    when = datetime(2026, 11, 30, 10, 0).astimezone()
    SqlScreeningRepository(ctx.handle.session_factory).add(
        make_screening(created_at=when, disposition=disposition)
    )


def test_enrol_queue_send_and_read_the_verdict_back(county: County, station: Database) -> None:  # noqa: F811
    point, code = _code(county)
    with pytest.raises(station_county.CodeRefused):
        station_county.enrol(station, county.station_url(), "WRONG-CODE-0000")
    enrolment = station_county.enrol(station, county.station_url(), code)
    assert enrolment.point == point and station_county.load_enrolment() == enrolment
    generate_report(station, STATION, DAY)  # a zero report, revision 1
    _screen(station)
    generate_report(station, STATION, DAY, note="late fever case")  # revision 2 with the finding
    assert station_county.queue_reports(station, "desk-1") == 2
    assert station_county.queue_reports(station, "desk-1") == 0  # each revision is queued once
    assert station_county.queue_card_counts(station, DAY, {"suspected": 1})
    assert not station_county.queue_card_counts(station, DAY, {"suspected": 1})  # unchanged: no revision
    sent = station_county.send(station)
    assert (sent.sent, sent.waiting, sent.error) == (3, 0, None)
    assert ingest(county.engine).accepted == 3
    read = station_county.send(station)  # nothing to send; the verdicts come back
    assert (read.sent, read.accepted, read.refused) == (0, 3, [])
    assert {d.state for d in station_county.listed(station)} == {"accepted"}
    # Each step is in the audit trail, committed with its change: queued, sent, and the county's verdict.
    trail = station.audit.for_record("county_daily", f"{DAY.isoformat()}#2")
    assert [(e.action, e.detail) for e in trail] == [
        ("county_send", "queued"), ("county_send", "sent"), ("county_send", "accepted"),
    ]  # fmt: skip
    assert station.audit.verify() is None
    with county.engine.connect() as c:
        (got,) = repo.received_on(c, DAY)
        assert c.execute(select(func.count()).select_from(REPORT)).scalar_one() == 2  # both revisions kept
        assert repo.card_counts_on(c, DAY) == {point: {"suspected": 1}}
    assert (got.revision, got.zero, got.figures.screened, got.figures.fever_clinic) == (2, False, 1, 1)


def test_a_refused_report_comes_back_with_its_reason(county: County, station: Database) -> None:  # noqa: F811
    point, code = _code(county)
    station_county.enrol(station, county.station_url(), code)
    with county.engine.begin() as c:  # the county re-enrols the point with another PC's key
        other = repo.issue_code(c, point)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from db.county.link import CountyLink
    from fever_desk.slips.signing import public_key_text

    link = CountyLink(county.station_url())
    link.enrol(other, public_key_text(Ed25519PrivateKey.generate().public_key()))
    link.close()
    generate_report(station, STATION, DAY)
    station_county.queue_reports(station, "desk-1")
    station_county.send(station)
    ingest(county.engine)
    result = station_county.send(station)
    (refused,) = result.refused
    assert (refused.day, refused.revision, refused.reason) == (DAY, 1, "bad_signature")
    assert [d.state for d in station_county.listed(station)] == ["refused"]


def test_a_county_outage_keeps_the_backlog_and_delivers_it_after(
    county: County,  # noqa: F811
    station: Database,
    pg_cluster: Any,  # noqa: F811
) -> None:
    point, code = _code(county)
    proxy = BlackHoleProxy(pg_cluster.port)
    url = county.station_url().replace(f":{pg_cluster.port}/", f":{proxy.port}/")
    try:
        station_county.enrol(station, url, code)
        proxy.swallow()  # the county's line goes dead: connections hang, nothing answers
        for day in (date(2026, 11, 28), date(2026, 11, 29), DAY):
            generate_report(station, STATION, day)
        assert station_county.queue_reports(station, "desk-1") == 3  # queueing needs no county
        during = station_county.send(station)
        assert (during.sent, during.waiting) == (0, 3) and during.error is not None
        assert "cannot be reached" in during.error.localized("en")
        _screen(station)
        generate_report(station, STATION, DAY, note="after the outage began")  # the desk keeps working
        assert station_county.queue_reports(station, "desk-1") == 1
        proxy.heal()
        after = station_county.send(station)
        assert (after.sent, after.waiting, after.error) == (4, 0, None)
    finally:
        proxy.close()
    ingest(county.engine)
    with county.engine.connect() as c:
        days = repo.received_between(c, date(2026, 11, 28), DAY)
    assert sorted(days) == [date(2026, 11, 28), date(2026, 11, 29), DAY]
    assert days[DAY][0].revision == 2 and not days[DAY][0].zero
    assert all(r.point_id == point for rows in days.values() for r in rows)


def test_the_days_card_counts_follow_each_reported_day_once_per_change(
    county: County,  # noqa: F811
    station: Database,
) -> None:
    _, code = _code(county)
    station_county.enrol(station, county.station_url(), code)
    generate_report(station, STATION, DAY)
    assert station_county.queue_recent_card_counts(station, "desk-1", time(16, 0), DAY) == 1
    assert station_county.queue_recent_card_counts(station, "desk-1", time(16, 0), DAY) == 0  # unchanged
    assert station_county.send(station).sent == 1
    ingest(county.engine)
    with county.engine.connect() as c:
        (counts,) = repo.card_counts_on(c, DAY).values()
    assert counts["cards_suspected"] == 0 and "cards_late" in counts
