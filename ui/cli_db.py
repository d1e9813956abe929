"""``fever-desk db backup`` and ``fever-desk db restore``: the clinic's records, copied safely and put back.

The desk keeps SQLite in WAL mode, so the newest records can sit in ``fever_desk.sqlite3-wal`` and a file
copy taken while the desk runs can be torn or out of date.  ``backup`` therefore uses SQLite's online
backup API, which copies one consistent snapshot while a nurse keeps saving, and writes a single
self-contained file (rollback journal, not WAL) that can go on a USB stick.  ``restore`` refuses anything
that is not a fever_desk database at a schema this build knows, refuses while another process has the
database open, and keeps the current file beside the restored one — a restore must never be the way a
clinic loses its records.  No Qt here: IT runs these over SSH or from a console.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path

from db.location import sqlite_uri
from fever_desk.files import FileInUse, replace_file
from fever_desk.i18n import tr
from ui.cli_failures import OPENS_DATABASE, REPLACES_DATABASE
from ui.cli_progress import Bar, progress

SQLITE_MAGIC = b"SQLite format 3\x00"
BACKUP_STEP_PAGES = 1024  # per step of a copy shown with progress: 4 MiB at the default page size


class BackupProblem(Exception):
    """A refused backup or restore; ``template`` is the catalogue key, as with ``DatabaseProblem``."""

    template = "{detail}"

    def __init__(self, **values: object) -> None:
        self.values = values
        super().__init__(self.template.format(**values))

    def localized(self) -> str:
        return tr(self.template, **self.values)


class NotABackup(BackupProblem):
    template = "{path} is not a usable fever_desk database ({detail}); nothing was changed."


class DatabaseInUse(BackupProblem):
    template = "{path} is open in another program (is the desk running?). Close it and try again."


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


def inspect_database(path: Path) -> str:
    """The schema revision of a fever_desk SQLite file, after a full integrity check; read-only.

    Raises :class:`NotABackup` for anything else: another program's file, a damaged or half-copied one,
    or one written by a newer fever_desk (whose tables this build would misread).
    """
    from db.migrate import known_revisions

    if not path.is_file():
        raise NotABackup(path=str(path), detail=tr("no such file"))
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise NotABackup(path=str(path), detail=tr("not an SQLite file"))
    try:
        with closing(sqlite3.connect(sqlite_uri(path, read_only=True), uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise NotABackup(path=str(path), detail=verdict)
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"alembic_version", "screening"} <= tables:
                raise NotABackup(path=str(path), detail=tr("no fever_desk tables"))
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error as exc:
        raise NotABackup(path=str(path), detail=str(exc)) from exc
    if len(revisions) != 1 or revisions[0] not in known_revisions():
        raise NotABackup(
            path=str(path), detail=tr("unknown schema {revision}", revision=", ".join(revisions) or "-")
        )
    return revisions[0]


def _copy(source: Path, target: Path, bar: Bar | None = None) -> None:
    """Snapshot ``source`` into ``target`` with the backup API; the copy is one file (journal_mode=DELETE).

    With a progress ``bar`` the copy goes in steps: the read transaction held open on ``src`` across
    them keeps every step on the same snapshot while the desk goes on saving.
    """
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target)) as dst:
        if bar is None:
            src.backup(dst)  # pages=-1: one step, so one read transaction, so one consistent snapshot
        else:
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            page = src.execute("PRAGMA page_size").fetchone()[0]

            def step(_status: int, remaining: int, total: int) -> None:
                bar.at((total - remaining) * page, total * page)

            src.backup(dst, pages=BACKUP_STEP_PAGES, progress=step, sleep=0)
            src.rollback()
        dst.execute("PRAGMA journal_mode=DELETE")
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def backup_database(source: Path, out: Path, *, force: bool = False, bar: Bar | None = None) -> str:
    """Write a consistent copy of ``source`` to ``out`` (atomically) and return its schema revision."""
    if not source.is_file():
        raise BackupProblem(detail=tr("{path} does not exist", path=str(source)))
    with source.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise NotABackup(path=str(source), detail=tr("not an SQLite file"))
    if out.exists() and not force:
        raise BackupProblem(detail=tr("{path} exists; choose another name or add --force", path=str(out)))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f"{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial, bar)
        revision = inspect_database(partial)
        replace_file(partial, out)  # an old backup open in another program: FileInUse, naming it
    finally:
        partial.unlink(missing_ok=True)
    return revision


def _claim(path: Path) -> None:
    """Fold the WAL into the file and prove no other process has it open; raises :class:`DatabaseInUse`.

    Leaving WAL mode needs the only connection to the file, so it fails while the desk (or a report)
    holds the database; afterwards the main file is complete on its own and can be copied aside.
    """
    try:
        with closing(sqlite3.connect(path, timeout=0)) as connection:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            connection.execute("BEGIN EXCLUSIVE")
            connection.rollback()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseInUse(path=str(path)) from exc
        raise
    except sqlite3.DatabaseError:
        return  # not a database at all: nothing can have it open as one; it is kept aside as it is
    if mode.lower() != "delete":
        raise DatabaseInUse(path=str(path))


def restore_database(backup: Path, target: Path, bar: Bar | None = None) -> tuple[str, Path | None]:
    """Replace ``target`` by ``backup``; returns the backup's revision and where the old file was kept."""
    revision = inspect_database(backup)  # before anything: a refused restore touches nothing
    kept: Path | None = None
    if target.exists():
        _claim(target)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
        shutil.copy2(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f"{target.name}.restoring")
    incoming.unlink(missing_ok=True)
    held = target
    try:
        _copy(backup, incoming, bar)
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
            held = leftover
            leftover.unlink(missing_ok=True)  # a stale WAL must never be replayed into the restored file
        held = target
        os.replace(incoming, target)
    except PermissionError as exc:
        # Windows: another program (a SQLite browser, an antivirus scan) holds the file.  The database
        # is still the one it was, so the copy kept aside is not needed: the refusal changes nothing.
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise DatabaseInUse(path=str(held)) from exc
    finally:
        incoming.unlink(missing_ok=True)
    return revision, kept


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
