"""Replacing and deleting files the way Windows allows: a file another program holds cannot be touched.

On Windows, Excel/WPS keep an open workbook locked and most PDF viewers keep the PDF open: replacing,
renaming over or deleting that file fails with ``PermissionError`` (winerror 32 "used by another
process", or 5 "access denied").  Linux never refuses, so the code was never told; the user saw
"Unexpected problem".  Every export, slip and backup goes through :func:`replace_file`, which turns
that refusal into :class:`FileInUse` — a message naming the file and saying what to do — after the
caller's temporary file has been cleaned up, so nothing is left half-written.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from fever_desk.i18n import current_language, tr_in

#: Windows error codes meaning "another program has this file": access denied, sharing and lock violation.
IN_USE_WINERRORS = frozenset({5, 32, 33})


class FileInUse(PermissionError):
    """``path`` is open in another program (or read-only): the operation was not done; close it and retry.

    A ``PermissionError`` so existing ``except OSError`` handlers still catch it; :meth:`localized` gives
    the sentence for the user (``template`` is the catalogue key).
    """

    template = (
        "{path} is open in another program (Excel, WPS or a PDF viewer?) or is read-only, so it was not "
        "changed. Close it there and try again."
    )

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        super().__init__(errno.EACCES, self.template.format(path=self.path), self.path)

    def localized(self, language: str | None = None) -> str:
        return tr_in(language or current_language(), self.template, path=self.path)


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
