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
