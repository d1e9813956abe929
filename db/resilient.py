"""Screenings and pharmacy registrations that are never lost when the clinic's server is out of reach.

``ResilientScreeningRepository`` (and ``ResilientPurchaseRepository``, the same for the pharmacy
register) wraps the SQL repository of a shared PostgreSQL server.  A save first goes to the server (a
short connect timeout, see ``db.engine``); if the connection fails, the record is written to the local
:class:`~db.outbox.Outbox` instead and returned as *pending* (``pending_ids()``), and the station goes
offline: later saves go straight to the outbox (a nurse must not wait for a dead server's timeout per
patient) until a replay reaches the server again and pushes the queue, oldest first.
:class:`ResilientStore` (made by :func:`open_resilient`) holds both repositories over one engine, one
outbox and one :class:`ServerLink` (the online flag), and replays on a thread of its own every few
seconds, so the database worker's queue of saves never waits for a dead server.

Replaying is idempotent: the id is a UUID made at the counter and the replay is ``INSERT … ON
CONFLICT DO NOTHING``, so a save whose commit reached the server just before the connection broke
(the counter cannot know) is not written twice, and a replay cut off half-way simply runs again.  A
queued item leaves the outbox only after the server committed it; one the server refuses (a data
error, not a connection error) stays queued with its reason and does not hold up the others.  A
record keeps the time the nurse saved it, not the time the server came back, so the day's list and
report stay right.

Reads while offline return what the server gave last for the same question (with this counter's own
saves since folded in) plus the pending local saves, so the nurse sees the patients just registered
and the day's counts include them.  Corrections, the history and the regulator's export need the
server and raise :class:`ServerUnavailable` while it is out of reach.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from db.deadline import CallDeadline, statement_timeout_options
from db.mapping import name_key, phone_rev, row_from_snapshot, screening_from_row, snapshot
from db.migrate import DatabaseProblem
from db.outbox import Outbox
from db.pharmacy_repository import SqlPurchaseRepository
from db.repositories import ChangeToken, SqlScreeningRepository
from fever_desk.model import DayCounts, Disposition, Screening, ScreeningRevision

if TYPE_CHECKING:
    from db.resilient_pharmacy import ResilientPurchaseRepository

log = logging.getLogger(__name__)

SCREENING_ADD = "screening.add"
# ``session.info`` key: the outbox items to queue if this unit of work loses the server before its commit
QUEUE_IF_LOST = "fever_desk.queue_if_lost"
_CACHE_SIZE = 16
_DIGITS = re.compile(r"^\d+[Xx]?$")


class ServerUnavailable(DatabaseProblem):
    template = (
        "The clinic server cannot be reached. New records are kept on this counter and sent when it is "
        "back; corrections, history and exports have to wait."
    )


def is_connection_error(error: BaseException) -> bool:
    """True for "the server is not there" (refused, timed out, dropped), false for a bad statement.

    Checks the cause chain, because opening a database reports an unreachable server as a
    ``DatabaseProblem`` raised from the driver's error.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (OperationalError, InterfaceError)):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, ConnectionError):
            return True
        seen = seen.__cause__
    return False


@dataclass(frozen=True)
class SyncStatus:
    """For the status bar: reachable or not, and how many saves wait on this counter."""

    online: bool
    pending: int


@dataclass(frozen=True)
class ReplayResult:
    pushed: int
    remaining: int
    online: bool


def screening_payload(values: dict[str, Any]) -> dict[str, Any]:
    """The row values of a screening as the outbox stores them (the revision snapshot format)."""
    return snapshot(values)


def screening_from_payload(payload: dict[str, Any]) -> Screening:
    return screening_from_row(row_from_snapshot(payload))


def person_matches(name: str, id_number: str, phone: str, search: str, *, mixed_id: bool = False) -> bool:
    """The repositories' search rules (``search_condition``) applied in Python, for the handful of
    pending local saves: digits match an ID prefix or a phone's start or end (3 digits or more), other
    text a name prefix.  ``mixed_id``: letters with digits are a document number (passports, permits)."""
    text = search.strip()
    if not text:
        return True
    compact = re.sub(r"[\s-]", "", text)
    if _DIGITS.match(compact):
        if id_number.startswith(compact.upper()):
            return True
        return (
            compact.isdigit()
            and len(compact) >= 3
            and (phone.startswith(compact) or phone_rev(phone).startswith(compact[::-1]))
        )
    if (
        mixed_id
        and compact.upper() != compact.lower()
        and compact[0].isascii()
        and any(c.isdigit() for c in compact)
    ):
        return id_number.startswith(compact.upper())
    return name_key(name).startswith(name_key(text))


