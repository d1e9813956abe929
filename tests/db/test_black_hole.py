"""A clinic server that stops answering without closing anything: the save goes to the outbox in seconds.

A pulled cable on Windows (which ignores libpq's keepalive settings), or a NAT/VPN box that still
acknowledges packets, leaves a connection that neither fails nor answers.  The test puts a TCP proxy of
its own between the station and the private PostgreSQL cluster (127.0.0.1 only) and makes it a black
hole: connections stay open and acknowledged, nothing is forwarded.  TCP keepalives and
``tcp_user_timeout`` see a healthy peer there, so only the application-level limits of ``db.deadline``
can notice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from db.deadline import CALL_DEADLINE_S
from db.offline.store import open_resilient
from db.outbox import Outbox
from tests.black_hole import BlackHoleProxy
from tests.db.factories import make_screening

pytestmark = pytest.mark.postgresql
#: How long the test waits for a save before calling it hung (the bug: about a minute, or forever here).
HUNG_AFTER_S = 30


@pytest.fixture
def proxied_url(pg_cluster) -> Iterator[tuple[str, BlackHoleProxy]]:
    url = pg_cluster.fresh_database("bh")
    proxy = BlackHoleProxy(pg_cluster.port)
    yield url.replace(f":{pg_cluster.port}/", f":{proxy.port}/"), proxy
    proxy.close()
    pg_cluster.drop_database(url)


def timed(call) -> tuple[object, float]:
    """Run ``call`` on a thread; fail (instead of hanging the suite) if it has not returned in time."""
    box: list[object] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: box.append(call()), daemon=True)
    thread.start()
    thread.join(HUNG_AFTER_S)
    assert not thread.is_alive(), f"still waiting for the server after {HUNG_AFTER_S} s"
    return box[0], time.monotonic() - started


def test_a_save_to_a_black_holed_server_goes_to_the_outbox(proxied_url, tmp_path: Path) -> None:
    url, proxy = proxied_url
    store = open_resilient(url, Outbox(tmp_path / "outbox.sqlite3"))
    try:
        repo = store.screenings
        first = repo.add(make_screening("张一"))
        assert repo.online and first.id not in repo.pending_ids()  # reached the server
        proxy.swallow()  # the cable is pulled; nothing says so
        second, took = timed(lambda: repo.add(make_screening("李二")))
        assert second.id in repo.pending_ids()  # kept on this counter, sent when the server is back
        assert not repo.online
        assert took < HUNG_AFTER_S
        print(f"save fell back to the outbox after {took:.1f} s (deadline {CALL_DEADLINE_S} s)")
        # Offline now: the next patient does not wait at all.
        third, took_next = timed(lambda: repo.add(make_screening("王三")))
        assert third.id in repo.pending_ids() and took_next < 1
    finally:
        store.close()


def test_a_read_outside_the_repositories_is_cut_too_while_the_station_believes_it_is_online(
    proxied_url, tmp_path: Path, monkeypatch
) -> None:
    """The desk's reports, operators and audit reads use plain repositories on the same engine, outside
    the resilient repositories' watched calls.  Black-holed while the station still believes it is
    online, such a read used to wait as long as TCP let it (here: forever); now it fails as "server
    unreachable" after the same deadline, and the station knows it is offline (the next save is queued
    at once instead of waiting behind it)."""
    from datetime import date

    from db.offline.link import is_connection_error
    from ui.services.database import Database

    url, proxy = proxied_url
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))  # the counter's outbox and key
    ctx = Database(url)  # what the desk's database worker holds
    store, reports = ctx.store, ctx.reports
    try:
        store.screenings.add(make_screening("张一"))
        assert reports.latest("desk-1", date.today()) is None  # answered: the pool holds a live connection
        proxy.swallow()
        assert store.link.online  # nothing has told the station yet

        def read() -> object:
            try:
                return reports.latest("desk-1", date.today())
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
                return exc

        outcome, took = timed(read)
        assert isinstance(outcome, Exception) and is_connection_error(outcome), outcome
        print(f"outside read cut after {took:.1f} s (deadline {CALL_DEADLINE_S} s)")
        assert not store.link.online
        saved, took_next = timed(lambda: store.screenings.add(make_screening("李二")))
        assert saved.id in store.screenings.pending_ids() and took_next < 1
    finally:
        ctx.close()


def test_a_stuck_server_cancels_the_statement_itself(pg_cluster, tmp_path: Path) -> None:
    """Alive but blocked (another session holds a lock): statement_timeout answers, the save is queued."""
    import psycopg

    url = pg_cluster.fresh_database("lock")
    store = open_resilient(url, Outbox(tmp_path / "outbox.sqlite3"))
    blocker = psycopg.connect(
        host="127.0.0.1", port=pg_cluster.port, user="postgres", dbname=url.rsplit("/", 1)[1].split("?")[0]
    )
    try:
        store.screenings.add(make_screening("张一"))  # migrated, online
        blocker.execute("LOCK TABLE screening IN ACCESS EXCLUSIVE MODE")
        saved, _took = timed(lambda: store.screenings.add(make_screening("李二")))
        assert saved.id in store.screenings.pending_ids()
        with store.handle.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "5s"
    finally:
        blocker.close()
        store.close()
        pg_cluster.drop_database(url)
