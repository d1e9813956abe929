"""Replacing and deleting files the way Windows allows: a file another program holds cannot be touched.

On Windows, Excel/WPS keep an open workbook locked and most PDF viewers keep the PDF open: replacing,
renaming over or deleting that file fails with ``PermissionError`` (winerror 32 "used by another
process", or 5 "access denied").  Linux never refuses, so the code was never told; the user saw
"Unexpected problem".  Every export, slip and backup goes through :func:`replace_file`, which turns
that refusal into :class:`FileInUse` — a message naming the file and saying what to do — after the
caller's temporary file has been cleaned up, so nothing is left half-written.

:func:`write_atomic` is the one way the station writes a file: beside the target, flushed to the disk,
then swapped in (or, with ``exclusive``, put in place only if nothing is there yet), so a power cut or
a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from fever_desk.problems import Problem

#: Windows error codes meaning "another program has this file": access denied, sharing and lock violation.
IN_USE_WINERRORS = frozenset({5, 32, 33})


class FileInUse(Problem, PermissionError):
    """``path`` is open in another program (or read-only): the operation was not done; close it and retry.

    A ``PermissionError`` so existing ``except OSError`` handlers still catch it, and a
    :class:`fever_desk.problems.Problem` for the sentence the user reads.
    """

    template = (
        "{path} is open in another program (Excel, WPS or a PDF viewer?) or is read-only, so it was not "
        "changed. Close it there and try again."
    )

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self.values = {"path": self.path}
        # errno, message, filename: what an OSError carries (Problem.__init__ would set only the message)
        PermissionError.__init__(self, errno.EACCES, self.template.format(path=self.path), self.path)


def is_in_use(error: BaseException) -> bool:
    """Whether ``error`` is Windows' (or a test's) way of saying another program holds the file."""
    if not isinstance(error, PermissionError):
        return False
    winerror = getattr(error, "winerror", None)
    return winerror is None or winerror in IN_USE_WINERRORS


def replace_file(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """``os.replace(source, target)``; a held ``target`` raises :class:`FileInUse` and ``source`` is removed.

    The caller wrote ``source`` as a temporary next to ``target``: when the replace is refused the
    temporary is deleted here, so a refused export leaves the folder as it was.
    """
    try:
        os.replace(source, target)
    except PermissionError as exc:
        Path(source).unlink(missing_ok=True)
        if is_in_use(exc):
            raise FileInUse(target) from exc
        raise


def remove_file(path: str | os.PathLike[str]) -> bool:
    """Delete ``path``; True when it is gone (or was never there), False when another program holds it."""
    try:
        Path(path).unlink(missing_ok=True)
    except PermissionError as exc:
        if is_in_use(exc):
            return False
        raise
    return True


#: Hard links refused by the file system (FAT, some network shares): ``exclusive`` then creates in place.
_NO_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK})


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str | Callable[[Path], None],
    *,
    fsync: bool = True,
    exclusive: bool = False,
    mode: int = 0o600,
    encoding: str = "utf-8",
) -> Path:
    """Write ``path`` whole or not at all; returns it.

    ``data`` is the content (``str`` is encoded with ``encoding``) or a writer called with the path of
    a temporary file beside ``path`` (for libraries that write by file name: openpyxl, reportlab, SQLite's
    backup).  The temporary is flushed to the disk (``fsync``; off only for scratch files), then replaces
    ``path`` through :func:`replace_file` (a file held by another program: :class:`FileInUse`, nothing
    changed).  With ``exclusive`` an existing ``path`` is never replaced: ``FileExistsError`` instead, so
    two counters sharing a folder cannot overwrite each other.  ``mode`` is the new file's permission
    (less the umask): owner-only unless the caller says the file is for others to read.  Whatever fails,
    the temporary is removed and ``path`` is as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.stem}-{secrets.token_hex(4)}{target.suffix}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        if callable(data):
            os.close(fd)
            fd = -1
            data(temporary)
            if fsync:
                _fsync_path(temporary)
        else:
            with os.fdopen(fd, "wb") as handle:
                fd = -1
                handle.write(data.encode(encoding) if isinstance(data, str) else data)
                handle.flush()
                if fsync:
                    os.fsync(handle.fileno())
        if exclusive:
            _put_new(temporary, target, fsync=fsync)
        else:
            replace_file(temporary, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
    if fsync:
        _fsync_folder(target.parent)
    return target


def _put_new(temporary: Path, target: Path, *, fsync: bool) -> None:
    """Move ``temporary`` to ``target`` unless ``target`` exists (``FileExistsError``)."""
    if os.name == "nt":
        os.rename(temporary, target)  # Windows' rename never replaces: FileExistsError when taken
        return
    try:
        os.link(temporary, target)  # POSIX: a hard link fails when the name is taken, atomically
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        _copy_new(temporary, target, fsync=fsync)
    temporary.unlink()


def _copy_new(temporary: Path, target: Path, *, fsync: bool) -> None:
    """Exclusive creation where links are refused: a crash can leave ``target`` short, never replaced."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, temporary.stat().st_mode & 0o777)
    with os.fdopen(fd, "wb") as handle:
        handle.write(temporary.read_bytes())
        handle.flush()
        if fsync:
            os.fsync(handle.fileno())


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows flushes only a writable handle
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the new name itself durable (POSIX); Windows has no directory handle to flush."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) cannot flush a folder: the file itself is on disk
    finally:
        os.close(fd)


#: Personal data at rest: on POSIX every folder the station makes is the owner's alone, and every file.
PRIVATE_UMASK = 0o077


def use_private_modes() -> None:
    """Make every file this process creates 0600 and every folder 0700 (POSIX; Windows has ACLs instead).

    Set once at the entry point (``ui.cli.main``, which starts both the desk and the commands) rather than
    a ``chmod`` after each write: SQLite's database, WAL and journal, reportlab's PDFs, openpyxl's
    workbooks and platformdirs' folders are all created by code that takes no mode, and a file chmod-ed
    after it was written was readable by others in between.
    """
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def too_open(paths: list[Path]) -> list[Path]:
    """Files and folders under ``paths`` (each a folder or a file) that others can read or enter.

    Symbolic links are not followed: a link the user made to a shared folder is theirs to decide.
    """
    if os.name != "posix":
        return []
    found: list[Path] = []
    for top in paths:
        if top.is_symlink() or not top.exists():
            continue
        entries = [top]
        if top.is_dir():
            for folder, folders, files in os.walk(top):
                base = Path(folder)
                entries += [base / name for name in folders + files]
        for entry in entries:
            try:
                mode = entry.lstat().st_mode
            except OSError:
                continue
            if not stat.S_ISLNK(mode) and mode & PRIVATE_UMASK:
                found.append(entry)
    return found


def tighten(paths: list[Path]) -> list[Path]:
    """Take group and other permissions away from everything :func:`too_open` finds; what was changed.

    For an install made before the station kept its files private (an upgrade): run at each start, it
    changes something only the first time (or after someone loosened a file by hand).
    """
    changed = []
    for entry in too_open(paths):
        try:
            entry.chmod(stat.S_IMODE(entry.lstat().st_mode) & ~PRIVATE_UMASK)
        except OSError:
            continue  # not ours (another user's file in a shared folder): the self-test still names it
        changed.append(entry)
    return changed
