"""``fever-desk db backup`` and ``fever-desk db restore``: the clinic's records, copied safely and put back.

The copy, the checks and the replacement are :mod:`db.backup`; this module is the command around them
(arguments, progress, messages, exit codes).  No Qt here: IT runs these over SSH or from a console.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.backup import BackupProblem, NotABackup, backup_database, restore_database
from fever_desk.files import FileInUse
from fever_desk.i18n import tr
from ui.cli.failures import OPENS_DATABASE, REPLACES_DATABASE
from ui.cli.progress import progress


def add_db_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``db backup`` and ``db restore`` on the ``fever-desk`` command's subparsers."""
    database = subparsers.add_parser("db", help=tr("back up or restore the database"))
    dsub = database.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    backup = dsub.add_parser("backup", help=tr("copy the database safely, even while the desk is running"))
    backup.add_argument("--out", required=True, metavar="FILE")
    backup.add_argument("--force", action="store_true", help=tr("replace FILE if it exists"))
    backup.set_defaults(func=cmd_db_backup, database=OPENS_DATABASE)
    restore = dsub.add_parser(
        "restore", help=tr("replace the database with a backup; the current one is kept")
    )
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(func=cmd_db_restore, database=REPLACES_DATABASE)


def _sqlite_file(args: argparse.Namespace) -> Path | None:
    from db.engine import database_url_from, sqlite_path

    path = sqlite_path(database_url_from(args.db))
    if path is None:
        print(
            tr("Only a SQLite database file can be backed up here; use pg_dump for PostgreSQL."),
            file=sys.stderr,
        )
    return path


def cmd_db_backup(args: argparse.Namespace) -> int:
    source = _sqlite_file(args)
    if source is None:
        return 2
    out = Path(args.out).expanduser()
    try:
        with progress(None, tr("Backing up"), "B", in_bytes=True) as bar:
            revision = backup_database(source, out, force=args.force, bar=bar)
    except NotABackup as exc:
        print(exc.localized(), file=sys.stderr)
        return 1
    except (BackupProblem, FileInUse) as exc:
        print(exc.localized(), file=sys.stderr)
        return 2
    print(
        tr(
            "Backup of {source} written to {out} (schema {revision}).",
            source=str(source),
            out=str(out),
            revision=revision,
        )
    )
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from db.migrate import head_revision

    target = _sqlite_file(args)
    if target is None:
        return 2
    try:
        with progress(None, tr("Restoring"), "B", in_bytes=True) as bar:
            revision, kept = restore_database(Path(args.file).expanduser(), target, bar)
    except BackupProblem as exc:
        print(exc.localized(), file=sys.stderr)
        return 1
    print(
        tr(
            "Restored {file} into {target} (schema {revision}).",
            file=args.file,
            target=str(target),
            revision=revision,
        )
    )
    if kept is not None:
        print(tr("The previous database was kept as {kept}.", kept=str(kept)))
    if revision != head_revision():
        print(tr("The desk will upgrade it to schema {head} when it starts.", head=head_revision()))
    return 0
