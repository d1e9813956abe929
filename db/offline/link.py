"""The bottom layer of the offline store: is the clinic server there, and what a unit of work must queue.

:class:`ServerLink` runs every call to the server under the client-side deadline (``db.deadline``) and
keeps the one *online* flag that the repositories of one database share.  :func:`is_connection_error`
tells "the server is not there" (refused, timed out, dropped, cut by the deadline) from a statement the
server refused.  :class:`Unit` is what one desk operation's unit of work remembers while it runs (the
records it wrote, each with the audit entry that belongs to it), so that when the server is lost — before
the first statement, in the middle, or at the commit — the whole operation goes to the outbox as one item
per record, each carrying its audit entry, and the operation still succeeds (``was_queued``).

Nothing here knows screenings or purchases: ``db.offline.screenings`` and ``db.offline.purchases`` build
on it, and ``db.offline.store`` on those (an import-linter *layers* contract keeps it so).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from db.deadline import CallDeadline
from db.migrate import DatabaseProblem
from db.outbox import Outbox
from fever_desk.audit import AuditDraft

log = logging.getLogger(__name__)

#: ``session.info`` key of the :class:`Unit` of a ``ResilientStore.unit_of_work``.
UNIT = "fever_desk.offline_unit"
#: ``session.info`` key set when the unit ended: True when its records went to the outbox.
QUEUED = "fever_desk.queued"
#: The key of an outbox payload that holds the audit entry travelling with its record.
AUDIT_KEY = "audit"
#: What a server call can raise; only a connection error among them means "offline".
SERVER_ERRORS = (SQLAlchemyError, DatabaseProblem, OSError)


class ServerUnavailable(DatabaseProblem):
    template = (
        "The clinic server cannot be reached. New records, corrections, results, slip prints and the daily "
        "report are kept on this counter and sent when it is back; history and exports have to wait."
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


def first_line(error: BaseException) -> str:
    text = str(error).splitlines()
    return text[0] if text else type(error).__name__


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
        #: Called (on the caller's thread) when the link goes from online to offline: the replay thread
        #: waits on it instead of sleeping out its online period before it starts probing.
        self.on_offline: Callable[[], None] | None = None

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
        except SERVER_ERRORS as exc:
            if is_connection_error(exc):
                self.went_offline(exc)
            raise
        self.online = True
        return result

    def went_offline(self, error: BaseException | None = None) -> None:
        if self.online:
            reason = first_line(error) if error is not None else "offline"
            log.warning("clinic server unreachable, working offline: %s", reason)
            self.online = False
            if self.on_offline is not None:
                self.on_offline()
        self.online = False


def audit_payload(draft: AuditDraft, at: datetime) -> dict[str, str]:
    """An audit entry as it travels in the outbox: its fields and the time the nurse saved.  Sequence
    and hashes are not here: the server chains the entry when the record arrives (``db.offline.store``)."""
    return {
        "operator": draft.operator,
        "station_id": draft.station_id,
        "action": draft.action,
        "record_kind": draft.record_kind,
        "record_id": draft.record_id,
        "detail": draft.detail,
        "at": at.isoformat(),
    }


def audit_from_payload(payload: dict[str, Any]) -> tuple[AuditDraft, datetime] | None:
    """The travelling audit entry of an outbox payload, or None (an item queued before entries travelled)."""
    data = payload.get(AUDIT_KEY)
    if not data:
        return None
    fields = {k: data[k] for k in ("operator", "station_id", "action", "record_kind", "record_id", "detail")}
    return AuditDraft(**fields), datetime.fromisoformat(data["at"])


@dataclass
class UnitItem:
    outbox: Outbox
    kind: str
    item_id: str
    payload: dict[str, Any]
    audit: dict[str, str] | None = None
    about: str | None = None  # the record its audit entry names, when not ``item_id`` (a follow-up)


@dataclass
class Unit:
    """One operation's unit of work on a server that may be away (``ResilientStore.unit_of_work``).

    ``lost`` becomes true as soon as the server is out of reach for this unit (it was offline when the
    unit began, or a call failed): from then on no call of the unit goes to the server — a server back in
    the middle would otherwise get half an operation — and at its end every record the unit wrote is
    queued with its audit entry, in one outbox transaction.
    """

    items: list[UnitItem] = field(default_factory=list)
    lost: bool = False
    queued: bool = False
    #: Queued only because a record it is about still waits in the outbox (the server is there).
    behind: bool = False
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def note(
        self, outbox: Outbox, kind: str, item_id: str, payload: dict[str, Any], about: str | None = None
    ) -> None:
        self.items.append(UnitItem(outbox, kind, item_id, payload, about=about))

    def attach(self, draft: AuditDraft, at: datetime) -> bool:
        """Give the audit entry to the record it is about; False when no record of this unit is."""
        for item in self.items:
            if (item.about or item.item_id) == draft.record_id and item.audit is None:
                item.audit = audit_payload(draft, at)
                return True
        return False

    def complete(self) -> bool:
        """Every record has its audit entry: the operation got as far as its last step."""
        return bool(self.items) and all(item.audit is not None for item in self.items)

    def queue(self, error: str) -> None:
        """Put every record, each with its audit entry, in its outbox: one transaction per outbox."""
        groups: dict[int, list[UnitItem]] = {}
        for item in self.items:
            groups.setdefault(id(item.outbox), []).append(item)
        for items in groups.values():
            items[0].outbox.put_many(
                [(i.kind, i.item_id, {**i.payload, AUDIT_KEY: i.audit}) for i in items], error[:500]
            )
        self.queued = True


def unit_of(session: Session | None) -> Unit | None:
    """The offline bookkeeping of ``session`` when it is a resilient store's unit of work."""
    if session is None:
        return None
    unit = session.info.get(UNIT)
    return unit if isinstance(unit, Unit) else None


def reachable(link: ServerLink, session: Session | None) -> bool:
    """May this call go to the server?  Not while offline, nor in a unit that has already lost it."""
    unit = unit_of(session)
    return link.online and not (unit is not None and unit.lost)


def was_queued(session: Session) -> bool:
    """After a unit of work: True when its records were kept in the outbox instead of the server.

    A plain SQLite unit (``db.transactions``) never queues, so this is False there."""
    return bool(session.info.get(QUEUED))
