"""The county's pure rules: signed reports, status at the cutoff with an injected clock, totals, trend."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fever_desk.county import signed
from fever_desk.county.points import PlaceError, Point, PointKind, check_area_code, check_township_code
from fever_desk.county.status import (
    Received,
    ReportStatus,
    day_status,
    day_totals,
    missing,
    township_totals,
    trend,
)
from fever_desk.model import Disposition
from fever_desk.reporting import DailyFigures
from fever_desk.slips.signing import load_or_create_keys, sign_payload

CST = timezone(timedelta(hours=8))
DAY = date(2026, 12, 1)
CUTOFF = time(16, 0)


def _point(pid: int, township: str = "430903103", active: date = date(2026, 11, 1)) -> Point:
    return Point(pid, f"P{pid}", PointKind.CLINIC, township, "兰溪镇", "", active, True)


def test_a_signed_report_verifies_and_any_change_does_not() -> None:
    key = Ed25519PrivateKey.generate()
    body = signed.daily_body(
        7, DAY, 1, DailyFigures(screened=3, fever=1), "16:00", "2026-12-01T15:00:00+08:00"
    )
    report = signed.sign(key, body)
    assert signed.verify(report.text, report.signature, key.public_key()).ok
    forged = report.text.replace('"fever":1', '"fever":0')
    assert signed.verify(forged, report.signature, key.public_key()).reason == "bad_signature"
    other = Ed25519PrivateKey.generate().public_key()
    assert signed.verify(report.text, report.signature, other).reason == "bad_signature"
    assert signed.verify(report.text, "", key.public_key()).reason == "unsigned"
    assert signed.verify("{not json", report.signature, key.public_key()).reason == "malformed"
    spaced = report.text.replace(",", ", ")
    assert signed.verify(spaced, report.signature, key.public_key()).reason == "not_canonical"
    # The same report signed twice is the same text and the same signature: a resend is visible as one.
    assert signed.sign(key, body) == report


def test_a_slip_signature_is_never_a_report_signature(tmp_path) -> None:  # type: ignore[no-untyped-def]
    keys = load_or_create_keys(tmp_path)
    slip = sign_payload(keys, "9C3A-1", "st", datetime(2026, 12, 1, tzinfo=CST), Disposition.ROUTINE)
    body, signature = slip.rsplit(".", 1)
    assert signed.verify(body, signature, keys.public_key).reason == "malformed"


def test_area_and_township_codes() -> None:
    assert check_area_code(" 430903 ") == "430903"
    assert check_township_code("430903103") == "430903103"
    for bad in ("43090", "4309031", "043090", "abcdef"):
        with pytest.raises(PlaceError):
            check_area_code(bad)
    with pytest.raises(PlaceError):
        check_township_code("430903")


def test_status_at_the_cutoff_with_an_injected_clock() -> None:
    points = [_point(1), _point(2), _point(3), _point(4, active=DAY + timedelta(days=1))]
    due = datetime(2026, 12, 1, 16, 0, tzinfo=CST)
    got = [
        Received(1, due, 1, DailyFigures(screened=5), True),  # exactly at the cutoff: on time
        Received(2, due + timedelta(seconds=1), 2, DailyFigures(screened=2, fever=1), False),
    ]
    before = day_status(points, got, DAY, CUTOFF, CST, now=due)
    assert [r.status for r in before] == [ReportStatus.ON_TIME, ReportStatus.LATE, ReportStatus.NOT_YET]
    after = day_status(points, got, DAY, CUTOFF, CST, now=due + timedelta(minutes=1))
    assert [r.status for r in after] == [ReportStatus.ON_TIME, ReportStatus.LATE, ReportStatus.MISSING]
    assert [r.point.id for r in missing(after)] == [3]
    assert [r.zero for r in after] == [True, False, None]  # a missing point is never a zero report


def test_township_totals_and_trend() -> None:
    points = [_point(1), _point(2), _point(3, township="430903104")]
    due = datetime(2026, 12, 1, 16, 0, tzinfo=CST)
    got = [
        Received(1, due, 1, DailyFigures(screened=5), True),
        Received(3, due, 1, DailyFigures(fever=2), False),
    ]
    rows = day_status(points, got, DAY, CUTOFF, CST, now=due + timedelta(hours=1))
    first, second = township_totals(rows)
    assert (first.township_code, first.points, first.on_time, first.missing, first.zero) == (
        "430903103",
        2,
        1,
        1,
        1,
    )
    assert (second.with_findings, second.figures.fever) == (1, 2)
    days = trend(points, {DAY: day_totals(got, {p.id for p in points})}, DAY)
    assert len(days) == 14 and days[0].day == DAY - timedelta(days=13)
    assert (days[-1].expected, days[-1].reported, days[-1].zero, days[-1].fever) == (3, 2, 1, 2)
    assert days[0].reported == 0 and days[0].missing == 3
