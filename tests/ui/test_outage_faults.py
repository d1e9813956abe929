"""Eight counters saving while the clinic server crashes, the network black-holes, or a counter is killed.

Each counter is a process of its own that opens the shared server as the desk's database worker does
(``ui.services.database.Database``: the resilient store, its outbox in the counter's own data folder,
replaying every 5 s like the desk's status bar) and, as fast as a busy entrance allows, saves a screening
through the real operation (``ui.services.screening.save_screening``) and then, in turn, one of the other
kinds the outbox keeps, each through its own real operation: a pharmacy purchase
(``ui.services.pharmacy.save_purchase``), a correction of the screening just saved
(``correct_screening``), a follow-up result for it (``ui.services.reports.record_followup``) or its slip
print (``ui.services.slips.issue_and_archive`` + ``record``).  After every save returns it appends the
kind, the key and what the desk would have told the nurse (``saved`` / ``queued`` = "saved on this
counter") to its log; an error is logged as ``failed`` and the same form is saved again, as a nurse would
press Enter again.  Meanwhile the test

* kills the server (``pg_ctl -m immediate``) and starts it again, twice;
* puts a TCP proxy between the counters and the server that black-holes every packet for 10 s (a
  partition: nothing is refused, nothing answers), then heals;
* SIGKILLs counters at random moments — while they save, queue or replay — and starts them again on the
  same outbox, while the server comes and goes.

Afterwards, on the server, for every kind (``tests/ui/outage_counts.py``): every acknowledged save is
there (0 lost), no record and no entry is stored twice (0 duplicated), no save was reported failed (nor
kept after being reported failed), every record has its entry and no entry lacks its record; each kind
also went through the outbox at least once.  ``fever-desk audit verify`` passes, and every counter's
outbox empties once the server (or network) is back.  Each test prints its figures, including how long
the outboxes took to empty; that time on a machine shared with other jobs says little (eight counters, a
restarting server and this test's own polling on two cores once took 13.5 s), so its promise (≤ 10 s)
is checked by ``make bench`` (``bench/bench_outbox.py``, "empty after the server's return"), and here
only that it happens.

Before a save kept in the outbox counted as a save (issue #16), the first test failed on its first
crash: every save during the outage raised to the desk ("Not saved") and none of them had an entry.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.ui.outage_counts import figures

ROOT = Path(__file__).resolve().parents[2]
COUNTERS = 8
#: "Eventually": generous for a loaded machine; the figure itself is ``make bench``'s (see the docstring).
DRAINED_WITHIN_S = 60.0
REPLAY_EVERY_S = 5.0  # what the desk's status bar asks for (ui.desk.widgets.server_status.REPLAY_SECONDS)
CHILD = """
import sys, time, traceback
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from fever_desk.identity import check_digit
from fever_desk.settings import Settings
from tests.db.factories import make_screening
from tests.fever_desk import pharmacy_cases
from ui.services import pharmacy, reports, slips
from ui.services.database import Database
from ui.services.audit_hooks import set_actor
from ui.services.screening import correct_screening, save_screening

url, log_path, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
every, start = float(sys.argv[4]), int(sys.argv[5])
ctx = Database(url)
set_actor(ctx, "nurse." + name, name)
settings = Settings(station_id=name)
ctx.store.start_replaying(every)
stop = log_path.with_suffix(".stop")
print("ready", flush=True)


