"""The ``fever-desk`` command: no arguments starts the desk; subcommands do headless jobs.

Qt is imported only when the GUI starts, so reports, checks and diagnostics run on a server or over SSH.
Exit codes: 0 success, 1 the job found a problem (e.g. a guideline file is invalid), 2 usage or setup.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from fever_desk import __version__
from fever_desk.i18n import LANGUAGES, pin_language, tr


def _database_url(args: argparse.Namespace) -> str:
    from db.engine import database_url_from

    return database_url_from(args.db)


def cmd_guideline_check(args: argparse.Namespace) -> int:
    from fever_desk.guidelines import GuidelineError, load_guideline
    from ui.cli.console import safe_symbol

    status = 0
    for file in args.files:
        try:
            guideline = load_guideline(file)
        except GuidelineError as exc:
            print(f"{safe_symbol('✗', '×', 'X', stream=sys.stderr)} {exc}", file=sys.stderr)
            status = 1
        else:
            print(
                f"{safe_symbol('✓', '√', 'OK')} {file}: {guideline.id} v{guideline.version} — "
                f"{len(guideline.symptoms)} symptoms, "
                f"{len(guideline.epidemiological)} epidemiological, "
                f"{len(guideline.clinical)} clinical items, "
                f"{len(guideline.rules)} rules"
            )
    return status


def cmd_guideline_list(_args: argparse.Namespace) -> int:
    from fever_desk.guidelines import shipped_guidelines
    from fever_desk.i18n import current_language

    for guideline_id, guideline in shipped_guidelines().items():
        print(f"{guideline_id}\t{guideline.issued}\t{guideline.label(current_language())}")
    return 0


def cmd_triage(args: argparse.Namespace) -> int:
    from fever_desk.guidelines import GuidelineError, get_guideline
    from fever_desk.i18n import current_language
    from fever_desk.triage import FeverRule, IncompleteAnswers, answers_from_json, evaluate, outcome_to_json
    from ui.services.settings import load_station_settings

    settings = load_station_settings()
    try:
        data = json.loads(Path(args.answers).read_text(encoding="utf-8-sig"))  # Notepad adds a BOM
    except (OSError, ValueError) as exc:
        print(tr("Cannot read the answers file: {problem}", problem=exc), file=sys.stderr)
        return 2
    guideline_id = args.guideline or (data.get("guideline") if isinstance(data, dict) else None)
    try:
        guideline = get_guideline(guideline_id or settings.guideline_id)
        answers = answers_from_json(data, guideline)
        threshold = args.threshold if args.threshold is not None else settings.fever_threshold_c
        inclusive = settings.fever_threshold_inclusive if args.inclusive is None else args.inclusive
        outcome = evaluate(guideline, answers, FeverRule(threshold, inclusive))
    except IncompleteAnswers as exc:
        print(tr("Unanswered items: {items}", items=", ".join(exc.missing)), file=sys.stderr)
        return 1
    except (GuidelineError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    language = args.language or current_language()
    print(json.dumps(outcome_to_json(outcome, language), ensure_ascii=False, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta

    from db import open_database
    from db.bulk import bulk_insert_screenings
    from fever_desk.demo import generate_screenings
    from fever_desk.guidelines import get_guideline
    from fever_desk.triage import FeverRule, evaluate
    from ui.cli.progress import progress
    from ui.services.settings import load_station_settings

    settings = load_station_settings()
    guideline = get_guideline(settings.guideline_id)
    rule = FeverRule(settings.fever_threshold_c, settings.fever_threshold_inclusive)
    url = _database_url(args)
    database = open_database(url)
    end = datetime.now().astimezone()
    start = end - timedelta(days=args.days)
    records = generate_screenings(
        args.screenings,
        seed=args.seed,
        start=start,
        end=end,
        station_id=settings.station_id,
        symptom_ids=[i.id for i in guideline.symptoms],
        epi_ids=[i.id for i in guideline.epidemiological],
        outcome_for=lambda answers: evaluate(guideline, answers, rule),
    )
    with progress(args.screenings, tr("Writing screenings"), tr("rows")) as bar:
        count = bulk_insert_screenings(database.engine, records, progress=bar and bar.advance)
    database.close()
    print(tr("{count} synthetic screenings written to {url}", count=count, url=url))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from ui.cli.failures import OPENS_DATABASE

    parser = argparse.ArgumentParser(
        prog="fever-desk",
        description=tr("Pre-screening desk. Without a command, starts the desk window."),
    )
    parser.add_argument("--version", action="version", version=f"fever-desk {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=tr(
            "database URL, e.g. sqlite:///path/file.sqlite3 "
            "(default: FEVER_DESK_DB, else the user data folder)"
        ),
    )
    parser.add_argument(
        "--language",
        dest="ui_language",
        choices=sorted(LANGUAGES),
        help=tr("language of messages for this run (default: the settings, else zh_CN)"),
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=tr("check the database, migrations, fonts, guidelines, printers and serial ports, then exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    guideline = sub.add_parser("guideline", help=tr("check or list guideline files"))
    gsub = guideline.add_subparsers(dest="guideline_command", metavar="ACTION", required=True)
    check = gsub.add_parser("check", help=tr("validate guideline files and name any problem"))
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(func=cmd_guideline_check)
    listing = gsub.add_parser("list", help=tr("list the guideline versions shipped with the station"))
    listing.set_defaults(func=cmd_guideline_list)

    triage = sub.add_parser("triage", help=tr("print the outcome for a JSON file of answers"))
    triage.add_argument("--answers", required=True, metavar="FILE.json")
    triage.add_argument("--guideline", metavar="ID")
    triage.add_argument("--threshold", type=float, metavar="CELSIUS")
    triage.add_argument("--inclusive", action=argparse.BooleanOptionalAction, default=None)
    triage.add_argument("--language", choices=["zh_CN", "en"])
    triage.set_defaults(func=cmd_triage)

    demo = sub.add_parser("demo", help=tr("fill a database with realistic synthetic screenings"))
    demo.add_argument("--screenings", type=int, required=True, metavar="N")
    demo.add_argument("--days", type=int, default=30)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(func=cmd_demo, database=OPENS_DATABASE)

    from ui.cli.db import add_db_commands  # no Qt: backups run over SSH
    from ui.cli.devices import add_device_commands  # no Qt: `devices` runs over SSH
    from ui.cli.key import add_key_commands
    from ui.cli.observation import add_observation_commands
    from ui.cli.pharmacy import add_pharmacy_commands
    from ui.cli.slips import add_slip_commands
    from ui.cli.users import add_user_commands

    add_device_commands(sub)
    add_db_commands(sub)
    add_pharmacy_commands(sub)
    add_observation_commands(sub)
    from ui.cli.report import add_report_commands  # no Qt: a scheduled task sends the report

    add_report_commands(sub)
    add_slip_commands(sub)
    add_user_commands(sub)
    add_key_commands(sub)
    return parser


def start_desk(db: str | None) -> int:
    """Run the desk window (through ``ui.desk.launch``, the command line's one door into the desk)."""
    from ui.desk.launch import start_desk as start

    return start(db)


def _log_start(argv: Sequence[str]) -> None:
    """The log file (``ui.services.logs``) for every run; one line says which build ran with what."""
    import logging
    import platform

    from ui.services.logs import setup_logging

    setup_logging()
    _private_files(argv)
    logging.getLogger("fever_desk.startup").info(
        "fever-desk %s, Python %s, %s: %s",
        __version__,
        platform.python_version(),
        platform.platform(),
        " ".join(argv) or "(desk)",
    )


def _private_files(argv: Sequence[str]) -> None:
    """Files an earlier version left readable by others become private (``ui.services.private_files``)."""
    from db.location import chosen_database
    from ui.services.private_files import tighten_station_files

    words = list(argv)
    if "--self-test" in words:
        return  # the self-test changes nothing: it reports what is too open instead
    chosen = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "--db"), None)
    chosen = next((w.partition("=")[2] for w in words if w.startswith("--db=")), chosen)
    try:
        url = chosen_database(chosen)
    except OSError:
        url = None  # the command itself reports a data folder it cannot create
    if words:
        tighten_station_files(url)
    else:  # the desk: a year's slip archive is thousands of files, walked beside the window, not before it
        import threading

        threading.Thread(target=tighten_station_files, args=(url,), name="private-files", daemon=True).start()


