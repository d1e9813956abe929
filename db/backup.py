"""SQLite backup and restore: the clinic's records, copied safely and put back.

The desk keeps SQLite in WAL mode, so the newest records can sit in ``fever_desk.sqlite3-wal`` and a file
copy taken while the desk runs can be torn or out of date.  :func:`backup_database` therefore uses
SQLite's online backup API, which copies one consistent snapshot while a nurse keeps saving, and writes a
single self-contained file (rollback journal, not WAL) that can go on a USB stick.
:func:`restore_database` refuses anything that is not a fever_desk database at a schema this build knows,
refuses while another process has the database open, and keeps the current file beside the restored one
— a restore must never be the way a clinic loses its records.  A backup is encrypted with the station's
key like the database (``db.cipher``): on another PC it restores after ``fever-desk key import``.  The
``fever-desk db`` command (``ui.cli.db``) parses the arguments, shows progress through :class:`Progress`
and prints the messages.
"""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fever_desk.files import write_atomic
from fever_desk.i18n import tr
from fever_desk.problems import Problem

BACKUP_STEP_PAGES = 1024  # per step of a copy shown with progress: 4 MiB at the default page size


class BackupProblem(Problem):
    """A refused backup or restore (a :class:`fever_desk.problems.Problem`)."""


class NotABackup(BackupProblem):
    template = "{path} is not a usable fever_desk database ({detail}); nothing was changed."


class DatabaseInUse(BackupProblem):
    template = "{path} is open in another program (is the desk running?). Close it and try again."


class Progress(Protocol):
    """Where a copy reports how far it is, in bytes (the command line's progress bar)."""

    def at(self, done: int, total: int) -> None: ...


def inspect_database(path: Path) -> str:
    """The schema revision of a fever_desk SQLite file, after a full integrity check; read-only.

    Raises :class:`NotABackup` for anything else: another program's file, a damaged or half-copied one,
    or one written by a newer fever_desk (whose tables this build would misread).
    """
    from db.cipher import DRIVER_ERRORS, connect, key_for, may_be_sqlite
    from db.migrate import known_revisions

    if not path.is_file():
        raise NotABackup(path=str(path), detail=tr("no such file"))
    if not may_be_sqlite(path):
        raise NotABackup(path=str(path), detail=tr("not an SQLite file"))
    try:  # encrypted with the station's key (db.cipher), or plain; a wrong key is a DatabaseProblem
        with closing(connect(path, key_for(path, create=False), read_only=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise NotABackup(path=str(path), detail=verdict)
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"alembic_version", "screening"} <= tables:
                raise NotABackup(path=str(path), detail=tr("no fever_desk tables"))
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except DRIVER_ERRORS as exc:
        raise NotABackup(path=str(path), detail=str(exc)) from exc
    if len(revisions) != 1 or revisions[0] not in known_revisions():
        raise NotABackup(
            path=str(path), detail=tr("unknown schema {revision}", revision=", ".join(revisions) or "-")
        )
    return revisions[0]


def _copy(source: Path, target: Path, bar: Progress | None = None) -> None:
    """Snapshot ``source`` into ``target`` with the backup API; the copy is one file (journal_mode=DELETE).

    With a progress ``bar`` the copy goes in steps: the read transaction held open on ``src`` across
    them keeps every step on the same snapshot while the desk goes on saving.
    """
    from db.cipher import connect, key_for

    key = key_for(source, create=False)  # the copy is encrypted with the same key (or plain, as source)
    with closing(connect(source, key, timeout=30)) as src, closing(connect(target, key)) as dst:
        if bar is None:
            src.backup(dst)  # pages=-1: one step, so one read transaction, so one consistent snapshot
        else:
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            page = int(src.execute("PRAGMA page_size").fetchone()[0])  # SQLCipher answers in text

            def step(_status: int, remaining: int, total: int) -> None:
                bar.at((total - remaining) * page, total * page)

            src.backup(dst, pages=BACKUP_STEP_PAGES, progress=step, sleep=0)
            src.rollback()
        dst.execute("PRAGMA journal_mode=DELETE")


def backup_database(source: Path, out: Path, *, force: bool = False, bar: Progress | None = None) -> str:
    """Write a consistent copy of ``source`` to ``out`` (atomically) and return its schema revision."""
    from db.cipher import encrypt_in_place, encrypt_new_files, is_plain, may_be_sqlite

    if not source.is_file():
        raise BackupProblem(detail=tr("{path} does not exist", path=str(source)))
    if not may_be_sqlite(source):
        raise NotABackup(path=str(source), detail=tr("not an SQLite file"))
    if out.exists() and not force:
        raise BackupProblem(detail=tr("{path} exists; choose another name or add --force", path=str(out)))
    revision = ""

    def copy(partial: Path) -> None:
        nonlocal revision
        _copy(source, partial, bar)
        if encrypt_new_files() and is_plain(partial):
            encrypt_in_place(partial)  # a database the desk has not encrypted yet: its backup is
        revision = inspect_database(partial)  # a copy that fails the check never replaces anything

    write_atomic(out, copy, mode=0o666)  # an old backup open in another program: FileInUse, naming it
    return revision


def _claim(path: Path) -> None:
    """Fold the WAL into the file and prove no other process has it open; raises :class:`DatabaseInUse`.

    Leaving WAL mode needs the only connection to the file, so it fails while the desk (or a report)
    holds the database; afterwards the main file is complete on its own and can be copied aside.
    """
    from db.cipher import DRIVER_ERRORS, connect, key_for
    from db.migrate import DatabaseProblem

    try:
        with closing(connect(path, key_for(path, create=False), timeout=0)) as connection:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            connection.execute("BEGIN EXCLUSIVE")
            connection.rollback()
    except DRIVER_ERRORS as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseInUse(path=str(path)) from exc
        if "not a database" not in str(exc) and "malformed" not in str(exc):
            raise
        return  # not a database at all: nothing can have it open as one; it is kept aside as it is
    except DatabaseProblem:
        return  # no key or another key: nobody here has it open as a database; it is kept aside as it is
    if mode.lower() != "delete":
        raise DatabaseInUse(path=str(path))


def restore_database(backup: Path, target: Path, bar: Progress | None = None) -> tuple[str, Path | None]:
    """Replace ``target`` by ``backup``; returns the backup's revision and where the old file was kept."""
    from db.cipher import encrypt_in_place, encrypt_new_files, is_plain

    revision = inspect_database(backup)  # before anything: a refused restore touches nothing
    kept: Path | None = None
    if target.exists():
        _claim(target)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
        shutil.copy2(target, kept)
    held = target

    def copy(incoming: Path) -> None:
        nonlocal held
        _copy(backup, incoming, bar)
        if encrypt_new_files() and is_plain(incoming):
            encrypt_in_place(incoming)  # a backup made before encryption is restored encrypted
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
            held = leftover
            leftover.unlink(missing_ok=True)  # a stale WAL must never be replayed into the restored file
        held = target

    try:
        write_atomic(target, copy, mode=0o666)
    except PermissionError as exc:  # FileInUse included
        # Windows: another program (a SQLite browser, an antivirus scan) holds the file.  The database
        # is still the one it was, so the copy kept aside is not needed: the refusal changes nothing.
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise DatabaseInUse(path=str(held)) from exc
    return revision, kept
