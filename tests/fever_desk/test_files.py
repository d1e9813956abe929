"""``write_atomic``: a file is there whole, the old one or the new one, whatever stops the write.

The station writes its settings, drug catalogue, exports, slips, keys, backups and the retention to-do
list through this one function, so these tests hold for all of them; the Windows refusals (a file open
in Excel or a PDF viewer) are in ``tests/ui/test_files_in_use.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fever_desk.files import write_atomic

ROOT = Path(__file__).resolve().parents[2]
SIZE = 4 * 1024 * 1024


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_content_bytes_text_and_writer(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.bin", b"\x00\xff")
    write_atomic(tmp_path / "b.txt", "发热门诊 37.3°C\n")
    write_atomic(tmp_path / "c.csv", lambda temporary: temporary.write_text("x,y\n", encoding="utf-8"))
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "发热门诊 37.3°C\n"
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == "x,y\n"
    assert listing(tmp_path) == ["a.bin", "b.txt", "c.csv"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "register.xlsx"
    target.write_bytes(b"last week's register")

    def half_then_fail(temporary: Path) -> None:
        temporary.write_bytes(b"half a work")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"last week's register"
    assert listing(tmp_path) == ["register.xlsx"]


def test_exclusive_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "slip.pdf"
    write_atomic(target, b"first desk's copy", exclusive=True)
    with pytest.raises(FileExistsError):
        write_atomic(target, b"second desk's copy", exclusive=True)
    assert target.read_bytes() == b"first desk's copy"
    assert listing(tmp_path) == ["slip.pdf"]


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_owner_only_unless_asked(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        private = write_atomic(tmp_path / "key.pem", b"secret")
        shared = write_atomic(tmp_path / "slip.pdf", b"%PDF", mode=0o666)
    finally:
        os.umask(old)
    assert private.stat().st_mode & 0o777 == 0o600
    assert shared.stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(os.name != "posix", reason="the folder is flushed on POSIX only")
def test_the_data_reaches_the_disk_before_the_name_changes(tmp_path: Path, monkeypatch) -> None:
    """The content is flushed, then swapped in, then the folder entry flushed: a power cut cannot leave
    an empty or half-written file under the real name."""
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    write_atomic(tmp_path / "settings.json", "{}")
    write_atomic(tmp_path / "register.csv", lambda temporary: temporary.write_text("a\n", encoding="utf-8"))
    assert events == ["fsync", "replace", "fsync"] * 2
    events.clear()
    write_atomic(tmp_path / "scratch.sqlite3", b"x", fsync=False)
    assert events == ["replace"]


WRITER = """
import sys
from fever_desk.files import write_atomic
target, size = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
n = 0
while True:
    n += 1
    write_atomic(target, bytes([65 + n % 2]) * size, fsync=False)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_mid_write_the_file_is_whole(tmp_path: Path) -> None:
    """SIGKILL at random moments while a 4 MiB file is rewritten over and over: it is always whole.

    A plain ``open(path, "wb").write(...)`` fails this at once (a short or mixed file)."""
    target = tmp_path / "catalogue.bin"
    target.write_bytes(b"A" * SIZE)
    for attempt in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(SIZE)], cwd=ROOT, stdout=subprocess.PIPE
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(0.02 + 0.013 * attempt)
        child.send_signal(signal.SIGKILL)
        child.wait()
        data = target.read_bytes()
        assert len(data) == SIZE and data in (b"A" * SIZE, b"B" * SIZE)
