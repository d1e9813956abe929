"""Windows file semantics on Linux: a file "open in another program" cannot be replaced, renamed,
deleted or opened for writing.

Excel/WPS lock an open workbook and most PDF viewers keep the PDF open; Windows then refuses with
``PermissionError`` (winerror 32, "being used by another process", or 5, "access denied", when the
file is the target of a replace).  Linux never refuses, so without this the suite could not see what a
clinic PC does.  ``hold(path)`` marks a file as open elsewhere; the patched ``os.replace``,
``os.rename``, ``os.unlink``/``os.remove`` (which ``pathlib`` and ``shutil.move`` go through) and
``open``/``io.open`` for writing raise exactly what Windows raises.  Reading stays allowed, as it is
for a file Excel has open.
"""

from __future__ import annotations

import builtins
import io
import os
from typing import Any

import pytest

SHARING_VIOLATION = 32
ACCESS_DENIED = 5
_MESSAGES = {
    SHARING_VIOLATION: "The process cannot access the file because it is being used by another process",
    ACCESS_DENIED: "Access is denied",
}


def _key(path: Any) -> str:
    return os.path.abspath(os.fsdecode(os.fspath(path)))


def windows_error(winerror: int, path: Any) -> PermissionError:
    """The exception as CPython builds it on Windows: errno EACCES (13), ``winerror``, the file name."""
    error = PermissionError(13, _MESSAGES[winerror], os.fsdecode(os.fspath(path)))
    error.winerror = winerror  # type: ignore[attr-defined]  # only Windows' OSError has it natively
    return error


class WindowsFiles:
    """Patches the file operations; ``refused`` records every refusal (operation, path) for asserts."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.held: set[str] = set()
        self.refused: list[tuple[str, str]] = []
        real_replace, real_rename = os.replace, os.rename
        real_unlink, real_remove, real_open = os.unlink, os.remove, io.open

        def moving(name: str, real: Any) -> Any:
            def move(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
                if _key(src) in self.held:
                    raise self._refuse(name, src, SHARING_VIOLATION)
                if _key(dst) in self.held:
                    raise self._refuse(name, dst, ACCESS_DENIED)
                return real(src, dst, *args, **kwargs)

            return move

        def deleting(name: str, real: Any) -> Any:
            def delete(path: Any, *args: Any, **kwargs: Any) -> Any:
                if _key(path) in self.held:
                    raise self._refuse(name, path, SHARING_VIOLATION)
                return real(path, *args, **kwargs)

            return delete

        def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if not isinstance(file, int) and any(c in mode for c in "wax+") and _key(file) in self.held:
                raise self._refuse("open", file, SHARING_VIOLATION)
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(os, "replace", moving("replace", real_replace))
        monkeypatch.setattr(os, "rename", moving("rename", real_rename))
        monkeypatch.setattr(os, "unlink", deleting("unlink", real_unlink))
        monkeypatch.setattr(os, "remove", deleting("remove", real_remove))
        monkeypatch.setattr(io, "open", opening)
        monkeypatch.setattr(builtins, "open", opening)

    def _refuse(self, operation: str, path: Any, winerror: int) -> PermissionError:
        self.refused.append((operation, _key(path)))
        return windows_error(winerror, path)

    def hold(self, *paths: Any) -> None:
        """As if another program had these files open."""
        self.held.update(_key(path) for path in paths)

    def release(self, *paths: Any) -> None:
        """The other program closed them."""
        self.held.difference_update(_key(path) for path in paths)
