"""The top of the offline store: one server database, its two resilient repositories, units of work, replay.

:class:`ResilientStore` (made by :func:`open_resilient`) holds both repositories over one engine, one
outbox and one :class:`~db.offline.link.ServerLink`, and replays the outbox on a thread of its own every
few seconds, so the database worker's queue of saves never waits for a dead server.

**A save that went to the outbox is a save.**  A desk operation runs in :meth:`ResilientStore.unit_of_work`.
If the server is out of reach when it begins, or is lost anywhere in it (a read, the insert, the audit
append, the commit), the operation's records are queued in the outbox, *each with the audit entry the
operation made for it* (actor, time, action, detail: :class:`TravellingAudit`), in one outbox
transaction, and the unit ends normally: the operation returns its record and ``was_queued(session)``
tells it that the record waits on this counter.  The nurse is told "saved on this counter", never "not
saved" for a record that was kept.  Only an operation that had not reached its audit entry when the
server went away fails (nothing of it is kept), with :class:`~db.offline.link.ServerUnavailable`.

**The audit chain.**  A queued record's entry is appended on the server when the replay inserts the
record, in the same transaction (``db.offline.repository``), so it is chained in the server's commit
order at replay: its sequence number comes after the entries the other counters committed meanwhile,
and its ``at`` keeps the time the nurse saved.  ``fever-desk audit verify`` checks links and the head,
which this keeps intact; it does not require the times to increase.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.audit_repository import SqlAuditRepository
from db.deadline import CallDeadline, statement_timeout_options
from db.observation.repository import SqlObservationRepository
from db.offline.corrections import ResilientCorrectionRepository
from db.offline.followups import ResilientFollowupRepository
from db.offline.link import (
    QUEUED,
    SERVER_ERRORS,
    UNIT,
    ServerLink,
    ServerUnavailable,
    SyncStatus,
    Unit,
    first_line,
    is_connection_error,
    unit_of,
)
from db.offline.observations import ResilientObservationRepository
from db.offline.purchases import ResilientPurchaseRepository
from db.offline.reports import ResilientReportRepository
from db.offline.screenings import ResilientScreeningRepository
from db.offline.slips import ResilientSlipPrintRepository
from db.outbox import Outbox
from db.pharmacy_repository import SqlPurchaseRepository
from db.report_repository import SqlReportRepository
from db.repositories import SqlScreeningRepository
from db.slip_repository import SqlSlipPrintRepository
from fever_desk.audit import GENESIS, AuditDraft, AuditEntry, seal

log = logging.getLogger(__name__)

#: While offline, how often the replay thread tries the server (seconds).  A failed probe costs one
#: refused connection (or, behind a black hole, one connect timeout, during which no other probe runs),
#: so trying often is cheap; it bounds how long the outbox waits after the server's return.
OFFLINE_RETRY_S = 0.5


class TravellingAudit(SqlAuditRepository):
    """The audit repository of a shared server: inside a unit of work, an entry first goes with the
    record it is about (so it is queued with it if the server is lost), then — while the server is
    reachable — is appended on the server in the unit's transaction.  Outside a unit, as before."""

    def __init__(self, session_factory: Callable[[], Session], link: ServerLink) -> None:
        super().__init__(session_factory)
        self.link = link

    def append(
        self, draft: AuditDraft, *, session: Session | None = None, at: datetime | None = None
    ) -> AuditEntry:
        unit = unit_of(session)
        if unit is None:
            return super().append(draft, session=session, at=at)
        at = at or self._clock()
        attached = unit.attach(draft, at)
        if unit.lost or not self.link.online:
            if not attached:
                raise ServerUnavailable()  # an operation whose change cannot travel in the outbox
            unit.lost = True
            # Provisional: the server gives the sequence and the hashes when the record arrives.
            return seal(draft, 0, at, GENESIS)
        try:
            return self.link.call(lambda: super(TravellingAudit, self).append(draft, session=session, at=at))
        except SERVER_ERRORS as exc:
            if is_connection_error(exc):
                unit.lost = True
            raise


