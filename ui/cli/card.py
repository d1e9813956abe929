"""``fever-desk card list|show|export``: the report cards and their 2-hour clock without the window.

``list`` prints the open cards with the minutes left (or a day's cards with ``--date``), ``show`` one card
in the paper card's order (name, ID number and phone masked, as every list is) and, with ``--pdf``, writes
the A4 card to enter online or fax; ``export`` writes a day's cards as XLSX.  Files carry the full details
and each write has its audit entry.  Exit codes: 0 done, 2 usage (no such card, a file that cannot be
written).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fever_desk.i18n import tr
from ui.cli.common import open_context
from ui.cli.failures import OPENS_DATABASE

if TYPE_CHECKING:
    from ui.services.database import Database

STATES = {
    "running": "running",
    "warning": "30 minutes or less left",
    "overdue": "OVERDUE",
    "reported": "reported",
    "reported_late": "reported late",
}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("not a date (YYYY-MM-DD): {text}", text=text)) from None


def add_card_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``card list|show|export`` on the ``fever-desk`` command's subparsers."""
    card = subparsers.add_parser("card", help=tr("report cards (传染病报告卡) and their 2-hour clock"))
    sub = card.add_subparsers(dest="card_command", required=True)
    listing = sub.add_parser("list", help=tr("the cards not yet reported online, with the minutes left"))
    listing.add_argument("--date", type=_day, dest="day", help=tr("instead: every card diagnosed that day"))
    listing.set_defaults(func=cmd_card_list, database=OPENS_DATABASE)
    show = sub.add_parser("show", help=tr("one card, in the order of the paper card"))
    show.add_argument("card", metavar="CARD", help=tr("a card number or id"))
    show.add_argument("--pdf", metavar="FILE.pdf", help=tr("also write the card as an A4 PDF"))
    show.set_defaults(func=cmd_card_show, database=OPENS_DATABASE)
    export = sub.add_parser("export", help=tr("the cards diagnosed on a day, as XLSX"))
    # Read by the command, not by argparse: the checks of the database and --out (ui.cli.failures) come first.
    export.add_argument("--date", dest="day", required=True, metavar="YYYY-MM-DD")
    export.add_argument("--out", required=True, metavar="FILE.xlsx")
    export.set_defaults(func=cmd_card_export, database=OPENS_DATABASE)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _context(args: argparse.Namespace) -> Database:
    from ui.services.settings import load_station_settings

    return open_context(args, load_station_settings().station_id)


def _label(code: str) -> str:
    from fever_desk.report_card.fields import ENGLISH

    return tr(ENGLISH[code])


def cmd_card_list(args: argparse.Namespace) -> int:
    from fever_desk.identity import mask_name
    from fever_desk.report_card.clock import read_clock
    from ui.services import report_cards as rc

    now = datetime.now().astimezone()
    context = _context(args)
    try:
        rc.catch_up_cards(context, now)  # suspected saves that reached a shared server without their card
        cards = (
            rc.cards_of_day(context, args.day) if args.day else [o.card for o in rc.open_cards(context, now)]
        )
    finally:
        context.close()
    if not cards:
        print(tr("No report cards.") if args.day else tr("No report card is waiting to be reported."))
        return 0
    for card in cards:
        clock = read_clock(card, now)
        if clock.state.value in ("running", "warning"):
            when = tr("{minutes} min left", minutes=clock.minutes_left)
        elif clock.state.value == "overdue":
            when = tr("{minutes} min late", minutes=-clock.minutes_left)
        else:
            when = ""
        print(
            "  ".join(
                part
                for part in (
                    card.number,
                    _label(card.kind),
                    _label(card.case_class),
                    mask_name(card.name),
                    f"{card.diagnosed_at.astimezone():%Y-%m-%d %H:%M}",
                    tr(STATES[clock.state.value]),
                    when,
                )
                if part
            )
        )
    return 0


def cmd_card_show(args: argparse.Namespace) -> int:
    from fever_desk.files import FileInUse
    from fever_desk.identity import mask_id, mask_name, mask_phone
    from fever_desk.report_card.output import card_lines
    from fever_desk.slips import FontNotFound
    from ui.services import report_cards as rc
    from ui.services.settings import load_station_settings

    context = _context(args)
    try:
        try:
            card = rc.find_card(context, args.card)
        except rc.CardNotFound as exc:
            return _fail(exc.localized())
        if args.pdf:
            out = Path(args.pdf)
            try:
                rc.save_card_pdf(
                    context, card.id, out, font_path=load_station_settings().slip_font_path or None
                )
            except (FontNotFound, FileInUse) as exc:
                return _fail(exc.localized())
            except OSError as exc:
                return _fail(tr("Cannot write {path}: {problem}", path=out, problem=exc.strerror or exc))
    finally:
        context.close()
    masked = {"患者姓名": mask_name, "有效证件号": mask_id, "联系电话": mask_phone, "患儿家长姓名": mask_name}
    for label, value in card_lines(card):
        print(f"{label}: {masked[label](value) if label in masked and value else value}")
    if args.pdf:
        print(tr("Card {number} written to {path}.", number=card.number, path=args.pdf))
    return 0


def cmd_card_export(args: argparse.Namespace) -> int:
    from fever_desk.files import FileInUse
    from ui.services import report_cards as rc

    out = Path(args.out)
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        return _fail(tr("not a date (YYYY-MM-DD): {text}", text=args.day))
    if out.suffix.lower() != ".xlsx":
        return _fail(tr("The cards are exported as .xlsx: {path}", path=out))
    context = _context(args)
    try:
        try:
            cards = rc.export_day(context, day, out)
        except FileInUse as exc:
            return _fail(exc.localized())
        except OSError as exc:
            return _fail(tr("Cannot write {path}: {problem}", path=out, problem=exc.strerror or exc))
    finally:
        context.close()
    print(tr("{count} report cards of {day} written to {path}.", count=len(cards), day=day, path=out))
    return 0
