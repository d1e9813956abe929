"""The exports the station wrote inside its own data folder, so that retention can delete them too.

An export chosen to go anywhere else (a USB stick, the user's Documents) has left the station: the
station cannot know where it went next, and does not pretend to delete it.  An export written *under
the data folder* (a scheduled ``fever-desk export purchases --out`` into it, for example) is the
station's own copy of personal data, and must not outlive the records it was made from.  Each such
file is listed in ``exports-ledger.txt`` (one ``YYYY-MM-DD<TAB>path`` line: the last day the file
covers) *before* it is written, so a crash between the two never leaves a file nothing will delete.
A purge at cutoff C deletes the files whose last day is before C's date: every record they hold is
gone.  A listed file that was never written is simply not found.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

LEDGER_FILE = "exports-ledger.txt"


def ledger_path(data_folder: Path) -> Path:
    return data_folder / LEDGER_FILE


def inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` (resolved, like its parents) lies under ``folder``."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _read(data_folder: Path) -> list[tuple[date, str]]:
    ledger = ledger_path(data_folder)
    if not ledger.is_file():
        return []
    entries: list[tuple[date, str]] = []
    for line in ledger.read_text(encoding="utf-8").splitlines():
        day, _, path = line.partition("\t")
        try:
            entries.append((date.fromisoformat(day), path))
        except ValueError:  # a damaged line: skipped, never a reason to stop a purge
            continue
    return entries


def _write(data_folder: Path, entries: list[tuple[date, str]]) -> None:
    """Replace the ledger atomically, 0600 (it names files, and their names name days)."""
    ledger = ledger_path(data_folder)
    if not entries:
        ledger.unlink(missing_ok=True)
        return
    data_folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ledger-", dir=data_folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(f"{day:%Y-%m-%d}\t{path}\n" for day, path in sorted(set(entries)))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, ledger)


def record(data_folder: Path, path: Path, last_day: date) -> bool:
    """List ``path`` (to be written) if it lies under ``data_folder``; True when it was listed."""
    if not inside(data_folder, path):
        return False
    _write(data_folder, [*_read(data_folder), (last_day, str(path.resolve()))])
    return True


def due(data_folder: Path, before: date) -> list[str]:
    """Listed files that exist and cover only days before ``before`` (what a purge deletes)."""
    return sorted({path for day, path in _read(data_folder) if day < before and Path(path).exists()})


def forget_before(data_folder: Path, before: date) -> None:
    """Drop the lines of files covering only days before ``before`` (handed to the deletion list)."""
    _write(data_folder, [(day, path) for day, path in _read(data_folder) if day >= before])