@dataclass
class ResilientStore:
    """One server database with both resilient repositories sharing one link and one outbox; what the
    desk's database worker holds instead of ``db.Database`` plus plain repositories."""

    handle: Any  # db.Database
    link: ServerLink
    outbox: Outbox
    screenings: ResilientScreeningRepository
    purchases: ResilientPurchaseRepository
    #: Results received back; the rest of the report repository is the server's, unchanged.
    followups: ResilientFollowupRepository | None = None
    #: Slip prints; the rest of the slip repository is the server's, unchanged.
    slips: ResilientSlipPrintRepository | None = None
    #: Corrections of screenings kept while the server is away (``screenings.correct`` hands them over).
    corrections: ResilientCorrectionRepository | None = None
    #: Daily report generations kept while the server is away (the follow-ups' ``primary``).
    reports: ResilientReportRepository | None = None
    #: The observation register's changes kept while the server is away (``db.offline.observations``).
    observations: ResilientObservationRepository | None = None

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()  # the link went offline, or the store closes: stop sleeping
        self.link.on_offline = self._wake.set
        self._thread: threading.Thread | None = None
        self._on_status: Callable[[SyncStatus], None] | None = None
        self.audit = TravellingAudit(self.handle.session_factory, self.link)
        self.screenings.corrections = self.corrections

    def replay(self) -> SyncStatus:
        """Push whatever waits (screenings first), or just probe.

        While offline the probe runs *without* the repositories' lock: against a vanished host it can
        take the whole connect timeout, and the nurse's saves (which go to the outbox while offline)
        must not wait for it.
        """
        if not self.link.online:
            try:
                self.link.call(self.screenings.primary.probe)
            except SERVER_ERRORS as exc:
                if not is_connection_error(exc):
                    raise
                return self.status()
        self.screenings.replay()
        if self.link.online:
            self.purchases.replay()
        # After the screenings they are about (a referral's screening before its status change); the
        # reports last, so the server counts what arrived.
        for about_screenings in (
            self.observations,
            self.corrections,
            self.followups,
            self.slips,
            self.reports,
        ):
            if self.link.online and about_screenings is not None:
                about_screenings.replay()
        return self.status()

    def status(self) -> SyncStatus:
        return SyncStatus(self.link.online, self.outbox.count())

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One server transaction for one desk operation (its writes and its audit entry); when the server
        is out of reach the operation's records and their entries go to the outbox instead (see the
        module docstring), and ``db.offline.link.was_queued(session)`` says so afterwards.

        Only records written through the resilient repositories (a new screening or purchase, a
        follow-up result: ``db.offline.followups``, a slip print: ``db.offline.slips``, a correction:
        ``db.offline.corrections``, a daily report generation: ``db.offline.reports``, a change to the
        observation register: ``db.offline.observations``) can be queued;
        an operation whose other writes go to the session directly (an export) still needs the server
        and fails while it is away, as before (offline for those: not yet).  An
        operation must not mix the two kinds in one unit: the direct writes would not be queued."""
        with self.link.lock:
            session = self.handle.session_factory()
            unit = Unit(lost=not self.link.online)
            session.info[UNIT] = unit
            try:
                try:
                    yield session
                except BaseException as exc:
                    _rollback(session)
                    # The server went away under the operation (or its session broke with it): keep its
                    # records.  Anything else is the operation's own failure and stays one.
                    lost = is_connection_error(exc) or (unit.lost and isinstance(exc, SQLAlchemyError))
                    if not lost or not unit.items:
                        if is_connection_error(exc):
                            self.link.went_offline(exc)
                        raise
                    self._queue(unit, exc)  # suppressed: the operation's records are kept
                    return
                if unit.lost and unit.items:
                    _rollback(session)
                    self._queue(unit, None)
                    return
                try:
                    self.link.call(session.commit)
                except SERVER_ERRORS as exc:
                    _rollback(session)
                    if not is_connection_error(exc) or not unit.items:
                        raise
                    self._queue(unit, exc)  # the commit may or may not have landed: replay is idempotent
                    return
                for remember in unit.after_commit:
                    remember()
            finally:
                session.info[QUEUED] = unit.queued
                session.close()

    def _queue(self, unit: Unit, error: BaseException | None) -> None:
        """Keep the lost unit's records, each with its audit entry; an operation cut off before its
        entry was made is not kept and fails (it did not finish, so the nurse must be told)."""
        if error is not None or not unit.behind:  # behind a waiting record, the server is still there
            self.link.went_offline(error)
        if not unit.complete():
            raise ServerUnavailable() from error
        unit.queue("offline" if error is None else first_line(error))
        if self._on_status is not None:
            self._on_status(self.status())

    def start_replaying(
        self, every: float = 5.0, on_status: Callable[[SyncStatus], None] | None = None
    ) -> None:
        """Replay every ``every`` seconds on a thread of its own (not the database worker, whose queue
        of saves must never wait for a dead server); ``on_status`` gets each result on that thread, and
        the new count whenever a save is queued (on the database worker's thread).

        While offline the server is tried more often (every :data:`OFFLINE_RETRY_S` at most): a probe
        that fails costs one refused connection, and the outbox should be on its way within a second of
        the server's return.  The loop also wakes the moment the link goes offline (a save that failed
        on the database worker), instead of sleeping out the rest of its online period first: before
        that, a station whose server went away just after a quiet round started probing up to ``every``
        seconds late, and the drain after a short outage began late by the same amount."""
        if self._thread is not None:
            return
        self._on_status = on_status

        def loop() -> None:
            pause = every
            while not self._stop.is_set():
                self._wake.wait(pause)
                self._wake.clear()
                if self._stop.is_set():
                    return
                try:
                    status = self.replay()
                except Exception:  # logged with its traceback; one bad round must not end the replaying
                    log.exception("outbox replay failed")
                    pause = every
                    continue
                if on_status is not None:
                    on_status(status)
                # A backlog is sent round after round (each round frees the lock for the desk's saves);
                # otherwise wait, less long while the server is away.
                if status.online and status.pending:
                    pause = 0.0
                else:
                    pause = every if status.online else min(every, OFFLINE_RETRY_S)

        self._thread = threading.Thread(target=loop, name="outbox-replay", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop replaying (a replay in progress finishes its item), then release the engine."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self.handle.close()


def _rollback(session: Session) -> None:
    with suppress(*SERVER_ERRORS):  # a connection that is gone has nothing to roll back
        session.rollback()


def open_resilient(url: str, outbox: Outbox | None = None) -> ResilientStore:
    """The resilient repositories for a server URL, over one engine, link and outbox.

    Unlike ``db.open_database`` this does not fail when the server is down at start: the engine is made
    without connecting, and the migration check runs on the first call that reaches the server (until
    then saves go to the outbox).  A database the station must not use still raises then.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import sessionmaker

    from db import Database
    from db.engine import make_engine
    from db.migrate import upgrade

    # Every connection cancels its own statements after STATEMENT_TIMEOUT_MS (unless the URL sets
    # ``options``), and every repository call is cut after CALL_DEADLINE_S: see db.deadline.
    limited = {} if "options" in make_url(url).query else {"options": statement_timeout_options()}
    engine = make_engine(url, connect_args=limited)

    def migrate() -> None:
        """Migrations on an engine of their own, free of the statement timeout (they may take long)."""
        unlimited = make_engine(url)
        try:
            upgrade(unlimited)
        finally:
            unlimited.dispose()

    handle = Database(engine, sessionmaker(engine, expire_on_commit=False))
    deadline = CallDeadline(engine)
    link = ServerLink(prepare=migrate, deadline=deadline)
    deadline.on_cut = link.went_offline  # a read outside the repositories found the server silent
    box = outbox or Outbox()
    trail = SqlAuditRepository(handle.session_factory)
    screenings_on_server = SqlScreeningRepository(handle.session_factory)
    reports = ResilientReportRepository(
        SqlReportRepository(handle.session_factory), box, link=link, audit=trail
    )
    store = ResilientStore(
        handle,
        link,
        box,
        ResilientScreeningRepository(screenings_on_server, box, link=link, audit=trail),
        ResilientPurchaseRepository(
            SqlPurchaseRepository(handle.session_factory), box, link=link, audit=trail
        ),
        ResilientFollowupRepository(reports, box, link=link, audit=trail),
        ResilientSlipPrintRepository(
            SqlSlipPrintRepository(handle.session_factory), box, link=link, audit=trail
        ),
        ResilientCorrectionRepository(screenings_on_server, box, link=link, audit=trail),
        reports,
        ResilientObservationRepository(
            SqlObservationRepository(handle.session_factory), box, link=link, audit=trail
        ),
    )
    store.replay()
    return store
