"""Why a ``fever-desk`` command could not do its job, in one line, and never a traceback.

Every subcommand runs through :func:`run_command`, the one place that turns a failure into words, so no
command needs its own ``try``.  Before the command starts, :func:`preflight` checks what it will touch:

* ``--out FILE`` (whatever the command): the folder must exist and take a new file, and FILE must not
  be a folder.  Checked first, so a typo costs nothing: no report revision stored, no password asked.
* the database, for subcommands registered with ``set_defaults(database="open")``: a SQLite file is
  looked at read-only (``db.migrate.check_sqlite_file``: a folder that does not exist, another
  program's file, random bytes, a file cut short, a schema newer than this build).  ``db restore``
  says ``database="replace"``: a broken file is what it is there to replace.  A server is not
  contacted here; the command itself reports an unreachable one.

Whatever still goes wrong while the command runs becomes one line on stderr: a database error names
the database and what the driver said (the common SQLite messages in the user's language), a file
error names the file, and anything unexpected names the log file holding the details (where the
warnings of the layers below go too, instead of between the command's lines).  Exit codes:
2 for a database, file or settings problem (setup), 1 for an unexpected error, 130 for Ctrl+C.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from pathlib import Path

from fever_desk.i18n import tr

#: ``set_defaults(database=…)`` values; a subcommand without one does not use the database.
OPENS_DATABASE = "open"
REPLACES_DATABASE = "replace"

#: SQLite's own messages (English, from the driver) and how the user reads them.
_SQLITE_MESSAGES = {
    "unable to open database file": "it cannot be opened",
    "file is not a database": "it is not a database file",
    "database disk image is malformed": "the file is damaged",
    "attempt to write a readonly database": "it is read-only",
    "database is locked": "another program is using it",
    "disk i/o error": "the disk could not be read or written",
    "database or disk is full": "the disk is full",
}
_OS_MESSAGES = {
    errno.ENOENT: "no such file or folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the disk is read-only",
}


class CommandProblem(Exception):
    """A problem found before or while running a command; ``str()`` is the line shown, translated."""


def run_command(args: argparse.Namespace) -> int:
    """Check, run ``args.func`` and turn any failure into one line on stderr and an exit code."""
    handler = _log_to_file()
    try:
        preflight(args)
        return int(args.func(args))
    except KeyboardInterrupt:
        print(tr("Interrupted."), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the point of this module: no traceback reaches a nurse
        line, status = explain(exc, args)
        print(line, file=sys.stderr)
        return status
    finally:
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()


def preflight(args: argparse.Namespace) -> None:
    """Raise :class:`CommandProblem` or ``DatabaseProblem`` for an output path or database not usable."""
    out = getattr(args, "out", None)
    if out:
        check_output(Path(out).expanduser())
    if getattr(args, "database", None) == OPENS_DATABASE:
        from db.engine import sqlite_path
        from db.migrate import check_sqlite_file

        path = sqlite_path(_database_url(args))
        if path is not None:
            check_sqlite_file(path)


def check_output(out: Path) -> None:
    """The file can be written: its folder exists and takes a new file, and it is not a folder itself."""

    def refuse(problem: str) -> CommandProblem:
        return CommandProblem(tr("Cannot write {path}: {problem}.", path=str(out), problem=problem))

    if out.is_dir():
        raise refuse(tr("it is a folder; give a file name"))
    folder = out.parent
    if not folder.is_dir():
        raise refuse(tr("the folder {folder} does not exist", folder=str(folder)))
    import tempfile

    try:  # os.access cannot tell (root, Windows ACLs, a read-only mount): try it
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise refuse(
            tr("the folder {folder} cannot be written to ({reason})", folder=str(folder), reason=_os(exc))
        ) from exc
    if out.exists() and not os.access(out, os.W_OK):
        raise refuse(tr("the file is read-only"))


def explain(exc: BaseException, args: argparse.Namespace) -> tuple[str, int]:
    """One line for the user, and the exit code, for a failure out of a command."""
    from db.migrate import DatabaseProblem
    from fever_desk.settings import SettingsError

    if isinstance(exc, CommandProblem):
        return str(exc), 2
    if isinstance(exc, DatabaseProblem):
        return exc.localized(), 2
    if isinstance(exc, SettingsError):
        from ui.services.problems import describe_error  # the line and column, in the user's language

        return describe_error(exc).splitlines()[0], 2
    driver = _driver_error(exc)
    if driver is not None:
        return tr("The database {path} cannot be used: {problem}.", path=_where(args), problem=driver), 2
    if type(exc).__name__ == "ArgumentError" and type(exc).__module__.startswith("sqlalchemy"):
        return tr("Not a database URL: {url}", url=getattr(args, "db", None) or "?"), 2
    if isinstance(exc, OSError) and exc.filename:
        return tr("Cannot use {path}: {problem}.", path=str(exc.filename), problem=_os(exc)), 2
    return _unexpected(exc), 1


def log_path() -> Path:
    """The station's log file, where unexpected failures of the command line are written in full."""
    from platformdirs import user_log_path

    return user_log_path("fever-desk", appauthor=False) / "fever-desk.log"


def _log_to_file() -> logging.Handler | None:
    """Send warnings of the layers below (e.g. "server unreachable, working offline") to the log file.

    Without a handler, Python prints them on stderr, between the command's own lines.  When something
    else has set up logging already (the start-up, a test), it is left alone.
    """
    root = logging.getLogger()
    if root.handlers:
        return None
    try:
        log_path().parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_path(), encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    root.addHandler(handler)
    return handler


def _unexpected(exc: BaseException) -> str:
    """Log the traceback (to the root logger's file when it has one, else to :func:`log_path`)."""
    import traceback
    from datetime import datetime

    problem = _first_line(exc) or type(exc).__name__
    files = [
        h.baseFilename
        for h in logging.getLogger().handlers
        if isinstance(h, logging.FileHandler) and h.baseFilename != os.devnull
    ]
    try:
        if files:
            logging.getLogger("fever_desk.cli").error("%s", " ".join(sys.argv), exc_info=exc)
            path = Path(files[0])
        else:
            path = log_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} ERROR {' '.join(sys.argv)}\n")
                log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return tr("Unexpected problem: {problem} (the details could not be logged).", problem=problem)
    return tr("Unexpected problem: {problem}. Details are in {log}", problem=problem, log=str(path))


def _driver_error(exc: BaseException) -> str | None:
    """The database driver's complaint, translated when it is a common SQLite one; else None."""
    from db.cipher import DRIVER_ERRORS  # sqlite3's, and SQLCipher's for an encrypted file

    original = getattr(exc, "orig", None)  # sqlalchemy.exc.DBAPIError wraps the driver's exception
    if original is None and not isinstance(exc, DRIVER_ERRORS):
        return None
    text = _first_line(original if original is not None else exc)
    phrase = _SQLITE_MESSAGES.get(text.lower().rstrip("."))
    return tr(phrase) if phrase else text


def _where(args: argparse.Namespace) -> str:
    """The database the command was given, as the user knows it (a file, or a URL without password)."""
    try:
        from sqlalchemy.engine import make_url

        from db.engine import sqlite_path

        url = _database_url(args)
        path = sqlite_path(url)
        return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - naming the database must not fail the message itself
        return getattr(args, "db", None) or "?"


def _database_url(args: argparse.Namespace) -> str:
    from db.engine import database_url_from

    return database_url_from(getattr(args, "db", None))


def _os(exc: OSError) -> str:
    phrase = _OS_MESSAGES.get(exc.errno or 0)
    return tr(phrase) if phrase else (exc.strerror or type(exc).__name__)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else ""