def main(argv: Sequence[str] | None = None) -> int:
    from fever_desk.files import use_private_modes
    from ui.cli.console import prepare_streams

    use_private_modes()  # before anything is written: every file 0600, every folder 0700 (POSIX)

    prepare_streams()  # before anything prints: a GBK or cp1252 console, or none at all (windowed)
    arguments = list(sys.argv[1:] if argv is None else argv)
    _log_start(arguments)
    if not arguments:
        # The desktop shortcut: no options to parse, so start the window without building the parser.
        # Start-up allocates thousands of long-lived objects (modules, classes, Qt wrappers) and the cyclic
        # collector would keep re-scanning them (~3 ms before the window shows); once the screens are
        # built run_gui freezes those objects and collects on the GUI thread only (ui.desk.runtime.gui_gc).
        gc.disable()
        return start_desk(None)
    pin_language(_language_asked(argv))
    try:
        return _run(argv)
    finally:
        pin_language(None)


def _language_asked(argv: Sequence[str] | None) -> str | None:
    """``--language`` read before the parser is built, so that ``--help`` is in that language too
    (an unknown value is left for the parser to refuse).

    Without it, the settings' language is used (best effort: a damaged settings file is reported by
    the command that needs it, in the default language)."""
    words = list(sys.argv[1:] if argv is None else argv)
    for index, word in enumerate(words):
        value = words[index + 1] if word == "--language" and index + 1 < len(words) else None
        value = word.partition("=")[2] if word.startswith("--language=") else value
        if value is not None:
            return value if value in LANGUAGES else None
    from fever_desk.settings import SettingsError
    from ui.services.settings import config_path, load_station_settings

    path = config_path()
    try:
        if path.exists():  # a missing one is created by the command that needs it, not by --help
            load_station_settings(path)
    except (SettingsError, OSError):
        pass
    return None


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from ui.desk.launch import self_test

        return self_test(_database_url(args), sys.stdout)
    if args.command is None:
        return start_desk(args.db)
    from ui.cli.failures import run_command

    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
