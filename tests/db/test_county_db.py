"""The county database on the private cluster: enrolment, verification on ingest, duplicates, the narrow
role, and the missing list at the cutoff read back from what was received."""

from __future__ import annotations

from datetime import date, time, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text
from sqlalchemy.exc import ProgrammingError

from db.county import repository as repo
from db.county.ingest import ingest
from db.county.link import CountyLink
from db.county.models import INBOX, POINT, REPORT
from fever_desk.county import signed
from fever_desk.county.status import ReportStatus, day_status, missing
from fever_desk.reporting import DailyFigures
from fever_desk.slips.signing import public_key_text
from tests.db.conftest import pg_cluster  # noqa: F401 - the session's private server
from tests.db.county_fixtures import County, county  # noqa: F401 - fixture

pytestmark = pytest.mark.postgresql
DAY = date(2026, 12, 1)
CST = timezone(timedelta(hours=8))


def _report(key: Ed25519PrivateKey, point: int, revision: int = 1, **figures: int) -> signed.SignedReport:
    body = signed.daily_body(point, DAY, revision, DailyFigures(**figures), "16:00", "2026-12-01T15:00+08:00")
    return signed.sign(key, body)


def _enrolled(place: County, name: str = "兰溪镇卫生院") -> tuple[int, Ed25519PrivateKey, CountyLink]:
    with place.engine.begin() as c:
        point = repo.add_point(c, name, "township_centre", "430903103", "兰溪镇", active_from=DAY)
        code = repo.issue_code(c, point.id)
    key = Ed25519PrivateKey.generate()
    link = CountyLink(place.station_url())
    assert link.enrol(code.lower(), public_key_text(key.public_key())) == point.id  # read out, typed lower
    return point.id, key, link


def _verdict(link: CountyLink, point: int, report: signed.SignedReport, revision: int = 1) -> tuple[str, str]:
    found = link.verdict(point, "daily", DAY, revision, report.signature)
    assert found is not None
    return found


def test_enrolment_records_the_key_and_the_code_works_once(county: County) -> None:  # noqa: F811
    with county.engine.begin() as c:
        point = repo.add_point(c, "张氏诊所", "clinic", "430903103", "兰溪镇", "13707370737")
        code = repo.issue_code(c, point.id)
    link = CountyLink(county.station_url())
    key = Ed25519PrivateKey.generate()
    try:
        assert link.enrol(code, public_key_text(key.public_key())) == point.id
        assert link.enrol(code, public_key_text(Ed25519PrivateKey.generate().public_key())) is None  # used
        assert link.enrol("AAAA-BBBB-CCCC", public_key_text(key.public_key())) is None  # never issued
    finally:
        link.close()
    with county.engine.connect() as c:
        (listed,) = repo.points(c)
        stored = c.execute(select(POINT.c.public_key)).scalar_one()
    assert listed.enrolled and stored == public_key_text(key.public_key())


def test_a_signed_report_is_accepted_and_a_duplicate_stored_once(county: County) -> None:  # noqa: F811
    point, key, link = _enrolled(county)
    report = _report(key, point, screened=12, fever=1)
    try:
        for _ in range(2):  # a resend after an unclear failure
            link.deliver(point, "daily", DAY, 1, report.text, report.signature)
        assert _verdict(link, point, report) == ("pending", "")
        assert ingest(county.engine).accepted == 1
        link.deliver(point, "daily", DAY, 1, report.text, report.signature)  # and once more, later
        assert ingest(county.engine).accepted == 0
        assert _verdict(link, point, report) == ("accepted", "")
    finally:
        link.close()
    with county.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(INBOX)).scalar_one() == 1
        assert c.execute(select(func.count()).select_from(REPORT)).scalar_one() == 1
        (got,) = repo.received_on(c, DAY)
    assert (got.point_id, got.figures.screened, got.figures.fever, got.zero) == (point, 12, 1, False)