def buyer(n):
    # A buyer of their own for every purchase (no repeat-purchase stop): unique across counters and starts.
    born = date(1940, 1, 1) + timedelta(days=(int(name[1:]) * 100 + start) * 10 + n // 1000)
    first17 = "430102" + born.strftime("%Y%m%d") + f"{n % 1000:03d}"
    phone = "139" + f"{name[1:]}{start:02d}{n:05d}"[-8:]
    return pharmacy_cases.purchase(
        id_number=first17 + check_digit(first17), phone=phone, at=datetime.now(UTC), station=name
    )


def purchase(bought):
    outcome = pharmacy.save_purchase(ctx, bought, 3, frozenset())
    if outcome.saved is None:
        raise RuntimeError("stopped by the repeat-purchase check")
    return outcome.saved.id, outcome.queued


def correction(screening):
    fixed = replace(screening, note="corrected at " + name)
    return screening.id, correct_screening(ctx, fixed, "", "age misheard").queued


def followup(screening):
    return screening.id, reports.record_followup(ctx, screening.id, "suspected").queued


def slip(screening, issued=[]):
    # A retry records the same issued slip again, as the slip panel does: it was printed once.
    if not issued or issued[0].screening.id != screening.id:
        issued[:] = [slips.issue_and_archive(screening, settings)]
    return screening.id, slips.record(ctx, issued[0], settings, printer="XP-80").queued


with log_path.open("a", encoding="utf-8") as log:

    def until_saved(kind, act, key):
        while True:  # the nurse presses Enter again until the desk says it is saved
            try:
                key, queued = act()
            except Exception as exc:
                with log_path.with_suffix(".errors").open("a", encoding="utf-8") as errors:
                    traceback.print_exc(file=errors)  # for whoever reads a failed run
                log.write(f"{kind} {key} failed {type(exc).__name__}\\n")
                log.flush()
                time.sleep(0.2)
                continue
            log.write(f"{kind} {key} {'queued' if queued else 'saved'}\\n")
            log.flush()
            return

    n = 0
    while not stop.exists():
        screening = make_screening("病人" + name + "-" + str(n))
        saved = []

        def save():
            saved[:] = [save_screening(ctx, screening)]
            return saved[0].screening.id, saved[0].queued

        until_saved("screening", save, screening.id)
        # Then one of the other kinds, in turn, about the screening just saved (perhaps still waiting here).
        stored = saved[0].screening
        kind = ("purchase", "correction", "followup", "slip")[n % 4]
        if kind == "purchase":
            bought = buyer(n)  # its id is fixed when the form is filled: a retry saves the same one
            until_saved(kind, lambda: purchase(bought), bought.id)
        else:
            act = {"correction": correction, "followup": followup, "slip": slip}[kind]
            until_saved(kind, lambda: act(stored), stored.id)
        n += 1
        time.sleep(0.05)  # 20 saves a second per counter: far busier than any entrance
ctx.close()
"""

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="pg_ctl -m immediate and SIGKILL are POSIX"),
    pytest.mark.slow,  # about 30 s each: eight counter processes and a real outage
]


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    """A cluster of this module's own: the session's shared one must not be crashed under other tests."""
    from tests.pg import private_cluster

    with private_cluster() as cluster:
        yield cluster


@dataclass
class Counter:
    """One counter process, restartable on the same data folder (its outbox) and log."""

    name: str
    folder: Path
    url: str
    process: subprocess.Popen[str] | None = None
    starts: int = 0

    @property
    def log(self) -> Path:
        return self.folder / "saves.log"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FEVER_DESK_DATA": str(self.folder)}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                self.url,
                str(self.log),
                self.name,
                str(REPLAY_EVERY_S),
                str(self.starts),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.starts += 1

    def wait_ready(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.strip() == "ready", f"counter {self.name} did not start: {line!r}"

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        self.log.with_suffix(".stop").touch()
        assert self.process is not None
        self.process.wait(timeout=60)
        assert self.process.returncode == 0, f"counter {self.name} ended with {self.process.returncode}"

    def pending(self) -> int:
        box = self.folder / "outbox.sqlite3"
        if not box.exists():
            return 0
        from unittest import mock

        from tests.sqlite_files import connect_file

        # The outbox is encrypted with the counter's key, kept in its data folder (no keyring in tests).
        folder = {"FEVER_DESK_DATA": str(self.folder)}
        with mock.patch.dict(os.environ, folder), closing(connect_file(box, timeout=5)) as connection:
            return int(connection.execute("SELECT count(*) FROM outbox").fetchone()[0])


@dataclass
class Fleet:
    counters: list[Counter] = field(default_factory=list)

    @classmethod
    def start(cls, url: str, folder: Path, count: int = COUNTERS) -> Fleet:
        fleet = cls([Counter(f"c{i}", folder / f"c{i}", url) for i in range(count)])
        for counter in fleet.counters:
            counter.start()
        for counter in fleet.counters:
            counter.wait_ready()
        return fleet

    def pending(self) -> int:
        return sum(counter.pending() for counter in self.counters)

    def drained_after(self, since: float, limit: float = DRAINED_WITHIN_S) -> float:
        """Seconds from ``since`` until every outbox is empty (polled; gives up after ``limit``)."""
        while self.pending():
            if time.monotonic() - since > limit:
                break
            time.sleep(0.1)
        return time.monotonic() - since

    def stop(self) -> None:
        for counter in self.counters:
            counter.stop()

    def kill_all(self) -> None:
        for counter in self.counters:
            if counter.process is not None and counter.process.poll() is None:
                counter.kill()


def audit_verify(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--db", url, "audit", "verify"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_nothing_lost(url: str, fleet: Fleet, drained_s: float, note: str) -> None:
    found = figures(url, [counter.log for counter in fleet.counters])
    print(f"{note}; outboxes empty {drained_s:.1f} s after the server's return")
    for kind in found:
        print(f"  {kind}")
    problems = [problem for kind in found for problem in kind.problems()]
    assert not problems, problems
    assert drained_s < DRAINED_WITHIN_S, f"outboxes still held {fleet.pending()} after {drained_s:.1f} s"
    verify = audit_verify(url)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_the_desk_replays_as_often_as_this_test_assumes() -> None:
    pytest.importorskip("PySide6")
    from ui.desk.widgets.server_status import REPLAY_SECONDS

    assert REPLAY_SECONDS == REPLAY_EVERY_S


def test_eight_counters_lose_nothing_while_the_server_crashes_twice(server, tmp_path: Path) -> None:
    url = server.fresh_database("crash")
    fleet = Fleet.start(url, tmp_path)
    try:
        time.sleep(2)
        for _ in range(2):
            server.stop("immediate")  # a crash, as far as the counters can tell
            time.sleep(4)
            server.start()
            back = time.monotonic()
            time.sleep(2)
        drained = fleet.drained_after(back)
        fleet.stop()
    finally:
        fleet.kill_all()
        if not server.running():
            server.start()
    assert_nothing_lost(url, fleet, drained, "two server crashes")


def test_eight_counters_lose_nothing_while_the_network_black_holes_for_10_s(server, tmp_path: Path) -> None:
    from tests.black_hole import BlackHoleProxy

    url = server.fresh_database("partition")
    proxy = BlackHoleProxy(server.port)
    fleet = Fleet.start(url.replace(f":{server.port}/", f":{proxy.port}/"), tmp_path)
    try:
        time.sleep(2)
        proxy.swallow()  # a partition: connections stay open and acknowledged, nothing answers
        time.sleep(10)
        proxy.heal()
        back = time.monotonic()
        drained = fleet.drained_after(back)
        fleet.stop()
    finally:
        fleet.kill_all()
        proxy.close()
    assert_nothing_lost(url, fleet, drained, "10 s black hole")


def test_counters_killed_at_random_while_saving_or_replaying_lose_nothing(server, tmp_path: Path) -> None:
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    url = server.fresh_database("sigkill")
    fleet = Fleet.start(url, tmp_path)
    kills = 0
    try:
        # The server comes and goes, so the kills land in online saves, in saves going to the outbox,
        # and in the replays after its return (a restarted counter also replays at once when it opens
        # the store).  The killing ends when the server is back for good; the drain counts from there.
        plan = [("down", 1.0), ("up", 5.0), ("down", 10.0), ("up", 14.0)]
        started = time.monotonic()
        while plan:
            if time.monotonic() - started >= plan[0][1]:
                action, _at = plan.pop(0)
                if action == "down":
                    server.stop("immediate")
                else:
                    server.start()
                continue
            victim = rng.choice(fleet.counters)
            victim.kill()
            kills += 1
            victim.start()  # on the same outbox; not waited for, so kills also land in its start
            time.sleep(rng.uniform(0.2, 0.8))
        back = time.monotonic()
        drained = fleet.drained_after(back)
        fleet.stop()
    finally:
        fleet.kill_all()
        if not server.running():
            server.start()
    assert kills >= 10
    assert_nothing_lost(url, fleet, drained, f"{kills} SIGKILLs (seed {seed})")
