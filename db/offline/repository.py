"""What both resilient repositories share: remembered reads, save-or-queue, and the idempotent replay.

A repository here wraps the SQL repository of the shared server (``primary``).  A save goes to the
server; when the server is out of reach it goes to the outbox instead (at once, or — inside a desk
operation's unit of work — at the unit's end, together with the operation's audit entry; see
``db.offline.link.Unit``).  Reads return the server's answer and remember it, so that while the server
is away the desk still shows what it showed last, plus this counter's queued saves.

Replay sends queued saves oldest first, in batches, each batch one server transaction: every record is
inserted *if absent* (its UUID was fixed at the counter) and, only when this insert wrote it, the audit
entry that travelled with it is appended in the same transaction.  So a record and its entry reach the
server together or not at all, and a replay repeated after a crash (the server committed, the outbox
did not hear it) writes neither twice.  The entries are chained on the server in the order the replay
commits them; each keeps the time the nurse saved (``at``), so an entry's time may be earlier than
the entry before it in the chain (``fever-desk audit verify`` checks the links, not the times).
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from db.audit_repository import SqlAuditRepository
from db.offline.link import (
    SERVER_ERRORS,
    ReplayResult,
    ServerLink,
    audit_from_payload,
    first_line,
    is_connection_error,
    reachable,
    unit_of,
)
from db.outbox import Outbox, Pending
from db.transactions import unit_of_work
from fever_desk import search as grammar

log = logging.getLogger(__name__)

_CACHE_SIZE = 16
_DIGITS = re.compile(r"^\d+[Xx]?$")
#: Queued saves sent per server transaction by a replay.
REPLAY_CHUNK = 100


def person_matches(name: str, id_number: str, phone: str, search: str) -> bool:
    """The lists' search grammar (``fever_desk.search``) applied in Python, for the handful of pending
    local saves, so a queued record is found by the same text as one on the server."""
    return grammar.matches(grammar.parse(search), name, id_number, phone)


class ResilientRepository:
    """The shared half of :class:`~db.offline.screenings.ResilientScreeningRepository` and
    :class:`~db.offline.purchases.ResilientPurchaseRepository`; a subclass names its outbox ``kind`` and
    says how to decode a payload and insert a record if absent."""

    kind: str
    #: How many server answers are remembered for reads while the server is away.
    remembered: int = _CACHE_SIZE

    def __init__(
        self,
        primary: Any,
        outbox: Outbox,
        *,
        link: ServerLink | None = None,
        audit: SqlAuditRepository | None = None,
    ) -> None:
        self.link = link or ServerLink()
        self._lock = self.link.lock
        self._last: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.primary = primary
        self.outbox = outbox
        self._sessions: Callable[[], Session] = primary._sessions  # the server's session factory
        self.audit = audit or SqlAuditRepository(self._sessions)

    # ---- what a subclass provides -----------------------------------------------------------------
    def decode(self, payload: dict[str, Any]) -> Any:
        raise NotImplementedError

    def insert_many_if_absent(self, records: list[Any], session: Session) -> set[Any]:
        """Insert each record unless one with its id exists (``INSERT … ON CONFLICT DO NOTHING``), in
        ``session``; the ids this call wrote."""
        raise NotImplementedError

    # ---- state ----------------------------------------------------------------------------------------
    @property
    def online(self) -> bool:
        """False from the first failed server call until a replay or probe reaches it again."""
        return self.link.online

    def pending_count(self) -> int:
        return self.outbox.count(self.kind)

    def is_queued(self, record_id: Any) -> bool:
        """Is the save of ``record_id`` waiting in this counter's outbox?"""
        return self.outbox.get(self.kind, str(record_id)) is not None

    def _queued(self, record_id: Any) -> Any | None:
        """The queued save of ``record_id`` (decoded), if this counter holds one."""
        item = self.outbox.get(self.kind, str(record_id))
        return None if item is None else self.decode(item.payload)

    def _pending_records(self) -> list[Any]:
        return [self.decode(item.payload) for item in self.outbox.pending(self.kind)]

    # ---- reads ----------------------------------------------------------------------------------------
    def _server(self, call: Callable[[], Any]) -> Any:
        return self.link.call(call)

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        self._last[key] = value
        self._last.move_to_end(key)
        while len(self._last) > self.remembered:
            self._last.popitem(last=False)

    def _known(
        self, key: tuple[Any, ...], call: Callable[[], Any], session: Session | None
    ) -> tuple[bool, Any]:
        """``(True, answer)`` from the server (remembered), ``(False, last answer or None)`` offline."""
        if reachable(self.link, session):
            try:
                value = self._server(call)
            except SERVER_ERRORS as exc:
                if not is_connection_error(exc):
                    raise
                if (unit := unit_of(session)) is not None:
                    unit.lost = True
            else:
                self._remember(key, value)
                return True, value
        return False, self._last.get(key)

    def _read(self, key: tuple[Any, ...], call: Callable[[], Any], session: Session | None = None) -> Any:
        """The server's answer (remembered), or the last one remembered for ``key`` while offline."""
        return self._known(key, call, session)[1]

    # ---- writes ---------------------------------------------------------------------------------------
    def _save_or_queue(
        self,
        record_id: str,
        payload: dict[str, Any],
        save: Callable[[], Any],
        session: Session | None,
        *,
        about: str | None = None,
    ) -> Any:
        """``save()`` on the server; when it is out of reach, the record is queued and None returned.

        Inside a unit of work (``session`` of ``ResilientStore.unit_of_work``) the record is noted on the
        unit rather than queued here: the unit queues it at its end with the operation's audit entry,
        also when the server is lost later in the unit (its audit append, its commit).  Outside a unit
        (a repository used on its own) it is queued at once.  ``about``: the record the operation's
        audit entry names, when it is not this one (a follow-up's entry is about its screening).
        While the record ``about`` names still waits in this counter's outbox (a screening saved during
        the outage, not sent yet), the save is queued behind it even with the server there: the replay
        sends it after its screening, where the server would refuse it now (before: "not saved").
        """
        unit = unit_of(session)
        behind = about is not None and self.outbox.holds(about)
        if unit is not None:
            unit.note(self.outbox, self.kind, record_id, payload, about)
            if not reachable(self.link, session):
                unit.lost = True
                return None
            if behind:  # its screening is still here: sent after it, never before (the server is up)
                unit.lost = unit.behind = True
                return None
            try:
                return self._server(save)
            except SERVER_ERRORS as exc:
                if not is_connection_error(exc):
                    raise
                unit.lost = True
                return None
        if behind:
            error = "waiting for the record it is about"
        elif self.link.online:
            try:
                return self._server(save)
            except SERVER_ERRORS as exc:
                if not is_connection_error(exc):
                    raise
                error = first_line(exc)
        else:
            error = "offline"
        self.outbox.put(self.kind, record_id, payload, error)
        return None

    # ---- replay ---------------------------------------------------------------------------------------
    def replay(self, batch: int = 500) -> ReplayResult:
        """Push up to ``batch`` queued saves, oldest first, idempotently (see the module docstring)."""
        with self._lock:
            return self._push(batch, probe_when_idle=False)

    def _push(self, batch: int, *, probe_when_idle: bool) -> ReplayResult:
        """Queued saves in chunks of :data:`REPLAY_CHUNK`, one server transaction each; a chunk the
        server refuses is sent again one item at a time, so a refused or unreadable item stays queued
        with its error and the rest go on; a lost connection ends the round."""
        items = self.outbox.pending(self.kind, limit=batch)
        pushed = 0
        try:
            if not items and probe_when_idle:
                self._server(self.primary.probe)
            decoded: list[tuple[Pending, Any]] = []
            for item in items:
                try:
                    decoded.append((item, self.decode(item.payload)))
                except (KeyError, TypeError, ValueError) as exc:  # written by a build that differs
                    self.outbox.failed(item.seq, f"unreadable: {exc}")
                    log.error("outbox item %s cannot be read, kept: %s", item.item_id, exc)
            for start in range(0, len(decoded), REPLAY_CHUNK):
                pushed += self._send_chunk(decoded[start : start + REPLAY_CHUNK])
        except SERVER_ERRORS as exc:
            if not is_connection_error(exc):
                raise
        return ReplayResult(pushed, self.pending_count(), self.link.online)

    def _send_chunk(self, chunk: list[tuple[Pending, Any]]) -> int:
        try:
            self._server(lambda: self._send(chunk))
        except SERVER_ERRORS as exc:
            if is_connection_error(exc) or len(chunk) == 1:
                self.outbox.failed(chunk[0][0].seq, first_line(exc))
                if is_connection_error(exc):
                    raise
                log.error("outbox item %s refused by the server, kept: %s", chunk[0][0].item_id, exc)
                return 0
            return sum(self._send_chunk([one]) for one in chunk)
        self.outbox.done_many([item.seq for item, _record in chunk])
        return len(chunk)

    def _send(self, chunk: list[tuple[Pending, Any]]) -> None:
        """One server transaction: the records not there yet, and the audit entries that travelled with
        exactly those (a record already there has its entry already: an earlier replay, or the save
        itself, committed both), chained in the order the records were made."""
        with unit_of_work(self._sessions) as session:
            written = self.insert_many_if_absent([record for _item, record in chunk], session)
            travelling = [
                entry
                for item, record in chunk
                if record.id in written and (entry := audit_from_payload(item.payload)) is not None
            ]
            self.audit.append_many(travelling, session=session)
