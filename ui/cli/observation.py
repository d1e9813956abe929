"""``fever-desk observation list|import|export``: the observation register without the window.

- ``list`` prints the register (masked names, ID numbers and phones, as every list shows them) or, with
  ``--worklist``, today's worklist sizes and lines;
- ``import FILE`` checks the grid workers' list and registers everyone in it, or nobody: the refused rows
  are printed with their reasons and the exit code is 1;
- ``export --out FILE`` writes the register (.xlsx, .pdf), or with ``--person ID`` one person's 14-day
  grid; ``--zip`` as for the other exports.

The command acts as ``cli:<system user>`` (``ui.cli.common``) with no desk role, as every other command
does; releasing and marking lost stay at the desk, where the doctor's role is checked.
Exit codes: 0 done, 1 refused or not written, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime
from pathlib import Path

from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.cli.common import open_context, problem_text
from ui.cli.failures import OPENS_DATABASE
from ui.cli.pharmacy import add_zip_option, print_password

STATUSES = ("active", "released", "referred", "lost")


def add_observation_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``observation`` on the ``fever-desk`` command's subparsers."""
    command = subparsers.add_parser("observation", help=tr("the 14-day medical observation register"))
    sub = command.add_subparsers(dest="observation_command", metavar="WHAT", required=True)

    listing = sub.add_parser("list", help=tr("the register, or today's worklist"))
    listing.add_argument("--status", choices=STATUSES, help=tr("only people with this status"))
    listing.add_argument("--search", default="", metavar="TEXT", help=tr("name, ID number or phone"))
    listing.add_argument("--limit", type=int, default=500, metavar="N")
    listing.add_argument("--worklist", action="store_true", help=tr("today's worklist instead"))
    listing.add_argument("--lost-after-days", type=int, default=None, metavar="N")  # else the settings
    listing.set_defaults(func=cmd_list, database=OPENS_DATABASE)

    importing = sub.add_parser("import", help=tr("register everyone on a grid workers' list (.xlsx, .csv)"))
    importing.add_argument("file", metavar="FILE")
    importing.set_defaults(func=cmd_import, database=OPENS_DATABASE)

    export = sub.add_parser("export", help=tr("the register, or one person's grid (.xlsx, .pdf)"))
    export.add_argument("--out", required=True, metavar="FILE", help=tr("output file: .xlsx or .pdf"))
    export.add_argument("--status", choices=STATUSES, help=tr("only people with this status"))
    export.add_argument("--person", metavar="ID", help=tr("one person's 14-day grid (the register's id)"))
    add_zip_option(export)
    export.set_defaults(func=cmd_export, database=OPENS_DATABASE)


def _settings() -> Settings:
    from ui.services.settings import load_station_settings

    return load_station_settings()


def cmd_list(args: argparse.Namespace) -> int:
    from fever_desk.identity import mask_id, mask_name, mask_phone
    from fever_desk.observation.exports import KIND_ZH, STATUS_ZH
    from fever_desk.observation.model import Kind, Status
    from fever_desk.observation.rules import day_number, planned_release
    from ui.services import observation as obs

    settings = _settings()
    context = open_context(args, settings.station_id)
    try:
        now = datetime.now().astimezone()
        if args.worklist:
            work = obs.worklist(
                context,
                now.date(),
                now,
                lost_after_days=args.lost_after_days or settings.observation_lost_after_days,
                limit=args.limit,
            )
            for name in ("due_morning", "due_afternoon", "overdue", "fever", "releasable", "lost"):
                print(f"{name}\t{work.counts[name]}")
                for item in getattr(work, name):
                    who = f"{mask_name(item.name)}\t{mask_id(item.id_number)}\t{mask_phone(item.phone)}"
                    print(f"  {item.id}\t{who}\t{tr('day {n}', n=item.day_number)}\t{item.missed}")
            return 0
        status = Status(args.status) if args.status else None
        people = obs.list_register(context, status=status, search=args.search, limit=args.limit)
    finally:
        context.close()
    today = now.date()
    for person in people:
        exposure = person.exposure
        print(
            "\t".join(
                (
                    str(person.id),
                    mask_name(person.person.name),
                    mask_id(person.person.id_number),
                    mask_phone(person.person.phone),
                    KIND_ZH[Kind(exposure.kind)],
                    tr("day {n}", n=day_number(exposure.last_date, today)),
                    planned_release(exposure.last_date).isoformat(),
                    STATUS_ZH[person.status],
                )
            )
        )
    print(tr("{count} people", count=len(people)), file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ui.services import observation as obs

    path = Path(args.file)
    if not path.is_file():
        print(tr("No such file: {file}", file=str(path)), file=sys.stderr)
        return 2
    settings = _settings()
    context = open_context(args, settings.station_id)
    try:
        done = obs.import_list(context, path)
    finally:
        context.close()
    if not done.report.ok:
        for line in done.report.lines():
            print(line, file=sys.stderr)
        print(
            tr(
                "Nothing was imported: {count} rows refused of {rows}.",
                count=len(done.report.refused),
                rows=done.report.rows,
            ),
            file=sys.stderr,
        )
        return 1
    print(tr("{count} people registered for observation.", count=done.imported))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from fever_desk.observation.exports import FORMATS, UnknownFormat
    from fever_desk.observation.model import Status
    from ui.services import observation as obs

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        print(
            tr("Unknown format {suffix}: use .xlsx or .pdf.", suffix=out.suffix or out.name), file=sys.stderr
        )
        return 2
    person = None
    if args.person:
        try:
            person = uuid.UUID(args.person)
        except ValueError:
            print(tr("Not a register id: {text}", text=args.person), file=sys.stderr)
            return 2
    settings = _settings()
    context = open_context(args, settings.station_id)
    try:
        if person is not None:
            written = obs.export_grid(
                context, person, out, font_path=settings.slip_font_path, zipped=args.zip
            )
        else:
            status = Status(args.status) if args.status else None
            written = obs.export_register(
                context, out, status=status, font_path=settings.slip_font_path, zipped=args.zip
            )
    except (UnknownFormat, OSError, RuntimeError, obs.ObservationProblem) as exc:
        print(tr("Export failed: {problem}", problem=problem_text(exc, settings.language)), file=sys.stderr)
        return 1
    finally:
        context.close()
    print(tr("{rows} rows written to {file}", rows=written.rows, file=str(written.file.path)))
    print_password(written.file)
    return 0