def matches(screening: Screening, search: str) -> bool:
    person = screening.person
    return person_matches(person.name, person.id_number, person.phone, search)


def _counts(screenings: Sequence[Screening]) -> DayCounts:
    fever = sum(1 for s in screenings if s.outcome is not None and s.outcome.fever)
    clinic = sum(1 for s in screenings if s.outcome and s.outcome.disposition is Disposition.FEVER_CLINIC)
    suspected = sum(1 for s in screenings if s.outcome and s.outcome.disposition is Disposition.SUSPECTED)
    return DayCounts(len(screenings), fever, clinic, suspected)


class ServerLink:
    """Whether the server answered the last call, shared by the repositories of one database, and the
    one lock that keeps their calls (and the outbox) in order when more than one thread uses them.

    ``prepare`` runs once before the first successful server call (``open_resilient`` passes the
    migration check there, so a counter can start while the server is down).
    """

    def __init__(
        self, prepare: Callable[[], None] | None = None, deadline: CallDeadline | None = None
    ) -> None:
        self.online = True
        self.lock = threading.RLock()
        self._prepare = prepare
        self._deadline = deadline

    def call(self, call: Callable[[], Any]) -> Any:
        """Run ``call`` against the server; a connection error marks the station offline and re-raises.

        With a ``deadline`` (``db.deadline``) a call the server never answers is cut after a few seconds
        and fails as a connection error, on every OS; the one-off ``prepare`` (migrations, which may
        rightly take long) runs outside it.
        """
        try:
            if self._prepare is not None:
                self._prepare()
                self._prepare = None
            with self._deadline.watch() if self._deadline is not None else contextlib.nullcontext():
                result = call()
        except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
            if is_connection_error(exc):
                if self.online:
                    log.warning("clinic server unreachable, working offline: %s", str(exc).splitlines()[0])
                self.online = False
            raise
        self.online = True
        return result


class _Remembering:
    """The last answers the server gave, for reading while it is away."""

    def __init__(self, link: ServerLink) -> None:
        self.link = link
        self._lock = link.lock
        self._last: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    @property
    def online(self) -> bool:
        """False from the first failed server call until a replay or probe reaches it again."""
        return self.link.online

    def _server(self, call: Callable[[], Any]) -> Any:
        return self.link.call(call)

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        self._last[key] = value
        self._last.move_to_end(key)
        while len(self._last) > _CACHE_SIZE:
            self._last.popitem(last=False)

    def _read(self, key: tuple[Any, ...], call: Callable[[], Any]) -> Any:
        """The server's answer (remembered), or the last one remembered for ``key`` while offline."""
        if self.link.online:
            try:
                value = self._server(call)
            except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
                if not is_connection_error(exc):
                    raise
            else:
                self._remember(key, value)
                return value
        return self._last.get(key)

    # The write side, shared by both repositories: they set ``self.primary`` (the SQL repository, with
    # ``add_if_absent`` and ``probe``), ``self.outbox`` and ``pending_count()``.
    primary: Any
    outbox: Outbox

    def pending_count(self) -> int:
        raise NotImplementedError

    def _save_or_queue(
        self,
        kind: str,
        record_id: str,
        payload: dict[str, Any],
        save: Callable[[], Any],
        session: Session | None = None,
    ) -> Any:
        """``save()`` on the server; when it is out of reach, queue ``payload`` and return None.

        With the ``session`` of a :meth:`ResilientStore.unit_of_work`, the item is also noted on it, so
        a connection lost later in the unit (its audit append, its commit) still queues the record.
        """
        if session is not None:
            session.info.setdefault(QUEUE_IF_LOST, []).append((self.outbox, kind, record_id, payload))
        if self.link.online:
            try:
                return self._server(save)
            except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
                if not is_connection_error(exc):
                    raise
                error = str(exc).splitlines()[0]
        else:
            error = "offline"
        self.outbox.put(kind, record_id, payload, error)
        return None

    def _push(
        self, kind: str, decode: Callable[[dict[str, Any]], Any], batch: int, *, probe_when_idle: bool
    ) -> ReplayResult:
        """Queued saves of ``kind``, oldest first, insert-if-absent; a refused or unreadable item stays
        queued with its error and the rest go on; a lost connection ends the round."""
        items = self.outbox.pending(kind, limit=batch)
        pushed = 0
        try:
            if not items and probe_when_idle:
                self._server(self.primary.probe)
            for item in items:
                try:
                    record = decode(item.payload)
                except (KeyError, TypeError, ValueError) as exc:  # written by a build that differs
                    self.outbox.failed(item.seq, f"unreadable: {exc}")
                    log.error("outbox item %s cannot be read, kept: %s", item.item_id, exc)
                    continue
                try:
                    self._server(lambda record=record: self.primary.add_if_absent(record))
                except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
                    self.outbox.failed(item.seq, str(exc).splitlines()[0])
                    if is_connection_error(exc):
                        raise
                    log.error("outbox item %s refused by the server, kept: %s", item.item_id, exc)
                    continue
                self.outbox.done(item.seq)
                pushed += 1
        except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
            if not is_connection_error(exc):
                raise
        return ReplayResult(pushed, self.pending_count(), self.link.online)


