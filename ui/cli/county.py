"""``fever-desk county …``: the county's commands (points, status, export) and the station's (enrol, send).

County side (the administrator's connection, ``--county-db URL`` or ``FEVER_DESK_COUNTY_DB``):
``points add`` (prints the point number and its one-time code, to give the point by phone),
``points list``, ``points code POINT`` (a new code), ``status --date D`` (every point on time / late /
missing, zero or not, its figures; totals by township; the missing list to phone), ``export --date D
--xlsx FILE --pdf FILE``.  ``--at`` judges the day at another instant (default: the county server's now).
Station side: ``enrol --code CODE --county-db URL`` once, then ``send`` (queue every new revision, deliver
the backlog, show the county's verdicts) — e.g. in the scheduled task after ``report daily``.
Exit codes: 0 done, 1 the county refused or could not be reached (the backlog stays queued), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fever_desk.i18n import current_language, tr
from ui.cli.common import open_context, problem_text
from ui.cli.failures import OPENS_DATABASE
from ui.cli.report import _day

if TYPE_CHECKING:
    from fever_desk.county.export import CountyDocument
    from ui.services.county_view import County

COUNTY_ENV = "FEVER_DESK_COUNTY_DB"


def _cutoff(text: str) -> time:
    from fever_desk.reporting import parse_cutoff

    try:
        return parse_cutoff(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("not a cutoff time (HH:MM): {text}", text=text)) from None


def add_county_commands(subparsers: argparse._SubParsersAction) -> None:
    county = subparsers.add_parser("county", help=tr("every point's daily report at the county"))
    county.add_argument(
        "--county-db", metavar="URL", help=tr("the county database (default: FEVER_DESK_COUNTY_DB)")
    )
    csub = county.add_subparsers(dest="county_command", metavar="WHAT", required=True)

    points = csub.add_parser("points", help=tr("register and list reporting points"))
    psub = points.add_subparsers(dest="points_command", metavar="ACTION", required=True)
    add = psub.add_parser("add", help=tr("register a point and print its one-time enrolment code"))
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, choices=["clinic", "township_centre", "pharmacy"])
    add.add_argument(
        "--township-code", required=True, metavar="9 DIGITS", help=tr("area code + township number")
    )
    add.add_argument("--township", default="", metavar="NAME")
    add.add_argument("--contact", default="", help=tr("whom to phone when the report is missing"))
    add.add_argument("--active-from", type=_day, metavar="YYYY-MM-DD", help=tr("first day it must report"))
    add.set_defaults(func=cmd_points_add)
    psub.add_parser("list", help=tr("list the registered points")).set_defaults(func=cmd_points_list)
    code = psub.add_parser("code", help=tr("issue a new one-time enrolment code for a point"))
    code.add_argument("point", type=int, metavar="POINT")
    code.set_defaults(func=cmd_points_code)

    for name, helptext, func in (
        ("status", tr("every point's report for a day: on time, late or missing"), cmd_status),
        ("export", tr("write the county's day as XLSX and/or PDF"), cmd_export),
    ):
        day = csub.add_parser(name, help=helptext)
        day.add_argument("--date", dest="day", type=_day, required=True, metavar="YYYY-MM-DD")
        day.add_argument("--cutoff", type=_cutoff, default=time(16, 0), metavar="HH:MM")
        day.add_argument("--zone", default="Asia/Shanghai", help=tr("the county's time zone"))
        day.add_argument("--at", metavar="YYYY-MM-DDTHH:MM", help=tr("judge the day at this moment"))
        day.set_defaults(func=func)
    export = csub.choices["export"]
    export.add_argument("--xlsx", metavar="FILE.xlsx")
    export.add_argument("--pdf", metavar="FILE.pdf")

    enrol = csub.add_parser("enrol", help=tr("enrol this station with the county's one-time code"))
    enrol.add_argument("--code", required=True)
    enrol.set_defaults(func=cmd_enrol, database=OPENS_DATABASE)
    send = csub.add_parser("send", help=tr("send every new report revision to the county"))
    send.set_defaults(func=cmd_send, database=OPENS_DATABASE)


def _county_url(args: argparse.Namespace) -> str | None:
    import os

    url = args.county_db or os.environ.get(COUNTY_ENV)
    if not url:
        print(tr("Name the county database: --county-db URL or FEVER_DESK_COUNTY_DB."), file=sys.stderr)
    return url


def _open_county(args: argparse.Namespace) -> County | None:
    from sqlalchemy.exc import DBAPIError

    from fever_desk.problems import Problem
    from ui.services.county_view import County

    url = _county_url(args)
    if url is None:
        return None
    try:
        return County(url)
    except Problem as exc:
        print(problem_text(exc, current_language()), file=sys.stderr)
        return None
    except (DBAPIError, ValueError) as exc:
        print(tr("The county database cannot be reached: {detail}", detail=_first_line(exc)), file=sys.stderr)
        return None


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def cmd_points_add(args: argparse.Namespace) -> int:
    from fever_desk.county.points import PlaceError

    county = _open_county(args)
    if county is None:
        return 2
    try:
        point, code = county.add_point(
            args.name, args.kind, args.township_code, args.township, args.contact, args.active_from
        )
    except PlaceError as exc:
        print(tr(exc.template, **exc.values), file=sys.stderr)
        return 2
    finally:
        county.close()
    print(
        tr(
            "Point {point}: {name}. One-time enrolment code: {code}",
            point=point.id,
            name=point.name,
            code=code,
        )
    )
    return 0


def cmd_points_code(args: argparse.Namespace) -> int:
    county = _open_county(args)
    if county is None:
        return 2
    try:
        code = county.new_code(args.point)
    except LookupError:
        print(tr("No point {point}.", point=args.point), file=sys.stderr)
        return 2
    finally:
        county.close()
    print(tr("Point {point}: one-time enrolment code {code}", point=args.point, code=code))
    return 0


def cmd_points_list(args: argparse.Namespace) -> int:
    from fever_desk.county.points import KIND_LABELS

    county = _open_county(args)
    if county is None:
        return 2
    try:
        points = county.points()
    finally:
        county.close()
    for p in points:
        key = p.fingerprint if p.enrolled else tr("not enrolled")
        print(
            f"{p.id}\t{p.township_code}\t{p.township}\t{p.name}\t{tr(KIND_LABELS[p.kind])}\t{key}\t{p.contact}"
        )
    return 0


def _day_doc(args: argparse.Namespace) -> CountyDocument | None:
    from ui.services.county_view import parse_at

    try:
        zone = ZoneInfo(args.zone)
        at = parse_at(args.at, zone) if args.at else None
    except (ValueError, KeyError):
        print(tr("Not a time zone or moment: {text}", text=args.at or args.zone), file=sys.stderr)
        return None
    county = _open_county(args)
    if county is None:
        return None
    try:
        return county.day(args.day, args.cutoff, zone, at)
    finally:
        county.close()


def cmd_status(args: argparse.Namespace) -> int:
    from fever_desk.county.points import KIND_LABELS
    from fever_desk.county.status import STATUS_LABELS, ReportStatus

    doc = _day_doc(args)
    if doc is None:
        return 2
    print(tr("Report day {day}, cutoff {cutoff}, as at {at}", day=doc.day, cutoff=doc.cutoff,
             at=f"{doc.at:%Y-%m-%d %H:%M}"))  # fmt: skip
    t = doc.total
    print(tr("{points} points: {on_time} on time, {late} late, {missing} missing, {not_yet} not yet due; "
             "{zero} zero reports, {findings} with findings", points=t.points, on_time=t.on_time, late=t.late,
             missing=t.missing, not_yet=t.not_yet, zero=t.zero, findings=t.with_findings))  # fmt: skip
    print()
    print("\t".join([tr("Township"), tr("Point"), tr("Kind"), tr("Status"), tr("Zero report"), tr("Screened"),
                     tr("With fever"), tr("Fever clinic"), tr("Suspected"), tr("Purchasers")]))  # fmt: skip
    for row in doc.rows:
        got = row.received
        zero = "—" if got is None else (tr("zero") if got.zero else tr("findings"))
        f = got.figures if got else None
        figures = [f.screened, f.fever, f.fever_clinic, f.suspected, f.purchasers] if f else ["—"] * 5
        print("\t".join(str(v) for v in [row.point.township, row.point.name, tr(KIND_LABELS[row.point.kind]),
                                         tr(STATUS_LABELS[row.status]), zero, *figures]))  # fmt: skip
    print()
    print(tr("Totals by township"))
    for town in doc.townships:
        f = town.figures
        print(tr("{code} {township}: {points} points, {on_time} on time, {late} late, {missing} missing, "
                 "{zero} zero; screened {screened}, fever {fever}, suspected {suspected}",
                 code=town.township_code, township=town.township, points=town.points,
                 on_time=town.on_time, late=town.late,
                 missing=town.missing, zero=town.zero, screened=f.screened, fever=f.fever,
                 suspected=f.suspected))  # fmt: skip
    print()
    print(tr("Last 14 report days (reported / expected, zero reports, screened, fever, suspected)"))
    for d in doc.trend:
        print(f"  {d.day:%m-%d}\t{d.reported}/{d.expected}\t{d.zero}\t{d.screened}\t{d.fever}\t{d.suspected}")
    missing = [r for r in doc.rows if r.status is ReportStatus.MISSING]
    print()
    print(tr("Missing (phone them):") if missing else tr("No point is missing."))
    for row in missing:
        print(f"  {row.point.township}\t{row.point.name}\t{row.point.contact or '—'}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ui.services.county_view import export

    targets = [Path(p) for p in (args.xlsx, args.pdf) if p]
    if not targets:
        print(tr("Name at least one file: --xlsx FILE or --pdf FILE."), file=sys.stderr)
        return 2
    doc = _day_doc(args)
    if doc is None:
        return 2
    for target in targets:
        try:
            export(doc, target)
        except OSError as exc:
            print(tr("Export failed: {problem}", problem=str(exc)), file=sys.stderr)
            return 1
        print(tr("Written: {path}", path=target))
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    from fever_desk.problems import Problem
    from ui.services.county import enrol
    from ui.services.settings import load_station_settings

    url = _county_url(args)
    if url is None:
        return 2
    settings = load_station_settings()
    context = open_context(args, settings.station_id)
    try:
        enrolment = enrol(context, url, args.code)
    except Problem as exc:
        print(problem_text(exc, current_language()), file=sys.stderr)
        return 1
    finally:
        context.close()
    print(tr("Enrolled as point {point}.", point=enrolment.point))
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from datetime import datetime

    from fever_desk.county.signed import REASON_TEXTS
    from fever_desk.problems import Problem
    from fever_desk.reporting import cutoff_of, reporting_day_of
    from ui.services.county import queue_recent_card_counts, queue_reports, send
    from ui.services.settings import load_station_settings

    settings = load_station_settings()
    context = open_context(args, settings.station_id)
    cutoff = cutoff_of(settings)
    today = reporting_day_of(datetime.now().astimezone(), cutoff).day
    try:
        queued = queue_reports(context, settings.station_id)
        queued += queue_recent_card_counts(context, settings.station_id, cutoff, today)
        result = send(context)
    except Problem as exc:
        print(problem_text(exc, current_language()), file=sys.stderr)
        return 1
    finally:
        context.close()
    print(tr("Queued {queued}, sent {sent}, still waiting {waiting}; accepted by the county {accepted}.",
             queued=queued, sent=result.sent, waiting=result.waiting, accepted=result.accepted))  # fmt: skip
    for item in result.refused:
        reason = tr(REASON_TEXTS.get(item.reason, item.reason))
        print(tr("Refused by the county: {day} revision {revision}: {reason}", day=item.day,
                 revision=item.revision, reason=reason))  # fmt: skip
    if result.error is not None:
        print(problem_text(result.error, current_language()), file=sys.stderr)
    return 1 if result.error is not None or result.refused else 0
