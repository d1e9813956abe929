"""Which of SQLite's locks a process holds on a WAL database, read from ``/proc/locks``: nothing is opened.

A process using a WAL database holds, for as long as its connection is open, a read lock on the database
file's SHARED range and one on the ``-shm`` file's "in use" byte (the DMS byte of ``os_unix.c``).  On
POSIX, closing *any* descriptor of a file drops every lock the process holds on it, so code that opens
and closes the database or its ``-shm`` behind SQLite's back (a header sniff, Qt guessing a file's type)
silently takes them away.  Without the "in use" lock the next program that opens the database believes
it is the only one, resets ``-shm`` to a few bytes, and the station dies of SIGBUS at its next touch of
the mapped file (``tests/ui/test_file_dialogs.py``).  Asking the kernel's lock table instead of
``fcntl(F_GETLK)`` means the checker opens no file of the database itself, and names the process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: ``os_unix.c``: UNIX_SHM_BASE ((22 + SQLITE_SHM_NLOCK) * 4) + SQLITE_SHM_NLOCK
SHM_DMS_BYTE = 128
#: ``os.h``: PENDING_BYTE (0x40000000) + 2, the first byte of the SHARED range
SHARED_FIRST = 0x40000000 + 2
LOCKS = Path("/proc/locks")

SHARED, IN_USE = "SHARED lock on the database", "in-use lock on -shm"


def available() -> bool:
    return sys.platform.startswith("linux") and LOCKS.exists()


def _file_id(path: Path) -> str | None:
    """``/proc/locks``'s name for a file: major:minor (hexadecimal) and inode."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"


def _covers(start: str, end: str, byte: int) -> bool:
    return int(start) <= byte and (end == "EOF" or int(end) >= byte)


def held(pid: int, database: Path) -> set[str]:
    """Which of :data:`SHARED` and :data:`IN_USE` process ``pid`` holds on ``database`` right now."""
    files = {
        _file_id(database): (SHARED, SHARED_FIRST),
        _file_id(Path(f"{database}-shm")): (IN_USE, SHM_DMS_BYTE),
    }
    found: set[str] = set()
    for line in LOCKS.read_text(encoding="ascii").splitlines():
        fields = line.split()
        # "3: POSIX  ADVISORY  READ 1234 fd:01:5678 128 128"; a waiter's line has "->" after the number
        if len(fields) != 8 or fields[1] != "POSIX" or fields[4] != str(pid):
            continue
        what = files.get(fields[5])
        if what is not None and _covers(fields[6], fields[7], what[1]):
            found.add(what[0])
    return found
