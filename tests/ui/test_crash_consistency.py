"""Pull the plug while saving: a screening and its audit entry survive together or not at all.

A child process opens the station's database as the desk's worker does (``ui.services.database.Database`` on a
file) and saves screenings one after another through the real operation
(``ui.services.screening.save_screening``), printing each returned id to a pipe.  The parent kills it with
SIGKILL after a random delay, at whatever point of the save path it happens to be, and starts it again, many
times over on the same file. Afterwards every id the child printed is in the database, every screening has its
"create" entry, and ``fever-desk audit verify`` (the real command) passes.

Before the operations were units of work, the save committed the screening and then, in a second
transaction, its audit entry: a kill between the two left a screening the trail never saw, which this
test catches within its first few dozen kills.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine

ROOT = Path(__file__).resolve().parents[2]
KILLS = 40
CHILD = """
import sys
from tests.db.factories import make_screening
from ui.services.database import Database
from ui.services.audit_hooks import set_actor
from ui.services.screening import save_screening

ctx = Database(sys.argv[1])
set_actor(ctx, "nurse.li", "desk-1")
print("ready", flush=True)
while True:
    saved = save_screening(ctx, make_screening())
    print(saved.screening.id, flush=True)
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _run_and_kill(url: str, delay: float) -> list[str]:
    """Start a saver, let it save for ``delay`` seconds after it is ready, SIGKILL it; the ids it
    reported as saved (a line is printed only after ``save_screening`` returned)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        first = child.stdout.readline()
        assert first.strip() == "ready", f"the saver did not start: {first!r}"
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    return [line.strip() for line in child.stdout.read().splitlines() if len(line.strip()) == 36]


def test_sigkill_at_random_points_never_splits_a_save_from_its_audit_entry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    acknowledged: list[str] = []
    for _ in range(KILLS):
        acknowledged += _run_and_kill(url, rng.uniform(0.0, 0.25))

    engine = make_engine(url)
    with engine.connect() as connection:
        stored = {row[0].replace("-", "") for row in connection.execute(text("SELECT id FROM screening"))}
        audited = [
            row[0].replace("-", "")
            for row in connection.execute(
                text("SELECT record_id FROM audit_log WHERE action = 'create' AND record_kind = 'screening'")
            )
        ]
        operators = {row[0] for row in connection.execute(text("SELECT DISTINCT operator FROM screening"))}
    engine.dispose()
    note = f"(seed {seed}, {len(acknowledged)} acknowledged saves over {KILLS} kills)"
    assert len(acknowledged) > KILLS, f"too few saves to prove anything {note}"
    lost = {i.replace("-", "") for i in acknowledged} - stored
    assert not lost, f"{len(lost)} saves that returned are missing {note}"
    unaudited = stored - set(audited)
    assert not unaudited, f"{len(unaudited)} of {len(stored)} screenings have no audit entry {note}"
    assert len(audited) == len(set(audited)) == len(stored), f"an entry without its screening {note}"
    assert operators == {"nurse.li"}  # the record names the logged-in operator, as its entry does

    verify = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--db", url, "audit", "verify"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stderr