def test_forged_unsigned_unknown_and_conflicting_reports_are_refused_with_a_reason(county: County) -> None:  # noqa: F811
    point, key, link = _enrolled(county)
    forger = Ed25519PrivateKey.generate()
    forged = _report(forger, point, screened=3)  # right point, wrong key
    genuine = _report(key, point, screened=3)
    altered = signed.SignedReport(genuine.text.replace('"screened":3', '"screened":30'), genuine.signature)
    unknown = _report(key, 999_999)
    try:
        link.deliver(point, "daily", DAY, 1, forged.text, forged.signature)
        link.deliver(point, "daily", DAY, 1, altered.text, altered.signature + "")
        link.deliver(point, "daily", DAY, 2, _report(key, point, 2).text, "")
        link.deliver(999_999, "daily", DAY, 1, unknown.text, unknown.signature)
        link.deliver(point, "daily", DAY, 3, _report(key, point, 1).text, _report(key, point, 1).signature)
        result = ingest(county.engine)
        assert (result.accepted, result.refused) == (0, 5)
        assert _verdict(link, point, forged) == ("refused", "bad_signature")
        assert link.verdict(point, "daily", DAY, 2, "") == ("refused", "unsigned")
        assert link.verdict(999_999, "daily", DAY, 1, unknown.signature) == ("refused", "unknown_point")
        assert link.verdict(point, "daily", DAY, 3, _report(key, point, 1).signature) == (
            "refused",
            "point_mismatch",
        )
        # Then the genuine revision 1 arrives and is accepted; a different signed revision 1 is not.
        link.deliver(point, "daily", DAY, 1, genuine.text, genuine.signature)
        other = _report(key, point, screened=4)
        link.deliver(point, "daily", DAY, 1, other.text, other.signature)
        assert (ingest(county.engine).accepted, _verdict(link, point, other)) == (
            1,
            ("refused", "conflicting_revision"),
        )
    finally:
        link.close()
    with county.engine.connect() as c:
        (got,) = repo.received_on(c, DAY)
    assert got.figures.screened == 3  # none of the refused ones reached the figures
    assert set(signed.REASON_TEXTS) >= {"bad_signature", "unsigned", "unknown_point", "conflicting_revision"}


def test_the_station_role_can_neither_date_a_report_nor_read_the_figures(county: County) -> None:  # noqa: F811
    point, key, link = _enrolled(county)
    report = _report(key, point)
    try:
        with pytest.raises(ProgrammingError, match="permission denied"), link.engine.begin() as c:
            c.execute(
                INBOX.insert().values(
                    point_id=point, kind="daily", day=DAY, revision=1, body=report.text,
                    signature=report.signature, received_at=text("now() - interval '1 day'"),
                )
            )  # fmt: skip
        with pytest.raises(ProgrammingError, match="permission denied"), link.engine.connect() as c:
            c.execute(select(REPORT.c.screened)).all()
        with pytest.raises(ProgrammingError, match="permission denied"), link.engine.begin() as c:
            c.execute(POINT.update().values(public_key="ed25519:forged"))
    finally:
        link.close()


def test_the_missing_list_at_the_cutoff_with_an_injected_clock(county: County) -> None:  # noqa: F811
    on_time, key, link = _enrolled(county, "按时诊所")
    silent, _, silent_link = _enrolled(county, "未报诊所")
    silent_link.close()
    report = _report(key, on_time)
    try:
        link.deliver(on_time, "daily", DAY, 1, report.text, report.signature)
    finally:
        link.close()
    ingest(county.engine)
    with county.engine.connect() as c:
        points, received, server_now = repo.points(c), repo.received_on(c, DAY), repo.now(c)
    # Whatever the real date, the report arrived "now": put the cutoff one hour after it, then look
    # at the county's day just before and just after that cutoff.
    cutoff_at = (server_now + timedelta(hours=1)).astimezone(CST)
    day = cutoff_at.date()
    shifted = [r.__class__(r.point_id, r.first_received, r.revision, r.figures, r.zero) for r in received]
    pts = [p.__class__(**{**p.__dict__, "active_from": day}) for p in points]
    cutoff = time(cutoff_at.hour, cutoff_at.minute, cutoff_at.second)
    before = day_status(pts, shifted, day, cutoff, CST, now=cutoff_at - timedelta(seconds=1))
    after = day_status(pts, shifted, day, cutoff, CST, now=cutoff_at + timedelta(seconds=1))
    assert {r.point.id: r.status for r in before} == {
        on_time: ReportStatus.ON_TIME,
        silent: ReportStatus.NOT_YET,
    }
    assert {r.point.id: r.status for r in after} == {
        on_time: ReportStatus.ON_TIME,
        silent: ReportStatus.MISSING,
    }
    assert [r.point.name for r in missing(after)] == ["未报诊所"]
