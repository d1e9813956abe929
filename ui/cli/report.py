"""``fever-desk report daily --date YYYY-MM-DD --out FILE``: generate and write the daily report, headless.

No Qt here: a scheduled task at 15:50 can send the day's report (or its 零报告) without anyone opening
the desk.  The format follows the extension (.pdf, .xlsx, .csv).  Generating stores a revision only when
the figures changed since the last one (or ``--note`` adds a correction), exactly as the desk does, so
running the command twice records one revision.  ``--date`` defaults to the reporting day in progress.
The file is 0600 and marked as personal information; ``--zip`` writes an AES-256 ZIP with a one-time
password printed once (as ``export purchases --zip``).
Exit codes: 0 written, 1 nothing could be written (no font, disk), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from fever_desk.i18n import tr
from ui.cli.common import open_context, problem_text
from ui.cli.failures import OPENS_DATABASE
from ui.cli.pharmacy import add_zip_option, print_password


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("not a date (YYYY-MM-DD): {text}", text=text)) from None


def add_report_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``report daily`` on the ``fever-desk`` command's subparsers."""
    report = subparsers.add_parser("report", help=tr("the daily report and zero report for the commission"))
    rsub = report.add_subparsers(dest="report_command", metavar="WHAT", required=True)
    daily = rsub.add_parser("daily", help=tr("generate the daily report of a reporting day and write it"))
    daily.add_argument(
        "--date",
        dest="day",
        type=_day,
        metavar="YYYY-MM-DD",
        help=tr("reporting day (default: the current one)"),
    )
    daily.add_argument("--out", required=True, metavar="FILE", help=tr("output file: .pdf, .xlsx or .csv"))
    daily.add_argument("--note", default="", help=tr("a correction note, stored with a new revision"))
    add_zip_option(daily)
    daily.set_defaults(func=cmd_report_daily, database=OPENS_DATABASE)


def cmd_report_daily(args: argparse.Namespace) -> int:
    from fever_desk.report_export import FORMATS, UnknownFormat
    from fever_desk.reporting import reporting_day_of
    from ui.services.reports import ReportingStation, export_report
    from ui.services.settings import load_station_settings

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        print(
            tr("Unknown format {suffix}: use .pdf, .xlsx or .csv.", suffix=out.suffix or out.name),
            file=sys.stderr,
        )
        return 2
    settings = load_station_settings()
    station = ReportingStation.from_settings(settings)
    if not station.operator:
        station = replace(station, operator="cli")
    day = args.day or reporting_day_of(datetime.now().astimezone(), station.cutoff).day
    context = open_context(args, settings.station_id)
    try:
        result = export_report(context, station, day, out, args.note, zipped=args.zip)
    except (UnknownFormat, OSError, RuntimeError) as exc:
        print(tr("Export failed: {problem}", problem=problem_text(exc, settings.language)), file=sys.stderr)
        return 1
    finally:
        context.close()
    revision = result.revision
    kind = tr("zero report") if revision.figures.is_zero_report else tr("daily report")
    if result.created:
        status = tr("new revision {revision}", revision=revision.revision)
    else:
        status = tr("revision {revision} unchanged", revision=revision.revision)
    print(
        tr(
            "{kind} for {day} ({status}) written to {file}",
            kind=kind,
            day=f"{day:%Y-%m-%d}",
            status=status,
            file=str(result.file.path if result.file else out),
        )
    )
    figures = revision.figures
    print(
        tr(
            "Medical observation: {under} under observation, {new} new, {released} released, "
            "{referred} referred, {total} in total",
            under=figures.observation_under,
            new=figures.observation_new,
            released=figures.observation_released,
            referred=figures.observation_referred,
            total=figures.observation_cumulative,
        )
    )
    if result.file is not None:
        print_password(result.file)
    return 0