class ResilientScreeningRepository(_Remembering):
    """The ``ScreeningRepository`` port over a server that may be away; see the module docstring."""

    def __init__(
        self,
        primary: SqlScreeningRepository,
        outbox: Outbox,
        *,
        link: ServerLink | None = None,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(link or ServerLink(prepare))
        self.primary = primary
        self.outbox = outbox

    # ---- state --------------------------------------------------------------------------------------
    def pending_count(self) -> int:
        return self.outbox.count(SCREENING_ADD)

    def pending_ids(self) -> set[uuid.UUID]:
        return {uuid.UUID(item.item_id) for item in self.outbox.pending(SCREENING_ADD)}

    def status(self) -> SyncStatus:
        return SyncStatus(self.link.online, self.pending_count())

    def _note_saved(self, screening: Screening) -> None:
        """Fold this counter's own confirmed save into the remembered answers, so that an outage right
        after it still shows it (other counters' saves made since then are unknowable offline)."""
        created = screening.created_at
        assert created is not None
        for key, value in list(self._last.items()):
            if key[0] == "counts" and key[1] <= created < key[2]:
                extra = _counts([screening])
                self._last[key] = DayCounts(
                    *(a + b for a, b in zip(_fields(value), _fields(extra), strict=True))
                )
            elif key[0] == "between" and key[1] <= created < key[2] and matches(screening, key[3]):
                rows = sorted([screening, *value], key=lambda s: s.created_at, reverse=True)
                self._last[key] = rows[: key[4]]
            elif key[0] == "token" and key[1] <= created < key[2]:
                self._last[key] = replace(value, rows=value.rows + 1, versions=value.versions + 1)

    def _pending_screenings(self) -> list[Screening]:
        return [screening_from_payload(item.payload) for item in self.outbox.pending(SCREENING_ADD)]

    # ---- writes -------------------------------------------------------------------------------------
    def add(self, screening: Screening, *, session: Session | None = None) -> Screening:
        """Save on the server, or in the outbox when it is out of reach; the save time is set here.
        ``session``: a :meth:`ResilientStore.unit_of_work` on the server to save in."""
        with self._lock:
            values = self.primary.stamped(screening)
            stamped = screening_from_row(values)
            saved = self._save_or_queue(
                SCREENING_ADD,
                str(stamped.id),
                screening_payload(values),
                lambda: self.primary.add(stamped, session=session),
                session,
            )
            if saved is None:
                return stamped
            self._note_saved(saved)
            return saved

    def replay(self, batch: int = 500) -> ReplayResult:
        """Push queued saves, oldest first, idempotently; with nothing queued, just probe the server."""
        with self._lock:
            return self._push(SCREENING_ADD, screening_from_payload, batch, probe_when_idle=True)

    def correct(
        self, screening: Screening, *, operator: str, reason: str, session: Session | None = None
    ) -> Screening:
        with self._lock:
            if screening.id in self.pending_ids():
                raise ServerUnavailable()  # only the server can keep its history
            try:
                return self._server(
                    lambda: self.primary.correct(screening, operator=operator, reason=reason, session=session)
                )
            except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
                if is_connection_error(exc):
                    raise ServerUnavailable() from exc
                raise

    # ---- reads --------------------------------------------------------------------------------------
    def get(self, screening_id: uuid.UUID, *, session: Session | None = None) -> Screening | None:
        with self._lock:
            for pending in self._pending_screenings():
                if pending.id == screening_id:
                    return pending
            return self._read(("get", screening_id), lambda: self.primary.get(screening_id, session=session))

    def revisions(self, screening_id: uuid.UUID) -> Sequence[ScreeningRevision]:
        with self._lock:
            if screening_id in self.pending_ids():
                return []
            found = self._read(("revisions", screening_id), lambda: self.primary.revisions(screening_id))
            if found is None:
                raise ServerUnavailable()
            return found

    def between(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> Sequence[Screening]:
        """The server's list (or the last one seen) with the pending local saves merged in."""
        with self._lock:
            key = ("between", start, end, search, limit)
            rows = list(
                self._read(key, lambda: self.primary.between(start, end, search=search, limit=limit)) or []
            )
            seen = {s.id for s in rows}
            extra = [
                s
                for s in self._pending_screenings()
                if s.id not in seen
                and s.created_at is not None
                and start <= s.created_at < end
                and matches(s, search)
            ]
            if not extra:
                return rows
            merged = sorted([*rows, *extra], key=lambda s: s.created_at or start, reverse=True)
            return merged[:limit]

    def counts(self, start: datetime, end: datetime) -> DayCounts:
        """The server's counts (or the last seen) plus the pending saves in the window."""
        with self._lock:
            base = self._read(("counts", start, end), lambda: self.primary.counts(start, end))
            base = base or DayCounts(0, 0, 0, 0)
            extra = _counts(
                [
                    s
                    for s in self._pending_screenings()
                    if s.created_at is not None and start <= s.created_at < end
                ]
            )
            if not extra.screened:
                return base
            return DayCounts(*(a + b for a, b in zip(_fields(base), _fields(extra), strict=True)))

    def change_token(self, start: datetime, end: datetime) -> ChangeToken:
        with self._lock:
            token = self._read(("token", start, end), lambda: self.primary.change_token(start, end))
            return replace(token or ChangeToken(0, 0, None), pending=self.pending_count())

    def changed_since(self, token: ChangeToken | None, start: datetime, end: datetime) -> ChangeToken | None:
        current = self.change_token(start, end)
        return None if current == token else current


def _fields(counts: DayCounts) -> tuple[int, int, int, int]:
    return (counts.screened, counts.fever, counts.fever_clinic, counts.suspected)


@dataclass
class ResilientStore:
    """One server database with both resilient repositories sharing one link and one outbox; what the
    desk's database worker holds instead of ``db.Database`` plus plain repositories."""

    handle: Any  # db.Database
    link: ServerLink
    outbox: Outbox
    screenings: ResilientScreeningRepository
    purchases: ResilientPurchaseRepository  # db.resilient_pharmacy

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def replay(self) -> SyncStatus:
        """Push whatever waits (screenings first), or just probe.

        While offline the probe runs *without* the repositories' lock: against a vanished host it can
        take the whole connect timeout, and the nurse's saves (which go to the outbox while offline)
        must not wait for it.
        """
        if not self.link.online:
            try:
                self.link.call(self.screenings.primary.probe)
            except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
                if not is_connection_error(exc):
                    raise
                return self.status()
        self.screenings.replay()
        if self.link.online:
            self.purchases.replay()
        return self.status()

    def status(self) -> SyncStatus:
        return SyncStatus(self.link.online, self.outbox.count())

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One server transaction for one desk operation (its writes and its audit entry).

        A save made in it (``add(..., session=)``) that loses the server — at its insert, at the audit
        append, or at the commit — is queued in the outbox, as a save on its own always was, so the
        outbox's promise holds; the error still reaches the caller.  Its audit entry does not travel
        through the outbox yet: while offline the unit's audit append fails, as it did before units
        of work (the outbox carrying audit entries is issue #16).
        """
        with self.link.lock:
            session = self.handle.session_factory()
            try:
                with session.begin():
                    yield session
            except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
                if is_connection_error(exc):
                    self.link.online = False
                    for outbox, kind, record_id, payload in session.info.get(QUEUE_IF_LOST, []):
                        outbox.put(kind, record_id, payload, str(exc).splitlines()[0])
                raise
            finally:
                session.close()

    def start_replaying(
        self, every: float = 5.0, on_status: Callable[[SyncStatus], None] | None = None
    ) -> None:
        """Replay every ``every`` seconds on a thread of its own (not the database worker, whose queue
        of saves must never wait for a dead server); ``on_status`` gets each result on that thread."""
        if self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    status = self.replay()
                except Exception:  # logged with its traceback; one bad round must not end the replaying
                    log.exception("outbox replay failed")
                    continue
                if on_status is not None:
                    on_status(status)

        self._thread = threading.Thread(target=loop, name="outbox-replay", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop replaying (a replay in progress finishes its item), then release the engine."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self.handle.close()


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
    from db.resilient_pharmacy import ResilientPurchaseRepository  # it builds on this module

    def migrate() -> None:
        """Migrations on an engine of their own, free of the statement timeout (they may take long)."""
        unlimited = make_engine(url)
        try:
            upgrade(unlimited)
        finally:
            unlimited.dispose()

    handle = Database(engine, sessionmaker(engine, expire_on_commit=False))
    link = ServerLink(prepare=migrate, deadline=CallDeadline(engine))
    box = outbox or Outbox()
    store = ResilientStore(
        handle,
        link,
        box,
        ResilientScreeningRepository(SqlScreeningRepository(handle.session_factory), box, link=link),
        ResilientPurchaseRepository(SqlPurchaseRepository(handle.session_factory), box, link=link),
    )
    store.replay()
    return store
