"""``fever-desk export purchases --from DATE --to DATE --out FILE``: the regulator's register, headless.

The format follows the extension (.xlsx, .csv with a UTF-8 BOM, .pdf), so a scheduled task can send the
day's list without anyone opening the desk.  Dates are local calendar days, both inclusive; ``--to``
defaults to ``--from``, which defaults to today.  The file is 0600 and marked as personal information;
``--zip`` writes an AES-256 ZIP (``FILE.zip``) instead and prints its one-time password, once: it is
stored nowhere (``fever_desk.export_files``).  Exit codes as for the rest of the command: 0 written,
1 nothing could be written (bad format, no font), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from fever_desk.export_files import ExportedFile
from fever_desk.i18n import tr
from ui.cli.common import open_context, problem_text
from ui.cli.failures import OPENS_DATABASE


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("not a date (YYYY-MM-DD): {text}", text=text)) from None


def add_pharmacy_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``export purchases`` on the ``fever-desk`` command's subparsers."""
    export = subparsers.add_parser("export", help=tr("export registers for the authorities"))
    esub = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    purchases = esub.add_parser(
        "purchases", help=tr("the register of fever and cough medicine purchasers (.xlsx, .csv, .pdf)")
    )
    purchases.add_argument(
        "--from", dest="first", type=_day, metavar="DATE", help=tr("first day (default today)")
    )
    purchases.add_argument(
        "--to", dest="last", type=_day, metavar="DATE", help=tr("last day (default: --from)")
    )
    purchases.add_argument(
        "--out", required=True, metavar="FILE", help=tr("output file: .xlsx, .csv or .pdf")
    )
    add_zip_option(purchases)
    purchases.set_defaults(func=cmd_export_purchases, database=OPENS_DATABASE)


def cmd_export_purchases(args: argparse.Namespace) -> int:
    from fever_desk.registers import FORMATS, UnknownFormat
    from ui.cli.progress import progress
    from ui.services.pharmacy import export_register
    from ui.services.settings import load_station_settings

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        print(
            tr("Unknown format {suffix}: use .xlsx, .csv or .pdf.", suffix=out.suffix or out.name),
            file=sys.stderr,
        )
        return 2
    first = args.first or date.today()
    last = args.last or first
    if last < first:
        first, last = last, first
    settings = load_station_settings()
    context = open_context(args, settings.station_id)
    try:
        with progress(None, tr("Writing the register"), tr("rows")) as bar:
            institution = settings.institution or settings.station_name
            written = export_register(
                context,
                first,
                last,
                out,
                institution,
                settings.slip_font_path,
                bar and bar.at,
                zipped=args.zip,
            )
    except (UnknownFormat, OSError, RuntimeError) as exc:
        print(tr("Export failed: {problem}", problem=problem_text(exc, settings.language)), file=sys.stderr)
        return 1
    finally:
        context.close()
    print(tr("{rows} purchases written to {file}", rows=written.rows, file=str(written.file.path)))
    print_password(written.file)
    return 0


def add_zip_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--zip",
        action="store_true",
        help=tr("write an AES-256 encrypted ZIP (FILE.zip) and print its one-time password"),
    )


def print_password(file: ExportedFile) -> None:
    """The one-time password of a zipped export, printed once; nothing when the file is plain."""
    if file.zipped:
        print(
            tr(
                "Password of the ZIP (shown only now, read it out by phone; type it with the dashes): "
                "{password}",
                password=file.password,
            )
        )
